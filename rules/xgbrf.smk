# XGBRF (and its variants, replicates): one job per batch of targets (batch_size); the batch count follows the data.


rule train_xgbrf_batch:
    input:
        dataset="results/dataset",
        code=script_code("train_xgbrf_batch"),
    output:
        "results/models/{model}/batch_{batch}.ubj",
    log:
        "logs/models/{model}/batch_{batch}.log",
    benchmark:
        "logs/benchmarks/models/{model}/batch_{batch}.tsv"
    wildcard_constraints:
        model=alternation(names_of("xgbrf")),
    conda:
        "../envs/lembas.yaml"
    threads: 2
    resources:
        **job_resources("train_xgbrf_batch"),
        **({"gpu": 1} if any(SPECS[n].execution.device == "cuda" for n in names_of("xgbrf")) else {}),
    params:
        settings=model_params,
    script:
        "../workflow_scripts/train_xgbrf_batch.py"


rule assemble_xgbrf:
    input:
        batches=xgbrf_batch_files,
        code=script_code("assemble_xgbrf"),
    output:
        index="results/models/{model}/index.json",
        report="results/models/{model}.fit.json",
    log:
        "logs/models/{model}/assemble.log",
    benchmark:
        "logs/benchmarks/models/{model}/assemble.tsv"
    wildcard_constraints:
        model=alternation(names_of("xgbrf")),
    localrule: True
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("assemble_xgbrf"),
    params:
        settings=model_params,
    script:
        "../workflow_scripts/assemble_xgbrf.py"
