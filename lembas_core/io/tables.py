"""Read labelled tables (TSV, CSV, Parquet): with :mod:`lembas_core.io.sniff`, which checks a text table's
bytes, encoding and header first, the only place in the project that parses text.

Expression matrices follow the upstream layout: one row per sample, the first column holds the
sample IDs, every other column is a gene (or TF) with numeric values. Every problem is reported as
an :class:`~lembas_core.io.errors.InputDataError` naming the file, the row and column, and a fix.
Writing them is :mod:`lembas_core.io.table_writer`'s.
"""

from __future__ import annotations

import csv
import logging
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from lembas_core.common.layout import FORMATS
from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.layouts import check_tool_output, writer_layout
from lembas_core.io.sniff import (
    DELIMITER_NAMES,
    EUROPEAN_NUMBER,
    PREAMBLE_MARKS,
    Header,
    comment_lines_below,
    find_header,
    first_undecodable_line,
    lines_below_header,
    not_utf8_error,
    parser_source,
    table_end,
    text_lines,
)

LOG = logging.getLogger("lembas_core.io.tables")

_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass
class LabeledMatrix:
    """A float32 matrix with row (sample) and column (gene) names."""

    values: np.ndarray
    rows: list[str]
    columns: list[str]
    path: str = ""
    lines: Callable[[int], int] | None = field(default=None, repr=False, compare=False)  # row -> file line

    @property
    def shape(self) -> tuple[int, int]:
        """(samples, columns)."""
        return self.values.shape

    def line(self, row: int) -> int:
        """The line of the text file that holds row `row` (the header is line 1)."""
        return self.lines(row) if self.lines else row + 2


def check_format(fmt: str) -> str:
    """Return `fmt` if it is a known table format (tsv, csv, parquet); raise otherwise."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def check_readable(path: str | Path, role: str) -> Path:
    """Fail clearly when `path` is missing (or a symbolic link to nothing), not a file, or empty."""
    path = Path(path)
    if not path.exists():
        if path.is_symlink():
            target = os.readlink(path)
            resolved = (path.parent / target).resolve() if not os.path.isabs(target) else Path(target)
            raise InputDataError(
                path,
                f"{role} file is a symbolic link to {target!r}"
                + ("" if str(resolved) == target else f" ({resolved})")
                + ", which does not exist",
                "restore the link's target, or point the config at the file itself",
            )
        resolved = "" if path.is_absolute() else f" (relative to the working directory: {path.resolve()})"
        raise InputDataError(
            path, f"{role} file not found{resolved}", f"check the path given for the {role} in the config"
        )
    if not path.is_file():
        raise InputDataError(path, f"{role} path is not a regular file", "point the config at a file, not a folder")
    if path.stat().st_size == 0:
        raise InputDataError(path, f"{role} file is empty", "regenerate or re-export the file")
    return path


def clean_names(names: list[str], path: Path, role: str, kind: str) -> list[str]:
    """Names without surrounding whitespace, in Unicode NFC form (`' ALB'` and a decomposed `é` would
    otherwise never match the network); what changed is logged."""
    cleaned = [unicodedata.normalize("NFC", str(name).strip()) for name in names]
    changed = [(a, b) for a, b in zip(names, cleaned) if a != b]
    if changed:
        LOG.warning(
            "%s %s: %d %s had surrounding whitespace or non-NFC characters, cleaned (%s)",
            role,
            path,
            len(changed),
            kind,
            preview(f"{a!r} -> {b!r}" for a, b in changed[:5]),
        )
    return cleaned


def _check_unique(names: list[str], path: Path, role: str, kind: str, line_offset: int) -> None:
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for i, name in enumerate(names):
        if name in seen:
            duplicates.append(f"{name!r} (positions {seen[name] + line_offset} and {i + line_offset})")
        else:
            seen[name] = i
    if duplicates:
        raise InputDataError(
            path,
            f"{role} has {len(duplicates)} duplicated {kind}: {', '.join(duplicates[:5])}",
            f"make every {kind[:-1] if kind.endswith('s') else kind} unique (aggregate or drop the repeats)",
        )


class RowLines:
    """Line numbers of a text table's data rows, found on first use: the rows start below the header (line
    `header`, below any preamble), the CSV parser skips empty lines, and rows of delimiters only are skipped
    after parsing (`kept`: the parsed rows kept)."""

    def __init__(self, path: Path, kept: np.ndarray | None = None, numbers: list[int] | None = None, header: int = 1):
        self.path, self.kept, self._numbers, self.header = path, kept, numbers, header

    def __call__(self, row: int) -> int:
        """The file line of data row `row`."""
        if self._numbers is None:
            lines = text_lines(self.path)
            self._numbers = [n for n, line in enumerate(lines[self.header :], start=self.header + 1) if line]
        index = row if self.kept is None else int(self.kept[row])
        return self._numbers[index] if index < len(self._numbers) else index + self.header + 1


def _parse(path: Path, header: Header, names: list[str], is_text: Callable[[int, str], bool]) -> tuple[pa.Table, int]:
    """Parse a delimited file as columns `names` (the lines down to the header skipped); `is_text` columns stay
    text. Lines of another width that start with '#' or '!' are skipped: returns the table and their count."""
    internal = [f"c{i}" for i in range(len(names))]
    skipped = []

    def comment(row) -> str:  # a line of another width: skipped if a comment (checked after parsing)
        if row.text.startswith(PREAMBLE_MARKS):
            skipped.append(row.text)
            return "skip"
        return "error"

    table = pacsv.read_csv(
        parser_source(path),
        read_options=pacsv.ReadOptions(column_names=internal, skip_rows=header.line, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=header.delimiter, invalid_row_handler=comment),
        convert_options=pacsv.ConvertOptions(
            column_types={internal[i]: pa.string() for i, name in enumerate(names) if is_text(i, name)},
            decimal_point=header.decimal,
        ),
    )
    return table, len(skipped)


def _data_rows(path: Path, header: Header) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every non-empty line below the header and above the comment lines that end the
    file, split as the CSV parser does."""
    numbered = lines_below_header(path, header)
    return [
        (number, next(csv.reader([line.decode("utf-8", errors="replace")], delimiter=header.delimiter), [""]))
        for number, line in numbered[: table_end(numbered)]
    ]


def _drop_comments_below(table: pa.Table, path: Path, header: Header, role: str, skipped: int) -> pa.Table:
    """`table` without the comment lines that end the file (starting with '#' or '!', as GEO's
    '!series_matrix_table_end'), logged; `skipped`: those of another width, which the parser skipped."""
    last = table.column(0)[-1].as_py() if table.num_rows else None
    if not skipped and not (isinstance(last, str) and last.startswith(PREAMBLE_MARKS)):
        return table
    below = comment_lines_below(path, header, table.num_columns, role)
    if not below:
        return table
    numbers = [number for number, _ in below]
    LOG.info(
        "%s %s: %d line(s) below the table skipped (line %s, starting with '#' or '!': %r)",
        role,
        path,
        len(below),
        preview(numbers),
        below[0][1][:40],
    )
    return table.slice(0, table.num_rows - (len(below) - skipped))  # those of the table's width were parsed


def _read_text_table(
    path: Path, header: Header, role: str, names: list[str], is_text: Callable[[int, str], bool]
) -> tuple[pa.Table, list[str]]:
    """Parse a delimited file whose header is `names`; return the table and its column names.

    Two layouts whose rows and header differ by one field are read as what they unambiguously are, and
    logged: R's write.table (every row one field longer than the header, its first field the row name:
    the column gets the name '') and a header ending with an extra delimiter (every row one field shorter,
    the header's last name empty: dropped). Other field-count mismatches are errors naming the line.
    """
    try:
        table, skipped = _parse(path, header, names, is_text)
        return _drop_comments_below(table, path, header, role, skipped), names
    except pa.ArrowInvalid as exc:
        detail = str(exc).replace("CSV parse error: ", "")
    found = first_undecodable_line(path)
    if found:
        raise not_utf8_error(path, role, found) from None
    rows = _data_rows(path, header)
    counts = [len(fields) for _, fields in rows]
    r_layout = bool(rows) and counts[0] == len(names) + 1 and counts.count(counts[0]) > len(counts) / 2
    if r_layout and not all(fields[-1] == "" for _, fields in rows):
        if set(counts) != {len(names) + 1}:
            raise _ragged_row_names(path, header, role, len(names), rows)
        LOG.info(
            "%s %s: R write.table layout (the header has no name for the first column, the row names): read as such",
            role,
            path,
        )
        names = ["", *names]
    elif set(counts) == {len(names) - 1} and len(names) > 2 and not names[-1].strip():
        LOG.info("%s %s: the header ends with an extra delimiter (an unnamed last column): dropped", role, path)
        names = names[:-1]
    else:
        raise _ragged(path, header, role, len(names), rows, detail)
    try:
        table, skipped = _parse(path, header, names, is_text)
    except pa.ArrowInvalid as exc:
        raise _ragged(path, header, role, len(names), rows, str(exc)) from None
    return _drop_comments_below(table, path, header, role, skipped), names


def _ragged_row_names(
    path: Path, header: Header, role: str, n_fields: int, rows: list[tuple[int, list[str]]]
) -> InputDataError:
    """The error for rows of R's write.table layout (row name + the header's `n_fields` fields) whose
    field count differs, with the first such line."""
    name = DELIMITER_NAMES[header.delimiter]
    expected = n_fields + 1
    bad = [(number, len(fields)) for number, fields in rows if len(fields) != expected]
    number, count = bad[0]
    return InputDataError(
        path,
        f"{role} row has {count} {name}-separated fields, the header has {n_fields} (R write.table layout: "
        f"{expected} with the row names; {len(bad)} such rows)",
        f"give every row the row name and the header's {n_fields} fields",
        where=f"line {number}",
    )


def _ragged(
    path: Path, header: Header, role: str, n_fields: int, rows: list[tuple[int, list[str]]], detail: str
) -> InputDataError:
    """The error for rows whose field count differs from the header's, with the first such line."""
    name = DELIMITER_NAMES[header.delimiter]
    bad = [(number, len(fields)) for number, fields in rows if len(fields) != n_fields]
    if not bad:
        return InputDataError(path, f"{role} could not be parsed: {detail}", "re-export the table")
    if all(len(fields) == n_fields + 1 and fields[-1] == "" for _, fields in rows):
        return InputDataError(
            path,
            f"every data row ends with an extra {name} ({n_fields + 1} fields, the header has {n_fields})",
            f"remove the trailing {name} at the end of each line",
        )
    number, count = bad[0]
    return InputDataError(
        path,
        f"{role} row has {count} {name}-separated fields, the header has {n_fields} ({len(bad)} such rows)",
        f"give every row the header's {n_fields} fields (a value per column, sample ID first)",
        where=f"line {number}",
    )


def _blank(column: pa.ChunkedArray) -> np.ndarray:
    """Which cells of a parsed column are empty (or only whitespace)."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        filled = pc.fill_null(pc.utf8_trim_whitespace(column), "")
        return pc.equal(filled, "").to_numpy(zero_copy_only=False)
    return column.is_null().to_numpy(zero_copy_only=False)


def _drop_empty_last_column(table: pa.Table, names: list[str], path: Path, role: str) -> tuple[pa.Table, list[str]]:
    """Drop a last column without a name and without a value (every line ends with a delimiter), logged."""
    if len(names) < 2 or names[-1].strip() or table.num_rows == 0 or not _blank(table.column(len(names) - 1)).all():
        return table, names
    LOG.info("%s %s: every line ends with a delimiter (an empty, unnamed last column): dropped", role, path)
    return table.remove_column(len(names) - 1), names[:-1]


def _skip_blank_rows(table: pa.Table, path: Path, role: str, header: int) -> tuple[pa.Table, RowLines]:
    """`table` without the rows whose every field is empty (a line of delimiters only, as Excel writes at
    the end), skipped like blank lines and logged; with the file line of each row kept (`header`: the
    header's line)."""
    lines = RowLines(path, header=header)
    if table.num_rows == 0:
        return table, lines
    blank = _blank(table.column(0))
    for j in range(1, table.num_columns):
        if not blank.any():
            return table, lines
        blank &= _blank(table.column(j))
    if not blank.any():
        return table, lines
    skipped = [lines(int(i)) for i in np.flatnonzero(blank)]
    LOG.info(
        "%s %s: %d line(s) of delimiters only (no values) skipped like blank lines (line %s)",
        role,
        path,
        len(skipped),
        preview(skipped),
    )
    kept = np.flatnonzero(~blank)
    return table.take(kept), RowLines(path, kept, lines._numbers, header)


def read_table(path: str | Path, fmt: str, role: str, string_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a small/medium table (e.g. a network) into a DataFrame; named columns are kept as text.

    For text tables, `frame.attrs["lines"]` maps a row position to its line in the file."""
    path = check_readable(path, role)
    check_format(fmt)
    text = {c.casefold() for c in string_columns}  # in any letter case (`tf` for `TF`)
    if fmt == "parquet":
        frame = pq.read_table(path).to_pandas()
        names = [str(c) for c in frame.columns]
    else:
        header = find_header(path, fmt, role)
        names = clean_names(header.fields, path, role, "column names")
        _check_unique(names, path, role, "column names", 1)
        table, names = _read_text_table(path, header, role, names, lambda _, name: name.casefold() in text)
        table, names = _drop_empty_last_column(table, names, path, role)
        table, lines = _skip_blank_rows(table, path, role, header.line)
        frame = table.to_pandas()
        frame.attrs["lines"] = lines
    frame.columns = names
    for column in names:
        if column.casefold() in text:
            values = frame[column].tolist()
            frame[column] = clean_names(
                ["" if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values],
                path,
                role,
                f"{column} names",
            )
    return frame


def _text_numbers(text: pd.Series, decimal: str) -> np.ndarray:
    """Text cells as numbers (NaN where unparsable). With the decimal comma of Excel's European CSV a number
    has a decimal comma or none: a cell with a point ('1.234,5', '1.5') stays unparsed, it is ambiguous."""
    if decimal == ",":
        cells = text.map(lambda v: v.strip() if isinstance(v, str) else v)
        comma = cells.map(lambda v: isinstance(v, str) and EUROPEAN_NUMBER.fullmatch(v) is not None).astype(bool)
        text = cells.where(~comma, cells[comma].str.replace(",", ".", regex=False))
        text = text.where(~cells.map(lambda v: isinstance(v, str) and "." in v).astype(bool), "?")
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)


def _unparsable(cell: str, role: str, decimal: str) -> tuple[str, str]:
    """(problem, fix) for a cell that is not a number."""
    if decimal == ",":  # Excel's European CSV
        if re.fullmatch(r"\s*[-+]?\d{1,3}(\.\d{3})+(,\d*)?\s*", cell):
            return (
                f"{role} has a thousands separator in {cell!r} (a semicolon-separated CSV with decimal commas)",
                "write numbers without thousands separators (e.g. 1234,5); log-scale expression stays below ~20",
            )
        if "." in cell:
            return (
                f"{role} has a point in {cell!r}, but the file is a European CSV (semicolons, decimal "
                "commas): a decimal point or a thousands separator, it is ambiguous",
                "write every number with a decimal comma and without thousands separators, or re-export the "
                "table as tab-separated text with decimal points",
            )
    elif re.fullmatch(r"\s*[-+]?\d*,\d+\s*", cell):
        return (
            f"{role} has a decimal comma in {cell!r}",
            "write decimals with a point (re-export with an English number format, e.g. 2.5091)",
        )
    elif re.fullmatch(r"\s*[-+]?\d{1,3}(,\d{3})+\.\d*\s*", cell):
        return (
            f"{role} has a thousands separator in {cell!r}",
            "write numbers without thousands separators (e.g. 1234.5); log-scale expression stays below ~20",
        )
    return (
        f"{role} has a non-numeric value {cell!r}",
        "expression values must be numbers; remove text or units from the cells",
    )


# wide: a cell's message needs its file, role, sample IDs, line map and the file's decimal mark
def _numeric_column(
    column: pa.ChunkedArray,
    path: Path,
    role: str,
    name: str,
    row_ids: list[str],
    line: Callable[[int], int],
    decimal: str = ".",
) -> np.ndarray:
    """Convert one parsed column to float64, reporting the first bad cell (`line`: a row's file line;
    `decimal`: the decimal mark, ',' in Excel's European CSV)."""

    def bad_cell(row: int, problem: str, fix: str) -> InputDataError:
        return InputDataError(path, problem, fix, where=f"line {line(row)}, sample {row_ids[row]!r}, column {name!r}")

    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_null(column.type):
        values = column.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        if column.null_count:
            row = int(np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))[0])
            raise bad_cell(
                row,
                f"{role} has {column.null_count} missing (empty or NaN) value(s) in this column",
                "fill or impute missing values; NaN is not allowed",
            )
    else:
        text = pd.Series(column.to_pylist(), dtype=object)
        values = _text_numbers(text, decimal)
        unparsable = np.flatnonzero(np.isnan(values) & text.notna().to_numpy())
        missing = np.flatnonzero(text.isna().to_numpy())
        if unparsable.size:
            row = int(unparsable[0])
            raise bad_cell(row, *_unparsable(str(text[row]), role, decimal))
        if missing.size:
            raise bad_cell(
                int(missing[0]),
                f"{role} has a missing (empty or NaN) value",
                "fill or impute missing values; NaN is not allowed",
            )
    finite = np.isfinite(values)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise bad_cell(
            row,
            f"{role} has a non-finite value ({values[row]})",
            "replace infinite values; expression must be finite (e.g. log-TPM)",
        )
    huge = np.abs(values) > _FLOAT32_MAX  # finite, but not a 32-bit float: the scale check could not see it
    if huge.any():
        row = int(np.flatnonzero(huge)[0])
        raise bad_cell(
            row,
            f"{role} has the value {values[row]:g}, impossible for log-scale expression (|x| > 1,000; "
            f"{int(huge.sum())} value(s) beyond the 32-bit float range)",
            "correct the cell; expression values are log-scale (e.g. log-TPM, below ~20)",
        )
    return values


def _check_matrix_header(names: list[str], path: Path, role: str) -> None:
    """Refuse a network table given as a matrix, and unnamed columns."""
    if {"tf", "gene", "interaction"} <= {str(n).strip().casefold() for n in names}:
        raise InputDataError(
            path,
            f"{role} looks like a network table (columns TF, Gene, Interaction), not a samples x genes matrix",
            f"point the config's {role} at the expression matrix",
        )
    unnamed = [i + 1 for i, n in enumerate(names) if i and not str(n).strip()]
    if unnamed:
        raise InputDataError(
            path,
            f"{role} has {len(unnamed)} column(s) without a name in the header (column {unnamed[0]})",
            "name every column (gene identifiers), or delete the unnamed ones",
            where="line 1",
        )


def _look_like_values(row_ids: list[str]) -> bool:
    """Every ID a number and most of them with 3+ decimals or an exponent: expression values, not IDs."""
    measured = 0
    for row_id in row_ids:
        try:
            float(row_id)
        except ValueError:
            return False
        measured += bool(re.fullmatch(r"[-+]?\d*\.\d{3,}([eE][-+]?\d+)?|[-+]?\d*\.?\d+[eE][-+]?\d+", row_id))
    return measured > len(row_ids) / 2


def read_matrix(path: str | Path, fmt: str, role: str) -> LabeledMatrix:
    """Read a samples x genes expression matrix (first column = sample IDs) as float32."""
    path = check_readable(path, role)
    check_format(fmt)
    decimal, first_row_line = ".", 2
    if fmt == "parquet":
        table, names = _read_parquet_matrix(path, role)
        lines = None
    else:
        header = find_header(path, fmt, role)
        check_tool_output(path, role, header)
        table, names = _read_text_table(path, header, role, header.fields, lambda i, _: i == 0)
        table, names = _drop_empty_last_column(table, names, path, role)
        table, lines = _skip_blank_rows(table, path, role, header.line)
        decimal, first_row_line = header.decimal, header.line + 1
        if layout := writer_layout(header, names):
            LOG.info("%s %s: %s", role, path, layout)
        if len(names) < 2:
            raise InputDataError(
                path,
                f"{role} has no data columns, only {names!r}",
                "the first column holds sample IDs; genes follow it",
            )
        _check_matrix_header(names, path, role)
        _check_unique(names[1:], path, role, "column names", 2)
    line = lines or (lambda row: row + 2)
    if table.num_rows == 0:
        raise InputDataError(path, f"{role} has a header but no data rows", "export the matrix with one row per sample")
    row_ids = clean_names(
        [str(x) if x is not None else "" for x in table.column(0).to_pylist()], path, role, "sample IDs"
    )
    empty = [i for i, r in enumerate(row_ids) if not r.strip()]
    if empty:
        raise InputDataError(
            path,
            f"{role} has an empty sample ID",
            "every row needs a sample ID in the first column",
            where=f"line {line(empty[0])}",
        )
    repeated = [i for i, r in enumerate(row_ids) if r == str(names[0]).strip()]
    if repeated:
        raise InputDataError(
            path,
            f"{role} repeats its header line inside the data (were files concatenated?)",
            "keep one header line, at the top",
            where=f"line {line(repeated[0])}",
        )
    commented = [i for i, r in enumerate(row_ids) if r.startswith(("#", "!"))]
    if commented:
        raise InputDataError(
            path,
            f"{role} has a row whose sample ID starts with {row_ids[commented[0]][0]!r} ({row_ids[commented[0]]!r}; "
            f"{len(commented)} such row(s)): a sample commented out?",
            f"delete the line to leave the sample out, or remove the {row_ids[commented[0]][0]!r} to keep it",
            where=f"line {line(commented[0])}",
        )
    _check_unique(row_ids, path, role, "sample IDs", first_row_line)
    if _look_like_values(row_ids):
        raise InputDataError(
            path,
            f"{role}'s first column holds measurements (e.g. {preview(row_ids, 3)}), not sample IDs",
            "write the sample IDs as the first column (pandas: to_csv(index=True); R: row.names = TRUE)",
            where="column 1",
        )
    columns = clean_names([str(n) for n in names[1:]], path, role, "column names")
    _check_unique(columns, path, role, "column names (after cleaning)", 2)
    values = np.empty((table.num_rows, len(columns)), dtype=np.float32, order="F")
    for j, name in enumerate(columns):
        values[:, j] = _numeric_column(table.column(j + 1), path, role, name, row_ids, line, decimal)
    return LabeledMatrix(np.ascontiguousarray(values), row_ids, columns, str(path), lines)


def _read_parquet_matrix(path: Path, role: str) -> tuple[pa.Table, list[str]]:
    """Read a Parquet matrix; a stored pandas index becomes the sample-ID column."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputDataError(
            path, f"{role} is not a readable Parquet file ({exc})", "export the matrix with pandas.DataFrame.to_parquet"
        ) from None
    meta = table.schema.pandas_metadata or {}
    index_cols = [c for c in meta.get("index_columns", []) if isinstance(c, str)]
    if index_cols:
        rest = [n for n in table.column_names if n not in index_cols]
        table = table.select([index_cols[0], *rest])
    names = list(table.column_names)
    if len(names) < 2:
        raise InputDataError(
            path, f"{role} has no data columns", "store sample IDs as the index or first column, genes as columns"
        )
    _check_matrix_header(names, path, role)
    _check_unique(names[1:], path, role, "column names", 2)
    if not (pa.types.is_string(table.schema.field(0).type) or pa.types.is_large_string(table.schema.field(0).type)):
        raise InputDataError(
            path,
            f"{role} has no sample-ID column: the first column {names[0]!r} is {table.schema.field(0).type}",
            "store sample IDs as the DataFrame index (or as a first text column)",
        )
    return table, names
