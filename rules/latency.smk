# Inference latency: every model in one job (one after the other, so they never compete for cores).


rule latency:
    input:
        models=model_outputs(SHOWN),
        parts=batch_parts(SHOWN),
        dataset="results/dataset",
        code=script_code("latency", *(SPECS[m].model_kind.module for m in SHOWN)),
    output:
        report("results/latency.tsv", caption="captions/tables.rst", category="Tables", labels={"table": "latency"}),
    log:
        "logs/latency.log",
    benchmark:
        "logs/benchmarks/latency.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: SETTINGS.latency.threads
    resources:
        **job_resources("latency"),
    params:
        roster=SETTINGS.roster(SHOWN),  # in the order of input.models
        repeats=SETTINGS.latency.repeats,
    script:
        "../workflow_scripts/latency.py"
