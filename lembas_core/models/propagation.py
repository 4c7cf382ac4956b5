"""Interventional forecasts of a linear model with CellOracle's propagation (Kamimoto et al., *Nature* 2023).

A regression that predicts each target from the TFs estimates what a change of one TF does while every
other TF input stays where it was. CellOracle's simulation lets the change travel: the predicted change of
every TF that is also a target is fed back as the change of its input, the perturbed TF is reset to its
perturbed value, and this is repeated (3 times by default there; its documentation calls the result the
"near future"). Here, for a linear model with coefficients `coef` (targets x features):

- feedback matrix M (features x features): M[j, i] = coef[t(j), i] for every feature j that is also a target
  t(j), except i = j (a TF's own measurement predicting itself is not regulation; CellOracle leaves
  self-regulation out of its models too), zero for the other features;
- for a change delta of feature k, the input change after s steps is delta * r_s with r_0 = e_k and
  r_{s+1} = e_k + M r_s with entry k held at 1; `steady` solves the fixed point r = e_k + M r exactly, which
  exists when the spectral radius of M (without row and column k) is below 1;
- the forecast effect is (delta * r) @ coef.T. With 0 steps it is the plain model's f(x_do) - f(x_control).

Unlike CellOracle, inputs are not clipped at zero: the input scale need not be non-negative.
"""

from __future__ import annotations

import numpy as np

STEADY = "steady"


def feedback_matrix(coef: np.ndarray, features: list[str], targets: list[str]) -> np.ndarray:
    """(features x features) M: row j holds target t(j)'s coefficients when feature j is also a target."""
    row = {name: i for i, name in enumerate(targets)}
    m = np.zeros((len(features), len(features)))
    for j, name in enumerate(features):
        if name in row:
            m[j] = coef[row[name]]
    np.fill_diagonal(m, 0.0)
    return m


def input_response(m: np.ndarray, column: int, steps: int | str, stable: bool = False) -> np.ndarray:
    """(features,) change of every input per unit change of input `column` after `steps` feedback steps
    (or at the steady state; `stable`: the caller knows that it exists, which skips the check)."""
    unit = np.zeros(m.shape[0])
    unit[column] = 1.0
    if steps == STEADY:
        free = np.flatnonzero(np.arange(m.shape[0]) != column)
        block = m[np.ix_(free, free)]
        radius = 0.0 if stable else _spectral_radius(block)
        if radius >= 1.0:
            raise ValueError(
                f"propagation: steady: the feedback among TFs has spectral radius {radius:.3g} >= 1 when TF column "
                f"{column} is perturbed, so the fed-back changes grow without a steady state; set the model's "
                "`propagation` to a number of steps instead"
            )
        response = unit.copy()
        response[free] = np.linalg.solve(np.eye(free.size) - block, m[free, column])
        return response
    response = unit.copy()
    for _ in range(int(steps)):
        response = unit + m @ response
        response[column] = 1.0
    return response


def propagated_effect(
    coef: np.ndarray, names: tuple[list[str], list[str]], x_control: np.ndarray, x_do: np.ndarray, steps: int | str
) -> np.ndarray:
    """Forecast effect (rows x targets) of changing each row of `x_control` (rows x features) to `x_do`, which
    differs from it in one input (the perturbed TF) at most; `names` = (features, targets) of `coef`
    (targets x features)."""
    features, targets = names
    delta = np.asarray(x_do, dtype=np.float64) - np.asarray(x_control, dtype=np.float64)
    changed = delta != 0
    if (changed.sum(axis=1) > 1).any():
        raise ValueError("propagation starts from one changed TF input per row (regime A)")
    m = feedback_matrix(coef, features, targets)
    stable = _spectral_radius(np.abs(m)) < 1.0  # then every principal submatrix's radius is below 1 too
    change = np.zeros_like(delta)
    rows, columns = np.nonzero(changed)
    for column in np.unique(columns):
        at = rows[columns == column]
        change[at] = delta[at, column][:, None] * input_response(m, int(column), steps, stable)[None, :]
    return change @ coef.T


def _spectral_radius(matrix: np.ndarray) -> float:
    """Largest |eigenvalue| of a square matrix (0 for an empty one)."""
    return float(np.max(np.abs(np.linalg.eigvals(matrix)))) if matrix.size else 0.0
