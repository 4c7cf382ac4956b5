"""Shared fixtures: a small cohort written in a temporary folder, and one complete tiny pipeline run."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohort_helpers import write_small_cohort
from lembas_core.data.ingest import CohortFiles
from workflow_helpers import snakemake


@pytest.fixture
def small_cohort(tmp_path: Path) -> CohortFiles:
    return write_small_cohort(tmp_path / "in")


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A complete pipeline run on the tiny preset (real snakemake), shared by workflow tests."""
    workdir = tmp_path_factory.mktemp("tiny")
    result = snakemake(workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    return workdir
