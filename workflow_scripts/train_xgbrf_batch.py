"""Snakemake script of rule train_xgbrf_batch: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.train_xgbrf import train_xgbrf_batch
from lembas_core.workflow.settings import Settings, model_settings

with job(snakemake.log[0], snakemake.threads):
    spec = Settings.from_config(snakemake.config).specs[snakemake.wildcards.model]  # its device reruns nothing
    settings = model_settings(spec.kind, snakemake.params.settings)
    batch = int(snakemake.wildcards.batch)
    train_xgbrf_batch(snakemake.input.dataset, batch, settings, spec.execution, snakemake.threads, snakemake.output[0])
