"""Snakemake script of rule assemble_xgbrf: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.train_xgbrf import assemble_xgbrf

with job(snakemake.log[0], snakemake.threads):
    assemble_xgbrf(list(snakemake.input.batches), snakemake.output[0])
