"""Step of rule `ingest`: validate the four cohort files and convert them to the binary store."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lembas_core.data.ingest import CohortFiles, ingest_cohort


def ingest(
    files: Mapping[str, str],
    file_format: str,
    self_loops: str,
    out_dir: str | Path,
    validation_overlap: str = "error",
    min_name_match: float = 0.5,
    transform: str | Mapping[str, str] = "none",
    match_case: bool = True,
) -> dict:
    """Ingest `files` (role -> path: tf_expression, gene_expression, network, validation); return the manifest.

    The remaining arguments are the `data` settings of the same names (lembas_core.data.ingest.ingest_cohort).
    """
    cohort = CohortFiles(
        tf_expression=files["tf_expression"],
        gene_expression=files["gene_expression"],
        network=files["network"],
        validation=files["validation"],
        format=file_format,
    )
    return ingest_cohort(cohort, out_dir, self_loops, validation_overlap, min_name_match, transform, match_case)
