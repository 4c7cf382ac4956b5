"""Snakemake script: summary, CV-strata and paired-comparison tables (rule summarize_metrics)."""

from lembas_core.evaluate import summarize
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    summarize(list(snakemake.input.rows), p.models, p.splits, snakemake.input.dataset, "results/predictions/{model}_{split}.npy",
              snakemake.output.summary, snakemake.output.strata, snakemake.output.paired, p.include_zero_filled)
