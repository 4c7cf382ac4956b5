"""Snakemake script of rule regime_map_cell: unpack, then call lembas_core.steps."""

from lembas_core.steps.regime_map import CellRun, run_cell
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    run_cell(CellRun(p.snakefile, p.config, p.targets, snakemake.threads), p.folder, snakemake.output[0])
