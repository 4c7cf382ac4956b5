# Data stages: synthesise (default) or take the user's files, ingest once to binary, preprocess.


rule synthesize_cohort:
    output:
        **synthetic_cohort_files(),
    input:
        code=core_code("atomic", "layout", "names", "synthetic", "synthetic_network", "synthetic_expression", "tables"),
    params:
        preset=config["data"]["synthetic"]["preset"],
        overrides=config["data"]["synthetic"]["overrides"],
        file_format=config["data"]["synthetic"]["file_format"],
        seed=config["seed"],
    log:
        "logs/synthesize_cohort.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/synthesize_cohort.py"


rule ingest:
    input:
        **cohort_inputs(),
        code=core_code("atomic", "errors", "tables", "network", "store", "ingest"),
    output:
        directory("results/ingest"),
    params:
        format=cohort_format(),
        self_loops=config["data"]["self_loops"],
    log:
        "logs/ingest.log",
    threads: 2
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/ingest.py"


checkpoint preprocess:
    input:
        ingest="results/ingest",
        code=core_code("atomic", "errors", "store", "preprocess"),
    output:
        directory("results/dataset"),
    params:
        **config["preprocess"],
    log:
        "logs/preprocess.log",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/preprocess.py"
