# Multiple linear regression: one exact multi-output OLS fit on the training split.

# Code shared by the linear-family rules (fit_mlr here, fit_ridge and fit_mean in baselines.smk).
LINEAR_MODEL_CODE = core_code("atomic", "errors", "store", "dataset", "linear", "mlr", "baselines", "linear_fits")


rule fit_mlr:
    input:
        dataset="results/dataset",
        code=LINEAR_MODEL_CODE,
    output:
        "results/models/mlr.npz",
    log:
        "logs/models/mlr.log",
    benchmark:
        "logs/benchmarks/models/mlr.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 2
    resources:
        **job_resources("fit_mlr"),
    params:
        kind="mlr",
        options=config["models"]["mlr"],
    script:
        "../workflow_scripts/fit_linear.py"
