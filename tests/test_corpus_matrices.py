"""Expression matrices as real tools write them (tests/data/corpus/matrices, README.md there): each file
replaces its role's file in the small cohort and runs through the real ingest. It is read into the
original's names and values (within the file's rounding) with the log naming what was recognised, or it is
refused with a diagnosis; where the fix is a command or a setting, it is applied and the run then passes
or fails with another, more specific message."""

from __future__ import annotations

import csv
import logging
import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import INGEST, SAMPLES, TF_COLUMNS, VALIDATION_COLUMNS, write_small_cohort
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.io.errors import InputDataError
from lembas_core.io.store import Store

CORPUS = Path(__file__).resolve().parent / "data" / "corpus" / "matrices"
STORED = {"tf_expression": "tf_expression", "gene_expression": "gene_expression", "validation": "validation"}
SAMPLE_NAMES = {"tf_expression": "samples", "gene_expression": "samples", "validation": "validation_samples"}
COLUMN_NAMES = {"tf_expression": "tf_columns", "gene_expression": "gene_columns", "validation": "validation_columns"}


def cohort_with(tmp_path: Path, role: str, source: Path, name: str | None = None) -> tuple[CohortFiles, Path]:
    """The small cohort (TSV) under tmp_path/in with `role`'s file replaced by a copy of `source` (named
    `name`, a path relative to tmp_path/in); format auto."""
    files = write_small_cohort(tmp_path / "in", "tsv")
    target = tmp_path / "in" / (name or source.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return replace(files, format="auto", **{role: str(target)}), target


def ingest(files: CohortFiles, tmp_path: Path, **settings) -> Store:
    out = tmp_path / "ingest"
    shutil.rmtree(out, ignore_errors=True)
    ingest_cohort(files, out, replace(INGEST, **settings))
    return Store(out, kind="ingest")


def refused(files: CohortFiles, tmp_path: Path, **settings) -> InputDataError:
    with pytest.raises(InputDataError) as error:
        ingest(files, tmp_path, **settings)
    return error.value


def original(tmp_path: Path, role: str) -> pd.DataFrame:
    files = write_small_cohort(tmp_path / "original", "tsv")
    return pd.read_csv(getattr(files, role), sep="\t", index_col=0)


def assert_stored(store: Store, role: str, expected: pd.DataFrame, atol: float) -> None:
    """The stored matrix of `role` has `expected`'s sample IDs, columns and values (within `atol`)."""
    assert store.names(COLUMN_NAMES[role]) == list(expected.columns)
    samples = store.names(SAMPLE_NAMES[role])
    assert samples == list(expected.index) or sorted(samples) == sorted(expected.index)
    np.testing.assert_allclose(store.array(STORED[role]), expected.loc[samples].to_numpy(), atol=atol, rtol=0)


@dataclass(frozen=True)
class Read:
    file: str
    log: str  # what the log says was recognised; '' for the plain layout (nothing logged)
    atol: float = 1e-6  # the file's rounding (the corpus keeps the original's 4 decimals)


READ = [
    Read("r_write_csv.csv", "R write.csv layout (quoted names, an empty first name for the row names)"),
    Read("r_write_table.tsv", "R write.table layout (the header has no name for the first column"),
    Read("r_write_csv2.csv", "R write.csv2 layout (quoted names, an empty first name for the row names)"),
    Read("r_write_table_no_rownames.tsv", "names in double quotes (read without them)"),
    Read("readr_write_tsv.tsv", ""),
    Read("excel_csv_utf8.csv", "Excel's 'CSV UTF-8' layout (a UTF-8 byte-order mark, CRLF line endings)"),
    Read("excel_csv_semicolon.csv", "a European CSV (semicolon-separated, decimal commas; Excel's 'CSV' in e.g."),
    Read("excel_unicode_text.txt", "UTF-16 text with a byte-order mark (Excel's 'Unicode Text'), read as UTF-16"),
    Read(
        "excel_title_row.csv",
        "header on line 2; line 1 skipped (a preamble: '\"TF expression, log2(TPM + 1)\",,,,')",
    ),
    Read("pandas_to_csv.csv", ""),
    Read("pandas_to_parquet.parquet", ""),
]


@pytest.mark.parametrize("case", READ, ids=[c.file for c in READ])
def test_corpus_file_is_read_as_the_original(case, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="lembas_core")
    files, path = cohort_with(tmp_path, "tf_expression", CORPUS / case.file)
    store = ingest(files, tmp_path)
    assert_stored(store, "tf_expression", original(tmp_path, "tf_expression"), case.atol)
    assert store.names("samples") == SAMPLES and store.names("tf_columns") == TF_COLUMNS
    about_file = [r.getMessage() for r in caplog.records if str(path) in r.getMessage()]
    if case.log:
        assert any(case.log in message for message in about_file), about_file
    else:  # the plain layout: nothing recognised, skipped or cleaned
        assert about_file == [f"TF expression matrix {path}: 20 samples x 4 columns"], about_file
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and str(path) in r.getMessage()]


def test_excel_title_row_was_misread_as_a_wrong_delimiter_before(tmp_path):
    """The title line holds a comma but one field: it is the title, not a sign of a comma-separated file
    named .tsv (the title above a TSV header)."""
    lines = (CORPUS / "readr_write_tsv.tsv").read_text().splitlines()
    source = tmp_path / "titled.tsv"
    source.write_text("\n".join(["Expression, cohort A (log2 TPM)", "", *lines]) + "\n")
    files, _ = cohort_with(tmp_path, "tf_expression", source)
    assert_stored(ingest(files, tmp_path), "tf_expression", original(tmp_path, "tf_expression"), 1e-6)


def test_geo_series_matrix_preamble_skipped_then_refused_as_transposed(tmp_path, caplog):
    """A GEO series matrix (genes x samples) given as the gene matrix: the '!' preamble and the table's end
    line are skipped (logged), then the cross-file orientation check refuses it as transposed; transposed
    (the fix), the run passes with the original values."""
    caplog.set_level(logging.INFO, logger="lembas_core")
    files, path = cohort_with(tmp_path, "gene_expression", CORPUS / "geo_series_matrix.txt")
    error = refused(files, tmp_path)
    assert "gene expression matrix looks transposed: 80% of its row IDs are network genes" in error.problem
    assert "transpose it" in error.fix and str(path) in str(error)
    assert f"{path}: header on line 12; lines 1-11 skipped (a preamble: '!Series_title\\t\"Small cohort" in caplog.text
    assert "1 line(s) below the table skipped (line 18, starting with '#' or '!': '!series_matrix_table_end')" in (
        caplog.text
    )
    table = pd.read_csv(path, sep="\t", comment="!", index_col=0)  # the fix: transpose it
    table.T.rename_axis("sample_id").to_csv(tmp_path / "genes_by_sample.tsv", sep="\t")
    store = ingest(replace(files, gene_expression=str(tmp_path / "genes_by_sample.tsv")), tmp_path)
    assert_stored(store, "gene_expression", original(tmp_path, "gene_expression"), 1e-6)


def test_european_csv_with_thousands_separators_is_refused_then_unlogged(tmp_path):
    """Excel's European CSV of raw values formatted '#.##0,00': the points are thousands separators, refused
    with the cell; without them (the fix) the values are read and found unlogged, a more specific problem."""
    files, path = cohort_with(tmp_path, "tf_expression", CORPUS / "excel_csv_semicolon_thousands.csv")
    error = refused(files, tmp_path)
    rows = list(csv.reader(path.read_text(encoding="cp1252").splitlines(), delimiter=";"))
    line, sample, cell = next((n, row[0], row[1]) for n, row in enumerate(rows[1:], start=2) if "." in row[1])
    assert error.problem == (
        f"TF expression matrix has a thousands separator in {cell!r} (a semicolon-separated CSV with decimal commas)"
    )
    assert error.where == f"line {line}, sample {sample!r}, column 'TFB'"
    assert "without thousands separators (e.g. 1234,5)" in error.fix
    path.write_bytes(path.read_bytes().replace(b".", b""))  # the fix
    error = refused(files, tmp_path)
    assert "TF expression matrix looks unlogged" in error.problem and "data.transform" in error.fix
    raw = pd.read_csv(path, sep=";", decimal=",", index_col=0, encoding="cp1252")
    store = ingest(files, tmp_path, transform={"tf_expression": "log10p1"})
    assert_stored(store, "tf_expression", np.log10(raw + 1), 1e-6)
    assert_stored(store, "tf_expression", original(tmp_path, "tf_expression"), 2.5e-3)  # 10^x - 1 to 2 decimals


@dataclass(frozen=True)
class Quantified:
    source: str  # in the corpus
    name: str  # as the user gives it (under tmp_path/in): renamed .tsv/.txt
    diagnosis: str
    samples: tuple[str, ...]


QUANTIFIED = [
    Quantified(
        "salmon/V0/quant.sf",
        "V0/quant.sf.tsv",
        "validation cohort is salmon's quant.sf (columns Name, Length, EffectiveLength, TPM, NumReads): one "
        "sample's quantification, one row per transcript",
        ("V0",),
    ),
    Quantified(
        "kallisto/V1/abundance.tsv",
        "V1/abundance.tsv",
        "validation cohort is kallisto's abundance.tsv (columns target_id, length, eff_length, est_counts, tpm): "
        "one sample's quantification, one row per transcript",
        ("V1",),
    ),
    Quantified(
        "rsem/V2.genes.results",
        "V2.genes.results.txt",
        "validation cohort is RSEM's *.genes.results (columns gene_id, transcript_id(s), length, effective_length, "
        "expected_count, TPM, FPKM): one sample's quantification, one row per gene",
        ("V2",),
    ),
    Quantified(
        "featurecounts/counts.txt",
        "counts.txt",
        "validation cohort is featureCounts output (columns Geneid, Chr, Start, End, Strand, Length, then one per "
        "BAM file: 'V0.bam', 'V1.bam', 'V2.bam' and 3 more): raw read counts, one row per gene and one column per "
        "sample",
        ("V0", "V1", "V2", "V3", "V4", "V5"),
    ),
]


def expected_matrix(path: Path) -> pd.DataFrame:
    """What the fix should build from a quantifier's file, computed here without pandas' CSV reader:
    log2(TPM + 1) of the one sample, or log2(CPM + 1) of every BAM column."""
    rows = [r for r in csv.reader(path.read_text().splitlines(), delimiter="\t") if not r[0].startswith("#")]
    header, body = rows[0], rows[1:]
    genes = [r[0] for r in body]
    if header[0] == "Geneid":
        counts = np.array([[float(x) for x in r[6:]] for r in body])
        cpm = counts / counts.sum(axis=0) * 1e6
        samples = [h.removesuffix(".bam") for h in header[6:]]
        return pd.DataFrame(np.log2(cpm + 1).T, index=samples, columns=genes)
    tpm = [float(r[header.index("TPM" if "TPM" in header else "tpm")]) for r in body]
    sample = re.search(r"V\d", path.parent.name + "/" + path.name.split(".")[0]).group(0)
    return pd.DataFrame([[math.log2(x + 1) for x in tpm]], index=[sample], columns=genes)


@pytest.mark.parametrize("case", QUANTIFIED, ids=[c.source.split("/")[0] for c in QUANTIFIED])
def test_quantifier_output_is_refused_with_a_command_that_builds_the_matrix(case, tmp_path, caplog):
    """A quantifier's output given as the validation cohort: refused with the tool, what the file is and a
    command; the command, run as printed, writes a samples x genes matrix that ingest accepts."""
    caplog.set_level(logging.INFO, logger="lembas_core")
    files, path = cohort_with(tmp_path, "validation", CORPUS / case.source, case.name)
    error = refused(files, tmp_path)
    assert case.diagnosis in error.problem, error.problem
    assert "not a samples x genes matrix" in error.problem and str(path) in str(error)
    command = next(line.strip() for line in error.fix.splitlines() if line.strip().startswith("python3 -c"))
    output = tmp_path / command.rsplit("> ", 1)[1]
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", command], cwd=tmp_path, env=environment, check=True, timeout=60)
    store = ingest(replace(files, validation=str(output)), tmp_path)
    assert tuple(store.names("validation_samples")) == case.samples
    assert sorted(store.names("validation_columns")) == sorted(VALIDATION_COLUMNS)
    expected = expected_matrix(CORPUS / case.source)
    assert_stored(store, "validation", expected[store.names("validation_columns")], 5e-5)  # 4 decimals written
    if case.source.startswith("featurecounts"):
        assert "header on line 2; line 1 skipped (a preamble: '# Program:featureCounts v2.0.3; Command:')" in (
            caplog.text
        )
