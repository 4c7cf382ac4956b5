"""The TF layer's regulation along the true TF -> TF edges: its depth, feedback, and exact clamps.

Shapes: n samples, R regulators. `base` (n x R) holds the standardised log-TF levels drawn from programs
and noise (:func:`lembas_core.synthetic.expression.tf_activity`). M (R x R) is the true TF -> TF coupling
with each column divided by its norm (a TF no TF regulates, "undriven", has a zero column and keeps its
base level), h2 the share of a driven TF's variance its regulators explain, and the gain g = sqrt(h2) s
with s = 1 unless feedback is on. D(base)_j = sqrt(1 - h2) base_j for a driven TF j, base_j otherwise.

- ``steps`` = T, feedback off: A(0) = base, A(t+1)_j = sqrt(1 - h2) base_j + g (A(t) M)_j for driven j,
  base_j for the others; activity = A(T). T = 1 is the original single step, with the same arithmetic.
- feedback on (``steps`` unused): the steady state A = D(base) + g A M, solved exactly (sparse LU). The
  feedback is scaled, s = min(1, FEEDBACK_RADIUS / rho(sqrt(h2) |M|)), so that rho(g |M|) <= FEEDBACK_RADIUS
  < 1 (LEMBAS bounds its network's spectral radius the same way). The bound on |M| also bounds
  rho(g M) and that of every clamped system (a principal part of a nonnegative matrix has no larger Perron
  root, and rho(X) <= rho(|X|)): every steady state exists, is unique, and fixed-point iteration reaches it.

do(TF_k = a) holds every draw; TF_k's whole trajectory moves by delta = a - A_k (its observed activity) and
the change travels linearly: d(0) = delta e_k, d(t+1)_j = g (d(t) M)_j for j != k, d_k = delta; with
feedback the fixed point d = delta e_k + g d M', M' = M with column k zeroed. So d = delta r_k, r_k the
unit response (:meth:`TFLevels.response`); the counterfactual activity is A + d with TF_k set to a.
TF_j moves iff it is reachable from k within T TF -> TF steps (any number with feedback): :func:`tf_distances`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

FEEDBACK_RADIUS = 0.9  # bound on the spectral radius of the feedback gain times |M| (feedback on)


@dataclass
class TFLevels:
    """The TF layer of a cohort: levels before (`base`) and after (`activity`) regulation, both (samples x
    regulators); `coupling` the (regulators x regulators) sparse matrix of true TF -> TF weights, `norm` its
    column norms, `h2` the share of a driven TF's variance its regulators explain, `steps` and `feedback` the
    depth of regulation and `scale` the factor s on the feedback (1 without feedback), as in the module's
    docstring."""

    base: np.ndarray
    activity: np.ndarray
    coupling: sp.csr_matrix
    norm: np.ndarray
    h2: float
    steps: int = 1
    feedback: bool = False
    scale: float = 1.0

    @property
    def depth(self) -> int | None:
        """How many TF -> TF steps an effect travels: `steps`, or None (any number) with feedback."""
        return None if self.feedback else self.steps

    def _spread(self, change: np.ndarray) -> np.ndarray:
        """(regulators,) one regulation step of a change `change` (regulators,) of the TF levels: g (change M),
        zero at undriven TFs."""
        incoming = np.asarray(self.coupling.T @ change).ravel()
        gain = np.sqrt(self.h2) * self.scale
        return np.divide(gain * incoming, self.norm, out=np.zeros_like(incoming), where=self.norm > 0)

    def response(self, regulator: int) -> np.ndarray:
        """(regulators,) change of every TF's activity per unit shift of regulator `regulator`'s trajectory:
        1 at `regulator`, zero at the TFs it does not reach."""
        unit = np.zeros(self.norm.size)
        unit[regulator] = 1.0
        if self.feedback:
            keep = np.ones(self.norm.size)
            keep[regulator] = 0.0  # nothing regulates the clamped TF
            gain = self.gain_matrix() @ sp.diags(keep)
            found = splu(sp.csc_matrix((sp.identity(unit.size) - gain).T)).solve(unit)
        else:
            found = unit
            for _ in range(self.steps):
                found = self._spread(found)
                found[regulator] = 1.0
        found[regulator] = 1.0
        return found

    def gain_matrix(self) -> sp.csr_matrix:
        """(regulators x regulators) g M: the coupling, columns divided by their norms, times the gain."""
        inverse = np.divide(1.0, self.norm, out=np.zeros_like(self.norm), where=self.norm > 0)
        return sp.csr_matrix(self.coupling @ sp.diags(np.sqrt(self.h2) * self.scale * inverse))


def regulate(base: np.ndarray, coupling: sp.csc_matrix, h2: float, steps: int = 1, feedback: bool = False) -> TFLevels:
    """The TF layer after regulation of `base` (samples x regulators) along `coupling` (regulators x
    regulators, CSC): `steps` steps, or the steady state with `feedback`."""
    norm = np.sqrt(np.asarray(coupling.multiply(coupling).sum(axis=0))).ravel()
    levels = TFLevels(base, base, coupling.tocsr(), norm, h2, steps, feedback)
    if not (norm > 0).any():
        return levels
    if feedback:
        levels.scale = contraction_scale(levels)
        levels.activity = _steady_state(levels)
    else:
        levels.activity = _stepped(base, coupling, norm, h2, steps)
    return levels


def _stepped(base: np.ndarray, coupling: sp.csc_matrix, norm: np.ndarray, h2: float, steps: int) -> np.ndarray:
    """A(`steps`) (samples x regulators) of the module's docstring; its first step is the original one."""
    driven = norm > 0
    activity = base
    for _ in range(steps):
        signal = np.asarray((coupling.T @ activity.T).T)[:, driven] / norm[driven]
        out = base.copy()
        out[:, driven] = np.sqrt(1 - h2) * base[:, driven] + np.sqrt(h2) * signal
        activity = out
    return activity


def contraction_scale(levels: TFLevels) -> float:
    """s = min(1, FEEDBACK_RADIUS / rho(sqrt(h2) |M|)) of `levels` (its `scale` is ignored); ValueError when
    the scaled feedback still does not contract."""
    unscaled = TFLevels(levels.base, levels.activity, levels.coupling, levels.norm, levels.h2)
    radius = spectral_radius(abs(unscaled.gain_matrix()))
    scale = 1.0 if radius <= FEEDBACK_RADIUS else FEEDBACK_RADIUS / radius
    if not np.isfinite(radius) or radius * scale > FEEDBACK_RADIUS * (1 + 1e-9):
        raise ValueError(
            f"tf_feedback: the TF -> TF feedback cannot be made contractive (spectral radius {radius:.4g} of "
            f"sqrt(h2) |M|, {radius * scale:.4g} after scaling, bound {FEEDBACK_RADIUS}), so its steady state "
            "is not defined; set data.synthetic.overrides.tf_feedback: false (and tf_steps for a finite depth)"
        )
    return scale


def spectral_radius(matrix: sp.spmatrix) -> float:
    """Largest |eigenvalue| of the square sparse `matrix` (dense eigenvalues: the regulators number ~10^3)."""
    if matrix.shape[0] == 0:
        return 0.0
    dense = matrix.toarray()
    if not np.isfinite(dense).all():
        return float("nan")
    return float(np.abs(np.linalg.eigvals(dense)).max())


def _steady_state(levels: TFLevels) -> np.ndarray:
    """A (samples x regulators) with A = D(base) + g A M: solves (I - g M)^T A^T = D(base)^T."""
    driven = levels.norm > 0
    start = levels.base.copy()
    start[:, driven] *= np.sqrt(1 - levels.h2)
    system = sp.csc_matrix((sp.identity(levels.norm.size) - levels.gain_matrix()).T)
    return np.ascontiguousarray(splu(system).solve(np.ascontiguousarray(start.T)).T)


def tf_distances(coupling: sp.spmatrix, depth: int | None) -> np.ndarray:
    """(regulators x regulators) int32: entry (k, j) the fewest TF -> TF steps from k to j, 1..`depth` (any
    number when `depth` is None); 0 where j is not reached within `depth`, and on the diagonal (the clamped TF)."""
    n = coupling.shape[0]
    step = sp.csr_matrix((coupling != 0).astype(np.float64))
    distance = np.zeros((n, n), dtype=np.int32)
    reached = np.eye(n, dtype=bool)
    frontier = reached.copy()
    hop = 0
    while frontier.any() and (depth is None or hop < depth):
        hop += 1
        frontier = (np.asarray(step.T @ frontier.T.astype(np.float64)).T > 0) & ~reached
        distance[frontier] = hop
        reached |= frontier
    return distance
