"""Snakemake script: every pipeline figure except SHAP (rule figures)."""

from lembas_core.figures import draw_report_figures
from lembas_core.layout import by_model_and_split
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    models, splits = snakemake.params.models, snakemake.params.splits
    draw_report_figures(
        snakemake.input.summary,
        snakemake.input.strata,
        by_model_and_split(models, splits, snakemake.input.per_gene),
        by_model_and_split(models, splits, snakemake.input.predictions),
        snakemake.input.dataset,
        snakemake.input.history[0] if snakemake.input.history else None,
        snakemake.input.latency,
        dict(snakemake.output.items()),
    )
