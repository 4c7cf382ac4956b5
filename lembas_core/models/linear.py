"""The linear family (MLR, ridge, the training-mean floor): y = x @ coef.T + intercept, stored as `.npz`.

The file holds plain arrays only (loaded with ``allow_pickle=False``): `coef` (targets x features,
float64), `intercept` (targets), `features`, `targets`, `kind`, and model-specific extras.

MLR (OLS with intercept) is exact and faster than sklearn's LinearRegression. Route (n > p and well
conditioned): centre X in float64, one float32 GEMM for Xc^T Y (the dominant cost, p x n x targets),
the p x p Gram matrix in float64, a Cholesky solve in float64. The reciprocal condition number of the
Gram matrix is estimated from its Cholesky factor (LAPACK `pocon`); when it is below `rcond_limit`, or
when p >= n (more TFs than samples), the fit falls back to the minimum-norm least-squares solution of
the centred problem (`lstsq`, gelsd), which is what ``sklearn.linear_model.LinearRegression`` returns.
The log says which solver ran.

Floor baselines every model must beat: the training mean, and ridge with a cross-validated penalty.
Mean and median baselines often beat published expression-forecasting methods (Kernfeld et al.,
Genome Biol 2025, PEREGGRN), so both are on by default.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import scipy.linalg as sla
from sklearn.linear_model import RidgeCV

from lembas_core.io.errors import InputDataError
from lembas_core.io.npz import load_arrays, save_arrays
from lembas_core.models.fit_report import FitReport, closed_form
from lembas_core.models.settings import MeanSettings, MLRSettings, RidgeSettings

LOG = logging.getLogger("lembas_core.models.linear")
REFIT = "delete the file and rerun snakemake to refit the model"


@dataclass
class LinearModel:
    """A fitted linear-family model: predictions are ``x @ coef.T + intercept``."""

    kind: str
    coef: np.ndarray  # (n_targets, n_features) float64
    intercept: np.ndarray  # (n_targets,) float64
    features: list[str]
    targets: list[str]
    extras: dict[str, np.ndarray] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predictions (samples x targets), float32; computed in float64."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape[1] != self.coef.shape[1]:
            raise ValueError(f"{self.kind} model expects {self.coef.shape[1]} features, got {x.shape[1]}")
        return (x @ self.coef.T + self.intercept).astype(np.float32)

    def save(self, path: str | Path) -> None:
        """Write the arrays as `.npz` (no pickled objects), atomically."""
        arrays = {
            "kind": np.array(self.kind),
            "coef": self.coef,
            "intercept": self.intercept,
            "features": np.array(self.features, dtype=str),
            "targets": np.array(self.targets, dtype=str),
            **{f"extra_{k}": v for k, v in self.extras.items()},
        }
        save_arrays(path, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        """Read a model file written by :meth:`save`; a damaged file raises :class:`InputDataError`."""
        arrays = load_arrays(
            path, ("kind", "coef", "intercept", "features", "targets"), what="linear model file", fix=REFIT
        )
        model = cls(
            kind=str(arrays.pop("kind")),
            coef=arrays.pop("coef"),
            intercept=arrays.pop("intercept"),
            features=arrays.pop("features").tolist(),
            targets=arrays.pop("targets").tolist(),
            extras={k.removeprefix("extra_"): v for k, v in arrays.items()},
        )
        if model.coef.shape != (len(model.targets), len(model.features)) or model.intercept.shape != (
            len(model.targets),
        ):
            raise InputDataError(path, "linear model arrays have inconsistent shapes", REFIT)
        return model


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


def fit_mlr(
    x: np.ndarray, y: np.ndarray, features: list[str], targets: list[str], settings: MLRSettings
) -> LinearModel:
    """Multi-output OLS with intercept on all rows of `x` (samples x features) and `y` (samples x targets)."""
    rcond_limit = settings.rcond_limit
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
        coef = sla.lstsq(
            xc, np.asarray(y, dtype=np.float64) - y_mean, cond=cond, lapack_driver="gelsd", check_finite=False
        )[0]
    LOG.info("MLR fitted with solver=%s on %d samples x %d features -> %d targets", solver, n, p, y.shape[1])
    coef = np.ascontiguousarray(coef.T)
    return LinearModel("mlr", coef, y_mean - coef @ x_mean, list(features), list(targets), {"solver": np.array(solver)})


def fit_mean(
    x: np.ndarray, y: np.ndarray, features: list[str], targets: list[str], settings: MeanSettings
) -> LinearModel:
    """Predict each gene's training mean (of `y`, samples x targets), whatever the input `x`."""
    mean = y.mean(axis=0, dtype=np.float64)
    return LinearModel("mean", np.zeros((len(targets), len(features))), mean, list(features), list(targets))


def fit_ridge(
    x: np.ndarray, y: np.ndarray, features: list[str], targets: list[str], settings: RidgeSettings
) -> LinearModel:
    """Ridge with one penalty per gene, chosen by efficient leave-one-out CV on the training set.

    `x` is (samples x features), `y` (samples x targets); the penalty grid is `settings.alphas`.
    """
    alphas = settings.alphas
    model = RidgeCV(alphas=np.asarray(alphas), alpha_per_target=True).fit(
        np.asarray(x, np.float64), np.asarray(y, np.float64)
    )
    chosen = np.broadcast_to(np.asarray(model.alpha_, dtype=np.float64), (len(targets),)).copy()
    at_edge = np.isin(chosen, [min(alphas), max(alphas)]).mean()
    LOG.info(
        "ridge: per-gene alpha median %.3g (range %.3g-%.3g); %.1f%% of genes at the grid edge",
        np.median(chosen),
        chosen.min(),
        chosen.max(),
        100 * at_edge,
    )
    return LinearModel(
        "ridge",
        np.atleast_2d(model.coef_).astype(np.float64),
        np.atleast_1d(model.intercept_).astype(np.float64),
        list(features),
        list(targets),
        {"alpha": chosen},
    )


def fit_report(model: LinearModel, name: str | None = None, network: dict | None = None) -> FitReport:
    """How linear-family model `name` (default: its kind) was fitted: always exactly (no iterations).

    `network` is the report of the network a prior-restricted model used
    (:func:`lembas_core.data.network_controls.network_for`); it is named in the method.
    """
    name = name or model.kind
    if "solver" in model.extras:  # MLR names the solver that ran
        return closed_form(name, f"exact least squares ({model.extras['solver']})")
    if "alpha" in model.extras:
        alpha = model.extras["alpha"][np.isfinite(model.extras["alpha"])]
        edge = np.isin(alpha, [alpha.min(), alpha.max()]).mean() if alpha.size else 0.0
        method = "exact ridge per gene, penalty by leave-one-out CV"
        if network:
            method += f", inputs: the gene's regulators in the {network['network']} network"
            if network["network"] != "prior":
                method += f" (seed {network['network_seed']}, {100 * network['moved_fraction']:.1f}% of edges moved)"
        report = closed_form(name, method)
        return replace(report, stop_reason=f"exact solution; {100 * edge:.1f}% of genes at an end of the penalty grid")
    return closed_form(name, "training mean per gene")


def load_model(path: str | Path, threads: int = 1) -> LinearModel:
    """Registry entry point: load an MLR, ridge or mean model file (`threads` is unused: one GEMM)."""
    return LinearModel.load(path)
