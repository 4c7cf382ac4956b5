"""Snakemake script of rule figures: unpack, then call lembas_core.steps."""

from lembas_core.steps.figures import draw_report_figures
from lembas_core.steps.runtime import job
from lembas_core.workflow.layout import by_model_and_split

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    draw_report_figures(
        i.summary,
        i.strata,
        by_model_and_split(p.models, p.splits, i.per_gene),
        by_model_and_split(p.models, p.splits, i.predictions),
        i.dataset,
        {name: (i.histories[2 * k], i.histories[2 * k + 1]) for k, name in enumerate(p.rnn_models)},
        i.latency,
        dict(snakemake.output.items()),
        dict(zip(p.models, p.kinds)),
    )
