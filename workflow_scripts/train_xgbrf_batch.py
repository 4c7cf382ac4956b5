"""Snakemake script: train one batch of XGBRF targets (rule train_xgbrf_batch)."""

from lembas_core.runtime import job
from lembas_core.xgbrf import save_batch, train_batch_from_dataset

with job(snakemake.log[0], snakemake.threads):
    booster = train_batch_from_dataset(
        snakemake.input.dataset, int(snakemake.wildcards.batch), snakemake.params.batch_size, snakemake.params.params, snakemake.threads
    )
    save_batch(booster, snakemake.output[0])
