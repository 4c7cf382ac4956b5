"""Snakemake script of rule regime_map: unpack, then call lembas_core.steps."""

from lembas_core.common.regime_cells import regime_cells
from lembas_core.steps.regime_map import gather
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p, o = snakemake.params, snakemake.output
    cells = {cell.name: cell for cell in regime_cells(p.settings["depths"], p.settings["feedback_depth"])}
    gather([(cells[name], folder) for name, folder in p.cells.items()], p.file_format, (o.table, o.figure))
