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
  r_{s+1} = e_k + M r_s with entry k held at 1; `steady` iterates to the fixed point r = e_k + M r (to a
  relative change of 1e-12), which is reached when the spectral radius of M (without row and column k) is
  below 1;
- the forecast effect is (delta * r) @ coef.T. With 0 steps it is the plain model's f(x_do) - f(x_control).

Unlike CellOracle, inputs are not clipped at zero: the input scale need not be non-negative.
"""

from __future__ import annotations

import numpy as np

STEADY = "steady"
STEADY_TOLERANCE = 1e-12  # relative change of the fed-back inputs at which the steady state is reached
STEADY_MAX_STEPS = 10_000
STEADY_DIVERGED = 1e12  # a fed-back input this many times the perturbation: the feedback diverges


def feedback_matrix(coef: np.ndarray, features: list[str], targets: list[str]) -> np.ndarray:
    """(features x features) M: row j holds target t(j)'s coefficients when feature j is also a target."""
    row = {name: i for i, name in enumerate(targets)}
    m = np.zeros((len(features), len(features)))
    for j, name in enumerate(features):
        if name in row:
            m[j] = coef[row[name]]
    np.fill_diagonal(m, 0.0)
    return m


def input_responses(m: np.ndarray, columns: np.ndarray, steps: int | str) -> np.ndarray:
    """(features x len(columns)) change of every input per unit change of each input in `columns`, after
    `steps` feedback steps, or (STEADY) at the fixed point r = e_k + M r with entry k held at 1, iterated until
    no entry changes by more than STEADY_TOLERANCE (relative); the iteration converges when the spectral
    radius of M without row and column k is below 1, and a ValueError says when it does not."""
    columns = np.asarray(columns, dtype=np.int64)
    held = (columns, np.arange(columns.size))
    units = np.zeros((m.shape[0], columns.size))
    units[held] = 1.0
    response = units.copy()
    for _ in range(STEADY_MAX_STEPS if steps == STEADY else int(steps)):
        new = units + m @ response
        new[held] = 1.0
        scale = np.abs(new).max(initial=1.0)
        if scale > STEADY_DIVERGED:
            raise ValueError(_unsettled(steps, f"they grow beyond {STEADY_DIVERGED:.0e} times the perturbation"))
        done = steps == STEADY and np.max(np.abs(new - response), initial=0.0) <= STEADY_TOLERANCE * scale
        response = new
        if done:
            return response
    if steps == STEADY:
        raise ValueError(_unsettled(steps, f"no steady state within {STEADY_MAX_STEPS} steps"))
    return response


def _unsettled(steps: int | str, how: str) -> str:
    """The message for fed-back TF changes that do not settle."""
    return (
        f"propagation ({steps}): the fed-back TF changes do not settle ({how}): the feedback among TFs has a "
        "spectral radius near or above 1; set the model's `propagation` to a small number of steps"
    )


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
    rows, columns = np.nonzero(changed)
    perturbed = np.unique(columns)
    responses = input_responses(feedback_matrix(coef, features, targets), perturbed, steps)
    change = np.zeros_like(delta)
    change[rows] = delta[rows, columns][:, None] * responses[:, np.searchsorted(perturbed, columns)].T
    return change @ coef.T
