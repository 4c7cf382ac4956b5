# Floor baselines: the training mean per gene, and ridge with a per-gene cross-validated penalty.


rule fit_ridge:
    input:
        dataset="results/dataset",
        code=LINEAR_MODEL_CODE,
    output:
        "results/models/ridge.npz",
    log:
        "logs/models/ridge.log",
    benchmark:
        "logs/benchmarks/models/ridge.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 2
    resources:
        **job_resources("fit_ridge"),
    params:
        kind="ridge",
        options=config["models"]["ridge"],
    script:
        "../workflow_scripts/fit_linear.py"


rule fit_mean:
    input:
        dataset="results/dataset",
        code=LINEAR_MODEL_CODE,
    output:
        "results/models/mean.npz",
    log:
        "logs/models/mean.log",
    benchmark:
        "logs/benchmarks/models/mean.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("fit_mean"),
    params:
        kind="mean",
        options={},
    script:
        "../workflow_scripts/fit_linear.py"
