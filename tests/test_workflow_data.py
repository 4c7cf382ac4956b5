"""Workflow tests of the data stages: real snakemake runs on tiny configs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cohort_helpers import rewrite_lines, write_small_cohort
from workflow_helpers import TINY, files_config, snakemake, write_config

pytestmark = pytest.mark.workflow


def test_default_config_dry_run_shows_data_stages(tmp_path):
    result = snakemake(tmp_path, "-n", configfiles=())
    assert result.returncode == 0, result.stdout + result.stderr
    for rule in ("synthesize_cohort", "ingest", "preprocess"):
        assert rule in result.stdout


def test_tiny_pipeline_writes_dataset(tiny_run):
    manifest = json.loads((tiny_run / "results/dataset/manifest.json").read_text())
    assert manifest["kind"] == "dataset"
    assert manifest["report"]["n_train"] == 192 and manifest["report"]["n_test"] == 48
    assert (tiny_run / "results/cohort/truth_edges.tsv").exists()
    assert "VALIDATION COHORT" in (tiny_run / "logs/preprocess.log").read_text()
    assert json.loads((tiny_run / "results/cohort/cohort.json").read_text())["spec"]["n_samples"] == 240


def test_nothing_to_do_after_complete_run(tiny_run):
    result = snakemake(tiny_run, "-n")
    assert result.returncode == 0 and "Nothing to be done" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "config, key",
    [
        ({"data": {"sourcee": "files"}}, "sourcee"),
        ({"models": {"xgbrf": {"batch_size": 0}}}, "batch_size"),
        ({"models": {"xgbrf": {"batch_size": -5}}}, "batch_size"),
        ({"preprocess": {"test_fraction": 1.5}}, "test_fraction"),
        ({"data": {"source": "files"}}, "tf_expression"),
    ],
)
def test_invalid_config_stops_before_any_job(tmp_path, config, key):
    bad = write_config(tmp_path / "bad.yaml", config)
    result = snakemake(tmp_path, configfiles=(TINY, bad))
    assert result.returncode != 0
    assert key in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()


def test_user_files_run_end_to_end(tmp_path):
    files = write_small_cohort(tmp_path / "in", "csv")
    result = snakemake(tmp_path, "results/dataset", configfiles=(TINY, files_config(tmp_path, files)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "results/cohort").exists(), "user data must not trigger synthesis"
    features = json.loads((tmp_path / "results/dataset/features.json").read_text())
    assert features == ["TFB", "TFA", "TFC"]
    assert np.load(tmp_path / "results/dataset/x_train.npy").shape == (16, 3)


def test_bad_user_file_fails_clearly_and_leaves_nothing(tmp_path):
    files = write_small_cohort(tmp_path / "in", "tsv")

    def put_nan(lines):
        cells = lines[3].split("\t")
        cells[1] = "NaN"
        return lines[:3] + ["\t".join(cells)] + lines[4:]

    rewrite_lines(files.gene_expression, put_nan)
    result = snakemake(tmp_path, "results/dataset", configfiles=(TINY, files_config(tmp_path, files)))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "gene_expression.tsv" in output and "missing (empty or NaN)" in output and "line 4" in output
    assert not (tmp_path / "results/ingest").exists()
    assert not [p for p in (tmp_path / "results").glob(".*")]
