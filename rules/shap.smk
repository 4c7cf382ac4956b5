# SHAP: one job per (model, gene); adding a gene to shap.genes adds only that gene's jobs.


def shap_outputs():
    models = [m for m in config["shap"]["models"] if m in config["models"]["include"]]
    return expand("results/shap/{model}_{gene}.npz", model=models, gene=config["shap"]["genes"])


rule shap:
    input:
        model=model_file,
        dataset="results/dataset",
        code=core_code(*PREDICT_MODULES, "explain", "figures"),
    output:
        npz="results/shap/{model}_{gene}.npz",
        waterfall=report("results/figures/shap/{model}_{gene}_waterfall.png", caption="captions/shap.rst", category="SHAP", labels={"model": "{model}", "gene": "{gene}", "plot": "waterfall"}),
        beeswarm=report("results/figures/shap/{model}_{gene}_beeswarm.png", caption="captions/shap.rst", category="SHAP", labels={"model": "{model}", "gene": "{gene}", "plot": "beeswarm"}),
    params:
        background=config["shap"]["background"],
        nsamples=config["shap"]["nsamples"],
        seed=config["shap"]["seed"],
    log:
        "logs/shap/{model}_{gene}.log",
    threads: 2
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/shap.py"


rule truth_recovery:
    input:
        truth=synthetic_cohort_files()["truth_edges"],
        shap=shap_outputs(),
        rnn=[MODEL_FILES["rnn"]] if "rnn" in config["models"]["include"] else [],
        code=core_code("atomic", "tables", "truth", "rnn_graph", "rnn_sparse", "rnn_model", "rnn_io"),
    output:
        report("results/metrics/truth_recovery.tsv", caption="captions/truth.rst", category="Tables", labels={"table": "ground-truth recovery"}),
    log:
        "logs/truth_recovery.log",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/truth_recovery.py"
