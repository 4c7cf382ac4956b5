"""Shared fixtures: a small cohort written in a temporary folder (and its dataset store), the demo cohort
(generated once per session), and one complete tiny pipeline run."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohort_helpers import DEFAULTS, INGEST, write_small_cohort
from lembas_core.common.layout import COHORT_FILES
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.ingest import CohortFiles
from lembas_core.steps.ingest import ingest
from lembas_core.steps.preprocess import preprocess_cohort
from lembas_core.synthetic.cohort import SyntheticCohort, generate_cohort, write_cohort
from workflow_helpers import snakemake


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every workflow and SLURM test is also `slow`: `pytest -m "not slow"` runs the in-process tests only (the
    fast subset: 596 tests in 36 s on 2 cores, CONTRIBUTING.md), which import every lembas_core module."""
    for item in items:
        if item.get_closest_marker("workflow") or item.get_closest_marker("slurm"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def small_cohort(tmp_path: Path) -> CohortFiles:
    return write_small_cohort(tmp_path / "in")


@pytest.fixture
def small_dataset(small_cohort: CohortFiles, tmp_path: Path) -> Path:
    """The small cohort ingested and preprocessed with the default settings: the dataset store's folder."""
    ingest({role: getattr(small_cohort, role) for role in COHORT_FILES}, "tsv", tmp_path / "ingest", INGEST)
    preprocess_cohort(tmp_path / "ingest", tmp_path / "dataset", DEFAULTS.preprocess, "default")
    return tmp_path / "dataset"


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory) -> Path:
    """The tiny preset's cohort, ingested and preprocessed (it has TF -> TF edges): the dataset store's folder.
    Read it, never change it."""
    work = tmp_path_factory.mktemp("tiny_dataset")
    files = write_cohort(generate_cohort(PRESETS["tiny"]), work / "cohort", "tsv")
    ingest({role: files[role] for role in COHORT_FILES}, "tsv", work / "ingest", DEFAULTS.data.ingest)
    preprocess_cohort(work / "ingest", work / "dataset", DEFAULTS.preprocess, "default")
    return work / "dataset"


@pytest.fixture(scope="session")
def demo_cohort() -> SyntheticCohort:
    """The default (demo) preset's synthetic cohort, generated once for the whole session: read it, never
    change it (every test that uses it shares the one object)."""
    return generate_cohort(PRESETS["demo"])


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """A complete pipeline run on the tiny preset (real snakemake), shared by workflow tests."""
    workdir = tmp_path_factory.mktemp("tiny")
    result = snakemake(workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    return workdir
