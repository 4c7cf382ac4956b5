"""Names and file layout shared by the Snakemake rules and the library.

Dependency-free on purpose: the rules import it while Snakemake builds the DAG (also inside every
cluster job), where importing xgboost or pandas would add seconds to each start.
"""

from __future__ import annotations

SPLITS = ("train", "test", "validation")
MODEL_KINDS = ("mlr", "ridge", "mean", "xgbrf", "rnn")
COHORT_FILES = ("tf_expression", "gene_expression", "network", "validation")
TRUTH_FILES = ("truth_edges", "truth_genes")


def cohort_file_names(fmt: str) -> dict[str, str]:
    """File names of a synthetic cohort written in `fmt` (tsv, csv or parquet), by role."""
    if fmt not in ("tsv", "csv", "parquet"):
        raise ValueError(f"unknown table format {fmt!r}")
    return {role: f"{role}.{fmt}" for role in (*COHORT_FILES, *TRUTH_FILES)} | {"summary": "cohort.json"}


def batch_ranges(n_targets: int, batch_size: int) -> list[tuple[int, int]]:
    """[start, stop) target ranges of consecutive batches; the last one may be shorter."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    return [(start, min(start + batch_size, n_targets)) for start in range(0, n_targets, batch_size)]


def batch_name(index: int) -> str:
    return f"{index:03d}"
