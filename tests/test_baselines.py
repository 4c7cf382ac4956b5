"""Floor baselines: the training mean and per-gene cross-validated ridge."""

from __future__ import annotations

import numpy as np

from cohort_helpers import DEFAULTS
from lembas_core.data.preprocess import split_rows
from lembas_core.models.linear import fit_mean, fit_ridge


def test_mean_predicts_training_mean_for_any_input():
    rng = np.random.default_rng(0)
    y = rng.normal(3, 1, (50, 4)).astype(np.float32)
    model = fit_mean(np.zeros((len(y), 2)), y, ["a", "b"], list("wxyz"), DEFAULTS.models["mean"])
    pred = model.predict(rng.normal(size=(7, 2)))
    np.testing.assert_allclose(pred, np.broadcast_to(y.mean(axis=0), (7, 4)), rtol=1e-6)


def test_ridge_penalises_genes_without_tf_signal_more(demo_cohort):
    cohort = demo_cohort
    x = cohort.tf_expression.to_numpy(np.float32)
    y = cohort.gene_expression.to_numpy(np.float32)
    train, _ = split_rows(len(x), 0.2, 888)
    model = fit_ridge(
        x[train],
        y[train],
        list(cohort.tf_expression.columns),
        list(cohort.gene_expression.columns),
        DEFAULTS.models["ridge"],
    )
    truth = cohort.truth_genes.set_index("gene").loc[list(cohort.gene_expression.columns)]
    alpha = model.extras["alpha"]
    null_genes = (truth.h2 == 0).to_numpy()
    strong_genes = (truth.h2 > 0.7).to_numpy()
    assert np.median(alpha[null_genes]) > 10 * np.median(alpha[strong_genes])
    assert model.coef.shape == (y.shape[1], x.shape[1])
