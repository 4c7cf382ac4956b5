"""XGBRF batches: ranges, order-preserving concatenation, single-gene boosters, storage, threads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb

from cohort_helpers import DEFAULTS
from lembas_core.common.layout import batch_ranges
from lembas_core.io.errors import InputDataError
from lembas_core.models.xgbrf import (
    XGBRFModel,
    load_batch,
    predict_batch,
    resolve_device,
    save_batch,
    single_target_booster,
    train_batch,
)

UPSTREAM = DEFAULTS.models["xgbrf"].params


def test_batch_ranges_upstream_shape():
    ranges = batch_ranges(16100, 1000)
    assert len(ranges) == 17 and ranges[0] == (0, 1000) and ranges[-1] == (16000, 16100)
    assert batch_ranges(5, 1000) == [(0, 5)]
    with pytest.raises(ValueError):
        batch_ranges(10, 0)


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """Seven targets in batches of three (3 + 3 + 1: the last batch is short)."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 5, (400, 12)).astype(np.float32)
    y = np.column_stack(
        [np.tanh(x[:, j] - 2) + x[:, (j + 3) % 12] * 0.2 + 0.05 * rng.normal(size=400) for j in range(7)]
    ).astype(np.float32)
    features = [f"TF{i}" for i in range(12)]
    targets = [f"G{j}" for j in range(7)]
    folder = tmp_path_factory.mktemp("xgbrf")
    paths = []
    for i, (start, stop) in enumerate(batch_ranges(7, 3)):
        booster = train_batch(x, y[:, start:stop], features, targets[start:stop], UPSTREAM, threads=2)
        paths.append(folder / f"batch_{i:03d}.ubj")
        save_batch(booster, paths[-1])
    return x, y, targets, paths


def test_concatenation_preserves_target_order(batches):
    x, y, targets, paths = batches
    model = XGBRFModel.from_batches(paths)
    pred, names = model.predict(x), model.targets
    assert names == targets and pred.shape == (400, 7)
    for path in paths:
        booster, batch_targets = load_batch(path)
        block = predict_batch(booster, x)
        for k, gene in enumerate(batch_targets):
            np.testing.assert_array_equal(pred[:, targets.index(gene)], block[:, k])
    r2 = 1 - ((pred - y) ** 2).sum(0) / ((y - y.mean(0)) ** 2).sum(0)
    assert (r2 > 0.5).all(), "the forests should fit these smooth targets"


@pytest.mark.parametrize("gene", ["G0", "G2", "G3", "G5", "G6"])  # first/last of full batches, short last batch
def test_single_gene_booster_equals_batch_column(batches, gene):
    x, _, targets, paths = batches
    pred = XGBRFModel.from_batches(paths).predict(x)
    for path in paths:
        booster, batch_targets = load_batch(path)
        if gene in batch_targets:
            single = single_target_booster(booster, batch_targets, gene)
            np.testing.assert_array_equal(single.inplace_predict(x), pred[:, targets.index(gene)])
            assert len(json.loads(single.save_raw("json"))["learner"]["gradient_booster"]["model"]["trees"]) == 3


def test_unknown_gene(batches):
    booster, batch_targets = load_batch(batches[3][0])
    with pytest.raises(KeyError, match="not among"):
        single_target_booster(booster, batch_targets, "ALB")


def test_reload_predicts_identically_and_keeps_names(batches, tmp_path):
    x, _, targets, paths = batches
    booster, names = load_batch(paths[0])
    assert names == targets[:3] and booster.feature_names == [f"TF{i}" for i in range(12)]
    save_batch(booster, tmp_path / "copy.ubj")
    np.testing.assert_array_equal(predict_batch(load_batch(tmp_path / "copy.ubj")[0], x), predict_batch(booster, x))


def test_threads_reach_xgboost(batches):
    x, y, *_ = batches
    booster = train_batch(x, y[:, :2], [f"TF{i}" for i in range(12)], ["a", "b"], {"max_depth": 3}, threads=1)
    config = json.loads(booster.save_config())
    assert config["learner"]["generic_param"]["nthread"] == "1"
    assert json.loads(booster.attr("params"))["max_depth"] == 3


@pytest.mark.parametrize("damage", ["empty", "garbage", "wrong json", "truncated"])
def test_corrupted_batch_file(tmp_path, batches, damage):
    path = tmp_path / "batch_000.ubj"
    good = batches[3][0].read_bytes()
    path.write_bytes(
        {"empty": b"", "garbage": b"not a model", "wrong json": b'{"learner": 1}', "truncated": good[: len(good) // 2]}[
            damage
        ]
    )
    with pytest.raises(InputDataError) as info:
        load_batch(path)
    assert "batch_000.ubj" in str(info.value) and "retrain" in info.value.fix


@pytest.mark.parametrize("allocated", ["1", "0,1", "GPU-5f2a"])
def test_a_gpu_allocated_by_the_scheduler_counts_as_visible(monkeypatch, allocated):
    """Any device id in CUDA_VISIBLE_DEVICES (including "1") makes `auto` pick CUDA in a CUDA build of XGBoost."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", allocated)
    assert resolve_device("auto") == ("cuda" if xgb.build_info().get("USE_CUDA") else "cpu")
    assert resolve_device("cpu") == "cpu"


def test_no_gpu_means_cpu_and_an_explicit_cuda_request_fails(monkeypatch):
    if any(Path("/proc/driver/nvidia/gpus").glob("*")):
        pytest.skip("a GPU is installed here")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "-1")
    assert resolve_device("auto") == "cpu"
    with pytest.raises(RuntimeError, match="models.xgbrf.device is 'cuda'"):
        resolve_device("cuda")
