"""Snakemake script: summary, CV-strata and paired-comparison tables (rule summarize_metrics)."""

from lembas_core.evaluate import summarize
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    keys = [(m, s) for m in p.models for s in p.splits]  # the order of expand() in the rule
    summarize(list(snakemake.input.rows), dict(zip(keys, snakemake.input.per_gene)), dict(zip(keys, snakemake.input.predictions)),
              snakemake.input.dataset, snakemake.output.summary, snakemake.output.strata, snakemake.output.paired, p.include_zero_filled)
