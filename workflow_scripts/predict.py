"""Snakemake script: predictions of one model on one dataset split (rules predict, predict_temporary)."""

from lembas_core.predictors import predict_split
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    predict_split(snakemake.wildcards.model, snakemake.input.model, snakemake.input.dataset, snakemake.wildcards.split, snakemake.output[0], snakemake.threads)
