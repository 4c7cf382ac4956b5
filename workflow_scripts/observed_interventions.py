"""Snakemake script of rule observed_interventions: unpack, then call lembas_core.steps."""

from lembas_core.steps.intervention_truth import observed_truth
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    i = snakemake.input
    observed_truth(i.data, i.dataset, snakemake.output[0], i.get("split") or None)
