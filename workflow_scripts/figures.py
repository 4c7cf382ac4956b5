"""Snakemake script of rule figures: unpack, then call lembas_core.steps."""

from lembas_core.common.layout import by_model_and_split
from lembas_core.common.settings import roster_from_params
from lembas_core.steps.figures import FigureInputs, draw_report_figures
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    roster = roster_from_params(p.roster)
    inputs = FigureInputs(
        summary=i.summary,
        strata=i.strata,
        latency=i.latency,
        per_gene=by_model_and_split(list(roster), p.splits, i.per_gene),
        predictions=by_model_and_split(list(roster), p.splits, i.predictions),
        histories={name: (i.histories[2 * k], i.histories[2 * k + 1]) for k, name in enumerate(p.curves)},
        dataset=i.dataset,
    )
    draw_report_figures(inputs, dict(snakemake.output.items()), roster)
