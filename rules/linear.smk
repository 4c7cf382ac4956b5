# The linear family (mean, ridge, MLR, prior_ridge and their variants): one in-process fit per model.


rule fit_linear:
    input:
        **training_rows_input(),
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
        model=alternation(trained_by("fit_linear", uses_network=False)),
    conda:
        "../envs/lembas.yaml"
    threads: threads_of("fit_linear")
    resources:
        **training_resources(),
    params:
        kind=wildcard_kind,
        settings=model_params,
    script:
        "../workflow_scripts/fit_linear.py"


# Linear models on the network (prior_ridge): the network they used is written next to them.
use rule fit_linear as fit_linear_on_network with:
    output:
        model="results/models/{model}.npz",
        report="results/models/{model}.fit.json",
        network="results/models/{model}.network.tsv",
    wildcard_constraints:
        model=alternation(trained_by("fit_linear", uses_network=True)),
