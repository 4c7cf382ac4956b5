"""Snakemake script of checkpoint preprocess: unpack, then call lembas_core.steps."""

from lembas_core.steps.preprocess import preprocess_cohort
from lembas_core.steps.runtime import job
from lembas_core.workflow.settings import PreprocessSettings

with job(snakemake.log[0], snakemake.threads):
    preprocess_cohort(snakemake.input.ingest, snakemake.output[0], PreprocessSettings(**snakemake.params.settings))
