"""Adding a model kind is one module plus one registry entry: a toy kind (tests/toy_median.py, a
training-median baseline) registered in this test only runs through the run's settings, fit, predict,
score and SHAP, with no other file touched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import DEFAULTS
from lembas_core.data.dataset import load_dataset
from lembas_core.models.base import REGISTRY, ModelFile, ModelKind, model_file
from lembas_core.models.fit_report import FitReport
from lembas_core.steps.fit_linear import FitOutputs, fit_linear
from lembas_core.steps.predict import predict_split
from lembas_core.steps.score import ScoreOutputs, score_split
from lembas_core.steps.shap import ShapOutputs, explain
from lembas_core.workflow.settings import Settings, default_config, model_settings
from toy_median import QuantileSettings

MEDIAN = ModelKind(
    name="median",
    label="Training median",
    colour="#17becf",
    module="toy_median",
    settings=QuantileSettings,
    trainer="fit_linear",
    fit="fit_quantile",
    model_file="{name}.npz",
    explainer="linear",
    cost="lembas_core.models.resources:MEAN",  # a training job like the training mean's
)


@pytest.fixture
def registered(monkeypatch):
    """The registry with the toy kind added (removed again after the test)."""
    monkeypatch.setitem(REGISTRY, "median", MEDIAN)
    return MEDIAN


@pytest.fixture
def dataset(small_dataset):
    return small_dataset


def test_a_registered_kind_is_a_model_of_the_run(registered):
    config = default_config({"models": {"include": ["mean", "median"], "median": {"quantile": 0.5}}})
    config["models"]["variants"] = {"q90": {"model": "median", "quantile": 0.9}}
    settings = Settings.from_config(config)
    assert list(settings.specs) == ["mean", "median", "q90"]
    assert settings.specs["q90"].settings == QuantileSettings(0.9) and settings.specs["q90"].execution is None
    assert settings.trained_by("fit_linear", uses_network=False) == ["mean", "median", "q90"]
    assert model_settings("median", settings.model_params("q90")) == QuantileSettings(0.9)
    assert model_file("median", "q90") == "results/models/q90.npz"
    assert registered.config_keys() == ["quantile"]  # deterministic: no `replicates`


def test_a_registered_kind_fits_predicts_scores_and_is_explained(registered, dataset, tmp_path):
    ds = load_dataset(dataset)
    outputs = FitOutputs(tmp_path / "median.npz", tmp_path / "median.fit.json")
    fit_linear("median", "median", QuantileSettings(0.5), dataset, outputs)
    assert FitReport.read(outputs.report).method == "training quantile per gene"
    model = ModelFile("median", "median", outputs.model)
    predictions = predict_split(model, dataset, "test", tmp_path / "median_test.npy", threads=1)
    median = np.median(np.asarray(ds.y["train"], np.float64), axis=0)
    np.testing.assert_allclose(predictions, np.broadcast_to(median, predictions.shape), rtol=1e-6)
    scores = ScoreOutputs(tmp_path / "per_gene.tsv", tmp_path / "row.tsv", tmp_path / "resamples.npz")
    row = score_split("median", "test", tmp_path / "median_test.npy", dataset, scores, DEFAULTS.evaluate.score)
    observed = np.asarray(ds.y["test"], np.float64)
    expected_rmse = np.sqrt(np.mean((observed - median) ** 2))
    assert row["rmse"] == pytest.approx(expected_rmse, rel=1e-5) and row["r2_uniform_plain"] < 0.05
    assert pd.read_csv(scores.per_gene, sep="\t")["gene"].tolist() == ds.targets
    shap = ShapOutputs(tmp_path / "s.npz", tmp_path / "w.png", tmp_path / "b.png")
    explain(model, ds.targets[0], dataset, shap, DEFAULTS.shap.gradient, 1)
    with np.load(shap.npz) as saved:  # a constant model: no feature moves the prediction
        assert str(saved["kind"]) == "median" and np.all(saved["values"] == 0)
        assert float(saved["expected_value"]) == pytest.approx(median[0], rel=1e-6)
    assert shap.waterfall.read_bytes()[:4] == b"\x89PNG"
