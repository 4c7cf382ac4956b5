"""Snakemake script of rule summarize_metrics: unpack, then call lembas_core.steps."""

from lembas_core.common.layout import by_model_and_split
from lembas_core.common.settings import ScoreSettings
from lembas_core.steps.runtime import job
from lembas_core.steps.summarize_metrics import SummaryInputs, SummaryOutputs, summarize

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    inputs = SummaryInputs(
        rows=list(i.rows),
        per_gene=by_model_and_split(p.models, p.splits, i.per_gene),
        predictions=by_model_and_split(p.models, p.splits, i.predictions),
        fit_reports=list(i.fits),
        dataset=i.dataset,
        resamples=by_model_and_split(p.models, p.splits, i.resamples),
    )
    outputs = SummaryOutputs(**dict(snakemake.output.items()))
    settings = ScoreSettings.from_params(p.settings)
    summarize(inputs, outputs, settings, p.replicate_of)
