"""Snakemake script: summary, CV-strata and paired-comparison tables (rule summarize_metrics)."""

from lembas_core.evaluate import summarize
from lembas_core.layout import by_model_and_split
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    summarize(list(snakemake.input.rows), by_model_and_split(p.models, p.splits, snakemake.input.per_gene), by_model_and_split(p.models, p.splits, snakemake.input.predictions),
              snakemake.input.dataset, snakemake.output.summary, snakemake.output.strata, snakemake.output.paired, p.include_zero_filled)
