"""Snakemake script of rule assemble_xgbrf: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.train_xgbrf import assemble_xgbrf
from lembas_core.workflow.settings import model_settings

with job(snakemake.log[0], snakemake.threads):
    settings = model_settings(snakemake.params.kind, snakemake.params.settings)
    out = snakemake.output
    assemble_xgbrf(list(snakemake.input.batches), settings, out.index, out.report, snakemake.wildcards.model)
