"""Snakemake script: fit MLR, ridge or the mean baseline (rules fit_mlr, fit_ridge, fit_mean)."""

from lembas_core.linear_fits import fit_linear
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    fit_linear(snakemake.params.kind, snakemake.input.dataset, snakemake.params.options).save(snakemake.output[0])
