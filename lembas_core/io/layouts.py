"""Recognising what wrote a text table from its header line: the layouts of spreadsheet and R exports that are
read as such (named in the log), and the outputs of RNA-seq quantifiers that are not a samples x genes
matrix, refused with the tool named and a command that builds the matrix.

The quantifiers, by the header their documentation gives:

- salmon `quant.sf` (and `quant.genes.sf`): Name, Length, EffectiveLength, TPM, NumReads;
- kallisto `abundance.tsv`: target_id, length, eff_length, est_counts, tpm;
- RSEM `*.genes.results`: gene_id, transcript_id(s), length, effective_length, expected_count, TPM, FPKM
  (and `*.isoforms.results`: transcript_id, gene_id, ..., IsoPct);
- featureCounts: a `# Program:featureCounts ...` line, then Geneid, Chr, Start, End, Strand, Length and one
  column of raw counts per BAM file.

The first three hold one sample each (features as rows): the fix turns every sample's file into one row of
log2(TPM + 1). featureCounts holds raw counts of every sample (genes as rows): the fix normalises them to
counts per million over the whole table, takes log2(x + 1) and transposes.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.sniff import Header


@dataclass(frozen=True)
class Quantifier:
    """A quantifier's per-sample output: its header's first columns, the ID and TPM columns, what a row is,
    and the file names after which the sample is the folder's name."""

    tool: str
    file: str
    columns: tuple[str, ...]
    id_column: str
    tpm_column: str
    rows: str
    folder_named: tuple[str, ...] = ()  # default file names: the sample is the folder (salmon, kallisto)
    suffix: str = ""  # the sample is the file name before this (RSEM)


_TRANSCRIPTS = "transcript (or gene: quant.genes.sf)"
QUANTIFIERS = (
    Quantifier(
        "salmon",
        "quant.sf",
        ("Name", "Length", "EffectiveLength", "TPM", "NumReads"),
        "Name",
        "TPM",
        _TRANSCRIPTS,
        folder_named=("quant.sf", "quant.genes.sf"),
    ),
    Quantifier(
        "kallisto",
        "abundance.tsv",
        ("target_id", "length", "eff_length", "est_counts", "tpm"),
        "target_id",
        "tpm",
        "transcript",
        folder_named=("abundance.tsv", "abundance.txt"),
    ),
    Quantifier(
        "RSEM",
        "*.genes.results",
        ("gene_id", "transcript_id(s)", "length", "effective_length", "expected_count", "TPM", "FPKM"),
        "gene_id",
        "TPM",
        "gene",
        suffix=".genes.results",
    ),
    Quantifier(
        "RSEM",
        "*.isoforms.results",
        ("transcript_id", "gene_id", "length", "effective_length", "expected_count", "TPM", "FPKM", "IsoPct"),
        "transcript_id",
        "TPM",
        "transcript",
        suffix=".isoforms.results",
    ),
)
FEATURECOUNTS_COLUMNS = ("Geneid", "Chr", "Start", "End", "Strand", "Length")
_TEXT_SUFFIX = re.compile(r"(\.(tsv|txt|tab|csv))?(\.(gz|bz2|zst))?$", re.IGNORECASE)

# What the fixes run: pandas reads each file, and the matrix goes to standard output (samples x genes).
_TPM_SCRIPT = (
    "import sys, numpy as np, pandas as pd; "
    "tpm = pd.DataFrame({{s: pd.read_csv(f, sep='\\t', index_col='{id}')['{tpm}'] "
    "for s, f in (a.split('=', 1) for a in sys.argv[1:])}}).T; "
    "np.log2(tpm + 1).rename_axis('sample_id').to_csv(sys.stdout, sep='\\t', float_format='%.4f')"
)
_COUNTS_SCRIPT = (
    "import sys, numpy as np, pandas as pd; "
    "c = pd.read_csv(sys.argv[1], sep='\\t', comment='#', index_col='Geneid').iloc[:, 5:]; "
    "c.columns = [p.replace(chr(92), '/').rsplit('/', 1)[-1].removesuffix('.bam') for p in c.columns]; "
    "np.log2(c / c.sum() * 1e6 + 1).T.rename_axis('sample_id').to_csv(sys.stdout, sep='\\t', float_format='%.4f')"
)
TPM_MATRIX = "expression_log2tpm.tsv"  # where the fixes write the matrix (in the working directory)
CPM_MATRIX = "expression_log2cpm.tsv"


def _sample_guess(path: Path, quantifier: Quantifier) -> str:
    """The sample a quantifier's file stands for, from its path: the folder of a file under the tool's own name
    (salmon's <sample>/quant.sf), the name before RSEM's suffix, else the name before its first dot."""
    name = _TEXT_SUFFIX.sub("", path.name) if path.name.count(".") > 1 else path.name
    if name in quantifier.folder_named and path.parent.name:
        return path.parent.name
    if quantifier.suffix and name.endswith(quantifier.suffix):
        return name.removesuffix(quantifier.suffix)
    return path.name.split(".", 1)[0]


def _quantifier_error(path: Path, role: str, header: Header, quantifier: Quantifier) -> InputDataError:
    """The error for one sample's quantification (salmon, kallisto, RSEM) given as a matrix, with the command
    that builds the samples x genes matrix of log2(TPM + 1)."""
    sample = _sample_guess(path, quantifier)
    script = _TPM_SCRIPT.format(id=quantifier.id_column, tpm=quantifier.tpm_column)
    command = f'python3 -c "{script}" {shlex.quote(f"{sample}={path}")} > {TPM_MATRIX}'
    transcripts = (
        "; its rows are transcripts: sum their TPM per gene first (tximport, or salmon quant --geneMap)"
        if quantifier.rows.startswith("transcript")
        else ""
    )
    return InputDataError(
        path,
        f"{role} is {quantifier.tool}'s {quantifier.file} (columns {', '.join(quantifier.columns)}): one "
        f"sample's quantification, one row per {quantifier.rows}, not a samples x genes matrix",
        f"build the matrix of log2(TPM + 1), one row per sample, from every sample's {quantifier.file} (one "
        f"SAMPLE=FILE argument each; {sample!r} is a guess from this file's path), and give {TPM_MATRIX} as the "
        f"{role}{transcripts}:\n    {command}",
        where=f"line {header.line}",
    )


def _featurecounts_error(path: Path, role: str, header: Header) -> InputDataError:
    """The error for a featureCounts table (raw counts, genes as rows), with the command that builds the
    samples x genes matrix of log2(CPM + 1)."""
    bams = header.fields[len(FEATURECOUNTS_COLUMNS) :]
    command = f'python3 -c "{_COUNTS_SCRIPT}" {shlex.quote(str(path))} > {CPM_MATRIX}'
    return InputDataError(
        path,
        f"{role} is featureCounts output (columns {', '.join(FEATURECOUNTS_COLUMNS)}, then one per BAM file: "
        f"{preview(bams, 3)}): raw read counts, one row per gene and one column per sample, not a samples x "
        "genes matrix",
        "normalise the counts to counts per million over the whole table (every gene, before any selection), "
        f"take log2(x + 1) and put the samples in rows (sample IDs: the BAM file names), and give {CPM_MATRIX} "
        f"as the {role}:\n    {command}",
        where=f"line {header.line}",
    )


def check_tool_output(path: Path, role: str, header: Header) -> None:
    """Refuse a quantifier's output given as an expression matrix (see the module docstring)."""
    names = tuple(name.strip() for name in header.fields)
    for quantifier in QUANTIFIERS:
        if names[: len(quantifier.columns)] == quantifier.columns:
            raise _quantifier_error(path, role, header, quantifier)
    if names[: len(FEATURECOUNTS_COLUMNS)] == FEATURECOUNTS_COLUMNS and len(names) > len(FEATURECOUNTS_COLUMNS):
        raise _featurecounts_error(path, role, header)


def writer_layout(header: Header, names: list[str]) -> str | None:
    """What the bytes and header of a text table say about the program that wrote it, for the log; None for
    plain text (UTF-8, LF, unquoted names). `names` are the columns as read (R's write.table layout adds '')."""
    found = []
    if header.encoding == "UTF-8 with a byte-order mark" and header.line_ending == "CRLF":
        found.append("Excel's 'CSV UTF-8' layout (a UTF-8 byte-order mark, CRLF line endings)")
    elif header.encoding == "UTF-8 with a byte-order mark":
        found.append("a UTF-8 byte-order mark (skipped)")
    elif header.line_ending == "CRLF":
        found.append("Windows line endings (CRLF)")
    if header.text.startswith('""' + header.delimiter) and header.fields[0] == "":
        csv2 = "2" if header.delimiter == ";" else ""
        found.append(f"R write.csv{csv2} layout (quoted names, an empty first name for the row names)")
    elif header.text.startswith('"'):
        found.append("names in double quotes (read without them)")
    return "; ".join(found) or None
