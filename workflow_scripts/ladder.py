"""Snakemake script of rule ladder: unpack, then call lembas_core.steps."""

from lembas_core.common.layout import by_model_and_split
from lembas_core.common.settings import ScoreSettings, roster_from_params
from lembas_core.steps.ladder import LadderInputs, ladder_report
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    roster = roster_from_params(p.roster)
    inputs = LadderInputs(
        i.summary,
        i.replicates,
        by_model_and_split(list(roster), p.splits, i.per_gene),
        by_model_and_split(list(roster), p.splits, i.resamples),
        i.truth_genes[0] if i.truth_genes else None,
        i.truth_recovery[0] if i.truth_recovery else None,
    )
    ladder_report(inputs, roster, dict(snakemake.output.items()), ScoreSettings.from_params(p.settings))
