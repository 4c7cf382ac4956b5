# Helpers shared by the rule files (code dependencies, input paths, job resources); no rules here.
import json
import os
from dataclasses import asdict

from lembas_core.models.base import LINEAR_FITS, MODEL_KINDS, REGISTRY, fit_report_file, model_file
from lembas_core.workflow.code_deps import code_inputs
from lembas_core.workflow.layout import SPLITS, batch_name, batch_ranges, cohort_file_names
from lembas_core.workflow.resources import cohort_size, memory_mb, runtime_min

SCRIPTS_DIR = os.path.join(workflow.basedir, "workflow_scripts")
COHORT_DIR = "results/cohort"
INCLUDED = config["models"]["include"]


def script_code(script, *modules):
    """lembas_core files that workflow script `script` (and the dotted `modules`) import, derived from
    the imports; a rule lists them as inputs, so editing any of them reruns that rule's jobs."""
    return code_inputs(os.path.join(SCRIPTS_DIR, f"{script}.py"), *modules)


def model_code(script):
    """Code inputs of jobs with a {model} wildcard: the script plus that model kind's implementation."""
    return lambda wildcards: script_code(script, REGISTRY[wildcards.model].module)


COHORT_SIZE = cohort_size(config)


def job_resources(rule):
    """mem_mb and runtime of `rule`'s jobs, sized from the cohort; both grow on each retry.

    The fit_linear jobs are costed by their model kind (`fit_mlr`, `fit_ridge`, `fit_mean` in the tables).
    """
    scale = config["resources"]
    models, test_fraction = config["models"], config["preprocess"]["test_fraction"]

    def size(wildcards):  # jobs on one split ({split} wildcard) hold only that split's rows
        return COHORT_SIZE.split(getattr(wildcards, "split", None), test_fraction)

    def name(wildcards):
        return f"fit_{wildcards.model}" if rule == "fit_linear" else rule

    def mem_mb(wildcards, attempt):
        return memory_mb(name(wildcards), size(wildcards), attempt, scale["memory_scale"])

    def runtime(wildcards, attempt):
        return runtime_min(name(wildcards), size(wildcards), models, test_fraction, attempt, scale["runtime_scale"])

    return {"mem_mb": mem_mb, "runtime": runtime}


def synthetic_cohort_files():
    """Files the synthesize_cohort rule writes, by role."""
    names = cohort_file_names(config["data"]["synthetic"]["file_format"])
    return {role: f"{COHORT_DIR}/{name}" for role, name in names.items()}


def cohort_inputs(wildcards=None):
    """The four cohort files ingest reads: synthesised, or the user's (data.files)."""
    roles = ["tf_expression", "gene_expression", "network", "validation"]
    if config["data"]["source"] == "synthetic":
        files = synthetic_cohort_files()
        return {role: files[role] for role in roles}
    return {role: config["data"]["files"][role] for role in roles}


def cohort_format():
    """Table format of the cohort files (`auto`: from each file's extension)."""
    if config["data"]["source"] == "synthetic":
        return config["data"]["synthetic"]["file_format"]
    return config["data"]["files"]["format"]


def xgbrf_batch_files(wildcards):
    """Batch model files, derived from the number of targets once the dataset exists (checkpoint)."""
    dataset = checkpoints.preprocess.get().output[0]
    with open(os.path.join(dataset, "targets.json"), encoding="utf-8") as handle:
        n_targets = len(json.load(handle))
    n_batches = len(batch_ranges(n_targets, config["models"]["xgbrf"]["batch_size"]))
    return [f"results/models/xgbrf/batch_{batch_name(i)}.ubj" for i in range(n_batches)]


def model_outputs():
    """Trained-model files of the models listed in models.include (from the model registry)."""
    return [model_file(m) for m in INCLUDED]


def wildcard_model_file(wildcards):
    """Trained-model file of the {model} wildcard."""
    return model_file(wildcards.model)


def model_parts(wildcards):
    """Further files the {model} wildcard's model is read from: XGBRF's batch models."""
    return xgbrf_batch_files(wildcards) if wildcards.model == "xgbrf" else []


def included_xgbrf_parts(wildcards):
    """XGBRF batch models when XGBRF is trained: requested by `all`, so a deleted one is retrained."""
    return xgbrf_batch_files(wildcards) if "xgbrf" in INCLUDED else []


def shap_outputs():
    """SHAP files of every explained model x gene (shap.models that are trained)."""
    models = [m for m in config["shap"]["models"] if m in INCLUDED]
    return expand("results/shap/{model}_{gene}.npz", model=models, gene=config["shap"]["genes"])


FIGURE_SPLITS = config["evaluate"]["splits"]


def figure_outputs():
    """Figure PNGs by name (an SVG is written next to each)."""
    names = ["metrics", "strata", "latency"] + [
        f"{kind}_{split}" for kind in ("per_gene", "observed_vs_predicted") for split in FIGURE_SPLITS
    ]
    if "rnn" in INCLUDED:
        names.append("rnn_training")
    return {name: f"results/figures/{name}.png" for name in names}


def figure_caption(name):
    """Caption file of a figure; per-split figures share their kind's caption."""
    kind, _, suffix = name.rpartition("_")
    return f"captions/{kind if suffix in SPLITS else name}.rst"
