# LEMBAS-RNN (and its variants): sparse, GPU-tagged training job (runs on CPU when no GPU is visible).


rule train_rnn:
    input:
        **training_rows_input(),
        dataset="results/dataset",
        code=script_code("train_rnn"),
    output:
        model="results/models/{model}.pt",
        history="results/models/{model}_training.tsv",
        report="results/models/{model}.fit.json",
        network="results/models/{model}.network.tsv",
    log:
        "logs/models/{model}.log",
    benchmark:
        "logs/benchmarks/models/{model}.tsv"
    wildcard_constraints:
        model=alternation(trained_by("train_rnn")),
    conda:
        "../envs/lembas.yaml"
    threads: threads_of("train_rnn")
    resources:
        **training_resources(),
        **gpu_request(trained_by("train_rnn")),
    params:
        kind=wildcard_kind,
        settings=model_params,  # what defines the model
        execution=rerunning_nothing(execution_params),  # the device and checkpoint period rerun nothing
        # not an output: it must survive a killed job so that the rerun resumes from it
        checkpoint="results/models/{model}.checkpoint.pt",
    script:
        "../workflow_scripts/train_rnn.py"
