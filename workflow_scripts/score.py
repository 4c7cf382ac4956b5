"""Snakemake script: per-gene table and headline row of one (model, split) (rule score)."""

from lembas_core.evaluate import score_split
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    score_split(snakemake.wildcards.model, snakemake.wildcards.split, snakemake.input.predictions, snakemake.input.dataset,
                snakemake.output.per_gene, snakemake.output.summary, p.n_boot, p.seed, p.include_zero_filled)
