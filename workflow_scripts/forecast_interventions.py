"""Snakemake script of rule forecast_interventions: unpack, then call lembas_core.steps."""

from lembas_core.models.base import ModelFile
from lembas_core.steps.forecast_interventions import ForecastOutputs, forecast
from lembas_core.steps.runtime import job
from lembas_core.workflow.settings import model_settings

with job(snakemake.log[0], snakemake.threads):
    p, i, w = snakemake.params, snakemake.input, snakemake.wildcards
    model = ModelFile(w.model, p.kind, i.model)
    outputs = ForecastOutputs(snakemake.output.effects, snakemake.output.scores)
    forecast(model, model_settings(p.kind, p.settings), i.perturbations, outputs, (snakemake.threads, p.top_genes))
