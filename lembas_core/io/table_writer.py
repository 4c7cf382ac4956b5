"""Write labelled tables (TSV, CSV, Parquet): (samples x genes) matrices in the upstream layout, and plain
tables such as a network. What :mod:`lembas_core.io.tables` reads back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from lembas_core.common.layout import DELIMITERS
from lembas_core.io.errors import preview
from lembas_core.io.tables import check_format

MATRIX_INDEX_NAME = "sample_id"  # header of the sample-ID column of written matrices
MATRIX_DECIMALS = 4  # decimals kept in written matrices


def write_matrix(path: str | Path, values: np.ndarray, rows: list[str], columns: list[str], fmt: str) -> None:
    """Write a (samples x genes) matrix in the upstream layout.

    `values` has shape (len(rows), len(columns)); `rows` are the sample IDs, written in a first column
    headed `MATRIX_INDEX_NAME`, `columns` the gene names. Values are rounded to `MATRIX_DECIMALS` decimals.
    """
    check_format(fmt)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rounded = np.round(np.asarray(values, dtype=np.float64), MATRIX_DECIMALS)
    arrays = [pa.array(rows, type=pa.string())] + [pa.array(rounded[:, j]) for j in range(rounded.shape[1])]
    if fmt == "parquet":
        pq.write_table(pa.Table.from_arrays(arrays, names=[MATRIX_INDEX_NAME, *columns]), path)
        return
    internal = [f"c{i}" for i in range(len(arrays))]
    delimiter = DELIMITERS[fmt]
    unsafe = [n for n in [MATRIX_INDEX_NAME, *rows, *columns] if any(ch in n for ch in (delimiter, "\n", "\r", '"'))]
    if unsafe:
        raise ValueError(f"names contain the delimiter, a quote or a newline: {preview(unsafe)}")
    with open(path, "wb") as handle:
        handle.write((delimiter.join([MATRIX_INDEX_NAME, *columns]) + "\n").encode())
        pacsv.write_csv(
            pa.Table.from_arrays(arrays, names=internal),
            handle,
            write_options=pacsv.WriteOptions(include_header=False, delimiter=delimiter, quoting_style="none"),
        )


def write_table(path: str | Path, frame: pd.DataFrame, fmt: str) -> None:
    """Write a plain table (e.g. a network) without an index column."""
    check_format(fmt)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, sep=DELIMITERS[fmt], index=False)
