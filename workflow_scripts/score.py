"""Snakemake script of rule score: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.score import score_split
from lembas_core.workflow.settings import ScoreSettings

with job(snakemake.log[0], snakemake.threads):
    w, out = snakemake.wildcards, snakemake.output
    settings = ScoreSettings(**snakemake.params.settings)
    score_split(
        w.model, w.split, snakemake.input.predictions, snakemake.input.dataset, out.per_gene, out.summary, settings
    )
