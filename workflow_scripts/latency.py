"""Snakemake script of rule latency: unpack, then call lembas_core.steps."""

from lembas_core.models.base import ModelFile
from lembas_core.steps.latency import latency_table
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    models = [ModelFile(*model) for model in zip(p.models, p.kinds, snakemake.input.models)]
    latency_table(models, snakemake.input.dataset, snakemake.output[0], snakemake.threads, p.repeats)
