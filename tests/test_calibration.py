"""The measured calibration the verdicts read: lookup at a run's size, and the tables shipped with the package."""

from __future__ import annotations

import pytest

from lembas_core.evaluation.calibration import (
    CALIBRATION_COLUMNS,
    DIRECTORY,
    INTERVENTIONS,
    calibration_at,
    table_path,
    write_calibration,
)
from lembas_core.workflow.settings import Settings, default_config


def row(split: str, n: int, coverage: float, false_verdict: float) -> dict:
    return {"split": split, "method": "jackknife", "n": n, "metric": "r2_uniform", "coverage": coverage,
            "false_verdict": false_verdict, "sets": 100}  # fmt: skip


@pytest.fixture
def measured(tmp_path):
    rows = [row("test", 10, 0.90, 0.08), row("test", 30, 0.94, 0.045), row("test", 300, 0.96, 0.03)]
    write_calibration(table_path("test", "jackknife", tmp_path), rows, "a test")
    return tmp_path


def test_a_measured_size_is_read_as_measured(measured):
    found = calibration_at("test", "jackknife", 30, measured)
    assert (found.coverage, found.false_verdict, found.measured_at) == (0.94, 0.045, (30,))
    assert found.can_tell and found.covers


def test_between_two_sizes_the_worse_of_the_two_is_read(measured):
    found = calibration_at("test", "jackknife", 17, measured)
    assert (found.coverage, found.false_verdict, found.measured_at) == (0.90, 0.08, (10, 30))
    assert not found.can_tell and not found.covers
    assert calibration_at("test", "jackknife", 100, measured).false_verdict == 0.045


def test_above_the_largest_size_the_largest_is_read_and_below_the_smallest_nothing(measured):
    assert calibration_at("test", "jackknife", 5000, measured).measured_at == (300,)
    assert calibration_at("test", "jackknife", 9, measured) is None
    assert calibration_at("validation", "jackknife", 30, measured) is None  # no row for that split
    assert calibration_at("test", "percentile", 30, measured) is None  # nor for that method


def test_the_package_ships_the_default_rules_measured_from_ten():
    """The default interval method's tables (observational: test and validation; interventional: t over TFs),
    each with every column and rates that are shares, measured from 10 samples or TFs up."""
    method = Settings.from_config(default_config()).evaluate.score.interval
    for split, rule in (("test", method), ("validation", method), (INTERVENTIONS, "t")):
        path = table_path(split, rule)
        assert path.parent == DIRECTORY and path.exists(), path
        header = next(line for line in path.read_text().splitlines() if not line.startswith("#"))
        assert tuple(header.split("\t")) == CALIBRATION_COLUMNS
        found = calibration_at(split, rule, 10)
        assert found is not None and found.measured_at == (10,)
        assert 0 <= found.false_verdict <= 1 and 0 <= found.coverage <= 1
