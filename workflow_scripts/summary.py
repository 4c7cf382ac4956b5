"""Snakemake script of rule summary: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import roster_from_params
from lembas_core.steps.runtime import job
from lembas_core.steps.summary import SummaryFiles, write_summary

with job(snakemake.log[0], snakemake.threads):
    i, p = snakemake.input, snakemake.params
    interventions = (i.interventions, i.interventions_figure) if i.get("interventions") else None
    files = SummaryFiles(i.verdict, i.summary, i.fits, (i.ladder, i.ladder_figure), interventions)
    write_summary(files, roster_from_params(p.roster), p.config_digest, snakemake.output[0])
