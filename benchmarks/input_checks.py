"""The input checks of ingest at the upstream shapes: the value-scale scan and the leakage search.

Timing depends on the shapes, not the values: random log-scale-like matrices of the upstream size
(15,935 training samples, 1,197 TF + 16,100 gene columns; a 262 x 20,000 validation cohort sharing
17,190 of them). Peak memory is the inputs (about 1.2 GB) plus what the checks add.

Usage: python benchmarks/input_checks.py
Writes benchmarks/results/input_checks.tsv.
"""

from __future__ import annotations

import numpy as np
from common import timed, write_table

from lembas_core.data.leakage import check_validation_leakage
from lembas_core.data.scale import check_log_scale
from lembas_core.io.tables import LabeledMatrix


def upstream_shaped(seed: int = 0) -> tuple[LabeledMatrix, LabeledMatrix, LabeledMatrix]:
    """(TF matrix, gene matrix, validation cohort) of the upstream shapes, values in [0, 5)."""
    rng = np.random.default_rng(seed)
    samples = [f"S{i}" for i in range(15935)]
    tf = LabeledMatrix(rng.random((15935, 1197), dtype=np.float32) * 5, samples, [f"T{j}" for j in range(1197)])
    genes = LabeledMatrix(rng.random((15935, 16100), dtype=np.float32) * 5, samples, [f"G{j}" for j in range(16100)])
    columns = [f"T{j}" for j in range(1190)] + [f"G{j}" for j in range(16000)] + [f"X{j}" for j in range(2810)]
    validation = LabeledMatrix(
        rng.random((262, len(columns)), dtype=np.float32) * 5, [f"V{i}" for i in range(262)], columns
    )
    return tf, genes, validation


def main() -> None:
    tf, genes, validation = upstream_shaped()
    scan_s, _ = timed(lambda: check_log_scale(genes, "gene_expression", "gene matrix", "none"))
    leak_s, (_, report) = timed(lambda: check_validation_leakage(validation, tf, genes, "error"))
    assert report["identical_values"] == 0
    rows = [
        ("check", "seconds"),
        ("scale scan of the 15,935 x 16,100 gene matrix", round(scan_s, 2)),
        ("leakage search, 262 validation x 15,935 training samples, 17,190 shared columns", round(leak_s, 2)),
    ]
    write_table("input_checks", "python benchmarks/input_checks.py", 2, rows)


if __name__ == "__main__":
    main()
