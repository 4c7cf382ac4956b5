"""Snakemake script of rule ladder: unpack, then call lembas_core.steps."""

from lembas_core.common.layout import by_model_and_split
from lembas_core.common.settings import ScoreSettings, from_mapping
from lembas_core.steps.ladder import LadderInputs, ladder_report
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    inputs = LadderInputs(
        i.summary,
        i.replicates,
        by_model_and_split(p.models, p.splits, i.per_gene),
        by_model_and_split(p.models, p.splits, i.resamples),
        i.truth_genes[0] if i.truth_genes else None,
        i.truth_recovery[0] if i.truth_recovery else None,
    )
    kinds, networks = dict(zip(p.models, p.kinds)), dict(zip(p.models, p.networks))
    settings = from_mapping(ScoreSettings, p.settings, "evaluate")
    ladder_report(inputs, kinds, networks, dict(snakemake.output.items()), settings)
