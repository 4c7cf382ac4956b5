# Floor baselines: the training mean per gene, and ridge with a per-gene cross-validated penalty.


rule fit_ridge:
    input:
        dataset="results/dataset",
        code=LINEAR_MODEL_CODE,
    output:
        "results/models/ridge.npz",
    params:
        kind="ridge",
        options=config["models"]["ridge"],
    log:
        "logs/models/ridge.log",
    threads: 2
    resources:
        mem_mb=8000,
        runtime=60,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/fit_linear.py"


rule fit_mean:
    input:
        dataset="results/dataset",
        code=LINEAR_MODEL_CODE,
    output:
        "results/models/mean.npz",
    params:
        kind="mean",
        options={},
    log:
        "logs/models/mean.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/fit_linear.py"
