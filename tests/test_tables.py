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


def _tf_lines() -> list[str]:
    values = np.round(np.arange(12.0).reshape(3, 4) / 7, 4)
    return [
        "sample_id\tTFB\tTFA\tTFC\tNOTNODE",
        *(f"S0{i + 1}\t" + "\t".join(map(str, r)) for i, r in enumerate(values)),
    ]


def _write(tmp_path, lines: list[str], name: str = "m.tsv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_preamble_is_skipped_and_later_errors_name_the_file_line(tmp_path, caplog):
    """Comment lines ('#', '!') and blank lines above the header are a preamble, logged; a bad cell below
    is reported at its line in the file, not in the table."""
    caplog.set_level("INFO", logger="lembas_core")
    lines = _tf_lines()
    preamble = ["# exported by tool X", '!Series_title\t"a study"', "", "# values: log2(TPM + 1)"]
    matrix = read_matrix(_write(tmp_path, [*preamble, *lines]), "tsv", "TF")
    assert matrix.rows == ["S01", "S02", "S03"] and matrix.columns == TF_COLUMNS and matrix.line(0) == 6
    assert "header on line 5; lines 1-4 skipped (a preamble: '# exported by tool X')" in caplog.text
    lines[2] = lines[2].replace("0.7143", "NaN")
    err = _error(_write(tmp_path, [*preamble, *lines]))
    assert "missing" in err.problem and err.where.startswith("line 7, sample 'S02'")
    lines[3] += "\t1.0"
    err = _error(_write(tmp_path, [*preamble, *lines]))
    assert "row has 6 tab-separated fields, the header has 5" in err.problem and err.where == "line 8"


def test_title_line_above_the_header_is_skipped(tmp_path):
    """A title (one field; here with a comma, which once read as a sign of a comma-separated file)."""
    matrix = read_matrix(_write(tmp_path, ["Expression, cohort A", *_tf_lines()]), "tsv", "TF")
    assert matrix.rows == ["S01", "S02", "S03"] and matrix.columns == TF_COLUMNS and matrix.line(2) == 5


def test_comment_lines_below_the_table_are_skipped_whatever_their_width(tmp_path, caplog):
    caplog.set_level("INFO", logger="lembas_core")
    lines = [*_tf_lines(), "!series_matrix_table_end", "# total\t1\t2\t3\t4"]
    matrix = read_matrix(_write(tmp_path, lines), "tsv", "TF")
    assert matrix.rows == ["S01", "S02", "S03"]
    assert "2 line(s) below the table skipped (line 5, 6, starting with '#' or '!': '!series_matrix_table_end')" in (
        caplog.text
    )


def test_comment_line_inside_the_table_is_refused_with_its_line(tmp_path):
    lines = _tf_lines()
    err = _error(_write(tmp_path, [*lines[:2], "# batch 2", *lines[2:]]))
    assert "comment line inside the table ('# batch 2')" in err.problem and err.where == "line 3"


def test_commented_out_header_is_refused(tmp_path):
    """'#sample_id<TAB>TFB...' above the rows: skipping it would make the first row the header."""
    lines = _tf_lines()
    err = _error(_write(tmp_path, ["#" + lines[0], *lines[1:]]))
    assert "line 1 starts with '#' but splits into the table's 5 fields" in err.problem and err.where == "line 1"
    assert "remove the '#' at the start of line 1" in err.fix


def test_a_file_of_comments_only_is_refused(tmp_path):
    err = _error(_write(tmp_path, ["# nothing here", "# still nothing"]))
    assert "no header in its first 1000 lines" in err.problem


def test_european_csv_is_read_and_a_point_in_it_is_refused(tmp_path, caplog):
    caplog.set_level("INFO", logger="lembas_core")
    lines = [line.replace("\t", ";").replace(".", ",") for line in _tf_lines()]
    matrix = read_matrix(_write(tmp_path, lines, "m.csv", "cp1252"), "csv", "TF")
    reference = read_matrix(_write(tmp_path, _tf_lines()), "tsv", "TF")
    np.testing.assert_array_equal(matrix.values, reference.values)
    assert "a European CSV (semicolon-separated, decimal commas" in caplog.text
    lines[3] = lines[3].replace("1,5714", "1.5714")
    err = _error(_write(tmp_path, lines, "m.csv"), "csv")
    assert "has a point in '1.5714', but the file is a European CSV" in err.problem
    assert err.where == "line 4, sample 'S03', column 'NOTNODE'"


def test_semicolon_csv_with_decimal_points_is_not_read_as_european(tmp_path):
    """Semicolons and decimal points: not what a European locale writes; refused as semicolon-separated."""
    lines = [line.replace("\t", ";") for line in _tf_lines()]
    err = _error(_write(tmp_path, lines, "m.csv"), "csv")
    assert "looks semicolon-separated, not CSV" in err.problem and err.where == "line 1"


def test_quantifier_output_names_the_tool(tmp_path):
    lines = ["Name\tLength\tEffectiveLength\tTPM\tNumReads", "ENST0001.1\t1200\t950.000\t12.5\t30.000"]
    (tmp_path / "S7").mkdir()
    err = _error(_write(tmp_path, lines, "S7/quant.sf.txt"))
    assert err.problem.startswith("TF expression matrix is salmon's quant.sf") and err.where == "line 1"
    assert f"S7={tmp_path / 'S7' / 'quant.sf.txt'} > expression_log2tpm.tsv" in err.fix
