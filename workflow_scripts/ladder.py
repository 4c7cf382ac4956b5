"""Snakemake script of rule ladder: unpack, then call lembas_core.steps."""

from lembas_core.steps.ladder import ladder_report
from lembas_core.steps.runtime import job
from lembas_core.workflow.layout import by_model_and_split

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    ladder_report(
        i.summary,
        i.replicates,
        by_model_and_split(p.models, p.splits, i.per_gene),
        dict(zip(p.models, p.kinds)),
        dict(zip(p.models, p.networks)),
        dict(snakemake.output.items()),
        p.include_zero_filled,
        i.truth_genes[0] if i.truth_genes else None,
        i.truth_recovery[0] if i.truth_recovery else None,
    )
