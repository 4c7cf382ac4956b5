"""What a text table is, before it is parsed: its bytes (decompressed when its name says so), its encoding
(UTF-8, or UTF-16 with a byte-order mark; not a compressed, workbook or Parquet file under a text name), its
line endings, and its header line, with a delimiter other than the expected one detected.

Every problem is reported as an :class:`~lembas_core.io.errors.InputDataError` naming the file, the line and
a fix. Parsing the rows that follow the header is the job of :mod:`lembas_core.io.tables`.
"""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path

import pyarrow as pa

from lembas_core.common.layout import DELIMITERS, compression_of, format_from_extension
from lembas_core.io.errors import InputDataError

LOG = logging.getLogger("lembas_core.io.sniff")

DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe", " ": "space"}  # detection order
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
        raise not_utf8_error(path, role, (1, raw[exc.start], exc.start + 1)) from None
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
        found = [d for d in DELIMITER_NAMES if d != delimiter and d in line]
        if found:
            name = DELIMITER_NAMES[found[0]]
            suggestion = {"\t": "tsv", ",": "csv"}.get(found[0])
            fix = _delimiter_fix(path, fmt, suggestion)
            raise InputDataError(
                path,
                f"{role} header has a single column when split on {DELIMITER_NAMES[delimiter]}s, "
                f"but it contains {name}s: the file looks {name}-separated, not {fmt.upper()}",
                fix,
                where="line 1",
            )
    return fields
