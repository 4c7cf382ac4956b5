# SHAP: one job per (model, gene); adding a gene to shap.genes adds only that gene's jobs. The genes are
# checked against the dataset's targets after the preprocess checkpoint (rules/common.smk, explained_genes).


rule shap:
    input:
        model=wildcard_model_file,
        parts=model_parts,
        dataset="results/dataset",
        code=model_code("shap"),
    output:
        npz="results/shap/{model}_{gene}.npz",
        waterfall=report(
            "results/figures/shap/{model}_{gene}_waterfall.png",
            caption="captions/shap.rst",
            category="SHAP",
            labels={"model": "{model}", "gene": "{gene}", "plot": "waterfall"},
        ),
        beeswarm=report(
            "results/figures/shap/{model}_{gene}_beeswarm.png",
            caption="captions/shap.rst",
            category="SHAP",
            labels={"model": "{model}", "gene": "{gene}", "plot": "beeswarm"},
        ),
    log:
        "logs/shap/{model}_{gene}.log",
    benchmark:
        "logs/benchmarks/shap/{model}_{gene}.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: threads_of("shap")
    resources:
        **job_resources("shap"),
    params:
        settings=asdict(SETTINGS.shap.gradient),
        kind=wildcard_kind,
        label=lambda wildcards: MODEL_LABELS[wildcards.model],  # the plots' titles
    script:
        "../workflow_scripts/shap.py"


rule truth_recovery:
    input:
        truth=synthetic_cohort_files()["truth_edges"],
        shap=shap_outputs,
        weighted=model_outputs(WEIGHTED),
        code=script_code("truth_recovery"),
    output:
        report(
            "results/metrics/truth_recovery.tsv",
            caption="captions/truth.rst",
            category="Tables",
            labels={"table": "ground-truth recovery"},
        ),
    log:
        "logs/truth_recovery.log",
    benchmark:
        "logs/benchmarks/truth_recovery.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("truth_recovery"),
    params:
        weighted=WEIGHTED,
    script:
        "../workflow_scripts/truth_recovery.py"
