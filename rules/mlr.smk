# Multiple linear regression: one exact multi-output OLS fit on the training split.

# Code shared by the linear-family rules (fit_mlr here, fit_ridge and fit_mean in baselines.smk).
LINEAR_MODEL_CODE = core_code("atomic", "errors", "store", "dataset", "linear", "mlr", "baselines", "linear_fits")


rule fit_mlr:
    input:
        dataset="results/dataset",
        code=LINEAR_MODEL_CODE,
    output:
        "results/models/mlr.npz",
    params:
        kind="mlr",
        options=config["models"]["mlr"],
    log:
        "logs/models/mlr.log",
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/fit_linear.py"
