# XGBRF: one job per batch of targets (models.xgbrf.batch_size); the batch count follows the data.


rule train_xgbrf_batch:
    input:
        dataset="results/dataset",
        code=core_code("atomic", "errors", "store", "dataset", "layout", "xgbrf"),
    output:
        "results/models/xgbrf/batch_{batch}.ubj",
    params:
        batch_size=config["models"]["xgbrf"]["batch_size"],
        params=config["models"]["xgbrf"]["params"],
    log:
        "logs/models/xgbrf/batch_{batch}.log",
    threads: 2
    resources:
        mem_mb=4000,
        runtime=120,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/train_xgbrf_batch.py"


rule assemble_xgbrf:
    input:
        batches=xgbrf_batch_files,
        code=core_code("atomic", "errors", "xgbrf"),
    output:
        "results/models/xgbrf/index.json",
    log:
        "logs/models/xgbrf/assemble.log",
    localrule: True
    threads: 1
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/assemble_xgbrf.py"
