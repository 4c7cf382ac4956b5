# Figures and report tables (SHAP plots come from rules/shap.smk).


rule figures:
    input:
        summary="results/metrics/summary.tsv",
        strata="results/metrics/strata.tsv",
        latency="results/latency.tsv",
        per_gene=expand("results/metrics/per_gene/{model}_{split}.tsv", model=SHOWN, split=SCORED_SPLITS),
        predictions=expand("results/predictions/{model}_{split}.npy", model=SHOWN, split=SCORED_SPLITS),
        histories=training_histories(),
        dataset="results/dataset",
        code=script_code("figures"),
    output:
        **{
            name: report(path, caption=figure_caption(name), category="Figures", labels={"figure": name})
            for name, path in figure_outputs().items()
        },
    log:
        "logs/figures.log",
    benchmark:
        "logs/benchmarks/figures.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("figures"),
    params:
        roster=SETTINGS.roster(SHOWN),
        curves=CURVES,
        splits=SCORED_SPLITS,
    script:
        "../workflow_scripts/figures.py"
