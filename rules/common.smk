# Helpers shared by the rule files: code dependencies and input paths.
import os

CORE_DIR = os.path.join(workflow.basedir, "lembas_core")
COHORT_DIR = "results/cohort"


def core_code(*modules):
    """lembas_core source files a rule depends on: editing one reruns the rule's jobs."""
    return [os.path.join(CORE_DIR, f"{m}.py") for m in ("__init__", "runtime", *modules)]


def synthetic_cohort_files():
    """Files the synthesize_cohort rule writes, by role."""
    ext = config["data"]["synthetic"]["file_format"]
    roles = ["tf_expression", "gene_expression", "network", "validation", "truth_edges", "truth_genes"]
    files = {role: f"{COHORT_DIR}/{role}.{ext}" for role in roles}
    files["summary"] = f"{COHORT_DIR}/cohort.json"
    return files


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
