"""Snakemake script of rule summarize_interventions: unpack, then call lembas_core.steps."""

from lembas_core.common.layout import by_model_and_split
from lembas_core.common.settings import roster_from_params
from lembas_core.io.interventions import PerturbationSet
from lembas_core.steps.runtime import job
from lembas_core.steps.summarize_interventions import (
    InterventionTables,
    draw_interventions,
    summarize_interventions,
)

with job(snakemake.log[0], snakemake.threads):
    p, i, o = snakemake.params, snakemake.input, snakemake.output
    roster = roster_from_params(p.roster)
    tables = InterventionTables(o.interventions, o.interventions_summary, o.interventions_paired)
    levels = [PerturbationSet.load(path) for path in i.perturbations]  # read once, for the tables and the figure
    summarize_interventions(i.scores, levels, list(roster), p.top_genes, tables)
    effects = by_model_and_split(list(roster), p.levels, i.effects)
    draw_interventions(o.interventions, levels, effects, roster, o.figure)
