"""Snakemake script of rule forecast_interventions: unpack, then call lembas_core.steps."""

from lembas_core.models.base import ModelFile
from lembas_core.steps.forecast_interventions import forecast
from lembas_core.steps.runtime import job
from lembas_core.workflow.settings import model_settings

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    model = ModelFile(snakemake.wildcards.model, p.kind, i.model)
    forecast(model, model_settings(p.kind, p.settings), i.perturbations, snakemake.output[0], snakemake.threads)
