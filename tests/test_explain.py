"""SHAP explanations: additivity for every explainer kind and the saved file layout."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from cohort_helpers import DEFAULTS
from lembas_core.common.layout import batch_ranges
from lembas_core.evaluation.shap import ExplainedSamples, explain_gene
from lembas_core.models.base import ModelFile
from lembas_core.models.linear import fit_mlr
from lembas_core.models.rnn.io import save_rnn
from lembas_core.models.xgbrf import save_batch, train_batch, write_index
from lembas_core.reporting.figures import shap_plots
from rnn_helpers import make_model

SHAP = DEFAULTS.shap.gradient


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 3, (80, 6)).astype(np.float32)
    y = np.column_stack([x[:, 0] - 0.5 * x[:, 1], np.tanh(x[:, 2]), x[:, 3] * x[:, 4]]).astype(np.float32)
    return x, y, [f"TF{i}" for i in range(6)], ["ALB", "AFP", "G3"]


def test_linear_values_are_additive_and_saved(data, tmp_path):
    x, y, features, targets = data
    model = fit_mlr(x, y, features, targets, DEFAULTS.models["mlr"])
    model.save(tmp_path / "mlr.npz")
    result = explain_gene(
        ModelFile("mlr", "mlr", tmp_path / "mlr.npz"),
        "AFP",
        ExplainedSamples(x, features, [f"s{i}" for i in range(80)]),
        tmp_path / "mlr_AFP.npz",
        SHAP,
    )
    np.testing.assert_allclose(result["values"].sum(1) + result["expected_value"], model.predict(x)[:, 1], atol=1e-4)
    with np.load(tmp_path / "mlr_AFP.npz", allow_pickle=False) as saved:
        assert (
            saved["values"].shape == (80, 6)
            and saved["feature_names"].tolist() == features
            and str(saved["gene"]) == "AFP"
        )
    shap_plots(tmp_path / "mlr_AFP.npz", 3, tmp_path / "w.png", tmp_path / "b.png")
    assert (tmp_path / "w.png").read_bytes()[:4] == b"\x89PNG" and (tmp_path / "b.svg").exists()


def test_tree_values_use_one_batch_and_are_additive(data, tmp_path):
    from lembas_core.models.xgbrf import load_batch, predict_batch

    x, y, features, targets = data
    paths = []
    for i, (start, stop) in enumerate(batch_ranges(3, 2)):  # batch 0: ALB, AFP; batch 1: G3
        paths.append(tmp_path / f"batch_{i:03d}.ubj")
        save_batch(
            train_batch(x, y[:, start:stop], features, targets[start:stop], DEFAULTS.models["xgbrf"].params, 1),
            paths[-1],
        )
    write_index(paths, tmp_path / "index.json")
    paths[1].write_bytes(b"")  # explaining ALB must not read any other batch
    result = explain_gene(
        ModelFile("xgbrf", "xgbrf", tmp_path / "index.json"),
        "AFP",
        ExplainedSamples(x, features, [f"s{i}" for i in range(80)]),
        tmp_path / "x.npz",
        SHAP,
    )
    booster, _ = load_batch(paths[0])
    np.testing.assert_allclose(
        result["values"].sum(1) + result["expected_value"], predict_batch(booster, x)[:, 1], atol=1e-4
    )


def test_rnn_expected_gradients_shape_and_rough_additivity(tmp_path):
    model, features, outputs = make_model(0, dtype=torch.float32)
    save_rnn(model, tmp_path / "rnn.pt", features, outputs)
    x = np.random.default_rng(2).uniform(0, 3, (30, len(features))).astype(np.float32)
    result = explain_gene(
        ModelFile("rnn", "rnn", tmp_path / "rnn.pt"),
        outputs[0],
        ExplainedSamples(x, features, [f"s{i}" for i in range(30)]),
        tmp_path / "r.npz",
        replace(SHAP, background=20, nsamples=200),
    )
    assert result["values"].shape == (30, len(features))
    prediction = model.predict(x)[:, 0]
    # expected gradients are additive in expectation: the error shrinks with nsamples
    assert (
        np.abs(result["values"].sum(1) + result["expected_value"] - prediction).mean()
        < 0.1 * np.abs(prediction - prediction.mean()).mean() + 1e-3
    )
    again = explain_gene(
        ModelFile("rnn", "rnn", tmp_path / "rnn.pt"),
        outputs[0],
        ExplainedSamples(x, features, [f"s{i}" for i in range(30)]),
        tmp_path / "r2.npz",
        replace(SHAP, background=20, nsamples=200),
    )
    np.testing.assert_array_equal(result["values"], again["values"])


def test_linear_shap_equals_coef_times_centred_input(data, tmp_path):
    x, y, features, targets = data
    model = fit_mlr(x, y, features, targets, DEFAULTS.models["mlr"])
    model.save(tmp_path / "mlr.npz")
    samples = ExplainedSamples(x, features, [f"s{i}" for i in range(80)])
    result = explain_gene(ModelFile("mlr", "mlr", tmp_path / "mlr.npz"), "ALB", samples, tmp_path / "m.npz", SHAP)
    expected = model.coef[0] * (x.astype(np.float64) - x.astype(np.float64).mean(axis=0))
    np.testing.assert_allclose(result["values"], expected, rtol=1e-4, atol=1e-5)


def test_shap_plots_are_byte_identical_whatever_the_global_random_state(data, tmp_path):
    """The beeswarm's jitter draws from NumPy's global generator; the plots must not depend on it."""
    x, y, features, targets = data
    fit_mlr(x, y, features, targets, DEFAULTS.models["mlr"]).save(tmp_path / "mlr.npz")
    samples = ExplainedSamples(x, features, [f"s{i}" for i in range(80)])
    explain_gene(ModelFile("mlr", "mlr", tmp_path / "mlr.npz"), "AFP", samples, tmp_path / "m.npz", SHAP)
    files = []
    for seed in (1, 2):
        np.random.seed(seed)
        out = tmp_path / f"run{seed}"
        shap_plots(tmp_path / "m.npz", 3, out / "w.png", out / "b.png")
        files.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert sorted(files[0]) == ["b.png", "b.svg", "w.png", "w.svg"] and files[0] == files[1]
