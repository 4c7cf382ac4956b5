"""Preprocessing: feature order, the upstream split, validation policies and TF/target overlap."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from cohort_helpers import DEFAULTS, GENE_COLUMNS, INGEST, SAMPLES
from lembas_core.data.dataset import load_dataset
from lembas_core.data.ingest import ingest_cohort
from lembas_core.data.preprocess import preprocess, split_rows
from lembas_core.io.errors import InputDataError
from lembas_core.io.tables import read_matrix


@pytest.fixture
def ingested(small_cohort, tmp_path):
    ingest_cohort(small_cohort, tmp_path / "ingest", INGEST)
    return small_cohort, tmp_path / "ingest"


def test_features_are_network_nodes_in_file_order(ingested, tmp_path):
    _, ingest_dir = ingested
    preprocess(ingest_dir, tmp_path / "ds", DEFAULTS.preprocess, "default")
    ds = load_dataset(tmp_path / "ds")
    assert ds.features == ["TFB", "TFA", "TFC"]  # file order, NOTNODE dropped
    assert ds.targets == ["G3", "G1", "TFB", "G2"]  # ORPHAN is not a node: dropped by default
    assert ds.report["targets"]["tf_target_overlap_names"] == ["TFB"]


@pytest.mark.parametrize("n, fraction, seed", [(20, 0.2, 888), (15935, 0.2, 888), (37, 0.3, 1)])
def test_split_equals_sklearn(n, fraction, seed):
    train, test = split_rows(n, fraction, seed)
    ref_train, ref_test = train_test_split(pd.DataFrame({"row": np.arange(n)}), test_size=fraction, random_state=seed)
    assert train.tolist() == ref_train.row.tolist() and test.tolist() == ref_test.row.tolist()


def test_upstream_split_sizes():
    train, test = split_rows(15935, 0.2, 888)
    assert (len(train), len(test)) == (12748, 3187)


def test_split_rows_and_values_follow_sklearn(ingested, tmp_path):
    files, ingest_dir = ingested
    preprocess(ingest_dir, tmp_path / "ds", replace(DEFAULTS.preprocess, test_fraction=0.25, split_seed=7), "default")
    ds = load_dataset(tmp_path / "ds")
    genes = read_matrix(files.gene_expression, "tsv", "genes")
    frame = pd.DataFrame(genes.values, index=genes.rows, columns=genes.columns)
    ref_train, ref_test = train_test_split(frame, test_size=0.25, random_state=7)
    assert ds.samples["train"] == list(ref_train.index) and ds.samples["test"] == list(ref_test.index)
    np.testing.assert_array_equal(ds.y["test"], ref_test[ds.targets].to_numpy(np.float32))


def test_zero_policy_fills_and_flags(ingested, tmp_path):
    files, ingest_dir = ingested
    report = preprocess(ingest_dir, tmp_path / "ds", replace(DEFAULTS.preprocess, validation_missing="zero"), "default")
    ds = load_dataset(tmp_path / "ds")
    assert ds.validation_missing_features.tolist() == [False, False, True]  # TFC absent
    assert ds.validation_missing_targets.tolist() == [True, False, False, False]  # G3 absent
    assert not ds.x["validation"][:, 2].any() and not ds.y["validation"][:, 0].any()
    val = read_matrix(files.validation, "tsv", "val")
    np.testing.assert_array_equal(ds.x["validation"][:, 1], val.values[:, val.columns.index("TFA")])
    assert (
        report["validation"]["missing_features"] == ["TFC"] and report["validation"]["fraction_missing_targets"] == 0.25
    )


def test_drop_policy_restricts_every_split(ingested, tmp_path):
    _, ingest_dir = ingested
    preprocess(ingest_dir, tmp_path / "ds", replace(DEFAULTS.preprocess, validation_missing="drop"), "default")
    ds = load_dataset(tmp_path / "ds")
    assert ds.features == ["TFB", "TFA"] and ds.targets == ["G1", "TFB", "G2"]
    assert ds.x["train"].shape == (16, 2) and ds.y["validation"].shape == (6, 3)
    assert not ds.validation_missing_targets.any()


def test_error_policy_names_missing(ingested, tmp_path):
    _, ingest_dir = ingested
    with pytest.raises(
        InputDataError, match="lacks 1 TF feature\\(s\\) \\('TFC'\\) and 1 target gene\\(s\\) \\('G3'\\)"
    ):
        preprocess(ingest_dir, tmp_path / "ds", replace(DEFAULTS.preprocess, validation_missing="error"), "default")
    assert not (tmp_path / "ds").exists()


def test_exclude_tf_targets_and_keep_outside_network(ingested, tmp_path):
    _, ingest_dir = ingested
    settings = replace(DEFAULTS.preprocess, exclude_tf_targets=True, targets_outside_network="keep")
    preprocess(ingest_dir, tmp_path / "ds", settings, "default")
    ds = load_dataset(tmp_path / "ds")
    assert ds.targets == ["G3", "G1", "G2", "ORPHAN"]
    assert ds.report["targets"]["exclude_tf_targets"] is True


def test_dataset_arrays_are_memory_mapped_float32(ingested, tmp_path):
    _, ingest_dir = ingested
    preprocess(ingest_dir, tmp_path / "ds", DEFAULTS.preprocess, "default")
    ds = load_dataset(tmp_path / "ds")
    for split in ("train", "test", "validation"):
        assert isinstance(ds.x[split], np.memmap) and ds.x[split].dtype == np.float32
    assert len(ds.samples["train"]) + len(ds.samples["test"]) == len(SAMPLES)
    assert set(GENE_COLUMNS) > set(ds.targets)
