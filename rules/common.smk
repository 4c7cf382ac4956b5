# Helpers shared by the rule files (code dependencies, input paths, job resources); no rules here.
import json
import os
import re
from dataclasses import asdict

from lembas_core.models.base import REGISTRY, fit_report_file, model_file, network_file
from lembas_core.workflow.code_deps import code_inputs
from lembas_core.workflow.layout import SPLITS, batch_name, batch_ranges, cohort_file_names
from lembas_core.workflow.resources import cohort_size, job_threads, memory_mb, runtime_min
from lembas_core.data.shap_genes import configured_genes, shap_genes
from lembas_core.io.errors import InputDataError
from snakemake.logging import logger

SCRIPTS_DIR = os.path.join(workflow.basedir, "workflow_scripts")
COHORT_DIR = "results/cohort"
# Every model of the run (kinds, variants, replicates) by name; SHOWN leaves out replicates 2..N, which
# are trained and scored only (results/metrics/replicates.tsv).
SPECS = SETTINGS.specs
MODELS = list(SPECS)
SHOWN = SETTINGS.first_replicates()
SHOWN_RNNS = [n for n in SHOWN if SPECS[n].kind == "rnn"]


def alternation(names):
    """Wildcard regex matching exactly one of `names` (longest first; none: matches nothing)."""
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) or "(?!)"


names_of = SETTINGS.names_of  # models of the run of the given kinds, replicates included
# linear kinds fitted in one step, by fit_linear or (those that use the network) fit_linear_on_network
LINEAR_KINDS = [k for k, kind in REGISTRY.items() if kind.fit and not kind.uses_network]
NETWORK_LINEAR_KINDS = [k for k, kind in REGISTRY.items() if kind.fit and kind.uses_network]


def script_code(script, *modules):
    """lembas_core files that workflow script `script` (and the dotted `modules`) import, derived from
    the imports; a rule lists them as inputs, so editing any of them reruns that rule's jobs."""
    return code_inputs(os.path.join(SCRIPTS_DIR, f"{script}.py"), *modules)


def model_code(script):
    """Code inputs of jobs with a {model} wildcard: the script plus that model's kind's implementation."""
    return lambda wildcards: script_code(script, REGISTRY[SPECS[wildcards.model].kind].module)


def model_params(wildcards):
    """The {model} wildcard's typed settings as a plain dict, for `params` (a change reruns its jobs)."""
    return SETTINGS.model_params(wildcards.model)


COHORT_SIZE = cohort_size(config)


def threads_of(rule):
    """Threads of `rule`'s jobs, from the cohort size (lembas_core.workflow.resources.job_threads)."""
    return job_threads(rule, COHORT_SIZE)


def job_resources(rule):
    """mem_mb and runtime of `rule`'s jobs, sized from the cohort; both grow on each retry.

    The fit_linear jobs are costed by their model kind (`fit_mlr`, `fit_ridge`, ... in the tables);
    training jobs of a variant by its own settings (e.g. its epochs).
    """
    scale = config["resources"]
    test_fraction = config["preprocess"]["test_fraction"]

    def size(wildcards):  # jobs on one split ({split} wildcard) hold only that split's rows
        return COHORT_SIZE.split(getattr(wildcards, "split", None), test_fraction)

    def name(wildcards):
        return f"fit_{SPECS[wildcards.model].kind}" if rule == "fit_linear" else rule

    def models(wildcards):
        spec = SPECS.get(getattr(wildcards, "model", None))
        return {**config["models"], spec.kind: spec.values} if spec else config["models"]

    def mem_mb(wildcards, attempt):
        return memory_mb(name(wildcards), size(wildcards), attempt, scale["memory_scale"])

    def runtime(wildcards, attempt):
        minutes = runtime_min(
            name(wildcards), size(wildcards), models(wildcards), test_fraction, attempt, scale["runtime_scale"]
        )
        return minutes

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


def batch_files(name):
    """Batch model files of XGBRF model `name`, from the number of targets once the dataset exists (checkpoint)."""
    dataset = checkpoints.preprocess.get().output[0]
    with open(os.path.join(dataset, "targets.json"), encoding="utf-8") as handle:
        n_targets = len(json.load(handle))
    n_batches = len(batch_ranges(n_targets, SPECS[name].settings.batch_size))
    return [f"results/models/{name}/batch_{batch_name(i)}.ubj" for i in range(n_batches)]


def xgbrf_batch_files(wildcards):
    """Batch model files of the {model} wildcard (an XGBRF model)."""
    return batch_files(wildcards.model)


def files_of(name):
    """Trained-model file of model `name` (from the registry's file pattern of its kind)."""
    return model_file(SPECS[name].kind, name)


def model_outputs(names=None):
    """Trained-model files of the run's models (default: all, replicates included)."""
    return [files_of(n) for n in (MODELS if names is None else names)]


def wildcard_model_file(wildcards):
    """Trained-model file of the {model} wildcard."""
    return files_of(wildcards.model)


def model_parts(wildcards):
    """Further files the {model} wildcard's model is read from: XGBRF's batch models."""
    return xgbrf_batch_files(wildcards) if SPECS[wildcards.model].kind == "xgbrf" else []


def xgbrf_parts(names):
    """Batch models of the XGBRF models among `names` (a function of wildcards, for the checkpoint)."""
    return lambda wildcards: [f for n in names if SPECS[n].kind == "xgbrf" for f in batch_files(n)]


def explained():
    """Shown models whose kind is in shap.models."""
    return [n for n in SHOWN if SPECS[n].kind in config["shap"]["models"]]


CONFIGURED_SHAP_GENES = configured_genes(config["shap"]["genes"])[0]
_SHAP_GENES = {}  # the resolved list, once per run (the checkpoint's output does not change within a run)


def explained_genes():
    """Genes SHAP explains, once the dataset exists (checkpoint): default genes the cohort lacks are
    skipped with a warning; explicitly listed ones that it lacks stop the run before any model trains."""
    dataset = checkpoints.preprocess.get().output[0]
    if dataset not in _SHAP_GENES:
        try:
            genes, warning = shap_genes(config["shap"]["genes"], dataset)
        except InputDataError as error:
            raise WorkflowError(f"Invalid config: {error}") from None
        if warning:
            logger.warning(warning)
        _SHAP_GENES[dataset] = genes
    return _SHAP_GENES[dataset]


def shap_outputs(wildcards=None):
    """SHAP files of every explained model x gene (an input function: the genes follow the checkpoint)."""
    return expand("results/shap/{model}_{gene}.npz", model=explained(), gene=explained_genes())


def network_outputs():
    """The network file written next to every model that uses the network."""
    return [network_file(n) for n in MODELS if REGISTRY[SPECS[n].kind].uses_network]


FIGURE_SPLITS = config["evaluate"]["splits"]


def figure_outputs():
    """Figure PNGs by name (an SVG is written next to each)."""
    names = ["metrics", "strata", "latency"] + [
        f"{kind}_{split}" for kind in ("per_gene", "observed_vs_predicted") for split in FIGURE_SPLITS
    ]
    names += [f"{n}_training" for n in SHOWN_RNNS]
    return {name: f"results/figures/{name}.png" for name in names}


def rnn_histories():
    """(training history, fit report) of every shown RNN model, flattened."""
    return [f for n in SHOWN_RNNS for f in (f"results/models/{n}_training.tsv", fit_report_file(n))]


def figure_caption(name):
    """Caption file of a figure; per-split figures share their kind's caption, RNN training curves one."""
    kind, _, suffix = name.rpartition("_")
    if suffix == "training":
        return "captions/rnn_training.rst"
    return f"captions/{kind if suffix in SPLITS else name}.rst"


SYNTHETIC = config["data"]["source"] == "synthetic"


def ladder_outputs():
    """Tables and figure of the ablation ladder, by name (the truth breakdown on synthetic data only)."""
    outputs = {
        "table": "results/metrics/ladder.tsv",
        "paired": "results/metrics/ladder_paired.tsv",
        "figure": "results/figures/ladder.png",
    }
    if SYNTHETIC:
        outputs["truth"] = "results/metrics/ladder_truth.tsv"
    return outputs
