# The ablation ladder ("What the network adds"): every model next to the network controls.

LADDER_SPLITS = [s for s in SCORED_SPLITS if s != "train"] or list(SCORED_SPLITS)
LADDER_CATEGORY = "What the network adds"


rule ladder:
    input:
        summary="results/metrics/summary.tsv",
        replicates="results/metrics/replicates.tsv",
        per_gene=expand("results/metrics/per_gene/{model}_{split}.tsv", model=SHOWN, split=LADDER_SPLITS),
        resamples=expand("results/metrics/resamples/{model}_{split}.npz", model=SHOWN, split=LADDER_SPLITS),
        truth_genes=[synthetic_cohort_files()["truth_genes"]] if SYNTHETIC else [],
        truth_recovery=["results/metrics/truth_recovery.tsv"] if SYNTHETIC else [],
        code=script_code("ladder"),
    output:
        **{
            name: report(path, caption="captions/ladder.rst", category=LADDER_CATEGORY, labels={"item": name})
            for name, path in ladder_outputs().items()
        },
    log:
        "logs/ladder.log",
    benchmark:
        "logs/benchmarks/ladder.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("ladder"),
    params:
        roster=SETTINGS.roster(SHOWN),
        splits=LADDER_SPLITS,
        settings=SCORE_PARAMS,
    script:
        "../workflow_scripts/ladder.py"
