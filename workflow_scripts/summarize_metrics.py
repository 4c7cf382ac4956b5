"""Snakemake script of rule summarize_metrics: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.summarize_metrics import summarize
from lembas_core.workflow.layout import by_model_and_split

with job(snakemake.log[0], snakemake.threads):
    p, i, out = snakemake.params, snakemake.input, snakemake.output
    per_gene = by_model_and_split(p.models, p.splits, i.per_gene)
    predictions = by_model_and_split(p.models, p.splits, i.predictions)
    outputs = (out.summary, out.strata, out.paired, out.fits, out.replicates)
    summarize(
        list(i.rows), per_gene, predictions, list(i.fits), i.dataset, *outputs, p.include_zero_filled, p.replicate_of
    )
