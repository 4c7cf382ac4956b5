# lembas-bench: LEMBAS-RNN vs MLR vs XGBRF, from TF expression to target-gene expression.
# Entry point: config + schema validation, then one rule file per stage. See README.md.
import os
import sys

from snakemake.exceptions import WorkflowError
from snakemake.utils import min_version, validate

sys.path.insert(0, workflow.basedir)
from lembas_core.workflow.config_errors import describe_validation_error
from lembas_core.workflow.settings import Settings

min_version("9.0")


configfile: os.path.join(workflow.basedir, "config", "config.yaml")


try:
    validate(config, os.path.join(workflow.basedir, "config", "config.schema.yaml"))
except WorkflowError as error:
    raise WorkflowError(describe_validation_error(error)) from None
# Typed settings of every stage and model, built once; rules pass their parts as `params`.
SETTINGS = Settings.from_config(config)

# Workflow scripts import lembas_core from this checkout, also inside SLURM jobs.
# (Extends an optional variable: nothing to assert with `envvars:`.)
os.environ.update(PYTHONPATH=os.pathsep.join(p for p in (workflow.basedir, os.environ.get("PYTHONPATH")) if p))


report: "rules/captions/workflow.rst"


include: "rules/common.smk"


wildcard_constraints:
    batch=r"[0-9]+",
    model="|".join(MODEL_KINDS),
    split="|".join(SPLITS),


include: "rules/data.smk"
include: "rules/linear.smk"
include: "rules/xgbrf.smk"
include: "rules/rnn.smk"
include: "rules/evaluate.smk"
include: "rules/latency.smk"
include: "rules/shap.smk"
include: "rules/figures.smk"


rule all:
    default_target: True
    input:
        "results/dataset",
        model_outputs(),
        included_xgbrf_parts,
        "results/metrics/summary.tsv",
        "results/latency.tsv",
        shap_outputs(),
        ["results/metrics/truth_recovery.tsv"] if config["data"]["source"] == "synthetic" else [],
        figure_outputs().values(),
    localrule: True
