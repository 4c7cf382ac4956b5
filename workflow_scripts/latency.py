"""Snakemake script: inference latency of every model on the validation cohort (rule latency)."""

from lembas_core.latency import write_latency_table
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    write_latency_table(dict(zip(snakemake.params.models, snakemake.input.models)), snakemake.input.dataset, snakemake.output[0], snakemake.threads, snakemake.params.repeats)
