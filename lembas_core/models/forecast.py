"""Interventional forecasts of any trained model: the effect on every target of changing its TF inputs.

A model forecasts the effect of moving an individual's inputs from `x_control` to `x_do` as
``f(x_do) - f(x_control)``, against its own control prediction (as PEREGGRN and GEARS score forecasts);
a kind with its own forecast (registry field ``forecast``, e.g. prior_ridge's propagation) replaces it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lembas_core.models.base import Model, implementation, model_kind

CHUNK_ROWS = 1024  # rows predicted at a time (bounds memory at the upstream size)


def _predict(model: Model, x: np.ndarray) -> np.ndarray:
    """float64 predictions (rows x targets) of `x` (rows x features), in chunks of CHUNK_ROWS rows."""
    out = np.empty((x.shape[0], len(model.targets)))
    for start in range(0, x.shape[0], CHUNK_ROWS):
        out[start : start + CHUNK_ROWS] = model.predict(np.ascontiguousarray(x[start : start + CHUNK_ROWS]))
    return out


def forecast_effect(
    kind: str, model: Model, settings: Any, controls: tuple[np.ndarray, np.ndarray], x_do: np.ndarray, propagate: bool
) -> np.ndarray:
    """Forecast effect (rows x targets), float64, of model `model` of kind `kind` with `settings`, for inputs
    moved to `x_do` (rows x features) from their controls: `controls` = (control inputs (C x features), the
    control row of each row (rows,)); each control is predicted once. `propagate`: each row of `x_do`
    changes one TF input and the model carries the change on to other TFs its own way (regime A); False when
    `x_do` already holds every TF change (regime B)."""
    x_control, control = controls
    entry = model_kind(kind)
    if entry.forecast:
        return getattr(implementation(kind), entry.forecast)(model, settings, (x_control[control], x_do), propagate)
    return _predict(model, x_do) - _predict(model, x_control)[control]
