"""Steps of the regime map (target `regime_map`): run the benchmark in one cell, then gather every cell into
the table and the figure (:mod:`lembas_core.evaluation.regime_map`).

A cell is a whole Snakemake run of this workflow in its own folder, with the run's config and the cell's
sections replaced (:func:`lembas_core.common.regime_cells.cell_config`): rerun, it redoes only what a change
touches, as any run does, and its logs and results stay next to it for inspection.
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
from lembas_core.common.regime_cells import (
    CELL_TARGETS,
    PLAIN_MODELS,
    PROPAGATED_MODELS,
    SPLIT,
    Cell,
    sibling,
    truth_edges,
)
from lembas_core.data.perturbation_training import held_out_tfs, read_split
from lembas_core.evaluation.interventions import paired, summarize
from lembas_core.evaluation.regime_map import COLUMNS, RNN, TRANSMISSION, cell_rows, winning_cells
from lembas_core.evaluation.truth import rnn_transmission
from lembas_core.io.atomic import write_tsv
from lembas_core.io.tables import read_table
from lembas_core.models.fit_report import FitReport
from lembas_core.reporting.regime_map import regime_map_plot

LOG = logging.getLogger("lembas_core.steps.regime_map")


@dataclass(frozen=True)
class CellRun:
    """How to run one cell: the workflow's Snakefile, the cell's whole config (a dict:
    :func:`lembas_core.common.regime_cells.cell_config`), what it must make (relative to its folder), cores."""

    snakefile: str | Path
    config: dict
    targets: list[str]
    cores: int


def run_cell(run: CellRun, folder: str | Path, done: str | Path) -> None:
    """Run the benchmark of one cell in `folder` up to `run.targets` (its log: `folder`/snakemake.log), then
    write the marker `done` (the cell rule's only output, so that Snakemake never deletes the cell's results
    before a rerun: the cell's own run redoes only what changed). A failed cell raises RuntimeError naming
    the log."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder.resolve() / "cell_config.yaml"
    config.write_text(yaml.safe_dump(run.config, sort_keys=False))
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(run.snakefile), "--directory", str(folder),
               "--configfile", str(config), "--cores", str(run.cores), *run.targets]  # fmt: skip
    LOG.info("cell %s: %s", folder.name, " ".join(command))
    with open(folder / "snakemake.log", "w", encoding="utf-8") as log:
        finished = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"the regime-map cell {folder.name} failed: see {folder / 'snakemake.log'}")
    Path(done).write_text("\n".join(run.targets) + "\n")


def rnn_facts(model: str | Path, converged: str, truth_edges_table: pd.DataFrame) -> dict:
    """The RNN's `rnn_converged` (yes / no / recipe, its fit report's) and TRANSMISSION measures of `model`."""
    measures = rnn_transmission(model, truth_edges_table)
    return {"rnn_converged": converged, **{k: measures[k] for k in TRANSMISSION}}


def _tables(rows: pd.DataFrame, held_out: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, paired of LEMBAS-RNN against every rival) over the TFs of `held_out` only."""
    rows = rows[rows["tf"].astype(str).isin(held_out)]
    return summarize(rows), paired(rows, [(RNN, rival) for rival in (*PLAIN_MODELS, *PROPAGATED_MODELS)])


def gather(cells: list[tuple[Cell, str | Path]], file_format: str, out: tuple[str | Path, str | Path]) -> pd.DataFrame:
    """The regime map's table (COLUMNS, one row per cell and comparison) and figure (`out` = (table, figure))
    from the cells' folders (`cells`: each cell with the folder it ran in; the cohorts in `file_format`). Both
    trainings of a world are read on the TFs its interventional cell held out."""
    folders = {cell: Path(folder) for cell, folder in cells}
    rows = []
    for cell, folder in folders.items():
        scores = pd.read_csv(folder / CELL_TARGETS[0], sep="\t", keep_default_na=False, na_values=[""])
        truth_path = folder / truth_edges(file_format)
        truth = read_table(truth_path, format_from_extension(truth_path), "truth edges", string_columns=("TF", "Gene"))
        converged = FitReport.read(folder / CELL_TARGETS[2]).row()["converged"]
        facts = rnn_facts(folder / CELL_TARGETS[1], converged, truth)
        rows += cell_rows(cell, _tables(scores, held_out_tfs(read_split(folders[sibling(cell)] / SPLIT))), facts)
    table = pd.DataFrame(rows, columns=COLUMNS)
    write_tsv(table, out[0], float_format="%.4g")
    regime_map_plot(table, out[1])
    wins = winning_cells(table)
    LOG.info("regime map: %d cells; LEMBAS-RNN wins in %s", len(cells), ", ".join(wins) if wins else "none")
    return table
