"""Snakemake script of rule split_perturbation_data: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import PerturbationTraining, from_mapping
from lembas_core.steps.perturbation_training import split_perturbation_data
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    training = from_mapping(PerturbationTraining, p.training, "interventions")
    split_perturbation_data(snakemake.input.data, snakemake.input.dataset, training, p.seed, snakemake.output[0])
