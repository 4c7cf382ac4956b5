# Helpers shared by the rule files: code dependencies and input paths.
import json
import os

from lembas_core.layout import MODEL_KINDS, SPLITS, batch_name, batch_ranges, cohort_file_names

CORE_DIR = os.path.join(workflow.basedir, "lembas_core")
COHORT_DIR = "results/cohort"


def core_code(*modules):
    """lembas_core source files a rule depends on: editing one reruns the rule's jobs."""
    return [os.path.join(CORE_DIR, f"{m}.py") for m in ("__init__", "runtime", *modules)]


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
    if config["data"]["source"] == "synthetic":
        return config["data"]["synthetic"]["file_format"]
    return config["data"]["files"]["format"]


wildcard_constraints:
    batch=r"[0-9]+",
    model="|".join(MODEL_KINDS),
    split="|".join(SPLITS),


def xgbrf_batch_files(wildcards):
    """Batch model files, derived from the number of targets once the dataset exists (checkpoint)."""
    dataset = checkpoints.preprocess.get().output[0]
    with open(os.path.join(dataset, "targets.json"), encoding="utf-8") as handle:
        n_targets = len(json.load(handle))
    n_batches = len(batch_ranges(n_targets, config["models"]["xgbrf"]["batch_size"]))
    return [f"results/models/xgbrf/batch_{batch_name(i)}.ubj" for i in range(n_batches)]


MODEL_FILES = {
    "mlr": "results/models/mlr.npz",
    "ridge": "results/models/ridge.npz",
    "mean": "results/models/mean.npz",
    "xgbrf": "results/models/xgbrf/index.json",
    "rnn": "results/models/rnn.pt",
}


def model_outputs():
    """Trained-model files of the models listed in models.include."""
    return [MODEL_FILES[m] for m in config["models"]["include"]]
