# lembas-bench: LEMBAS-RNN vs MLR vs XGBRF, from TF expression to target-gene expression.
# Entry point: config + schema validation, then one rule file per stage. See README.md.
import os
import sys

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version, validate

sys.path.insert(0, workflow.basedir)
from lembas_core.workflow.config_errors import describe_validation_error, input_file_problem
from lembas_core.workflow.models import ConfigError, variant_config, variant_definitions
from lembas_core.workflow.settings import Settings, merged

min_version("9.0")


configfile: os.path.join(workflow.basedir, "config", "config.yaml")


SCHEMA = os.path.join(workflow.basedir, "config", "config.schema.yaml")
try:
    validate(config, SCHEMA)
except WorkflowError as error:
    raise WorkflowError(describe_validation_error(error)) from None
INPUT_PROBLEM = input_file_problem(config)
if INPUT_PROBLEM:
    raise WorkflowError(f"Invalid input: {INPUT_PROBLEM}")


# Each variant's settings (its kind's with the overrides) must pass the kind's schema too; unknown names,
# kinds and settings are ConfigErrors from variant_definitions.
try:
    for name, definition in variant_definitions(config).items():
        kind = definition["model"]
        try:
            overridden = {"models": {kind: variant_config(config, definition)}}
            validate(merged(config, overridden), SCHEMA, set_default=False)
        except WorkflowError as error:
            problem = describe_validation_error(error)
            raise ConfigError(problem.replace(f"'models.{kind}.", f"'models.variants.{name}.")) from None
    # Typed settings of every stage and model, built once; rules pass their parts as `params`.
    SETTINGS = Settings.from_config(config)
except ConfigError as error:
    raise WorkflowError(f"Invalid config: {error}") from None

# Workflow scripts import lembas_core from this checkout, also inside SLURM jobs.
# (Extends an optional variable: nothing to assert with `envvars:`.)
os.environ.update(PYTHONPATH=os.pathsep.join(p for p in (workflow.basedir, os.environ.get("PYTHONPATH")) if p))


# The report opens on the verdict (rule verdict) when it is newer than the tables it is read from, else on
# the workflow description.
VERDICT_PAGE = os.path.abspath("results/verdict.rst")
VERDICT_SOURCES = [os.path.abspath(f"results/metrics/{name}.tsv") for name in ("summary", "paired", "fits")]
# (the interventional tables, when the stage runs, are inputs of the verdict too: rules/verdict.smk)
VERDICT_CURRENT = os.path.exists(VERDICT_PAGE) and all(
    os.path.exists(f) and os.path.getmtime(f) <= os.path.getmtime(VERDICT_PAGE) for f in VERDICT_SOURCES
)


report: VERDICT_PAGE if VERDICT_CURRENT else "rules/captions/workflow.rst"


include: "rules/common.smk"


wildcard_constraints:
    batch=r"[0-9]+",
    model=alternation(FORECASTERS),
    split="|".join(SPLITS),
    gene=alternation(CONFIGURED_SHAP_GENES),


include: "rules/data.smk"
include: "rules/linear.smk"
include: "rules/xgbrf.smk"
include: "rules/rnn.smk"
include: "rules/evaluate.smk"
include: "rules/latency.smk"
include: "rules/shap.smk"
include: "rules/figures.smk"
include: "rules/ladder.smk"
include: "rules/verdict.smk"
include: "rules/interventions.smk"
include: "rules/regime_map.smk"


rule all:
    default_target: True
    input:
        "results/dataset",
        model_outputs(),
        batch_parts(MODELS),
        network_outputs(),
        "results/metrics/summary.tsv",
        "results/metrics/replicates.tsv",
        "results/latency.tsv",
        shap_outputs,
        ["results/metrics/truth_recovery.tsv"] if SYNTHETIC else [],
        figure_outputs().values(),
        ladder_outputs().values(),
        intervention_outputs().values(),
        "results/verdict.md",
        "results/summary.md",
    localrule: True
