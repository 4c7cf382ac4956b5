"""Test helpers: a small hand-written cohort in the upstream formats, file editing, default settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.data.ingest import CohortFiles
from lembas_core.io.table_writer import write_matrix, write_table
from lembas_core.workflow.settings import Settings, default_config

REPO = Path(__file__).resolve().parent.parent
DEFAULTS = Settings.from_config(default_config())  # the embedded default config, typed
INGEST = DEFAULTS.data.ingest  # the default `data` settings of ingest

SAMPLES = [f"S{i:02d}" for i in range(1, 21)]
TF_COLUMNS = ["TFB", "TFA", "TFC", "NOTNODE"]  # deliberately not sorted; NOTNODE is not in the network
GENE_COLUMNS = ["G3", "G1", "TFB", "G2", "ORPHAN"]  # TFB is also a target; ORPHAN is not a network node
NETWORK = pd.DataFrame(
    {
        "TF": ["TFA", "TFA", "TFB", "TFB", "TFD", "TFC"],
        "Gene": ["G1", "G2", "G3", "TFA", "G1", "G2"],
        "Interaction": [1, -1, 1, 1, 1, -1],
    }
)
VALIDATION_COLUMNS = ["TFA", "TFB", "G1", "G2", "TFB_EXTRA", "G9"]  # lacks TFC, G3 and NOTNODE


def _values(rows: int, cols: int, seed: int) -> np.ndarray:
    return np.round(np.random.default_rng(seed).uniform(0, 5, (rows, cols)), 4)


def write_small_cohort(directory: Path, fmt: str = "tsv") -> CohortFiles:
    """Write the small cohort in `fmt` and return its CohortFiles."""
    ext = {"tsv": "tsv", "csv": "csv", "parquet": "parquet"}[fmt]
    paths = {
        role: directory / f"{role}.{ext}" for role in ("tf_expression", "gene_expression", "network", "validation")
    }
    tf = _values(len(SAMPLES), len(TF_COLUMNS), 1)
    genes = _values(len(SAMPLES), len(GENE_COLUMNS), 2)
    genes[:, GENE_COLUMNS.index("TFB")] = tf[:, TF_COLUMNS.index("TFB")]
    write_matrix(paths["tf_expression"], tf, SAMPLES, TF_COLUMNS, fmt)
    write_matrix(paths["gene_expression"], genes, SAMPLES, GENE_COLUMNS, fmt)
    write_table(paths["network"], NETWORK, fmt)
    write_matrix(
        paths["validation"],
        _values(6, len(VALIDATION_COLUMNS), 3),
        [f"V{i}" for i in range(6)],
        VALIDATION_COLUMNS,
        fmt,
    )
    return CohortFiles(**{k: str(v) for k, v in paths.items()}, format=fmt)


def rewrite_lines(path: str | Path, edit) -> None:
    """Apply `edit(lines) -> lines` to a text file (lines without newlines)."""
    path = Path(path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(edit(lines)) + "\n")


# Perturbation data over the small cohort: two controls (one spelled Control), TFA perturbed twice, TFB once
PERTURBATION_DESIGN = [
    ("P0", "control"),
    ("P1", "control"),
    ("P2", "TFA"),
    ("P3", "TFA"),
    ("P4", "TFB"),
    ("P5", "Control"),
]


def write_perturbation_data(
    directory: Path, design_rows: list[tuple[str, ...]], columns: tuple[str, ...] = ("sample_id", "perturbed")
) -> tuple[Path, Path]:
    """A perturbation matrix over the small cohort's TF and gene columns (samples P0-P5) and a design table
    with `design_rows` in design `columns` (sample_id, perturbed, optionally control, split); returns their
    paths."""
    genes = ["TFA", "TFB", "TFC", "G1", "G2", "G3"]
    samples = [f"P{i}" for i in range(6)]
    matrix, table = directory / "perturbations.tsv", directory / "design.tsv"
    directory.mkdir(parents=True, exist_ok=True)
    write_matrix(matrix, _values(len(samples), len(genes), 5), samples, genes, "tsv")
    write_table(table, pd.DataFrame(design_rows, columns=list(columns)), "tsv")
    return matrix, table
