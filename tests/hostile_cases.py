"""The hostile-input cases as data: files real users bring (compressed, foreign, mis-encoded, malformed,
mis-scaled or mis-named tables) and config settings that point at them wrongly.

Each `Case` starts from the small hand-written cohort, changes one file (or a setting) the way a user
would, and states the exact outcome: accepted with the cohort's shapes, or an InputDataError whose
message names the file, the line or cell where there is one, and the fix. Each `ConfigCase` is a
data.files setting and the message the Snakefile must give before any job. The tests that run them:
tests/test_hostile_inputs.py (ingest and preprocess, and the parse-time checks), tests/test_hostile_fuzz.py
(random corruptions) and tests/test_hostile_workflow.py (through snakemake).
"""

from __future__ import annotations

import bz2
import gzip
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cohort_helpers import DEFAULTS, INGEST, rewrite_lines, write_small_cohort
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.data.preprocess import preprocess
from lembas_core.io.store import Store


def with_suffix(files: CohortFiles, role: str, suffix: str, convert: Callable[[bytes], bytes]) -> CohortFiles:
    """The cohort with `role`'s file rewritten as `convert(its bytes)` under its name plus `suffix`."""
    path = Path(getattr(files, role))
    target = path.with_name(path.name + suffix) if suffix.startswith(".") else path.with_name(suffix)
    target.write_bytes(convert(path.read_bytes()))
    if target != path:
        path.unlink()
    return replace(files, **{role: str(target)})


def zstd(data: bytes) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as stream:
        stream.write(data)
    return sink.getvalue().to_pybytes()


def edit(role: str, change: Callable[[list[str]], list[str]]):
    """A case that edits the lines of one text file in place."""

    def apply(files: CohortFiles) -> CohortFiles:
        rewrite_lines(getattr(files, role), change)
        return files

    return apply


def set_cell(line: int, column: int, value: str):
    def change(lines):
        cells = lines[line - 1].split("\t")
        cells[column] = value
        return lines[: line - 1] + ["\t".join(cells)] + lines[line:]

    return change


def to_parquet_named_tsv(files: CohortFiles) -> CohortFiles:
    frame = pd.read_csv(files.tf_expression, sep="\t")
    frame.to_parquet(files.tf_expression, index=False)
    return files


def folder(files: CohortFiles) -> CohortFiles:
    directory = Path(files.network).parent / "network_dir"
    directory.mkdir()
    shutil.copy(files.network, directory / "network.tsv")
    return replace(files, network=str(directory))


def raw_tpm(files: CohortFiles) -> CohortFiles:
    frame = pd.read_csv(files.gene_expression, sep="\t", index_col=0)
    (2 ** (frame * 3)).to_csv(files.gene_expression, sep="\t")  # unlogged: up to 2^15
    return files


def latin1_line_13(files: CohortFiles) -> CohortFiles:
    path = Path(files.gene_expression)
    lines = path.read_bytes().split(b"\n")
    lines[12] = lines[12].replace(b"S12", "S12é".encode("cp1252"), 1)
    path.write_bytes(b"\n".join(lines))
    return files


def training_as_validation(files: CohortFiles) -> CohortFiles:
    """The training matrices joined and given as the validation cohort (a copy-paste mistake)."""
    tf = pd.read_csv(files.tf_expression, sep="\t", index_col=0)
    genes = pd.read_csv(files.gene_expression, sep="\t", index_col=0).drop(columns="TFB")
    tf.join(genes).to_csv(files.validation, sep="\t")
    return files


def renamed_training_rows(files: CohortFiles) -> CohortFiles:
    """Two training samples copied into the validation cohort under new IDs."""
    tf = pd.read_csv(files.tf_expression, sep="\t", index_col=0)
    genes = pd.read_csv(files.gene_expression, sep="\t", index_col=0).drop(columns="TFB")
    validation = pd.read_csv(files.validation, sep="\t", index_col=0)
    copies = tf.join(genes).iloc[[3, 7]].reindex(columns=validation.columns, fill_value=0.0)
    copies.index = ["V_new1", "V_new2"]
    pd.concat([validation, copies]).rename_axis("sample_id").to_csv(files.validation, sep="\t")
    return files


def comma_separated(files: CohortFiles) -> CohortFiles:
    frame = pd.read_csv(files.validation, sep="\t", index_col=0)
    frame.to_csv(files.validation)
    return files


def rounded_training_rows(files: CohortFiles) -> CohortFiles:
    """Two training samples copied into the validation cohort under new IDs, re-exported with 2 decimals."""
    renamed_training_rows(files)
    rewrite_matrix("validation", lambda frame: frame.round(2))(files)
    return files


def zero_samples_everywhere(files: CohortFiles) -> CohortFiles:
    """Training sample S04 and validation sample V0 all zero: failed libraries, not a leaked copy."""
    for role, sample in (("tf_expression", "S04"), ("gene_expression", "S04"), ("validation", "V0")):
        rewrite_matrix(role, lambda frame, s=sample: frame.mul((frame.index != s).astype(float), axis=0))(files)
    return files


def swapped_files(files: CohortFiles) -> CohortFiles:
    return replace(files, tf_expression=files.gene_expression, gene_expression=files.tf_expression)


def network_in_lower_case(lines: list[str]) -> list[str]:
    return [lines[0]] + [line.replace("TF", "Tf") for line in lines[1:]]


def ensembl_genes(lines: list[str]) -> list[str]:
    ids = {"G1": "ENSG00000163631", "G2": "ENSG00000081051", "G3": "ENSG00000101076", "TFA": "ENSG00000129514"}
    out = [lines[0]]
    for line in lines[1:]:
        tf, gene, sign = line.split("\t")
        out.append("\t".join([tf, ids.get(gene, gene), sign]))
    return out


def shared_sample_ids(files: CohortFiles) -> CohortFiles:
    rewrite_lines(files.validation, lambda lines: [lines[0], lines[1].replace("V0", "S01", 1), *lines[2:]])
    return files


def renamed_genes(names: dict[str, str]):
    """A case that renames genes in all four files (the network's TF and Gene columns, every matrix)."""

    def apply(files: CohortFiles) -> CohortFiles:
        network = pd.read_csv(files.network, sep="\t")
        network[["TF", "Gene"]] = network[["TF", "Gene"]].replace(names)
        network.to_csv(files.network, sep="\t", index=False)
        for role in ("tf_expression", "gene_expression", "validation"):
            rewrite_matrix(role, lambda frame: frame.rename(columns=names))(files)
        return files

    return apply


def then(*changes: Callable[[CohortFiles], CohortFiles]):
    """A case that applies `changes` in order."""

    def apply(files: CohortFiles) -> CohortFiles:
        for change in changes:
            files = change(files)
        return files

    return apply


def broken_link(files: CohortFiles) -> CohortFiles:
    """The network given as a symbolic link (absolute path) whose target was moved away."""
    link = Path(files.network).with_name("network_link.tsv")
    link.symlink_to(Path(files.network).with_name("moved_away.tsv"))
    return replace(files, network=str(link.resolve().parent / link.name))


def rewrite_matrix(role: str, change: Callable[[pd.DataFrame], pd.DataFrame]):
    """A case that rewrites one expression matrix (a TSV of the small cohort) through pandas."""

    def apply(files: CohortFiles) -> CohortFiles:
        path = getattr(files, role)
        frame = pd.read_csv(path, sep="\t", index_col=0)
        change(frame).to_csv(path, sep="\t")
        return files

    return apply


def renamed_samples(role: str, rename: Callable[[str], str]):
    """A case that renames every sample ID of one expression matrix."""
    return rewrite_matrix(role, lambda frame: frame.rename(index=rename))


def as_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer read counts whose log2 follows the log-scale values (x3: up to 2^15)."""
    return np.round(2 ** (frame * 3)).astype(int)


def cpm(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts per million of each sample (rows), the normalisation the counts error asks for."""
    return frame.div(frame.sum(axis=1), axis=0) * 1e6


def two_raw_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The gene matrix with G1 and G2 from a raw source (2^(3x) - 1), the others log-scale."""
    return frame.assign(G1=2 ** (frame.G1 * 3) - 1, G2=2 ** (frame.G2 * 3) - 1)


def logged_raw_columns(files: CohortFiles, original: CohortFiles) -> CohortFiles:
    """The fix of `two_raw_columns`: the raw columns logged in the others' base before ingest."""
    return rewrite_matrix(
        "gene_expression", lambda frame: frame.assign(G1=np.log2(frame.G1 + 1) / 3, G2=np.log2(frame.G2 + 1) / 3)
    )(files)


def exponentiated(*roles: str):
    """The matrices of `roles` as raw values 10^x - 1 (what log10(x + 1) maps back to x)."""

    def apply(files: CohortFiles) -> CohortFiles:
        for role in roles:
            rewrite_matrix(role, lambda frame: 10**frame - 1)(files)
        return files

    return apply


def renamed_columns(role: str, names: dict[str, str]):
    return rewrite_matrix(role, lambda frame: frame.rename(columns=names))


def values_unchanged(role: str, store_name: str):
    """A check that the stored matrix equals the file's values as written by write_small_cohort."""

    def check(original: CohortFiles, out: Path) -> None:
        expected = pd.read_csv(getattr(original, role), sep="\t", index_col=0).to_numpy()
        np.testing.assert_allclose(Store(out, kind="ingest").array(store_name), expected, atol=2e-4)

    return check


def excel_report(expected: dict):
    def check(original: CohortFiles, out: Path) -> None:
        assert Store(out, kind="ingest").manifest["report"]["excel_dates"] == expected

    return check


def scale_report(role: str, key: str, expected: list[str]):
    def check(original: CohortFiles, out: Path) -> None:
        assert Store(out, kind="ingest").manifest["report"]["scale"][role][key] == expected

    return check


@dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[CohortFiles], CohortFiles]
    problem: str = ""  # empty: accepted
    where: str = ""
    fix: str = ""
    file: str = ""
    overlap: str = "error"  # data.validation_overlap
    transform: str | dict = "none"  # data.transform
    match_case: bool = True  # data.match_case
    preprocess: dict | None = None  # preprocess settings that differ from the defaults
    shap_genes: str | tuple = "default"  # shap.genes
    stage: str = "ingest"  # where the error is raised: ingest | preprocess
    check: Callable[[CohortFiles, Path], None] | None = None  # accepted: (the unchanged cohort, ingest dir)
    ingest: dict | None = None  # other data settings that differ from the defaults (e.g. excel_dates)
    log: str = ""  # accepted: a line the data stages log (what was recognised, skipped or dropped)
    absent: str = ""  # refused: text the message must not hold (e.g. a fix that would break other files)
    targets: tuple[str, ...] = ("G3", "G1", "TFB", "G2")  # accepted: the dataset's targets
    # refused: the fix its message names, applied to the same files (settings of data / preprocess by key;
    # "files": (the changed cohort, the original cohort) -> cohort), and what follows: "" the run passes,
    # else text of the different error it then stops with
    apply: dict | None = None
    after: str = ""


CASES = [
    Case(
        "whitespace around names",
        edit("network", lambda lines: [lines[0]] + [line.replace("TFA\t", " TFA \t", 1) for line in lines[1:]]),
    ),
    Case("whitespace around a sample ID", edit("gene_expression", set_cell(2, 0, " S01"))),
    Case(
        "validation is the training data",
        training_as_validation,
        "20 of 20 validation samples are training samples",
        fix="external cohort",
        file="validation.tsv",
        absent="validation_overlap",  # dropping them all would leave nothing: the fix must not suggest it
        apply={"files": lambda files, original: replace(files, validation=original.validation)},
    ),
    Case(
        "validation shares a sample ID",
        shared_sample_ids,
        "1 of 6 validation samples are training samples (1 by sample ID",
        fix="validation_overlap: drop",
        file="validation.tsv",
        apply={"validation_overlap": "drop"},
    ),
    Case(
        "validation holds copied training rows",
        renamed_training_rows,
        "2 of 8 validation samples are training samples (0 by sample ID, 2 with identical values (to 0.01)",
        fix="validation_overlap: drop",
        file="validation.tsv",
        apply={"validation_overlap": "drop"},
    ),
    Case("copied training rows dropped", renamed_training_rows, overlap="drop"),
    Case(
        "validation holds training rows rounded to 2 decimals",
        rounded_training_rows,
        "2 of 8 validation samples are training samples (0 by sample ID, 2 with identical values (to 0.01)",
        fix="validation_overlap: drop",
        file="validation.tsv",
        apply={"validation_overlap": "drop"},
    ),
    Case(
        "TF and gene files swapped",
        swapped_files,
        "the TF and gene files look swapped",
        fix="exchange data.files.tf_expression and data.files.gene_expression",
        where="data.files",
        apply={"files": lambda files, original: swapped_files(files)},
    ),
    Case(
        "network regulators in another letter case",
        edit("network", network_in_lower_case),
        "names differ only in letter case ('TfA vs TFA'",
        fix="same gene identifiers",
        file="network.tsv",
        apply={"match_case": False},
    ),
    Case(
        "network genes as Ensembl IDs",
        edit("network", ensembl_genes),
        "the network's Gene column holds Ensembl IDs (e.g. 'ENSG00000081051'",
        fix="write the network's Gene column in symbols",
        file="network.tsv",
        absent="gene_expression.tsv (",  # the matrices are named as the consistent files, not as the problem
    ),
    Case(
        "TF columns as Ensembl IDs",
        renamed_columns(
            "tf_expression", {"TFA": "ENSG00000129514", "TFB": "ENSG00000101076", "TFC": "ENSG00000125798"}
        ),
        "the TF matrix holds Ensembl IDs",
        fix="write the TF matrix in symbols",
        file="tf_expression.tsv",
    ),
    Case("tsv.gz", lambda f: with_suffix(f, "tf_expression", ".gz", gzip.compress)),
    Case("tsv.bz2", lambda f: with_suffix(f, "gene_expression", ".bz2", bz2.compress)),
    Case("tsv.zst network", lambda f: with_suffix(f, "network", ".zst", zstd)),
    Case("gz validation", lambda f: with_suffix(f, "validation", ".gz", gzip.compress)),
    Case("utf-8 bom network", lambda f: with_suffix(f, "network", "network.tsv", lambda b: b"\xef\xbb\xbf" + b)),
    Case(
        "utf-8 bom matrix",
        lambda f: with_suffix(f, "tf_expression", "tf_expression.tsv", lambda b: b"\xef\xbb\xbf" + b),
    ),
    Case(
        "gzip named tsv",
        lambda f: with_suffix(f, "tf_expression", "tf_expression.tsv", gzip.compress),
        "gzip-compressed data",
        fix="compression suffix",
        file="tf_expression.tsv",
    ),
    Case(
        "tsv.gz that is plain text",
        lambda f: with_suffix(f, "gene_expression", ".gz", lambda b: b),
        "does not decompress as gzip",
        fix="re-compress it",
        file="gene_expression.tsv.gz",
    ),
    Case(
        "xlsx named tsv",
        lambda f: with_suffix(f, "gene_expression", "gene_expression.tsv", lambda b: b"PK\x03\x04" + b),
        "ZIP archive",
        fix="tab-separated text",
        file="gene_expression.tsv",
    ),
    Case(
        "parquet named tsv",
        to_parquet_named_tsv,
        "a Parquet file",
        fix="name it .parquet and keep data.files.format: auto",
        file="tf_expression.tsv",
        absent="format: parquet",  # one format for all four files would break the three TSV files
        apply={
            "files": lambda files, original: with_suffix(files, "tf_expression", "tf_expression.parquet", lambda b: b)
        },
    ),
    Case(
        "utf-16 (Excel 'Unicode Text')",
        lambda f: with_suffix(f, "validation", "validation.tsv", lambda b: b.decode().encode("utf-16")),
        check=values_unchanged("validation", "validation"),
        log="UTF-16 text with a byte-order mark",
    ),
    Case(
        "utf-16 big-endian network",
        lambda f: with_suffix(f, "network", "network.tsv", lambda b: b"\xfe\xff" + b.decode().encode("utf-16-be")),
        log="UTF-16 text with a byte-order mark",
    ),
    Case(
        "utf-16 with an odd byte at the end",
        lambda f: with_suffix(f, "validation", "validation.tsv", lambda b: b.decode().encode("utf-16") + b"\x00"),
        "starts with a UTF-16 byte-order mark but is not UTF-16 text",
        fix="UTF-8",
        file="validation.tsv",
    ),
    Case(
        "cp1252 byte on line 13",
        latin1_line_13,
        "not UTF-8 text",
        where="line 13",
        fix="iconv",
        file="gene_expression.tsv",
    ),
    Case(
        "comment line on top",
        edit("tf_expression", lambda lines: ["# exported by a tool", *lines]),
        check=values_unchanged("tf_expression", "tf_expression"),
        log="header on line 2; line 1 skipped (a preamble: '# exported by a tool')",
    ),
    Case(
        "trailing tab",
        edit("gene_expression", lambda lines: [lines[0]] + [line + "\t" for line in lines[1:]]),
        "ends with an extra tab",
        fix="remove the trailing tab",
        file="gene_expression.tsv",
    ),
    Case(
        "ragged row",
        edit("gene_expression", lambda lines: lines[:4] + [lines[4] + "\t1.0"] + lines[5:]),
        "row has 7 tab-separated fields, the header has 6",
        where="line 5",
        fix="header's 6 fields",
        file="gene_expression.tsv",
    ),
    Case(
        "decimal comma",
        edit("tf_expression", set_cell(3, 2, "2,5091")),
        "decimal comma",
        where="line 3",
        fix="with a point",
        file="tf_expression.tsv",
    ),
    Case(
        "1e30 cell",
        edit("gene_expression", set_cell(6, 1, "1e30")),
        "impossible for log-scale expression",
        where="line 6, sample 'S05', column 'G3'",
        fix="correct the cell",
        file="gene_expression.tsv",
    ),
    Case(
        "unlogged TPM matrix",
        raw_tpm,
        "gene expression matrix looks unlogged",
        fix="data.transform: {tf_expression: none, gene_expression: log2p1, validation: none}",
        file="gene_expression.tsv",
        apply={"transform": {"tf_expression": "none", "gene_expression": "log2p1", "validation": "none"}},
        after="the validation cohort is on another scale",  # the case's raw values are 2^(3x): 3 times the others
    ),
    Case(
        "empty file",
        lambda f: with_suffix(f, "network", "network.tsv", lambda b: b""),
        "file is empty",
        fix="re-export",
        file="network.tsv",
    ),
    Case(
        "header only",
        edit("validation", lambda lines: lines[:1]),
        "has a header but no data rows",
        fix="one row per sample",
        file="validation.tsv",
    ),
    Case(
        "duplicated sample ID",
        edit("tf_expression", set_cell(4, 0, "S01")),
        "duplicated sample IDs: 'S01'",
        fix="unique",
        file="tf_expression.tsv",
    ),
    Case(
        "NaN cell",
        edit("gene_expression", set_cell(4, 2, "NaN")),
        "missing (empty or NaN)",
        where="line 4",
        fix="impute",
        file="gene_expression.tsv",
    ),
    Case(
        "1e39 cell (finite, beyond float32)",
        edit("gene_expression", set_cell(6, 1, "1e39")),
        "has the value 1e+39, impossible for log-scale expression",
        where="line 6, sample 'S05', column 'G3'",
        fix="correct the cell",
        file="gene_expression.tsv",
        absent="non-finite",
    ),
    Case(
        "infinite cell",
        edit("tf_expression", set_cell(7, 1, "inf")),
        "non-finite value",
        where="line 7",
        fix="replace infinite values",
        file="tf_expression.tsv",
    ),
    Case(
        "raw TPM gene matrix, transformed at ingest",
        exponentiated("gene_expression"),
        transform={"gene_expression": "log10p1"},
        check=values_unchanged("gene_expression", "gene_expression"),
    ),
    Case(
        "raw counts in every matrix, log10p1",
        exponentiated("tf_expression", "gene_expression", "validation"),
        transform="log10p1",
        check=values_unchanged("tf_expression", "tf_expression"),
    ),
    Case(
        "log transform of log-scale values",
        lambda f: f,
        "would log TF expression matrix a second time",
        fix="data.transform: {tf_expression: none, gene_expression: log2p1, validation: log2p1}",
        file="tf_expression.tsv",
        transform="log2p1",
        apply={"transform": {"tf_expression": "none", "gene_expression": "log2p1", "validation": "log2p1"}},
        after="would log gene expression matrix a second time",  # the next file the setting logs twice
    ),
    Case(
        "log transform of values with negatives",
        lambda f: rewrite_matrix("gene_expression", lambda frame: frame - 2.5)(
            exponentiated("tf_expression", "validation")(f)
        ),
        "needs raw, non-negative values",
        where="line 2, sample 'S01', column 'G3'",
        fix="data.transform: {tf_expression: log2p1, gene_expression: none, validation: log2p1}",
        file="gene_expression.tsv",
        transform="log2p1",
        apply={"transform": {"tf_expression": "log2p1", "gene_expression": "none", "validation": "log2p1"}},
    ),
    Case(
        "raw TPM validation cohort",
        exponentiated("validation"),
        "validation cohort looks unlogged",
        fix="(or data.transform: {tf_expression: none, gene_expression: none, validation: log10p1})",
        file="validation.tsv",
        apply={"transform": {"validation": "log10p1"}},  # the cohort is 10^x - 1
    ),
    Case(
        "validation cohort in log10, training in log2",
        rewrite_matrix("validation", lambda frame: frame / np.log2(10)),
        "the validation cohort is on another scale",
        fix="same units and log base",
        file="validation.tsv",
    ),
    Case(
        "one raw column among log-scale columns",
        rewrite_matrix("gene_expression", lambda frame: frame.assign(G1=2 ** (frame.G1 * 3) + 40)),
        "gene expression matrix mixes scales: 1 of its 5 columns look raw (values above 30 in 5% or more of the "
        "samples: 'G1'), while 4 look log-scale already",
        fix="log the columns that came from the raw source before ingest",
        absent="data.transform: log2p1",
        file="gene_expression.tsv",
        apply={
            "files": lambda files, original: rewrite_matrix(
                "gene_expression", lambda frame: frame.assign(G1=np.log2(frame.G1 - 40) / 3)
            )(files)
        },
    ),
    Case(
        "network regulators in another letter case, match_case false",
        edit("network", network_in_lower_case),
        match_case=False,
    ),
    Case(
        "validation cohort lacking most training columns (a smaller panel)",
        rewrite_matrix("validation", lambda frame: frame.drop(columns="TFB")),
    ),
    Case(
        "validation cohort with many more genes (a whole transcriptome)",
        rewrite_matrix("validation", lambda frame: frame.assign(**{f"EXTRA{i}": 1.0 + i / 10 for i in range(40)})),
    ),
    Case(
        "validation columns in lower case",
        rewrite_matrix("validation", lambda frame: frame.rename(columns=str.lower)),
        "names differ only in letter case",
        fix="same gene identifiers",
        file="validation.tsv",
        apply={"match_case": False},
    ),
    Case(
        "validation columns in lower case, match_case false",
        rewrite_matrix("validation", lambda frame: frame.rename(columns=str.lower)),
        match_case=False,
    ),
    Case(
        "TF columns equal but for case, match_case false",
        renamed_columns("tf_expression", {"NOTNODE": "tfa"}),
        "the same name when case is ignored",
        fix="data.match_case: true",
        file="tf_expression.tsv",
        match_case=False,
        apply={"match_case": True},
    ),
    Case(
        "validation cohort in Ensembl IDs",
        renamed_columns(
            "validation",
            {"TFA": "ENSG00000129514", "TFB": "ENSG00000101076", "G1": "ENSG00000163631", "G2": "ENSG00000081051"},
        ),
        "one side holds symbols",
        fix="same gene identifiers in the validation cohort",
        file="validation.tsv",
    ),
    Case(
        "gene columns with version suffixes",
        renamed_columns("gene_expression", {"G1": "G1.1", "G2": "G2.3", "G3": "G3.2"}),
        "the gene matrix's column names carry a suffix that the network's names lack (the regular expression "
        "'\\.\\d+$': 'G3.2', 'G1.1' vs 'G3', 'G1')",
        where="gene names",
        fix="set data.strip_names: {gene_expression: {genes: '\\.\\d+$'}}",
        file="gene_expression.tsv",
        apply={"strip_names": {"gene_expression": {"genes": r"\.\d+$"}}},
    ),
    Case(
        "gene names mangled into dates by Excel",
        renamed_columns("gene_expression", {"G1": "1-Mar", "G2": "2-Mar", "G3": "Sep-7", "ORPHAN": "Dec-1"}),
        "Excel-mangled dates",
        fix="same gene identifiers",
        file="gene_expression.tsv",
    ),
    Case(
        "gene names turned into dates by Excel (SEPTIN7 -> 7-Sep, MARCHF1 -> 1-Mar)",
        then(
            renamed_genes({"G1": "SEPTIN7", "G2": "MARCHF1"}),
            renamed_columns("gene_expression", {"SEPTIN7": "7-Sep", "MARCHF1": "1-Mar"}),
        ),
        "the gene matrix has 2 gene name(s) that Excel turned into dates ('7-Sep', '1-Mar'); 2 of them stand for "
        "targets",
        where="line 1, column '7-Sep'",
        fix="map the names back (7-Sep -> SEPTIN7, 1-Mar -> MARCHF1)",
        file="gene_expression.tsv",
        apply={"excel_dates": "warn"},
        after="only 40% of the gene matrix's 5 columns",  # two of its five genes dropped
    ),
    Case(
        "gene names turned into dates by Excel, data.excel_dates: warn",
        then(renamed_genes({"G1": "SEPTIN7"}), renamed_columns("gene_expression", {"SEPTIN7": "7-Sep"})),
        ingest={"excel_dates": "warn"},
        targets=("G3", "TFB", "G2"),
        check=excel_report({"the gene matrix": {"7-Sep": "SEPTIN7"}}),
        log="1 of them ('7-Sep') look like gene symbols that Excel turned into dates",  # preprocess's drop warning
    ),
    Case(
        "old gene symbols turned into dates by Excel (SEPT7 -> 7-Sep) in the TF matrix",
        then(renamed_genes({"TFC": "SEPT7"}), renamed_columns("tf_expression", {"SEPT7": "7-Sep"})),
        "the TF matrix has 1 gene name(s) that Excel turned into dates ('7-Sep'); 1 of them stand for features",
        where="line 1, column '7-Sep'",
        fix="7-Sep -> SEPT7",
        file="tf_expression.tsv",
        apply={"excel_dates": "warn"},
    ),
    Case(
        "a network saved through Excel (its gene names turned into dates)",
        then(
            renamed_genes({"G1": "MARCH1"}),
            edit("network", lambda lines: [line.replace("MARCH1", "1-Mar") for line in lines]),
        ),
        "the network has 1 gene name(s) that Excel turned into dates ('1-Mar'); 1 of them stand for features or "
        "targets",
        fix="1-Mar -> MARCH1",
        file="network.tsv",
        apply={"excel_dates": "warn"},
    ),
    Case(
        "a validation column turned into a date by Excel",
        then(renamed_genes({"G2": "SEPTIN2"}), renamed_columns("validation", {"SEPTIN2": "2-Sep"})),
        "the validation cohort has 1 gene name(s) that Excel turned into dates ('2-Sep')",
        where="line 1, column '2-Sep'",
        fix="2-Sep -> SEPTIN2",
        file="validation.tsv",
        apply={"excel_dates": "warn"},
    ),
    Case(
        "an Excel date that stands for no network gene (logged, not an error)",
        renamed_columns("gene_expression", {"ORPHAN": "1-Dec"}),
        check=excel_report({"the gene matrix": {"1-Dec": None}}),
        log="map the names back (e.g. 1-Dec -> DELEC1 or DEC1)",
    ),
    Case(
        "constant TF column",
        rewrite_matrix("tf_expression", lambda frame: frame.assign(TFC=2.5)),
        check=scale_report("tf_expression", "constant_columns", ["TFC"]),
    ),
    Case(
        "all-zero gene column",
        rewrite_matrix("gene_expression", lambda frame: frame.assign(G2=0.0)),
        check=scale_report("gene_expression", "all_zero_columns", ["G2"]),
    ),
    Case(
        "no target gene left after preprocessing",
        rewrite_matrix("gene_expression", lambda frame: frame[["TFB", "ORPHAN"]]),
        "no target genes remain after preprocessing: of the gene matrix's 2 columns 1 are not network nodes",
        where="target selection",
        fix="exclude_tf_targets: false",
        preprocess={"exclude_tf_targets": True},
        stage="preprocess",
        apply={"exclude_tf_targets": False},
        after="1 of the 1 target genes are also TF features",
    ),
    Case(
        "SHAP gene in another case",
        lambda f: f,
        "'g1': close matches: 'G1'",
        where="config shap.genes",
        fix="list target genes in shap.genes",
        shap_genes=("G2", "g1"),
        stage="preprocess",
    ),
    Case(
        "SHAP gene that is not a network node",
        lambda f: f,
        "'ORPHAN': it is in the gene matrix but not a network node",
        where="config shap.genes",
        fix="shap.genes: default",
        shap_genes=("ORPHAN",),
        stage="preprocess",
        apply={"targets_outside_network": "keep"},
    ),
    Case("default SHAP genes absent from the cohort", lambda f: f, shap_genes="default"),
    Case(
        "gene matrix transposed (genes in rows)",
        rewrite_matrix("gene_expression", lambda frame: frame.T.rename_axis("gene")),
        "gene expression matrix looks transposed: 80% of its row IDs are network genes",
        fix="transpose it",
        file="gene_expression.tsv",
    ),
    Case(
        "validation cohort transposed",
        rewrite_matrix("validation", lambda frame: frame.T.rename_axis("gene")),
        "validation cohort looks transposed",
        fix="one row per sample",
        file="validation.tsv",
    ),
    Case(
        "no sample-ID column (pandas index=False)",
        edit("gene_expression", lambda lines: [line.split("\t", 1)[1] for line in lines]),
        "first column holds measurements",
        where="column 1",
        fix="index=True",
        file="gene_expression.tsv",
    ),
    Case(
        "header without a name for the ID column (R write.table)",
        edit("tf_expression", lambda lines: [lines[0].split("\t", 1)[1], *lines[1:]]),
        check=values_unchanged("tf_expression", "tf_expression"),
        log="R write.table layout",
    ),
    Case(
        "R write.table layout with a ragged row",
        edit("tf_expression", lambda lines: [lines[0].split("\t", 1)[1], *lines[1:6], lines[6] + "\t1.0", *lines[7:]]),
        "row has 6 tab-separated fields, the header has 4 (R write.table layout: 5 with the row names; 1 such rows)",
        where="line 7",
        fix="the row name and the header's 4 fields",
        file="tf_expression.tsv",
    ),
    Case(
        "network in R write.table layout (row numbers first)",
        edit("network", lambda lines: [lines[0], *(f"{i}\t{line}" for i, line in enumerate(lines[1:], start=1))]),
        log="R write.table layout",
    ),
    Case(
        "space-separated file named .tsv",
        edit("tf_expression", lambda lines: [line.replace("\t", " ") for line in lines]),
        "looks space-separated",
        where="line 1",
        fix="re-export the file TSV-delimited",
        file="tf_expression.tsv",
    ),
    Case(
        "comma-separated file named .tsv",
        comma_separated,
        "looks comma-separated",
        where="line 1",
        fix="name the file .csv and keep data.files.format: auto",
        file="validation.tsv",
        absent="format: 'csv'",  # one format for all four files would break the three TSV files
        apply={"files": lambda files, original: with_suffix(files, "validation", "validation.csv", lambda b: b)},
    ),
    Case(
        "a file with an unknown extension",
        lambda f: with_suffix(f, "validation", "validation.dat", lambda b: b),
        "cannot infer the table format from the extension '.dat'",
        fix="rename the file to end in .tsv, .csv, .parquet",
        file="validation.dat",
        absent="data.files.format",
    ),
    Case(
        "sample IDs in another letter case",
        edit("gene_expression", lambda lines: [lines[0]] + [line.replace("S", "s", 1) for line in lines[1:]]),
        "the IDs differ only in letter case",
        where="sample IDs",
        fix="set data.match_case: false",
        apply={"match_case": False},
    ),
    Case(
        "the TF matrix given as the gene matrix too",
        lambda f: replace(f, gene_expression=f.tf_expression),
        "3 of the 3 target genes are also TF features",
        where="target selection",
        fix="exclude_tf_targets: true",
        stage="preprocess",
        apply={"exclude_tf_targets": True},
        after="no target genes remain after preprocessing",
    ),
    Case(
        "an all-zero TF matrix",
        rewrite_matrix("tf_expression", lambda frame: frame * 0),
        "every column of TF expression matrix is constant (4 of 4 all zero)",
        fix="check the export",
        file="tf_expression.tsv",
    ),
    Case("network header in lower case", edit("network", lambda lines: [lines[0].lower(), *lines[1:]])),
    Case(
        "network signs as words",
        edit("network", lambda lines: [lines[0]] + [line.replace("\t-1", "\tinhibition") for line in lines[1:]]),
        log="Interaction words read as signs: 'inhibition' -> -1",
    ),
    Case(
        "network sign as a verb",
        edit("network", lambda lines: [lines[0]] + [line.replace("\t-1", "\tinhibits") for line in lines[1:]]),
        "Interaction value(s) that name no sign (line 3: 'inhibits'",
        where="line 3, column 'Interaction'",
        fix="write each edge's sign as 1 or -1",
        file="network.tsv",
    ),
    Case(
        "network with TF and Gene columns reversed",
        edit("network", lambda lines: ["Gene\tTF\tInteraction", *lines[1:], "TFC\tORPHAN\t1", "TFA\tTFB\t1"]),
        "the network's TF and Gene columns look reversed",
        fix="regulators in the TF column",
        file="network.tsv",
    ),
    Case(
        "TF columns with a prefix",
        renamed_columns("tf_expression", {c: f"TF_{c}" for c in ("TFA", "TFB", "TFC", "NOTNODE")}),
        "the TF matrix's column names carry a prefix that the network's TF names lack (the regular expression "
        "'^TF_': 'TF_TFB', 'TF_TFA' vs 'TFB', 'TFA')",
        fix="set data.strip_names: {tf_expression: {genes: '^TF_'}}",
        file="tf_expression.tsv",
        apply={"strip_names": {"tf_expression": {"genes": "^TF_"}}},
    ),
    Case(
        "gene columns as 'ID|symbol'",
        renamed_columns("gene_expression", {c: f"ENSG0000010{i}|{c}" for i, c in enumerate(("G1", "G2", "G3"))}),
        "carry a prefix that the network's names lack (the regular expression '^ENSG\\d+\\|'",
        fix="set data.strip_names: {gene_expression: {genes: '^ENSG\\d+\\|'}}",
        file="gene_expression.tsv",
        apply={"strip_names": {"gene_expression": {"genes": r"^ENSG\d+\|"}}},
    ),
    Case(
        "thousands separators",
        edit("gene_expression", set_cell(8, 3, "1,234.5")),
        "thousands separator in '1,234.5'",
        where="line 8",
        fix="without thousands separators",
        file="gene_expression.tsv",
    ),
    Case(
        "three samples",
        lambda f: edit("gene_expression", lambda lines: lines[:4])(edit("tf_expression", lambda lines: lines[:4])(f)),
        "3 samples are too few for a test fraction of 0.2: 2 train and 1 test samples",
        where="train/test split",
        fix="supply at least 4 samples",
        stage="preprocess",
    ),
    Case(
        "a validation cohort of one sample",
        edit("validation", lambda lines: lines[:2]),
        "the validation cohort has 1 sample(s)",
        where="validation cohort",
        fix="more samples",
        stage="preprocess",
    ),
    Case(
        "an all-zero sample (a failed library)",
        edit("tf_expression", lambda lines: [*lines[:4], "\t".join(["S04"] + ["0"] * 4), *lines[5:]]),
        check=scale_report("tf_expression", "constant_samples", ["S04"]),
    ),
    Case("all-zero samples in training and validation (not a copy)", zero_samples_everywhere),
    Case(
        "old Mac line endings (CR only)",
        lambda f: with_suffix(f, "gene_expression", "gene_expression.tsv", lambda b: b.replace(b"\n", b"\r")),
        check=values_unchanged("gene_expression", "gene_expression"),
        log="old Mac OS line endings",
    ),
    Case(
        "old Mac line endings in the network",
        lambda f: with_suffix(f, "network", "network.tsv", lambda b: b.replace(b"\n", b"\r")),
        log="old Mac OS line endings",
    ),
    Case(
        "old Mac line endings, then a decimal comma",
        then(
            edit("tf_expression", set_cell(9, 2, "2,5")),
            lambda f: with_suffix(f, "tf_expression", "tf_expression.tsv", lambda b: b.replace(b"\n", b"\r")),
        ),
        "decimal comma",
        where="line 9, sample 'S08'",
        fix="with a point",
        file="tf_expression.tsv",
    ),
    Case(
        "a bare carriage return inside the header of an LF file",
        edit("tf_expression", lambda lines: [lines[0].replace("\tTFA", "\r\tTFA"), *lines[1:]]),
        "mixes line endings",
        where="line 1",
        fix="convert the line endings to LF",
        file="tf_expression.tsv",
    ),
    Case(
        "a trailing line of tabs (Excel)",
        edit("gene_expression", lambda lines: [*lines, "\t" * 5]),
        check=values_unchanged("gene_expression", "gene_expression"),
        log="1 line(s) of delimiters only (no values) skipped like blank lines (line 22)",
    ),
    Case(
        "a trailing line of tabs in the network",
        edit("network", lambda lines: [*lines, "\t\t"]),
        log="skipped like blank lines",
    ),
    Case(
        "a line of tabs and a blank line inside the data, then a NaN (line numbers follow the file)",
        edit("gene_expression", lambda lines: [*lines[:4], "\t" * 5, "", *set_cell(8, 2, "NaN")(lines)[4:]]),
        "missing (empty or NaN)",
        where="line 10, sample 'S07'",
        fix="impute",
        file="gene_expression.tsv",
    ),
    Case(
        "a line of tabs and a blank line inside the network, then an Unknown sign",
        edit(
            "network",
            lambda lines: [*lines[:2], "\t\t", "", *lines[2:4], lines[4].replace("\t1", "\tUnknown"), *lines[5:]],
        ),
        "1 edge(s) of ambiguous sign (unknown, dual, both, 0, ? or empty): line 7: 'Unknown'",
        where="line 7, column 'Interaction'",
        fix="or set data.ambiguous_signs: drop",
        file="network.tsv",
        apply={"ambiguous_signs": "drop"},
    ),
    Case(
        "a trailing tab on every line, header included",
        edit("gene_expression", lambda lines: [line + "\t" for line in lines]),
        check=values_unchanged("gene_expression", "gene_expression"),
        log="every line ends with a delimiter (an empty, unnamed last column): dropped",
    ),
    Case(
        "a trailing tab on every line of the network, header included",
        edit("network", lambda lines: [line + "\t" for line in lines]),
        log="every line ends with a delimiter (an empty, unnamed last column): dropped",
    ),
    Case(
        "a trailing tab on the header only",
        edit("tf_expression", lambda lines: [lines[0] + "\t", *lines[1:]]),
        check=values_unchanged("tf_expression", "tf_expression"),
        log="the header ends with an extra delimiter",
    ),
    Case(
        "a trailing tab on every line, a value in the unnamed last column",
        edit(
            "gene_expression",
            lambda lines: [lines[0] + "\t", *(line + "\t" for line in lines[1:-1]), lines[-1] + "\t1.0"],
        ),
        "1 column(s) without a name in the header (column 7)",
        where="line 1",
        fix="name every column",
        file="gene_expression.tsv",
    ),
    Case(
        "Windows line endings (CRLF)",
        lambda f: with_suffix(f, "tf_expression", "tf_expression.tsv", lambda b: b.replace(b"\n", b"\r\n")),
    ),
    Case(
        "a column without a name",
        edit("gene_expression", lambda lines: [lines[0].replace("\tG1\t", "\t\t"), *lines[1:]]),
        "1 column(s) without a name in the header (column 3)",
        where="line 1",
        fix="name every column",
        file="gene_expression.tsv",
    ),
    Case(
        "header repeated inside the data (concatenated files)",
        edit("gene_expression", lambda lines: [*lines[:8], lines[0], *lines[8:]]),
        "repeats its header line inside the data",
        where="line 9",
        fix="keep one header line",
        file="gene_expression.tsv",
    ),
    Case(
        "the network given as the validation cohort",
        lambda f: replace(f, validation=f.network),
        "validation cohort looks like a network table",
        fix="point the config's validation cohort at the expression matrix",
        file="network.tsv",
    ),
    Case(
        "a TF matrix given as the network",
        lambda f: replace(f, network=f.tf_expression),
        "network lacks column(s) TF, Gene, Interaction; found 'sample_id', 'TFB'",
        fix="the network needs the columns TF, Gene, Interaction",
        file="tf_expression.tsv",
    ),
    Case(
        "network with extra columns and 1.0 / -1.0 signs",
        edit("network", lambda lines: [lines[0] + "\tweight", *(f"{line}.0\t0.5" for line in lines[1:])]),
    ),
    Case(
        "network in decoupleR's column names (source, target, mor)",
        edit("network", lambda lines: ["source\ttarget\tmor", *lines[1:]]),
        log="decoupleR (R) CollecTRI layout: column(s) 'source', 'target', 'mor' read as TF, Gene, Interaction",
    ),
    Case(
        "network with two sign columns (source, target, mor, weight)",
        edit("network", lambda lines: ["source\ttarget\tmor\tweight", *(f"{line}\t0.5" for line in lines[1:])]),
        "'mor' and 'weight' could each be the Interaction column",
        fix="rename the one that holds the Interaction to Interaction",
        file="network.tsv",
    ),
    Case(
        "gene matrix sample IDs with a .bam suffix",
        renamed_samples("gene_expression", lambda sample: f"{sample}.bam"),
        "the gene matrix's sample IDs carry a suffix that the TF matrix's sample IDs lack (the regular expression "
        "'\\.bam$': 'S01.bam', 'S02.bam' vs 'S01', 'S02'); without it 20 of their 20 names match",
        where="sample IDs",
        fix="set data.strip_names: {gene_expression: {samples: '\\.bam$'}}",
        file="gene_expression.tsv",
        apply={"strip_names": {"gene_expression": {"samples": r"\.bam$"}}},
    ),
    Case(
        "TF matrix sample IDs with lane tags",
        renamed_samples("tf_expression", lambda sample: f"{sample}_L00{int(sample[1:]) % 4 + 1}"),
        "the TF matrix's sample IDs carry a suffix that the gene matrix's sample IDs lack (the regular expression "
        "'_L\\d+$'",
        where="sample IDs",
        fix="set data.strip_names: {tf_expression: {samples: '_L\\d+$'}}",
        file="tf_expression.tsv",
        apply={"strip_names": {"tf_expression": {"samples": r"_L\d+$"}}},
    ),
    Case(
        "gene matrix sample IDs with a prefix",
        renamed_samples("gene_expression", lambda sample: f"Sample_{sample}"),
        "carry a prefix that the TF matrix's sample IDs lack (the regular expression '^Sample_'",
        fix="set data.strip_names: {gene_expression: {samples: '^Sample_'}}",
        file="gene_expression.tsv",
        apply={"strip_names": {"gene_expression": {"samples": "^Sample_"}}},
    ),
    Case(
        "validation columns with version suffixes",
        rewrite_matrix("validation", lambda frame: frame.rename(columns=lambda c: f"{c}.{len(c)}")),
        "the validation cohort's column names carry a suffix that the training matrices' and network's gene names "
        "lack (the regular expression '\\.\\d+$'",
        fix="set data.strip_names: {validation: {genes: '\\.\\d+$'}}",
        file="validation.tsv",
        apply={"strip_names": {"validation": {"genes": r"\.\d+$"}}},
    ),
    Case(
        "network names with version suffixes",
        edit(
            "network",
            lambda lines: [lines[0]] + [re.sub(r"(\w+)\t(\w+)\t", r"\1.1\t\2.4\t", line) for line in lines[1:]],
        ),
        "the network's TF names carry a suffix that the TF matrix's column names lack (the regular expression "
        "'\\.\\d+$': 'TFA.1', 'TFB.1' vs 'TFA', 'TFB')",
        fix="set data.strip_names: {network: {genes: '\\.\\d+$'}}",
        file="network.tsv",
        apply={"strip_names": {"network": {"genes": r"\.\d+$"}}},
    ),
    Case(
        "data.strip_names that turns two names into one",
        lambda f: f,
        "data.strip_names.gene_expression.genes ('\\d$') turns the column names 'G3' and 'G1' into one, 'G'",
        fix="narrow the expression so that every name stays unique, or remove data.strip_names",
        file="gene_expression.tsv",
        ingest={"strip_names": {"gene_expression": {"genes": r"\d$"}}},
        apply={"strip_names": {}},
    ),
    Case(
        "data.strip_names that is not a regular expression",
        lambda f: f,
        "'(' is not a regular expression",
        where="data.strip_names.tf_expression.samples",
        fix="give a Python regular expression",
        ingest={"strip_names": {"tf_expression": {"samples": "("}}},
        apply={"strip_names": {}},
    ),
    Case(
        "gene matrix of integer read counts",
        rewrite_matrix("gene_expression", as_counts),
        "gene expression matrix holds integer counts: every value is a whole number",
        fix="normalise the whole count table",
        file="gene_expression.tsv",
        absent="looks unlogged",
        apply={
            "files": lambda files, original: rewrite_matrix("gene_expression", cpm)(files),
            "transform": {"gene_expression": "log2p1"},
        },
        after="the validation cohort is on another scale",  # log2 CPM is not the validation cohort's scale
    ),
    Case(
        "integer read counts given data.transform: log2p1",
        rewrite_matrix("gene_expression", as_counts),
        "gene expression matrix holds integer counts (data.transform log2p1 was asked to log it)",
        fix="normalise the whole count table",
        file="gene_expression.tsv",
        transform={"gene_expression": "log2p1"},
        apply={"files": lambda files, original: rewrite_matrix("gene_expression", cpm)(files)},
        after="the validation cohort is on another scale",
    ),
    Case(
        "gene matrix mixing raw and log-scale columns",
        rewrite_matrix("gene_expression", two_raw_columns),
        "gene expression matrix mixes scales: 2 of its 5 columns look raw (values above 30 in 5% or more of the "
        "samples: 'G1', 'G2'), while 3 look log-scale already ('G3', 'TFB', 'ORPHAN'",
        fix="log the columns that came from the raw source before ingest",
        file="gene_expression.tsv",
        absent="data.transform: log2p1",
        apply={"files": logged_raw_columns},
    ),
    Case(
        "gene matrix mixing raw and log-scale columns, given data.transform: log2p1",
        rewrite_matrix("gene_expression", two_raw_columns),
        "gene expression matrix mixes scales (data.transform log2p1 was asked to log it)",
        fix="log the columns that came from the raw source before ingest",
        file="gene_expression.tsv",
        transform={"gene_expression": "log2p1"},
        apply={"files": logged_raw_columns, "transform": "none"},
    ),
    Case(
        "a self-loop with data.self_loops: error",
        edit("network", lambda lines: [*lines, "TFA\tTFA\t1"]),
        "network has 1 self-loop(s) (a node regulating itself): 'TFA'",
        fix="or set data.self_loops to 'keep'",
        file="network.tsv",
        ingest={"self_loops": "error"},
        apply={"self_loops": "keep"},
    ),
    Case(
        "validation cohort lacking training genes, preprocess.validation_missing: error",
        lambda f: f,
        "the validation cohort lacks 1 TF feature(s) ('TFC') and 1 target gene(s) ('G3')",
        where="validation alignment",
        fix="or set preprocess.validation_missing to 'zero'",
        preprocess={"validation_missing": "error"},
        stage="preprocess",
        apply={"validation_missing": "zero"},
    ),
    Case(
        "preprocess.validation_missing: drop leaving no target",
        rewrite_matrix("validation", lambda frame: frame.drop(columns=["G1", "G2"])),
        "preprocess.validation_missing: drop leaves 2 TF features and 0 target genes",
        where="validation alignment",
        fix="or set preprocess.validation_missing: zero",
        preprocess={"validation_missing": "drop", "exclude_tf_targets": True},
        stage="preprocess",
        apply={"validation_missing": "zero"},
    ),
    Case(
        "five samples and a test fraction of 0.8",
        lambda f: edit("gene_expression", lambda lines: lines[:6])(edit("tf_expression", lambda lines: lines[:6])(f)),
        "5 samples are too few for a test fraction of 0.8: 1 train and 4 test samples",
        where="train/test split",
        fix="set preprocess.test_fraction: 0.5 (3 test samples)",
        preprocess={"test_fraction": 0.8},
        stage="preprocess",
        apply={"test_fraction": 0.5},
    ),
    Case(
        "a sample commented out inside the table",
        edit("tf_expression", lambda lines: [*lines[:5], "#" + lines[5], *lines[6:]]),
        "TF expression matrix has a row whose sample ID starts with '#' ('#S05'; 1 such row(s)): a sample "
        "commented out?",
        where="line 6",
        fix="delete the line to leave the sample out",
        file="tf_expression.tsv",
    ),
    Case(
        "data.strip_names that deletes whole network names",
        lambda f: f,
        "data.strip_names.network.genes ('^.*$') deletes the whole name of the network names 'TFA'",
        fix="anchor the expression to the decoration only",
        file="network.tsv",
        ingest={"strip_names": {"network": {"genes": "^.*$"}}},
        apply={"strip_names": {}},
    ),
    Case("folder as file", folder, "is a folder, not a file", fix="table inside it", file="network_dir"),
    Case(
        "broken symbolic link (absolute path)",
        broken_link,
        "network file is a symbolic link to",
        fix="restore the link's target",
        file="network_link.tsv",
        absent="working directory",
    ),
    Case(
        "missing file",
        lambda f: replace(f, validation=str(Path(f.validation).with_name("nope.tsv"))),
        "file not found",
        fix="check the path",
        file="nope.tsv",
    ),
]


def run_data_stages(case: Case, files: CohortFiles, tmp_path: Path) -> None:
    """Ingest then preprocess with the case's settings (into tmp_path/ingest and tmp_path/dataset)."""
    data = replace(
        INGEST,
        validation_overlap=case.overlap,
        transform=case.transform,
        match_case=case.match_case,
        **(case.ingest or {}),
    )
    ingest_cohort(files, tmp_path / "ingest", data)
    settings = replace(DEFAULTS.preprocess, **(case.preprocess or {}))
    shap = case.shap_genes if isinstance(case.shap_genes, str) else list(case.shap_genes)
    preprocess(tmp_path / "ingest", tmp_path / "dataset", settings, shap)


@dataclass(frozen=True)
class ConfigCase:
    name: str
    files: Callable[[CohortFiles, Path], dict]  # (the cohort, tmp_path) -> data.files settings
    problem: str
    fix: str
    absent: str = ""  # text the message must not hold


def link_to_nothing(files: CohortFiles, root: Path) -> dict:
    """data.files with the validation cohort given as an absolute symbolic link to a moved file."""
    link = root / "validation_link.tsv"
    link.symlink_to(root / "gone" / "validation.tsv")
    return {"validation": str(link)}


CONFIG_CASES = [
    ConfigCase(
        "validation: null",
        lambda files, root: {"validation": None},
        "data.files.validation is not set: with data.source: files the validation cohort (an independent cohort",
        "set data.files.validation to the path of the validation cohort (an external cohort is required",
        absent="is not of type",
    ),
    ConfigCase(
        "network: null",
        lambda files, root: {"network": None},
        "data.files.network is not set: with data.source: files the network table",
        "set data.files.network to the path of the network table",
        absent="is not of type",
    ),
    ConfigCase(
        "broken symbolic link (absolute path)",
        link_to_nothing,
        "validation_link.tsv': is a symbolic link to '",
        "restore the link's target",
        absent="working directory",
    ),
]


def files_settings(case: ConfigCase, tmp_path: Path) -> dict:
    files = write_small_cohort(tmp_path / "in", "tsv")
    roles = ("tf_expression", "gene_expression", "network", "validation")
    return {"format": "auto", **{r: str(getattr(files, r)) for r in roles}, **case.files(files, tmp_path)}
