"""Snakemake script of rule score: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import ScoreSettings
from lembas_core.steps.runtime import job
from lembas_core.steps.score import ScoreOutputs, score_split

with job(snakemake.log[0], snakemake.threads):
    w, i = snakemake.wildcards, snakemake.input
    settings = ScoreSettings.from_params(snakemake.params.settings)
    outputs = ScoreOutputs(**dict(snakemake.output.items()))
    score_split(w.model, w.split, i.predictions, i.dataset, outputs, settings)
