"""Multiple linear regression (OLS with intercept), exact and faster than sklearn's LinearRegression.

Route (n > p and well conditioned): centre X in float64, one float32 GEMM for Xc^T Y (the dominant
cost, p x n x targets), the p x p Gram matrix in float64, a Cholesky solve in float64. The
reciprocal condition number of the Gram matrix is estimated from its Cholesky factor (LAPACK
`pocon`); when it is below `rcond_limit`, or when p >= n (more TFs than samples), the fit falls back
to the minimum-norm least-squares solution of the centred problem (`lstsq`, gelsd), which is what
``sklearn.linear_model.LinearRegression`` returns. The log says which solver ran.
"""

from __future__ import annotations

import logging

import numpy as np
import scipy.linalg as sla

from .linear import LinearModel

LOG = logging.getLogger("lembas_core.mlr")


def _cholesky_coef(xc: np.ndarray, y: np.ndarray, rcond_limit: float) -> np.ndarray | None:
    """Solve (Xc^T Xc) B = Xc^T Y by Cholesky; None when the Gram matrix is ill-conditioned."""
    gram = xc.T @ xc
    try:
        factor = sla.cholesky(gram, lower=False, check_finite=False)
    except np.linalg.LinAlgError:
        return None
    rcond, info = sla.lapack.dpocon(factor, np.linalg.norm(gram, 1))
    if info != 0 or rcond < rcond_limit:
        LOG.info("Gram matrix reciprocal condition number %.2e < %.0e", rcond, rcond_limit)
        return None
    xty = (xc.astype(np.float32).T @ np.asarray(y, dtype=np.float32)).astype(np.float64)
    return sla.cho_solve((factor, False), xty, check_finite=False)


def fit_mlr(x: np.ndarray, y: np.ndarray, features: list[str], targets: list[str], rcond_limit: float = 1e-10) -> LinearModel:
    """Multi-output OLS with intercept on all rows of `x` (samples x features) and `y` (samples x targets)."""
    n, p = x.shape
    x_mean = x.mean(axis=0, dtype=np.float64)
    y_mean = y.mean(axis=0, dtype=np.float64)
    xc = np.asarray(x, dtype=np.float64) - x_mean
    coef = _cholesky_coef(xc, y, rcond_limit) if n > p else None
    if coef is not None:
        solver = "cholesky"
    else:
        solver = "lstsq-min-norm"
        reason = f"p={p} >= n={n}" if n <= p else "ill-conditioned X^T X"
        LOG.warning("MLR: %s; using the minimum-norm least-squares solver (as sklearn LinearRegression)", reason)
        # Singular values below max(n, p) * eps count as zero, as in LinearRegression; centring X
        # leaves one numerically-zero singular value when p >= n, which must not be inverted.
        cond = max(n, p) * np.finfo(np.float64).eps
        coef = sla.lstsq(xc, np.asarray(y, dtype=np.float64) - y_mean, cond=cond, lapack_driver="gelsd", check_finite=False)[0]
    LOG.info("MLR fitted with solver=%s on %d samples x %d features -> %d targets", solver, n, p, y.shape[1])
    coef = np.ascontiguousarray(coef.T)
    return LinearModel("mlr", coef, y_mean - coef @ x_mean, list(features), list(targets), {"solver": np.array(solver)})
