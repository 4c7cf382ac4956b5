# Figures and report tables (SHAP plots come from rules/shap.smk).

FIGURE_SPLITS = config["evaluate"]["splits"]


def figure_outputs():
    names = ["metrics", "strata", "latency"] + [f"{kind}_{split}" for kind in ("per_gene", "observed_vs_predicted") for split in FIGURE_SPLITS]
    if "rnn" in config["models"]["include"]:
        names.append("rnn_training")
    return {name: f"results/figures/{name}.png" for name in names}


FIGURE_CAPTIONS = {"metrics": "metrics", "strata": "strata", "latency": "latency", "rnn_training": "rnn_training"}


rule figures:
    input:
        summary="results/metrics/summary.tsv",
        strata="results/metrics/strata.tsv",
        latency="results/latency.tsv",
        per_gene=expand("results/metrics/per_gene/{model}_{split}.tsv", model=config["models"]["include"], split=FIGURE_SPLITS),
        predictions=expand("results/predictions/{model}_{split}.npy", model=config["models"]["include"], split=FIGURE_SPLITS),
        history=["results/models/rnn_training.tsv"] if "rnn" in config["models"]["include"] else [],
        dataset="results/dataset",
        code=core_code("store", "dataset", "figures"),
    output:
        **{
            name: report(path, caption=f"captions/{FIGURE_CAPTIONS.get(name, name.rsplit('_', 1)[0])}.rst", category="Figures", labels={"figure": name})
            for name, path in figure_outputs().items()
        },
    params:
        models=config["models"]["include"],
        splits=FIGURE_SPLITS,
    log:
        "logs/figures.log",
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    conda:
        "../envs/lembas.yaml"
    script:
        "../workflow_scripts/figures.py"
