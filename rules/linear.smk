# The linear family (MLR, ridge, training mean): one in-process fit per model kind on the training split.


rule fit_linear:
    input:
        dataset="results/dataset",
        code=model_code("fit_linear"),
    output:
        model="results/models/{model}.npz",
        report="results/models/{model}.fit.json",
    log:
        "logs/models/{model}.log",
    benchmark:
        "logs/benchmarks/models/{model}.tsv"
    wildcard_constraints:
        model="|".join(LINEAR_FITS),
    conda:
        "../envs/lembas.yaml"
    threads: 2
    resources:
        **job_resources("fit_linear"),
    params:
        settings=lambda wildcards: SETTINGS.model_params(wildcards.model),
    script:
        "../workflow_scripts/fit_linear.py"
