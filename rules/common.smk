# Helpers shared by the rule files (code dependencies, input paths, job resources); no rules here.
import hashlib
import json
import os
import re
from dataclasses import asdict

from lembas_core.common.layout import COHORT_FILES, SPLITS, batch_name, batch_ranges, cohort_file_names
from lembas_core.models.base import fit_report_file, history_file, model_file, network_file, part_file
from lembas_core.workflow.code_deps import code_inputs
from lembas_core.workflow.resources import (
    cohort_size,
    job_threads,
    memory_mb,
    rule_estimate,
    runtime_min,
    training_estimate,
)
from lembas_core.data.shap_genes import configured_genes, shap_genes
from lembas_core.io.errors import InputDataError
from snakemake.logging import logger

SCRIPTS_DIR = os.path.join(workflow.basedir, "workflow_scripts")
SYNTHETIC = SETTINGS.data.source == "synthetic"
COHORT_DIR = "results/cohort"
# Every model of the run (kinds, variants, replicates) by name; MODELS are those fitted under their own name
# (all but forecast-only variants, which forecast interventions with their kind's model: FORECASTERS has
# them too); SHOWN leaves out replicates 2..N, which are trained and scored only (results/metrics/replicates.tsv),
# SHOWN_FORECASTERS is what the interventional stage forecasts (first replicates, forecast-only variants too).
SPECS = SETTINGS.specs
FORECASTERS = list(SPECS)
MODELS = SETTINGS.fitted()
SHOWN = SETTINGS.first_replicates()
SHOWN_FORECASTERS = SETTINGS.first_replicates(fitted_only=False)
MODEL_LABELS = {name: member["label"] for name, member in SETTINGS.roster(FORECASTERS).items()}  # display names
CURVES = [n for n in SHOWN if SPECS[n].model_kind.training_curve]  # models whose training curve is drawn
WEIGHTED = [n for n in SHOWN if SPECS[n].model_kind.edge_weights]  # models with one weight per network edge


def alternation(names):
    """Wildcard regex matching exactly one of `names` (longest first; none: matches nothing)."""
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) or "(?!)"


trained_by = SETTINGS.trained_by  # models of the run trained by a rule, replicates included


def script_code(script, *modules):
    """lembas_core files that workflow script `script` (and the dotted `modules`) import, derived from
    the imports; a rule lists them as inputs, so editing any of them reruns that rule's jobs."""
    return code_inputs(os.path.join(SCRIPTS_DIR, f"{script}.py"), *modules)


def model_code(script):
    """Code inputs of jobs with a {model} wildcard: the script plus that model's kind's implementation."""
    return lambda wildcards: script_code(script, SPECS[wildcards.model].model_kind.module)


def model_params(wildcards):
    """The {model} wildcard's typed settings as a plain dict, for `params` (a change reruns its jobs)."""
    return SETTINGS.model_params(wildcards.model)


def rerunning_nothing(value):
    """A `params` entry that Snakemake's params trigger leaves out, so that a change reruns nothing: a function
    of the job's `resources` is a derived param, which the trigger skips (like a change of the resources
    themselves). For settings that change no result: where a job runs, or what it only checks. `value` is the
    entry, or a function of the wildcards that gives it."""
    return lambda wildcards, resources: value(wildcards) if callable(value) else value


def execution_params(wildcards):
    """Where the {model} wildcard's jobs run (its kind's execution settings, e.g. the device) as a plain dict;
    for `params` through `rerunning_nothing`."""
    return SETTINGS.execution_params(wildcards.model)


def wildcard_kind(wildcards):
    """The {model} wildcard's kind, for `params`."""
    return SPECS[wildcards.model].kind


SCORED_SPLITS = list(SETTINGS.evaluate.splits)  # scored, summarised and drawn
KEPT_SPLITS = list(SETTINGS.evaluate.keep_predictions)  # the others' predictions are deleted once scored
SCORE_PARAMS = SETTINGS.evaluate.score.params()  # only what the interval method reads: a change reruns scoring


COHORT_SIZE = cohort_size(SETTINGS.data, SETTINGS.resources)


def threads_of(rule):
    """Threads of `rule`'s jobs, from the cohort size (lembas_core.workflow.resources.job_threads)."""
    return job_threads(rule, COHORT_SIZE)


RESOURCE_SETTINGS = SETTINGS.resources
TEST_FRACTION = SETTINGS.preprocess.test_fraction


def _requests(estimate):
    """mem_mb and runtime request functions (both grow on each retry) from `estimate(wildcards)`:
    (memory MB, minutes) before the safety factors."""

    def mem_mb(wildcards, attempt):
        return memory_mb(estimate(wildcards)[0], attempt, RESOURCE_SETTINGS.memory_scale)

    def runtime(wildcards, attempt):
        return runtime_min(estimate(wildcards)[1], attempt, RESOURCE_SETTINGS.runtime_scale)

    return {"mem_mb": mem_mb, "runtime": runtime}


def job_resources(rule):
    """mem_mb and runtime of `rule`'s jobs (a rule that trains no model), sized from the cohort; jobs on
    one split ({split} wildcard) hold only that split's rows."""
    return _requests(
        lambda wildcards: rule_estimate(rule, COHORT_SIZE.split(getattr(wildcards, "split", None), TEST_FRACTION))
    )


def training_resources():
    """mem_mb and runtime of the {model} wildcard's training jobs, from its kind's cost model and its own
    settings (e.g. a variant's epochs)."""

    def estimate(wildcards):
        spec = SPECS[wildcards.model]
        return training_estimate(spec.model_kind, spec.settings, COHORT_SIZE, TEST_FRACTION)

    return _requests(estimate)


def gpu_request(names):
    """`gpu=1` when any of the models `names` trains on a GPU (its kind's `gpu` hook), else nothing."""
    return {"gpu": 1} if any(SPECS[n].model_kind.gpu(SPECS[n].execution) for n in names) else {}


def synthetic_cohort_files():
    """Files the synthesize_cohort rule writes, by role."""
    names = cohort_file_names(SETTINGS.data.synthetic.file_format)
    return {role: f"{COHORT_DIR}/{name}" for role, name in names.items()}


def cohort_inputs(wildcards=None):
    """The four cohort files ingest reads: synthesised, or the user's (data.files)."""
    if SYNTHETIC:
        files = synthetic_cohort_files()
        return {role: files[role] for role in COHORT_FILES}
    return {role: getattr(SETTINGS.data.files, role) for role in COHORT_FILES}


def batch_files(name):
    """Batch model files of XGBRF model `name`, from the number of targets once the dataset exists (checkpoint)."""
    dataset = checkpoints.preprocess.get().output[0]
    with open(os.path.join(dataset, "targets.json"), encoding="utf-8") as handle:
        n_targets = len(json.load(handle))
    n_batches = len(batch_ranges(n_targets, SPECS[name].settings.batch_size))
    return [part_file(SPECS[name].kind, SPECS[name].fitted_as, batch_name(i)) for i in range(n_batches)]


def wildcard_batch_files(wildcards):
    """Batch model files of the {model} wildcard (a batch-trained model)."""
    return batch_files(wildcards.model)


def files_of(name):
    """Trained-model file of model `name` (from the registry's file pattern of its kind): its own, or for a
    forecast-only variant the file of the model it forecasts with."""
    return model_file(SPECS[name].kind, SPECS[name].fitted_as)


def model_outputs(names=None):
    """Trained-model files of the run's models (default: all, replicates included)."""
    return [files_of(n) for n in (MODELS if names is None else names)]


def wildcard_model_file(wildcards):
    """Trained-model file of the {model} wildcard."""
    return files_of(wildcards.model)


def batched(name):
    """Whether model `name` is trained in batches of targets (its kind has part files)."""
    return bool(SPECS[name].model_kind.part_file)


def model_parts(wildcards):
    """Further files the {model} wildcard's model is read from: the batch models of a batch-trained kind."""
    return batch_files(wildcards.model) if batched(wildcards.model) else []


def batch_parts(names):
    """Batch models of the batch-trained models among `names` (a function of wildcards, for the checkpoint)."""
    return lambda wildcards: [f for n in names if batched(n) for f in batch_files(n)]


def explained():
    """Shown models whose kind is in shap.models."""
    return [n for n in SHOWN if SPECS[n].kind in SETTINGS.shap.models]


CONFIGURED_SHAP_GENES = configured_genes(SETTINGS.shap.genes)[0]
_SHAP_GENES = {}  # the resolved list, once per run (the checkpoint's output does not change within a run)


def explained_genes():
    """Genes SHAP explains, once the dataset exists (checkpoint): default genes the cohort lacks are
    skipped with a warning; explicitly listed ones that it lacks stop the run before any model trains."""
    dataset = checkpoints.preprocess.get().output[0]
    if dataset not in _SHAP_GENES:
        try:
            genes, warning = shap_genes(SETTINGS.shap.genes, dataset)
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
    return [network_file(n) for n in MODELS if SPECS[n].model_kind.uses_network]


def figure_outputs():
    """Figure PNGs by name (an SVG is written next to each)."""
    names = ["metrics", "strata", "latency"] + [
        f"{kind}_{split}" for kind in ("per_gene", "observed_vs_predicted") for split in SCORED_SPLITS
    ]
    names += [f"{n}_training" for n in CURVES]
    return {name: f"results/figures/{name}.png" for name in names}


def training_histories():
    """(training history, fit report) of every shown model with a training curve, flattened."""
    return [f for n in CURVES for f in (history_file(n), fit_report_file(n))]


def figure_caption(name):
    """Caption file of a figure; per-split figures share their kind's caption, RNN training curves one."""
    kind, _, suffix = name.rpartition("_")
    if suffix == "training":
        return "captions/rnn_training.rst"
    return f"captions/{kind if suffix in SPLITS else name}.rst"


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


# The interventional stage (rules/interventions.smk): its levels (none: the stage is off) and files.
PERTURBATION_DATA = "results/interventions/perturbation_data.npz"  # the user's, checked
USER_PERTURBATIONS = not SYNTHETIC and bool(SETTINGS.data.files.interventions)
INTERVENTIONS = SETTINGS.interventions
# Interventional training data (lembas_core.data.perturbation_training): the synthetic cohort's, generated when
# interventions.train_fraction / train_tfs ask for them; the user's perturbation data are always split (by their
# design's split column or those settings; with neither, every TF is held out and the rows file is empty).
SYNTHETIC_TRAINING = SYNTHETIC and INTERVENTIONS.training.enabled
TRAINS_ON_PERTURBATIONS = SYNTHETIC_TRAINING or USER_PERTURBATIONS
PERTURBATION_SPLIT = "results/interventions/split.tsv"
REGIME_MAP_TABLE = "results/regime_map/regime_map.tsv"  # target regime_map (rules/regime_map.smk)
TRAINING_ROWS = "results/interventions/training_rows.npz"
SYNTHETIC_TRAINING_DATA = "results/interventions/training_data.npz"  # the generated samples, ingested
OBSERVED_LEVEL = "observed"  # the one level of the user's perturbation data
if SYNTHETIC:
    LEVELS = list(INTERVENTIONS.levels)
elif USER_PERTURBATIONS:
    LEVELS = [OBSERVED_LEVEL]
else:
    LEVELS = []


def file_digest(path):
    """SHA-256 of the file at `path` when it exists, else None: a `params` entry that reruns a job when a file
    that is not its input appears or changes."""
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def config_digest(values):
    """The first 12 hex digits of the SHA-256 of the run's configuration as canonical JSON (sorted keys): the
    results page's stamp of which settings made it."""
    canonical = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def training_rows_input():
    """The `perturbation_rows` input of every training rule: the interventional training rows, when any."""
    return {"perturbation_rows": TRAINING_ROWS} if TRAINS_ON_PERTURBATIONS else {}


def split_input():
    """The `split` input of the jobs that label or choose perturbations by training / held-out TF, when any."""
    return {"split": PERTURBATION_SPLIT} if TRAINS_ON_PERTURBATIONS else {}


def perturbation_file(level):
    """The perturbations of `level` with their true effects: next to the synthetic cohort's ground truth, or
    from the user's perturbation data."""
    return f"{COHORT_DIR}/interventions/{level}.npz" if SYNTHETIC else f"results/interventions/{level}.npz"


def intervention_outputs():
    """Tables and figure of the interventional stage, by name (none without perturbations to score)."""
    if not LEVELS:
        return {}
    names = ("interventions", "interventions_summary", "interventions_paired")
    return {name: f"results/metrics/{name}.tsv" for name in names} | {"figure": "results/figures/interventions.png"}
