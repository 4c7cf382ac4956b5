# XGBRF: one job per batch of targets (models.xgbrf.batch_size); the batch count follows the data.


rule train_xgbrf_batch:
    input:
        dataset="results/dataset",
        code=script_code("train_xgbrf_batch"),
    output:
        "results/models/xgbrf/batch_{batch}.ubj",
    log:
        "logs/models/xgbrf/batch_{batch}.log",
    benchmark:
        "logs/benchmarks/models/xgbrf/batch_{batch}.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 2
    resources:
        **job_resources("train_xgbrf_batch"),
        **({"gpu": 1} if SETTINGS.xgbrf_execution.device == "cuda" else {}),
    params:
        settings=SETTINGS.model_params("xgbrf"),
    script:
        "../workflow_scripts/train_xgbrf_batch.py"


rule assemble_xgbrf:
    input:
        batches=xgbrf_batch_files,
        code=script_code("assemble_xgbrf"),
    output:
        index="results/models/xgbrf/index.json",
        report="results/models/xgbrf.fit.json",
    log:
        "logs/models/xgbrf/assemble.log",
    benchmark:
        "logs/benchmarks/models/xgbrf/assemble.tsv"
    localrule: True
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("assemble_xgbrf"),
    params:
        settings=SETTINGS.model_params("xgbrf"),
    script:
        "../workflow_scripts/assemble_xgbrf.py"
