"""Snakemake script of checkpoint preprocess: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import PreprocessSettings, ShapSettings, from_mapping
from lembas_core.steps.preprocess import preprocess_cohort
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    # shap.genes is only checked here, never written: read from the config, not a param, so that adding a
    # SHAP gene does not rerun preprocessing and everything after it.
    settings = from_mapping(PreprocessSettings, snakemake.params.settings, "preprocess")
    shap_genes = from_mapping(ShapSettings, snakemake.config["shap"], "shap").genes
    preprocess_cohort(snakemake.input.ingest, snakemake.output[0], settings, shap_genes)
