"""Steps of the regime map (target `regime_map`): run the benchmark in one cell, then gather every cell into
the table and the figure (:mod:`lembas_core.evaluation.regime_map`).

A cell is a whole Snakemake run of this workflow in its own folder, with the run's config and the cell's
overlay (:func:`lembas_core.common.regime_cells.cell_overlay`): it reruns only what a change touches, as any
run does, and its logs and results stay next to it for inspection.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from lembas_core.common.layout import format_from_extension
from lembas_core.common.regime_cells import CELL_TARGETS, Cell, cell_targets
from lembas_core.evaluation.regime_map import COLUMNS, TRANSMISSION, cell_rows, winning_cells
from lembas_core.evaluation.truth import rnn_transmission
from lembas_core.io.atomic import write_tsv
from lembas_core.io.tables import read_table
from lembas_core.models.fit_report import FitReport
from lembas_core.reporting.regime_map import regime_map_plot

LOG = logging.getLogger("lembas_core.steps.regime_map")


@dataclass(frozen=True)
class CellRun:
    """How to run one cell: the workflow's Snakefile, the run's config and the cell's overlay (dicts), cores."""

    snakefile: str | Path
    config: dict
    overlay: dict
    cores: int


def run_cell(run: CellRun, folder: str | Path) -> None:
    """Run the benchmark of one cell in `folder` up to CELL_TARGETS; its log is `folder`/snakemake.log. A failed
    cell raises RuntimeError naming that log."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    configs = [folder.resolve() / "run_config.yaml", folder.resolve() / "cell_config.yaml"]
    for path, values in zip(configs, (run.config, run.overlay)):
        path.write_text(yaml.safe_dump(values, sort_keys=False))
    targets = cell_targets(run.config["data"]["synthetic"]["file_format"])
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(run.snakefile), "--directory", str(folder),
               "--configfile", *map(str, configs), "--cores", str(run.cores), *targets]  # fmt: skip
    LOG.info("cell %s: %s", folder.name, " ".join(command))
    with open(folder / "snakemake.log", "w", encoding="utf-8") as log:
        done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the regime-map cell {folder.name} failed: see {folder / 'snakemake.log'}")


def rnn_facts(model: str | Path, converged: str, truth_edges: pd.DataFrame) -> dict:
    """The RNN's `rnn_converged` (yes / no / recipe, its fit report's) and TRANSMISSION measures of `model`."""
    measures = rnn_transmission(model, truth_edges)
    return {"rnn_converged": converged, **{k: measures[k] for k in TRANSMISSION}}


def gather(cells: list[tuple[Cell, str | Path]], table_out: str | Path, figure_out: str | Path) -> pd.DataFrame:
    """The regime map's table (COLUMNS, one row per cell and comparison) and figure from the cells' folders
    (`cells`: each cell with the folder it ran in)."""
    rows = []
    for cell, folder in cells:
        folder = Path(folder)
        tables = tuple(pd.read_csv(folder / CELL_TARGETS[i], sep="\t") for i in (0, 1))
        truth_path = next((folder / "results" / "cohort").glob("truth_edges.*"))
        truth = read_table(truth_path, format_from_extension(truth_path), "truth edges", string_columns=("TF", "Gene"))
        converged = FitReport.read(folder / CELL_TARGETS[3]).row()["converged"]
        rows += cell_rows(cell, tables, rnn_facts(folder / CELL_TARGETS[2], converged, truth))
    table = pd.DataFrame(rows, columns=COLUMNS)
    write_tsv(table, table_out, float_format="%.4g")
    regime_map_plot(table, figure_out)
    wins = winning_cells(table)
    LOG.info("regime map: %d cells; LEMBAS-RNN wins in %s", len(cells), ", ".join(wins) if wins else "none")
    return table
