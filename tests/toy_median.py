"""A toy model kind for tests/test_toy_kind.py, registered only there: every gene's training quantile
(the median by default). It shows what a new kind needs: one module like this plus one registry entry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lembas_core.models.fit_report import FitReport, closed_form
from lembas_core.models.linear import LinearModel


@dataclass(frozen=True)
class QuantileSettings:
    """`quantile` of each gene's training values is the prediction (0.5: the median)."""

    quantile: float


def fit_quantile(
    x: np.ndarray, y: np.ndarray, features: list[str], targets: list[str], settings: QuantileSettings
) -> LinearModel:
    """Zero coefficients and every gene's training quantile as intercept; `x` (samples x features),
    `y` (samples x targets)."""
    coef = np.zeros((y.shape[1], x.shape[1]))
    intercept = np.quantile(np.asarray(y, np.float64), settings.quantile, axis=0)
    return LinearModel("median", coef, intercept, list(features), list(targets), {})


def fit_report(model: LinearModel, name: str, network: dict | None) -> FitReport:
    """Exact by construction."""
    return closed_form(name, "training quantile per gene")


def load_model(path: str | Path, threads: int = 1) -> LinearModel:
    """Registry entry point (one vector per gene: `threads` is unused)."""
    return LinearModel.load(path)
