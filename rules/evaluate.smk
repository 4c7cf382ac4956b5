# Evaluation: predictions per (model, split), scores with intervals and their replicates, gathered tables.


rule predict:
    input:
        model=wildcard_model_file,
        parts=model_parts,
        dataset="results/dataset",
        code=model_code("predict"),
    output:
        "results/predictions/{model}_{split}.npy",
    log:
        "logs/predict/{model}_{split}.log",
    benchmark:
        "logs/benchmarks/predict/{model}_{split}.tsv"
    wildcard_constraints:
        split="|".join(KEPT_SPLITS) or "(?!)",
    conda:
        "../envs/lembas.yaml"
    threads: threads_of("predict")
    resources:
        **job_resources("predict"),
    params:
        kind=wildcard_kind,
    script:
        "../workflow_scripts/predict.py"


use rule predict as predict_temporary with:
    output:
        temp("results/predictions/{model}_{split}.npy"),
    wildcard_constraints:
        split="|".join(s for s in SPLITS if s not in KEPT_SPLITS) or "(?!)",


rule score:
    input:
        predictions="results/predictions/{model}_{split}.npy",
        dataset="results/dataset",
        code=script_code("score"),
    output:
        per_gene="results/metrics/per_gene/{model}_{split}.tsv",
        summary="results/metrics/rows/{model}_{split}.tsv",
        resamples="results/metrics/resamples/{model}_{split}.npz",
    log:
        "logs/score/{model}_{split}.log",
    benchmark:
        "logs/benchmarks/score/{model}_{split}.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: threads_of("score")
    resources:
        **job_resources("score"),
    params:
        settings=SCORE_PARAMS,
    script:
        "../workflow_scripts/score.py"


rule summarize_metrics:
    input:
        rows=expand(
            "results/metrics/rows/{model}_{split}.tsv",
            model=MODELS,
            split=SCORED_SPLITS,
        ),
        per_gene=expand(
            "results/metrics/per_gene/{model}_{split}.tsv",
            model=SHOWN,
            split=SCORED_SPLITS,
        ),
        predictions=expand(
            "results/predictions/{model}_{split}.npy",
            model=SHOWN,
            split=SCORED_SPLITS,
        ),
        resamples=expand("results/metrics/resamples/{model}_{split}.npz", model=SHOWN, split=SCORED_SPLITS),
        fits=[fit_report_file(m) for m in MODELS],
        dataset="results/dataset",
        code=script_code("summarize_metrics"),
    output:
        summary=report(
            "results/metrics/summary.tsv",
            caption="captions/tables.rst",
            category="Tables",
            labels={"table": "summary"},
        ),
        strata=report(
            "results/metrics/strata.tsv",
            caption="captions/tables.rst",
            category="Tables",
            labels={"table": "CV strata"},
        ),
        paired=report(
            "results/metrics/paired.tsv",
            caption="captions/tables.rst",
            category="Tables",
            labels={"table": "paired comparison"},
        ),
        fits=report(
            "results/metrics/fits.tsv",
            caption="captions/fits.rst",
            category="Tables",
            labels={"table": "model fits"},
        ),
        replicates=report(
            "results/metrics/replicates.tsv",
            caption="captions/replicates.rst",
            category="Tables",
            labels={"table": "spread across replicates"},
        ),
    log:
        "logs/summarize_metrics.log",
    benchmark:
        "logs/benchmarks/summarize_metrics.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("summarize_metrics"),
    params:
        models=SHOWN,
        replicate_of={name: spec.replicate_of for name, spec in SPECS.items()},
        splits=SCORED_SPLITS,
        settings=SCORE_PARAMS,
    script:
        "../workflow_scripts/summarize_metrics.py"
