"""Step of rule `preprocess`: features, the train/test split and validation alignment."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lembas_core.common.settings import PreprocessSettings
from lembas_core.data.preprocess import preprocess


def preprocess_cohort(
    ingest_dir: str | Path, out_dir: str | Path, settings: PreprocessSettings, shap_genes: str | Sequence[str]
) -> dict:
    """Build the dataset store in `out_dir` from the ingest store; return the preprocessing report.

    `shap_genes` (config shap.genes) is checked against the targets before the store is written.
    """
    return preprocess(ingest_dir, out_dir, settings, shap_genes)
