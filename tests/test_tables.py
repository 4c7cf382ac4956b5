"""Reading expression matrices: formats, round trips and every malformed-matrix error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import SAMPLES, TF_COLUMNS, rewrite_lines, write_small_cohort
from lembas_core.io.errors import InputDataError
from lembas_core.io.table_writer import write_matrix
from lembas_core.io.tables import read_matrix


@pytest.mark.parametrize("fmt", ["tsv", "csv", "parquet"])
def test_formats_read_back_identically(tmp_path, fmt):
    files = write_small_cohort(tmp_path, fmt)
    matrix = read_matrix(files.tf_expression, fmt, "TF expression matrix")
    reference = read_matrix(write_small_cohort(tmp_path / "ref", "tsv").tf_expression, "tsv", "TF")
    assert matrix.rows == SAMPLES and matrix.columns == TF_COLUMNS
    assert matrix.values.dtype == np.float32 and matrix.values.flags.c_contiguous
    np.testing.assert_array_equal(matrix.values, reference.values)


def test_upstream_layout_written_by_pandas_is_read(tmp_path):
    """A matrix written with pandas `to_csv(sep='\\t')` (the upstream files) parses identically."""
    frame = pd.DataFrame(np.arange(12.0).reshape(3, 4) / 7, index=pd.Index(["a", "b", "c"]), columns=list("WXYZ"))
    frame.to_csv(tmp_path / "m.tsv", sep="\t")
    matrix = read_matrix(tmp_path / "m.tsv", "tsv", "m")
    assert matrix.rows == ["a", "b", "c"] and matrix.columns == list("WXYZ")
    np.testing.assert_allclose(matrix.values, frame.to_numpy(), rtol=1e-6)


def test_parquet_with_pandas_index(tmp_path):
    frame = pd.DataFrame({"A": [1.0, 2.0], "B": [3.0, 4.0]}, index=pd.Index(["s1", "s2"], name="id"))
    frame.to_parquet(tmp_path / "m.parquet")
    matrix = read_matrix(tmp_path / "m.parquet", "parquet", "m")
    assert matrix.rows == ["s1", "s2"] and matrix.columns == ["A", "B"]


def _error(path, fmt="tsv") -> InputDataError:
    with pytest.raises(InputDataError) as info:
        read_matrix(path, fmt, "TF expression matrix")
    return info.value


def test_missing_file(tmp_path):
    err = _error(tmp_path / "nope.tsv")
    assert "not found" in str(err) and "nope.tsv" in str(err) and "How to fix" in str(err)


def test_empty_file(tmp_path):
    (tmp_path / "e.tsv").write_text("")
    assert "is empty" in str(_error(tmp_path / "e.tsv"))


def test_header_only(tmp_path):
    (tmp_path / "h.tsv").write_text("id\tA\tB\n")
    assert "no data rows" in str(_error(tmp_path / "h.tsv"))


def test_non_numeric_value_names_row_and_column(tmp_path):
    files = write_small_cohort(tmp_path)
    rewrite_lines(files.tf_expression, lambda ls: ls[:3] + [ls[3].replace(ls[3].split("\t")[2], "high", 1)] + ls[4:])
    err = _error(files.tf_expression)
    assert "non-numeric value 'high'" in str(err)
    assert "line 4" in err.where and "S03" in err.where and "'TFA'" in err.where


@pytest.mark.parametrize(
    "token, problem",
    [
        ("NaN", "missing"),
        ("", "missing"),
        ("inf", "non-finite"),
        ("-inf", "non-finite"),
        ("1e60", "impossible for log-scale expression"),  # finite: beyond float32, not infinite
    ],
)
def test_nan_and_inf(tmp_path, token, problem):
    files = write_small_cohort(tmp_path)

    def edit(lines):
        cells = lines[5].split("\t")
        cells[3] = token
        return lines[:5] + ["\t".join(cells)] + lines[6:]

    rewrite_lines(files.tf_expression, edit)
    err = _error(files.tf_expression)
    assert problem in err.problem
    assert "line 6" in err.where and "S05" in err.where and "'TFC'" in err.where


def test_duplicated_sample_ids(tmp_path):
    files = write_small_cohort(tmp_path)
    rewrite_lines(
        files.tf_expression, lambda ls: ls[:4] + [ls[2].split("\t")[0] + "\t" + ls[4].split("\t", 1)[1]] + ls[5:]
    )
    err = _error(files.tf_expression)
    assert "duplicated sample IDs" in err.problem and "'S02' (positions 3 and 5)" in err.problem


def test_duplicated_column_names(tmp_path):
    files = write_small_cohort(tmp_path)
    rewrite_lines(files.tf_expression, lambda ls: [ls[0].replace("TFC", "TFA")] + ls[1:])
    err = _error(files.tf_expression)
    assert "duplicated column names" in err.problem and "'TFA'" in err.problem


def test_wrong_delimiter_is_named(tmp_path):
    files = write_small_cohort(tmp_path, "csv")
    err = _error(files.tf_expression, "tsv")
    assert "looks comma-separated" in err.problem and err.where == "line 1"
    # the file is named .csv but read as TSV: the fix names auto, never a format the other files would follow
    assert "set data.files.format: auto" in err.fix and "format: 'csv'" not in err.fix and "format: csv" not in err.fix


def test_ragged_row(tmp_path):
    files = write_small_cohort(tmp_path)
    rewrite_lines(files.tf_expression, lambda ls: ls[:2] + ["\t".join(ls[2].split("\t")[:-1])] + ls[3:])
    error = _error(files.tf_expression)
    assert "row has 4 tab-separated fields, the header has 5" in error.problem and error.where == "line 3"


def test_write_rounds_and_round_trips(tmp_path):
    values = np.array([[1.234567, 0.1], [5.0, 0.0]])
    write_matrix(tmp_path / "m.tsv", values, ["a", "b"], ["X", "Y"], "tsv")
    assert (tmp_path / "m.tsv").read_text().splitlines()[1] == "a\t1.2346\t0.1"
    np.testing.assert_array_equal(
        read_matrix(tmp_path / "m.tsv", "tsv", "m").values, np.round(values, 4).astype(np.float32)
    )
