"""Snakemake script of rule perturbation_training_rows: unpack, then call lembas_core.steps."""

from lembas_core.steps.perturbation_training import perturbation_training_rows
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    i = snakemake.input
    perturbation_training_rows(i.data, i.split, i.dataset, snakemake.output[0])
