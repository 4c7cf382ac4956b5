"""Names and file layout shared by the Snakemake rules and the library.

Dependency-free on purpose: the rules import it while Snakemake builds the DAG (also inside every
cluster job), where importing xgboost or pandas would add seconds to each start.
"""

from __future__ import annotations

import os

SPLITS = ("train", "test", "validation")
FORMATS = ("tsv", "csv", "parquet")
DELIMITERS = {"tsv": "\t", "csv": ","}
TABLE_EXTENSIONS = {".tsv": "tsv", ".txt": "tsv", ".tab": "tsv", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd"}  # text tables read through these transparently
COHORT_FILES = ("tf_expression", "gene_expression", "network", "validation")
TRUTH_FILES = ("truth_edges", "truth_genes")


def cohort_file_names(fmt: str) -> dict[str, str]:
    """File names of a synthetic cohort written in `fmt` (tsv, csv or parquet), by role."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}")
    return {role: f"{role}.{fmt}" for role in (*COHORT_FILES, *TRUTH_FILES)} | {"summary": "cohort.json"}


def compression_of(path: str | os.PathLike) -> str | None:
    """Compression of a text table by its last extension (COMPRESSIONS), None when uncompressed."""
    return COMPRESSIONS.get(os.path.splitext(path)[1].lower())


def format_from_extension(path: str | os.PathLike) -> str | None:
    """Table format of a file by its extension (TABLE_EXTENSIONS), looking through a compression suffix
    (`x.tsv.gz` is tsv); None when the extension is unknown."""
    stem, ext = os.path.splitext(os.fspath(path))
    if ext.lower() in COMPRESSIONS:
        stem, ext = os.path.splitext(stem)
        return {"tsv": "tsv", "csv": "csv"}.get(TABLE_EXTENSIONS.get(ext.lower()))
    return TABLE_EXTENSIONS.get(ext.lower())


def by_model_and_split(models: list[str], splits: list[str], files: list[str]) -> dict[tuple[str, str], str]:
    """(model, split) -> file, for files listed as the rules' expand() lists them: models outer, splits inner."""
    keys = [(model, split) for model in models for split in splits]
    if len(keys) != len(files):
        raise ValueError(f"{len(files)} files for {len(models)} models x {len(splits)} splits")
    return dict(zip(keys, files))


def batch_ranges(n_targets: int, batch_size: int) -> list[tuple[int, int]]:
    """[start, stop) target ranges of consecutive batches; the last one may be shorter."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    return [(start, min(start + batch_size, n_targets)) for start in range(0, n_targets, batch_size)]


def batch_name(index: int) -> str:
    """File-name part of XGBRF batch `index` (000, 001, ...)."""
    return f"{index:03d}"
