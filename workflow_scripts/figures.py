"""Snakemake script: every pipeline figure except SHAP (rule figures)."""

from lembas_core.figures import draw_report_figures
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    keys = [(m, s) for m in snakemake.params.models for s in snakemake.params.splits]
    draw_report_figures(
        snakemake.input.summary,
        snakemake.input.strata,
        dict(zip(keys, snakemake.input.per_gene)),
        dict(zip(keys, snakemake.input.predictions)),
        snakemake.input.dataset,
        snakemake.input.history[0] if snakemake.input.history else None,
        snakemake.input.latency,
        dict(snakemake.output.items()),
    )
