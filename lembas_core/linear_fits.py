"""Fit one of the linear-family models (MLR, ridge, mean) on a dataset store and save it."""

from __future__ import annotations

from pathlib import Path

from .baselines import fit_mean, fit_ridge
from .dataset import load_dataset
from .layout import LINEAR_KINDS
from .linear import LinearModel
from .mlr import fit_mlr


def fit_linear(kind: str, dataset_dir: str | Path, options: dict | None = None) -> LinearModel:
    """Fit `kind` on the training split of the dataset store."""
    options = options or {}
    ds = load_dataset(dataset_dir)
    x, y = ds.x["train"], ds.y["train"]
    if kind == "mlr":
        return fit_mlr(x, y, ds.features, ds.targets, **options)
    if kind == "ridge":
        return fit_ridge(x, y, ds.features, ds.targets, **options)
    if kind == "mean":
        return fit_mean(y, ds.features, ds.targets)
    raise ValueError(f"unknown linear model {kind!r}; choose one of {LINEAR_KINDS}")
