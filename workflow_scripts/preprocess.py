"""Snakemake script of checkpoint preprocess: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import PreprocessSettings, from_mapping
from lembas_core.steps.preprocess import preprocess_cohort
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    settings = from_mapping(PreprocessSettings, snakemake.params.settings, "preprocess")
    preprocess_cohort(snakemake.input.ingest, snakemake.output[0], settings, snakemake.params.shap_genes)
