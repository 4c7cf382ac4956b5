"""Snakemake script of rule fit_linear (MLR, ridge, mean): unpack, then call lembas_core.steps."""

from lembas_core.steps.fit_linear import fit_linear
from lembas_core.steps.runtime import job
from lembas_core.workflow.settings import model_settings

with job(snakemake.log[0], snakemake.threads):
    kind = snakemake.wildcards.model
    settings, out = model_settings(kind, snakemake.params.settings), snakemake.output
    fit_linear(kind, snakemake.input.dataset, settings, out.model, out.report)
