"""Step of rule `ingest`: validate the four cohort files and convert them to the binary store."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lembas_core.common.layout import COHORT_FILES
from lembas_core.common.settings import IngestSettings
from lembas_core.data.ingest import CohortFiles, ingest_cohort


def ingest(files: Mapping[str, str], file_format: str, out_dir: str | Path, settings: IngestSettings) -> dict:
    """Ingest `files` (role -> path: tf_expression, gene_expression, network, validation) in `file_format`
    (auto: from each extension) into `out_dir` with the `data` settings; return the manifest
    (:func:`lembas_core.data.ingest.ingest_cohort`)."""
    cohort = CohortFiles(**{role: files[role] for role in COHORT_FILES}, format=file_format)
    return ingest_cohort(cohort, out_dir, settings)
