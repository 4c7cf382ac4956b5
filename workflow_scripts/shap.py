"""Snakemake script of rule shap: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.shap import explain
from lembas_core.workflow.settings import ShapSettings

with job(snakemake.log[0], snakemake.threads):
    w, out = snakemake.wildcards, snakemake.output
    settings = ShapSettings(**snakemake.params.settings)
    explain(
        snakemake.params.kind,
        snakemake.input.model,
        w.gene,
        snakemake.input.dataset,
        out.npz,
        out.waterfall,
        out.beeswarm,
        settings,
        snakemake.threads,
        w.model,
    )
