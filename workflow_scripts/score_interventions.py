"""Snakemake script of rule score_interventions: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.score_interventions import score_forecasts

with job(snakemake.log[0], snakemake.threads):
    i, p = snakemake.input, snakemake.params
    score_forecasts(snakemake.wildcards.model, i.perturbations, i.effects, snakemake.output[0], p.top_genes)
