"""Read and write labelled tables (TSV, CSV, Parquet): the only place in the project that parses text.

Expression matrices follow the upstream layout: one row per sample, the first column holds the
sample IDs, every other column is a gene (or TF) with numeric values. Every problem is reported as
an :class:`~lembas_core.io.errors.InputDataError` naming the file, the row and column, and a fix.
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

from lembas_core.common.layout import DELIMITERS, FORMATS, compression_of, format_from_extension
from lembas_core.io.errors import InputDataError, preview

LOG = logging.getLogger("lembas_core.io.tables")

MATRIX_INDEX_NAME = "sample_id"  # header of the sample-ID column of written matrices
MATRIX_DECIMALS = 4  # decimals kept in written matrices
_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe", " ": "space"}  # detection order
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_HEAD_BYTES = 1 << 22  # decompressed bytes read to find the header line
_EXPORT_TEXT = "export the table as tab-separated text (.tsv), or save it as Parquet and name it .parquet"
# Leading bytes of files that are not (uncompressed, UTF-8) text: what they are, and the fix.
_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed data", "name the file with its compression suffix (e.g. data.tsv.gz)"),
    (b"BZh", "bzip2-compressed data", "name the file with its compression suffix (e.g. data.tsv.bz2)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data", "name the file with its compression suffix (e.g. data.tsv.zst)"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)", _EXPORT_TEXT),
    (b"\xd0\xcf\x11\xe0", "an Excel .xls (OLE) workbook", _EXPORT_TEXT),
    (
        b"PAR1",
        "a Parquet file",
        "name it .parquet and keep data.files.format: auto (the default), which takes each file's format from its name",
    ),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 LE / BE byte-order marks (Excel's "Unicode Text")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")  # what the CSV parser takes for a line break


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


def _raw(path: Path, size: int | None) -> bytes:
    """The first `size` bytes (None: all) of a file, decompressed when its name says so (.gz, .bz2, .zst)."""
    compression = compression_of(path)
    try:
        with pa.input_stream(str(path), compression=compression) as stream:
            return stream.read(size)
    except (OSError, pa.ArrowInvalid) as exc:
        if compression is None:
            raise InputDataError(path, f"the file cannot be read ({exc})", "check that it is readable") from None
        raise InputDataError(
            path,
            f"the file is named {path.suffix} but does not decompress as {compression} ({exc})",
            "re-compress it, or name it without the compression suffix if it is plain text",
        ) from None


_TRANSCODED: dict[tuple[str, int, int], bytes] = {}  # the last UTF-16 file read, as UTF-8


def _utf16_as_utf8(path: Path, role: str) -> bytes:
    """A UTF-16 text file (byte-order mark first, as Excel's "Unicode Text" writes it) as UTF-8 bytes."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _TRANSCODED:
        try:
            text = _raw(path, None).decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputDataError(
                path,
                f"{role} starts with a UTF-16 byte-order mark but is not UTF-16 text "
                f"({exc.reason} at byte {exc.start})",
                "re-save it as UTF-8 text (e.g. iconv -f UTF-16 -t UTF-8 in > out)",
            ) from None
        _TRANSCODED.clear()
        _TRANSCODED[key] = text.encode("utf-8")
    return _TRANSCODED[key]


def _is_utf16(path: Path) -> bool:
    """Whether a text table starts with a UTF-16 byte-order mark."""
    return _raw(path, 2) in _UTF16_BOMS


def _source(path: Path) -> Path | pa.BufferReader:
    """What the CSV parser reads: the file itself, or its UTF-8 form when it is UTF-16."""
    return pa.BufferReader(_utf16_as_utf8(path, "the table")) if _is_utf16(path) else path


def check_text(path: Path, fmt: str, role: str) -> bytes:
    """The head of a text table after checking that it is text: not compressed under a plain name, not a
    workbook or Parquet file. Returns the (decompressed, UTF-8) head without a byte-order mark; UTF-16
    text is read as such (and logged)."""
    head = _raw(path, _HEAD_BYTES)
    for magic, what, fix in _MAGIC:
        if head.startswith(magic):
            raise InputDataError(path, f"{role} is {what}, not {fmt.upper()} text", fix)
    if head[:2] in _UTF16_BOMS:
        LOG.info("%s %s: UTF-16 text with a byte-order mark (Excel's 'Unicode Text'), read as UTF-16", role, path)
        head = _utf16_as_utf8(path, role)[:_HEAD_BYTES]
    return head.removeprefix(b"\xef\xbb\xbf")


def _whole(path: Path) -> bytes:
    """Every (decompressed, UTF-8) byte of a text table; for diagnosing a parse error only."""
    return _utf16_as_utf8(path, "the table") if _is_utf16(path) else _raw(path, None)


def first_undecodable_line(path: Path) -> tuple[int, int, int] | None:
    """(line number, byte value, column) of the first bytes that are not UTF-8 in a text table, or None."""
    for number, line in enumerate(_LINE_BREAK.split(_whole(path)), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return number, line[exc.start], exc.start + 1
    return None


def _not_utf8(path: Path, role: str, found: tuple[int, int, int]) -> InputDataError:
    line, byte, column = found
    return InputDataError(
        path,
        f"{role} is not UTF-8 text: byte 0x{byte:02x} cannot be decoded",
        "re-save the file as UTF-8 (from Windows-1252/Latin-1: iconv -f CP1252 -t UTF-8 in > out)",
        where=f"line {line}, character {column}",
    )


def _first_line(head: bytes, path: Path, role: str) -> bytes:
    """Line 1 of a text table's head. Old Mac OS line endings (a bare carriage return, no line feed) are
    read as line breaks (and logged); a bare carriage return inside line 1 of a file with line feeds is an
    error (mixed line endings)."""
    first = head.split(b"\n", 1)[0].removesuffix(b"\r")
    if b"\r" not in first:
        return first
    if b"\n" not in head:
        LOG.info("%s %s: old Mac OS line endings (a bare carriage return ends each line): read as such", role, path)
        return first.split(b"\r", 1)[0]
    raise InputDataError(
        path,
        f"{role} mixes line endings: line 1 holds a bare carriage return before its line feed",
        "convert the line endings to LF, e.g. dos2unix -c mac in.tsv, or re-export the file",
        where="line 1",
    )


def _delimiter_fix(path: Path, fmt: str, found: str | None) -> str:
    """The fix for a file in format `found` (tsv, csv or None: neither) read as `fmt`: a per-file remedy,
    never a change of data.files.format that the other files would follow."""
    if found is None:
        return f"re-export the file {fmt.upper()}-delimited"
    if format_from_extension(path) == found:  # named right, but data.files.format forces another format
        return (
            f"set data.files.format: auto (each file's format then comes from its name, this one's from .{found}); "
            f"or re-export it {fmt.upper()}-delimited"
        )
    return (
        f"name the file .{found} and keep data.files.format: auto (the default), which takes each file's format "
        f"from its name; or re-export it {fmt.upper()}-delimited"
    )


def read_header(path: Path, fmt: str, role: str) -> list[str]:
    """Return the header fields of a text table, detecting foreign files, comments and a wrong delimiter."""
    delimiter = DELIMITERS[fmt]
    raw = _first_line(check_text(path, fmt, role), path, role)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, role, (1, raw[exc.start], exc.start + 1)) from None
    if line.startswith("#"):
        raise InputDataError(
            path,
            f"{role} starts with a comment line ({line[:40]!r}); line 1 must be the header",
            "delete the lines starting with '#' at the top of the file",
            where="line 1",
        )
    if not line.strip():
        raise InputDataError(
            path, f"{role} has an empty first line; expected a header", "put the column names on line 1"
        )
    fields = next(csv.reader([line], delimiter=delimiter))
    if len(fields) == 1:
        found = [d for d in _DELIMITER_NAMES if d != delimiter and d in line]
        if found:
            name = _DELIMITER_NAMES[found[0]]
            suggestion = {"\t": "tsv", ",": "csv"}.get(found[0])
            fix = _delimiter_fix(path, fmt, suggestion)
            raise InputDataError(
                path,
                f"{role} header has a single column when split on {_DELIMITER_NAMES[delimiter]}s, "
                f"but it contains {name}s: the file looks {name}-separated, not {fmt.upper()}",
                fix,
                where="line 1",
            )
    return fields


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
    """Line numbers of a text table's data rows, found on first use: the CSV parser skips empty lines, and
    rows of delimiters only are skipped after parsing (`kept`: the parsed rows kept)."""

    def __init__(self, path: Path, kept: np.ndarray | None = None, numbers: list[int] | None = None):
        self.path, self.kept, self._numbers = path, kept, numbers

    def __call__(self, row: int) -> int:
        """The file line of data row `row` (the header is line 1)."""
        if self._numbers is None:
            lines = _LINE_BREAK.split(_whole(self.path))
            self._numbers = [number for number, line in enumerate(lines[1:], start=2) if line]
        index = row if self.kept is None else int(self.kept[row])
        return self._numbers[index] if index < len(self._numbers) else index + 2


def _parse(path: Path, fmt: str, names: list[str], is_text: Callable[[int, str], bool]) -> pa.Table:
    """Parse a delimited file as columns `names` (header line skipped); `is_text` columns stay text."""
    internal = [f"c{i}" for i in range(len(names))]
    return pacsv.read_csv(
        _source(path),
        read_options=pacsv.ReadOptions(column_names=internal, skip_rows=1, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=DELIMITERS[fmt]),
        convert_options=pacsv.ConvertOptions(
            column_types={internal[i]: pa.string() for i, name in enumerate(names) if is_text(i, name)}
        ),
    )


def _data_rows(path: Path, fmt: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) of every non-empty line after the header, split as the CSV parser does."""
    delimiter = DELIMITERS[fmt]
    lines = _LINE_BREAK.split(_whole(path))
    return [
        (number, next(csv.reader([line.decode("utf-8", errors="replace")], delimiter=delimiter), [""]))
        for number, line in enumerate(lines[1:], start=2)
        if line
    ]


def _read_text_table(
    path: Path, fmt: str, role: str, names: list[str], is_text: Callable[[int, str], bool]
) -> tuple[pa.Table, list[str]]:
    """Parse a delimited file whose header is `names`; return the table and its column names.

    Two layouts whose rows and header differ by one field are read as what they unambiguously are, and
    logged: R's write.table (every row one field longer than the header, its first field the row name:
    the column gets the name '') and a header ending with an extra delimiter (every row one field shorter,
    the header's last name empty: dropped). Other field-count mismatches are errors naming the line.
    """
    try:
        return _parse(path, fmt, names, is_text), names
    except pa.ArrowInvalid as exc:
        detail = str(exc).replace("CSV parse error: ", "")
    found = first_undecodable_line(path)
    if found:
        raise _not_utf8(path, role, found) from None
    rows = _data_rows(path, fmt)
    counts = [len(fields) for _, fields in rows]
    r_layout = bool(rows) and counts[0] == len(names) + 1 and counts.count(counts[0]) > len(counts) / 2
    if r_layout and not all(fields[-1] == "" for _, fields in rows):
        if set(counts) != {len(names) + 1}:
            raise _ragged_row_names(path, fmt, role, len(names), rows)
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
        raise _ragged(path, fmt, role, len(names), rows, detail)
    try:
        return _parse(path, fmt, names, is_text), names
    except pa.ArrowInvalid as exc:
        raise _ragged(path, fmt, role, len(names), rows, str(exc)) from None


def _ragged_row_names(
    path: Path, fmt: str, role: str, n_fields: int, rows: list[tuple[int, list[str]]]
) -> InputDataError:
    """The error for rows of R's write.table layout (row name + the header's `n_fields` fields) whose
    field count differs, with the first such line."""
    name = _DELIMITER_NAMES[DELIMITERS[fmt]]
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
    path: Path, fmt: str, role: str, n_fields: int, rows: list[tuple[int, list[str]]], detail: str
) -> InputDataError:
    """The error for rows whose field count differs from the header's, with the first such line."""
    name = _DELIMITER_NAMES[DELIMITERS[fmt]]
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


def _skip_blank_rows(table: pa.Table, path: Path, role: str) -> tuple[pa.Table, RowLines]:
    """`table` without the rows whose every field is empty (a line of delimiters only, as Excel writes at
    the end), skipped like blank lines and logged; with the file line of each row kept."""
    lines = RowLines(path)
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
    return table.take(kept), RowLines(path, kept, lines._numbers)


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
        names = clean_names(read_header(path, fmt, role), path, role, "column names")
        _check_unique(names, path, role, "column names", 1)
        table, names = _read_text_table(path, fmt, role, names, lambda _, name: name.casefold() in text)
        table, names = _drop_empty_last_column(table, names, path, role)
        table, lines = _skip_blank_rows(table, path, role)
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


def _numeric_column(
    column: pa.ChunkedArray, path: Path, role: str, name: str, row_ids: list[str], line: Callable[[int], int]
) -> np.ndarray:
    """Convert one parsed column to float64, reporting the first bad cell (`line`: a row's file line)."""

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
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
        unparsable = np.flatnonzero(np.isnan(values) & text.notna().to_numpy())
        missing = np.flatnonzero(text.isna().to_numpy())
        if unparsable.size:
            row = int(unparsable[0])
            if re.fullmatch(r"\s*[-+]?\d*,\d+\s*", str(text[row])):
                raise bad_cell(
                    row,
                    f"{role} has a decimal comma in {text[row]!r}",
                    "write decimals with a point (re-export with an English number format, e.g. 2.5091)",
                )
            if re.fullmatch(r"\s*[-+]?\d{1,3}(,\d{3})+\.\d*\s*", str(text[row])):
                raise bad_cell(
                    row,
                    f"{role} has a thousands separator in {text[row]!r}",
                    "write numbers without thousands separators (e.g. 1234.5); log-scale expression stays below ~20",
                )
            raise bad_cell(
                row,
                f"{role} has a non-numeric value {text[row]!r}",
                "expression values must be numbers; remove text or units from the cells",
            )
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
    if fmt == "parquet":
        table, names = _read_parquet_matrix(path, role)
        lines = None
    else:
        names = read_header(path, fmt, role)
        table, names = _read_text_table(path, fmt, role, names, lambda i, _: i == 0)
        table, names = _drop_empty_last_column(table, names, path, role)
        table, lines = _skip_blank_rows(table, path, role)
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
    _check_unique(row_ids, path, role, "sample IDs", 2)
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
        values[:, j] = _numeric_column(table.column(j + 1), path, role, name, row_ids, line)
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
