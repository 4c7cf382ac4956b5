"""MLR: equality with sklearn's LinearRegression (also for p >= n and collinear X), storage, errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from cohort_helpers import DEFAULTS
from lembas_core.data.preprocess import split_rows
from lembas_core.io.errors import InputDataError
from lembas_core.models.linear import LinearModel, fit_mlr

MLR = DEFAULTS.models["mlr"]


@pytest.fixture(scope="module")
def demo_split(demo_cohort):
    cohort = demo_cohort
    x = cohort.tf_expression.to_numpy(np.float32)
    y = cohort.gene_expression.to_numpy(np.float32)
    train, test = split_rows(len(x), 0.2, 888)
    return x[train], y[train], x[test], list(cohort.tf_expression.columns), list(cohort.gene_expression.columns)


def _names(p, g):
    return [f"f{i}" for i in range(p)], [f"g{i}" for i in range(g)]


def test_matches_sklearn_on_demo_cohort(demo_split):
    x, y, x_test, features, targets = demo_split
    model = fit_mlr(x, y, features, targets, MLR)
    reference = LinearRegression().fit(x.astype(np.float64), y.astype(np.float64))
    assert str(model.extras["solver"]) == "cholesky"
    assert np.abs(model.predict(x_test) - reference.predict(x_test)).max() <= 1e-4
    assert np.abs(model.predict(x) - reference.predict(x)).max() <= 1e-4


def test_more_features_than_samples_gives_min_norm_solution(demo_split, caplog):
    x, y, x_test, features, targets = demo_split
    x_small, y_small = x[:80], y[:80, :40]
    model = fit_mlr(x_small, y_small, features, targets[:40], MLR)
    reference = LinearRegression().fit(x_small.astype(np.float64), y_small.astype(np.float64))
    assert str(model.extras["solver"]) == "lstsq-min-norm" and "minimum-norm" in caplog.text
    np.testing.assert_allclose(model.predict(x_test), reference.predict(x_test), atol=1e-4)
    np.testing.assert_allclose(model.coef, reference.coef_, atol=1e-6)


def test_collinear_features_fall_back_to_lstsq():
    rng = np.random.default_rng(3)
    base = rng.integers(-8, 9, size=(200, 5)) / 4  # quarter steps: the sum below is exact in float32
    x = np.column_stack([base, base[:, 0] + base[:, 1]]).astype(np.float32)  # exactly collinear column
    y = (base @ rng.normal(size=(5, 3)) + 0.1 * rng.normal(size=(200, 3))).astype(np.float32)
    model = fit_mlr(x, y, *_names(6, 3), MLR)
    reference = LinearRegression().fit(x.astype(np.float64), y.astype(np.float64))
    assert str(model.extras["solver"]) == "lstsq-min-norm"
    np.testing.assert_allclose(model.predict(x), reference.predict(x), atol=1e-4)


def test_save_load_predicts_identically(tmp_path, demo_split):
    x, y, x_test, features, targets = demo_split
    model = fit_mlr(x[:300], y[:300, :20], features, targets[:20], MLR)
    model.save(tmp_path / "mlr.npz")
    loaded = LinearModel.load(tmp_path / "mlr.npz")
    assert loaded.features == features and loaded.targets == targets[:20] and loaded.kind == "mlr"
    np.testing.assert_array_equal(loaded.predict(x_test), model.predict(x_test))


def test_corrupted_model_file_is_a_clear_error(tmp_path, demo_split):
    x, y, _, features, targets = demo_split
    fit_mlr(x[:300], y[:300, :5], features, targets[:5], MLR).save(tmp_path / "mlr.npz")
    data = (tmp_path / "mlr.npz").read_bytes()
    (tmp_path / "mlr.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputDataError, match="not a readable linear model file") as info:
        LinearModel.load(tmp_path / "mlr.npz")
    assert "rerun snakemake" in info.value.fix
