"""Snakemake script: list the XGBRF batch files in target order (rule assemble_xgbrf)."""

from lembas_core.runtime import job
from lembas_core.xgbrf import write_index

with job(snakemake.log[0], snakemake.threads):
    write_index(list(snakemake.input.batches), snakemake.output[0])
