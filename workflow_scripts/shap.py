"""Snakemake script: SHAP values and plots of one (model, gene) (rule shap)."""

from lembas_core.explain import explain_for_pipeline
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    explain_for_pipeline(snakemake.wildcards.model, snakemake.input.model, snakemake.wildcards.gene, snakemake.input.dataset, snakemake.output.npz,
                         snakemake.output.waterfall, snakemake.output.beeswarm, snakemake.threads, p.background, p.nsamples, p.seed)
