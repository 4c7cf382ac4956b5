# Data stages: synthesise (default) or take the user's files, ingest once to binary, preprocess.


rule synthesize_cohort:
    input:
        code=script_code("synthesize_cohort"),
    output:
        **synthetic_cohort_files(),
    log:
        "logs/synthesize_cohort.log",
    benchmark:
        "logs/benchmarks/synthesize_cohort.tsv"
    retries: 0  # deterministic: a bad input fails the same way again, so it is reported once
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("synthesize_cohort"),
    params:
        settings=asdict(SETTINGS.data.synthetic),
        seed=SETTINGS.seed,
    script:
        "../workflow_scripts/synthesize_cohort.py"


rule ingest:
    input:
        **cohort_inputs(),
        code=script_code("ingest"),
    output:
        directory("results/ingest"),
    log:
        "logs/ingest.log",
    benchmark:
        "logs/benchmarks/ingest.tsv"
    retries: 0  # deterministic: a bad input fails the same way again, so it is reported once
    conda:
        "../envs/lembas.yaml"
    threads: 2
    resources:
        **job_resources("ingest"),
    params:
        format=SETTINGS.data.table_format,
        settings=asdict(SETTINGS.data.ingest),
    script:
        "../workflow_scripts/ingest.py"


checkpoint preprocess:
    input:
        ingest="results/ingest",
        perturbation_data=[PERTURBATION_DATA] if USER_PERTURBATIONS else [],  # checked before any model trains
        code=script_code("preprocess"),
    output:
        directory("results/dataset"),
    log:
        "logs/preprocess.log",
    benchmark:
        "logs/benchmarks/preprocess.tsv"
    retries: 0  # deterministic: a bad input fails the same way again, so it is reported once
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("preprocess"),
    params:
        settings=asdict(SETTINGS.preprocess),
        # only checked here, never written: adding a SHAP gene reruns neither preprocessing nor what follows it
        shap_genes=rerunning_nothing(SETTINGS.shap.genes),
    script:
        "../workflow_scripts/preprocess.py"
