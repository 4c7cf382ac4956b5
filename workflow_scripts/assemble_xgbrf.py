"""Snakemake script of rule assemble_xgbrf: unpack, then call lembas_core.steps."""

from lembas_core.models.base import model_kind
from lembas_core.steps.runtime import job
from lembas_core.steps.train_xgbrf import assemble_xgbrf

with job(snakemake.log[0], snakemake.threads):
    settings = model_kind(snakemake.params.kind).from_params(snakemake.params.settings)
    out = snakemake.output
    assemble_xgbrf(list(snakemake.input.batches), settings, out.index, out.report, snakemake.wildcards.model)
