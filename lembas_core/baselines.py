"""Floor baselines every model must beat: the training mean, and ridge with a cross-validated penalty.

Mean and median baselines often beat published expression-forecasting methods (Kernfeld et al.,
Genome Biol 2025, PEREGGRN), so both are on by default.
"""

from __future__ import annotations

import logging

import numpy as np
from sklearn.linear_model import RidgeCV

from .linear import LinearModel

LOG = logging.getLogger("lembas_core.baselines")

DEFAULT_RIDGE_ALPHAS = tuple(float(a) for a in np.logspace(-2, 5, 15))


def fit_mean(y: np.ndarray, features: list[str], targets: list[str]) -> LinearModel:
    """Predict each gene's training mean, whatever the input."""
    mean = y.mean(axis=0, dtype=np.float64)
    return LinearModel("mean", np.zeros((len(targets), len(features))), mean, list(features), list(targets))


def fit_ridge(x: np.ndarray, y: np.ndarray, features: list[str], targets: list[str], alphas=DEFAULT_RIDGE_ALPHAS) -> LinearModel:
    """Ridge with one penalty per gene, chosen by efficient leave-one-out CV on the training set."""
    model = RidgeCV(alphas=np.asarray(alphas), alpha_per_target=True).fit(np.asarray(x, np.float64), np.asarray(y, np.float64))
    chosen = np.broadcast_to(np.asarray(model.alpha_, dtype=np.float64), (len(targets),)).copy()
    at_edge = np.isin(chosen, [min(alphas), max(alphas)]).mean()
    LOG.info("ridge: per-gene alpha median %.3g (range %.3g-%.3g); %.1f%% of genes at the grid edge", np.median(chosen), chosen.min(), chosen.max(), 100 * at_edge)
    return LinearModel("ridge", np.atleast_2d(model.coef_).astype(np.float64), np.atleast_1d(model.intercept_).astype(np.float64), list(features), list(targets), {"alpha": chosen})
