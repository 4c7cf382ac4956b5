"""Snakemake script of rule train_xgbrf_batch: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.train_xgbrf import train_xgbrf_batch
from lembas_core.workflow.models import resolve_models
from lembas_core.workflow.settings import model_settings

with job(snakemake.log[0], snakemake.threads):
    settings = model_settings("xgbrf", snakemake.params.settings)
    execution = resolve_models(snakemake.config)[snakemake.wildcards.model].execution  # the device reruns nothing
    batch = int(snakemake.wildcards.batch)
    train_xgbrf_batch(
        snakemake.input.dataset, batch, settings, snakemake.threads, snakemake.output[0], execution.device
    )
