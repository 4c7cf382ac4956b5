"""Snakemake script of rule train_xgbrf_batch: unpack, then call lembas_core.steps."""

from lembas_core.models.settings import split_xgbrf_config
from lembas_core.steps.runtime import job
from lembas_core.steps.train_xgbrf import train_xgbrf_batch
from lembas_core.workflow.settings import model_settings

with job(snakemake.log[0], snakemake.threads):
    settings = model_settings("xgbrf", snakemake.params.settings)
    _, execution = split_xgbrf_config(snakemake.config["models"]["xgbrf"])  # the device reruns nothing
    batch = int(snakemake.wildcards.batch)
    train_xgbrf_batch(
        snakemake.input.dataset, batch, settings, snakemake.threads, snakemake.output[0], execution.device
    )
