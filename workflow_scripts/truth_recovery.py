"""Snakemake script of rule truth_recovery: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.truth_recovery import truth_recovery

with job(snakemake.log[0], snakemake.threads):
    weighted = dict(zip(snakemake.params.weighted, snakemake.input.weighted))
    truth_recovery(snakemake.input.truth, list(snakemake.input.shap), weighted, snakemake.output[0])
