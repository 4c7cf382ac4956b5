# XGBRF (and its variants, replicates): one job per batch of targets (batch_size); the batch count follows the data.


rule train_xgbrf_batch:
    input:
        **training_rows_input(),
        dataset="results/dataset",
        code=script_code("train_xgbrf_batch"),
    output:
        "results/models/{model}/batch_{batch}.ubj",
    log:
        "logs/models/{model}/batch_{batch}.log",
    benchmark:
        "logs/benchmarks/models/{model}/batch_{batch}.tsv"
    wildcard_constraints:
        model=alternation(trained_by("train_xgbrf_batch")),
    conda:
        "../envs/lembas.yaml"
    threads: 2
    resources:
        **training_resources(),
        **gpu_request(trained_by("train_xgbrf_batch")),
    params:
        kind=wildcard_kind,
        settings=model_params,
        execution=rerunning_nothing(execution_params),  # the device reruns nothing
    script:
        "../workflow_scripts/train_xgbrf_batch.py"


rule assemble_xgbrf:
    input:
        batches=wildcard_batch_files,
        code=script_code("assemble_xgbrf"),
    output:
        index="results/models/{model}/index.json",
        report="results/models/{model}.fit.json",
    log:
        "logs/models/{model}/assemble.log",
    benchmark:
        "logs/benchmarks/models/{model}/assemble.tsv"
    wildcard_constraints:
        model=alternation(trained_by("train_xgbrf_batch")),
    localrule: True
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("assemble_xgbrf"),
    params:
        kind=wildcard_kind,
        settings=model_params,
    script:
        "../workflow_scripts/assemble_xgbrf.py"
