# Inference latency: every model in one job (one after the other, so they never compete for cores).


rule latency:
    input:
        models=model_outputs(),
        dataset="results/dataset",
        code=core_code(*PREDICT_MODULES, "latency"),
    output:
        report("results/latency.tsv", caption="captions/tables.rst", category="Tables", labels={"table": "latency"}),
    params:
        models=config["models"]["include"],
        repeats=config["latency"]["repeats"],
    log:
        "logs/latency.log",
    threads: config["latency"]["threads"]
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/latency.py"
