"""Snakemake script of rule latency: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import roster_from_params
from lembas_core.models.base import ModelFile
from lembas_core.steps.latency import latency_table
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    roster = roster_from_params(p.roster)
    models = [ModelFile(name, member.kind, path) for (name, member), path in zip(roster.items(), i.models)]
    latency_table(models, i.dataset, snakemake.output[0], snakemake.threads, p.repeats)
