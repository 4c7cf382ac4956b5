"""What a text table is, before it is parsed: its bytes (decompressed when its name says so), its encoding
(UTF-8, or UTF-16 with a byte-order mark; not a compressed, workbook or Parquet file under a text name), its
line endings, and its header line: below a preamble (comment lines starting with '#' or '!', as in GEO's
series matrix, and title lines), with its delimiter (Excel's European CSV: semicolons and decimal commas)
and a delimiter other than the expected one detected.

Every problem is reported as an :class:`~lembas_core.io.errors.InputDataError` naming the file, the line and
a fix. Parsing the rows that follow the header is the job of :mod:`lembas_core.io.tables`.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from lembas_core.common.layout import DELIMITERS, compression_of, format_from_extension
from lembas_core.io.errors import InputDataError

LOG = logging.getLogger("lembas_core.io.sniff")

DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe", " ": "space"}  # detection order
_HEAD_BYTES = 1 << 22  # decompressed bytes read to find the header line
PREAMBLE_MARKS = ("#", "!")  # lines above the header (and below the table) starting with these are skipped
_MAX_HEADER_BYTES = 1 << 28  # a header line longer than this is refused
_MAX_HEADER_LINE = 1000  # the header is searched for in this many lines
_TABLE_LINES = 8  # lines of the table (header included) read to tell a title line and the delimiter
_MAX_TITLE_LINES = 3
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
EUROPEAN_NUMBER = re.compile(r"[-+]?(\d+(,\d*)?|,\d+)([eE][-+]?\d+)?")  # a number with a decimal comma


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


def parser_source(path: Path) -> Path | pa.BufferReader:
    """What the CSV parser reads: the file itself, or its UTF-8 form when it is UTF-16."""
    return pa.BufferReader(_utf16_as_utf8(path, "the table")) if _is_utf16(path) else path


def check_text(path: Path, fmt: str, role: str) -> bytes:
    """The head of a text table after checking that it is text: not compressed under a plain name, not a
    workbook or Parquet file. Returns the (decompressed, UTF-8) head without a byte-order mark; UTF-16
    text is read as such (and logged)."""
    return _checked_head(path, fmt, role)[0]


def _checked_head(path: Path, fmt: str, role: str, size: int = _HEAD_BYTES) -> tuple[bytes, str]:
    """:func:`check_text`'s head (`size` bytes) and the file's encoding as found ('UTF-8', 'UTF-8 with a
    byte-order mark', 'UTF-16')."""
    head = _raw(path, size)
    for magic, what, fix in _MAGIC:
        if head.startswith(magic):
            raise InputDataError(path, f"{role} is {what}, not {fmt.upper()} text", fix)
    if head[:2] in _UTF16_BOMS:
        LOG.info("%s %s: UTF-16 text with a byte-order mark (Excel's 'Unicode Text'), read as UTF-16", role, path)
        return _utf16_as_utf8(path, role)[:size].removeprefix(b"\xef\xbb\xbf"), "UTF-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:], "UTF-8 with a byte-order mark"
    return head, "UTF-8"


def _whole(path: Path) -> bytes:
    """Every (decompressed, UTF-8) byte of a text table; for diagnosing a parse error only."""
    return _utf16_as_utf8(path, "the table") if _is_utf16(path) else _raw(path, None)


def text_lines(path: Path) -> list[bytes]:
    """Every line of a text table (decompressed, UTF-8 bytes), split where the CSV parser breaks lines; the
    header is the first. For diagnosing a parse error and numbering lines only: it reads the whole file."""
    return _LINE_BREAK.split(_whole(path))


def first_undecodable_line(path: Path) -> tuple[int, int, int] | None:
    """(line number, byte value, column) of the first bytes that are not UTF-8 in a text table, or None."""
    for number, line in enumerate(text_lines(path), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return number, line[exc.start], exc.start + 1
    return None


def not_utf8_error(path: Path, role: str, found: tuple[int, int, int]) -> InputDataError:
    """The error for a text table that is not UTF-8: `found` is (line, byte value, column), as from
    :func:`first_undecodable_line`."""
    line, byte, column = found
    return InputDataError(
        path,
        f"{role} is not UTF-8 text: byte 0x{byte:02x} cannot be decoded",
        "re-save the file as UTF-8 (from Windows-1252/Latin-1: iconv -f CP1252 -t UTF-8 in > out)",
        where=f"line {line}, character {column}",
    )


def lines_below_header(path: Path, header: Header) -> list[tuple[int, bytes]]:
    """(line number, line) of every non-empty line below a text table's header (reads the whole file)."""
    return [(n, line) for n, line in enumerate(text_lines(path)[header.line :], start=header.line + 1) if line]


def table_end(numbered: list[tuple[int, bytes]]) -> int:
    """How many of `numbered` lines come before the comment lines (starting with '#' or '!') that end the file."""
    end = len(numbered)
    while end and numbered[end - 1][1].startswith(tuple(mark.encode() for mark in PREAMBLE_MARKS)):
        end -= 1
    return end


def comment_lines_below(path: Path, header: Header, width: int, role: str) -> list[tuple[int, str]]:
    """(line number, text) of the comment lines (starting with '#' or '!') that end a text table, as GEO's
    '!series_matrix_table_end'. A comment line inside the table that does not split into its `width` fields
    (one that does is a row) is an error naming it."""
    numbered = lines_below_header(path, header)
    end = table_end(numbered)
    for number, line in numbered[:end]:
        text = line.decode("utf-8", errors="replace")
        if text.startswith(PREAMBLE_MARKS) and len(_fields(text, header.delimiter)) != width:
            raise InputDataError(
                path,
                f"{role} has a comment line inside the table ({text[:40]!r}); comment lines may stand above "
                "the header or below the last row only",
                f"delete line {number}, or move it above the header",
                where=f"line {number}",
            )
    return [(number, line.decode("utf-8", errors="replace")) for number, line in numbered[end:]]


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


@dataclass(frozen=True)
class Header:
    """A text table's header line as :func:`find_header` found it: its fields, its line in the file (1 unless
    a preamble stands above it), the delimiter and decimal mark of the table, and what the bytes showed."""

    fields: list[str]
    line: int = 1
    delimiter: str = "\t"
    decimal: str = "."  # ',' in Excel's European CSV
    text: str = ""  # the header line as written (quotes included)
    encoding: str = "UTF-8"  # 'UTF-8', 'UTF-8 with a byte-order mark' or 'UTF-16'
    line_ending: str = "LF"  # LF, CRLF or CR


def _split_lines(head: bytes, size: int, path: Path, role: str) -> tuple[list[bytes], str]:
    """The lines of a table's head of `size` bytes (at most _MAX_HEADER_LINE + _TABLE_LINES, the last one only
    if the head is the whole file) and their line ending. Old Mac OS line endings (a bare carriage return,
    no line feed) are read as line breaks (and logged)."""
    complete = len(head) < size - 3
    if b"\n" not in head and b"\r" in head:
        LOG.info("%s %s: old Mac OS line endings (a bare carriage return ends each line): read as such", role, path)
        lines, ending = head.split(b"\r", _MAX_HEADER_LINE + _TABLE_LINES), "CR"
    else:
        lines = head.split(b"\n", _MAX_HEADER_LINE + _TABLE_LINES)
        ending = "CRLF" if lines[0].endswith(b"\r") else "LF"
        lines = [line.removesuffix(b"\r") for line in lines]
    if len(lines) > _MAX_HEADER_LINE + _TABLE_LINES or not complete:
        lines = lines[:-1]  # cut short by the head's size or the split's limit
    return lines, ending


def _decoded(lines: list[bytes], path: Path, role: str) -> list[str]:
    """Lines of a table's head as text; a byte that is not UTF-8 is an error naming the line."""
    decoded = []
    for number, raw in enumerate(lines, start=1):
        try:
            decoded.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise not_utf8_error(path, role, (number, raw[exc.start], exc.start + 1)) from None
    return decoded


def _mixed_endings(lines: list[bytes], upto: int, path: Path, role: str, ending: str) -> None:
    """Refuse a bare carriage return inside one of the first `upto` lines of a file with line feeds."""
    if ending == "CR":
        return
    for number, raw in enumerate(lines[:upto], start=1):
        if b"\r" in raw:
            raise InputDataError(
                path,
                f"{role} mixes line endings: line {number} holds a bare carriage return before its line feed",
                "convert the line endings to LF, e.g. dos2unix -c mac in.tsv, or re-export the file",
                where=f"line {number}",
            )


def _fields(line: str, delimiter: str) -> list[str]:
    """The fields of one line, split as the CSV parser splits them (quotes honoured)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [""])
    except csv.Error:  # a bare carriage return: refused as mixed line endings where it matters
        return line.split(delimiter)


def _filled(line: str, delimiter: str) -> int:
    """How many fields of a line hold something."""
    return sum(bool(field.strip()) for field in _fields(line, delimiter))


def _number(cell: str, decimal: str) -> bool:
    """Whether a cell is a number written with `decimal` as the decimal mark."""
    cell = cell.strip()
    if decimal == ",":
        return EUROPEAN_NUMBER.fullmatch(cell) is not None
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _looks_like_data(line: str, delimiter: str, decimal: str) -> bool:
    """A line whose fields after the first are all numbers (or empty), at least one of them: a data row."""
    cells = [c for c in _fields(line, delimiter)[1:] if c.strip()]
    return bool(cells) and all(_number(c, decimal) for c in cells)


def _is_preamble(line: str) -> bool:
    """Whether a line above the header is a comment (`#`, `!`) or blank."""
    return line.startswith(PREAMBLE_MARKS) or not line.strip()


def _european(body: list[tuple[int, str]]) -> bool:
    """Whether a .csv table is Excel's European CSV: its header (after any title line) one field when split on
    commas but several on semicolons, the next line as many semicolon-separated fields (or one more: the
    R layout), every number of it with a decimal comma or none."""
    for k, (_, line) in enumerate(body[:3]):
        n = len(_fields(line, ";"))
        if n < 2:
            continue
        if len(_fields(line, ",")) != 1 or k + 1 >= len(body):
            return False
        row = _fields(body[k + 1][1], ";")
        return len(row) in (n, n + 1) and not any("." in c and _number(c, ".") for c in row[1:])
    return False


def _skip_titles(body: list[tuple[int, str]], delimiter: str, decimal: str) -> int:
    """How many of the first lines of a table's body are title lines: a line with at least two fields fewer
    filled than the table's rows, above a header line (a line as wide as the rows, or one field short: the R
    layout, that does not look like data) and a row."""
    k = 0
    while k + 2 < len(body) and k < _MAX_TITLE_LINES:
        title, header, row = (line for _, line in body[k : k + 3])
        width = len(_fields(row, delimiter))
        if not (
            _filled(title, delimiter) <= width - 2
            and len(_fields(header, delimiter)) >= width - 1
            and not _looks_like_data(header, delimiter, decimal)
        ):
            break
        k += 1
    return k


def _commented_header(lines: list[str], header_line: int, delimiter: str, decimal: str) -> int | None:
    """The line of a '#' comment right above a header that holds numbers (a data row) and as many fields:
    the header itself, commented out; None when there is none."""
    above = [n for n in range(header_line - 1, 0, -1) if lines[n - 1].strip()]
    if not above or not lines[above[0] - 1].startswith("#"):
        return None
    header = lines[header_line - 1]
    comment = lines[above[0] - 1]
    if _looks_like_data(header, delimiter, decimal) and len(_fields(comment, delimiter)) == len(
        _fields(header, delimiter)
    ):
        return above[0]
    return None


def find_header(path: Path, fmt: str, role: str) -> Header:
    """The header of a text table: its first line, or the first line below a preamble (lines starting with '#'
    or '!', as GEO's series matrix writes, and title lines: fewer fields than the table's rows), logged; the
    delimiter (Excel's European CSV, semicolons and decimal commas, under a .csv name, is read as such and
    logged). Foreign files, a wrong delimiter and what stays ambiguous are errors naming the line."""
    size = _HEAD_BYTES
    head, encoding = _checked_head(path, fmt, role, size)
    raw_lines, ending = _split_lines(head, size, path, role)
    while not raw_lines and len(head) >= size - 3 and size < _MAX_HEADER_BYTES:  # a header wider than the head
        size *= 4
        head, encoding = _checked_head(path, fmt, role, size)
        raw_lines, ending = _split_lines(head, size, path, role)
    lines = _decoded(raw_lines, path, role)
    if not lines and head.strip():
        raise InputDataError(
            path,
            f"{role}'s first line is longer than {_MAX_HEADER_BYTES >> 20} MiB",
            "check that the file is a delimited text table with one line per row",
            where="line 1",
        )
    if not lines or not lines[0].strip():
        raise InputDataError(
            path, f"{role} has an empty first line; expected a header", "put the column names on line 1"
        )
    delimiter, decimal = DELIMITERS[fmt], "."
    body = [(n, line) for n, line in enumerate(lines, start=1) if not _is_preamble(line)][:_TABLE_LINES]
    if not body or body[0][0] > _MAX_HEADER_LINE:
        raise InputDataError(
            path,
            f"{role} has no header in its first {_MAX_HEADER_LINE} lines: every one is empty or a comment "
            "(starts with '#' or '!')",
            "put the column names on the first line that is not a comment",
            where=f"lines 1-{min(len(lines), _MAX_HEADER_LINE)}",
        )
    if fmt == "csv" and _european(body):
        delimiter, decimal = ";", ","
        LOG.info(
            "%s %s: a European CSV (semicolon-separated, decimal commas; Excel's 'CSV' in e.g. German or French "
            "locales, R's write.csv2): read as such",
            role,
            path,
        )
    number, line = body[_skip_titles(body, delimiter, decimal)]
    _mixed_endings(raw_lines, number, path, role, ending)
    commented = _commented_header(lines, number, delimiter, decimal)
    if commented:
        raise InputDataError(
            path,
            f"{role}: line {commented} starts with '#' but splits into the table's "
            f"{len(_fields(line, delimiter))} fields, and line {number} below it holds numbers: the header "
            "looks commented out",
            f"remove the '#' at the start of line {commented} if it is the header (a comment above the header "
            "may not split into the table's columns)",
            where=f"line {commented}",
        )
    if number > 1:
        LOG.info(
            "%s %s: header on line %d; %s skipped (a preamble: %r)",
            role,
            path,
            number,
            "line 1" if number == 2 else f"lines 1-{number - 1}",
            lines[0][:40],
        )
    fields = _fields(line, delimiter)
    if len(fields) == 1:
        _refuse_single_column(path, fmt, role, line, number)
    return Header(fields, number, delimiter, decimal, line, encoding, ending)


def _refuse_single_column(path: Path, fmt: str, role: str, line: str, number: int) -> None:
    """Refuse a header of one field that holds another delimiter: the file is delimited otherwise."""
    delimiter = DELIMITERS[fmt]
    found = [d for d in DELIMITER_NAMES if d != delimiter and d in line]
    if found:
        name = DELIMITER_NAMES[found[0]]
        fix = _delimiter_fix(path, fmt, {"\t": "tsv", ",": "csv"}.get(found[0]))
        raise InputDataError(
            path,
            f"{role} header has a single column when split on {DELIMITER_NAMES[delimiter]}s, "
            f"but it contains {name}s: the file looks {name}-separated, not {fmt.upper()}",
            fix,
            where=f"line {number}",
        )


def read_header(path: Path, fmt: str, role: str) -> list[str]:
    """The header fields of a text table (see :func:`find_header`)."""
    return find_header(path, fmt, role).fields
