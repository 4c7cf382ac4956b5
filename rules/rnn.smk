# LEMBAS-RNN: sparse, GPU-tagged training job (runs on CPU when no GPU is visible).


rule train_rnn:
    input:
        dataset="results/dataset",
        code=script_code("train_rnn"),
    output:
        model="results/models/rnn.pt",
        history="results/models/rnn_training.tsv",
        report="results/models/rnn.fit.json",
    log:
        "logs/models/rnn.log",
    benchmark:
        "logs/benchmarks/models/rnn.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 2
    resources:
        **job_resources("train_rnn"),
        gpu=1,
    params:
        # only what defines the model: the device and checkpoint period (models.rnn) rerun nothing
        settings=SETTINGS.model_params("rnn"),
        # not an output: it must survive a killed job so that the rerun resumes from it
        checkpoint="results/models/rnn.checkpoint.pt",
    script:
        "../workflow_scripts/train_rnn.py"
