# LEMBAS-RNN: sparse, GPU-tagged training job (runs on CPU when no GPU is visible).


rule train_rnn:
    input:
        dataset="results/dataset",
        code=core_code(
            "atomic",
            "errors",
            "store",
            "dataset",
            "rnn_graph",
            "rnn_sparse",
            "rnn_model",
            "rnn_train",
            "rnn_io",
            "rnn_fit",
        ),
    output:
        model="results/models/rnn.pt",
        history="results/models/rnn_training.tsv",
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
        options=config["models"]["rnn"],
        # not an output: it must survive a killed job so that the rerun resumes from it
        checkpoint="results/models/rnn.checkpoint.pt",
    script:
        "../workflow_scripts/train_rnn.py"
