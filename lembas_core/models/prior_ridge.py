"""prior_ridge: for each target gene, ridge regression on that gene's regulators in the network only.

The simple model restricted to the prior, as CellOracle fits it (a regularised regression of each target
on its prior TFs; Kamimoto et al., *Nature* 2023). With `ridge` (every TF) and LEMBAS-RNN (the same
prior inside a recurrent model) it separates the information in the prior from the architecture.

Per gene g with regulator columns R_g (TF features that are network regulators of g) and centred
inputs Xc: the penalty is chosen from `alphas` by efficient leave-one-out CV, exactly as
``sklearn.linear_model.RidgeCV`` (intercept unpenalised, mean squared LOO error, first alpha on ties).
Cost: one Gram matrix Xc^T Xc for all TFs (p x p, computed once); per gene an eigendecomposition of its
|R_g| x |R_g| block, G_g = V diag(lam) V^T, and U = Xc[:, R_g] V (n x |R_g|). For each alpha the fit is
``yhat = U diag(1 / (lam + alpha)) U^T yc`` and the hat-matrix diagonal ``h = 1/n + (U * U) @ (1 / (lam +
alpha))``, so the LOO residual is ``(yc - yhat) / (1 - h)``. Genes that share a regulator set share the
decomposition. A gene without regulators predicts its training mean. At the upstream size (12,748
training samples, 1,200 TFs, 16,100 genes with a median of 57 regulators) the fit takes about three
minutes on two cores (`benchmarks/network_controls.py`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from lembas_core.io.network import Network
from lembas_core.models.linear import LinearModel
from lembas_core.models.linear import fit_report as fit_report  # registry entry point of fit_linear kinds
from lembas_core.models.propagation import propagated_effect
from lembas_core.models.settings import PriorRidgeSettings

LOG = logging.getLogger("lembas_core.models.prior_ridge")


def regulator_sets(network: Network, features: list[str], targets: list[str]) -> list[np.ndarray]:
    """Per target (in `targets` order): sorted column indices into `features` of its network regulators."""
    column = {name: j for j, name in enumerate(features)}
    row = {name: i for i, name in enumerate(targets)}
    nodes = network.nodes
    sets: list[list[int]] = [[] for _ in targets]
    for s, t in zip(network.source.tolist(), network.target.tolist()):
        j, i = column.get(nodes[s]), row.get(nodes[t])
        if j is not None and i is not None:
            sets[i].append(j)
    return [np.unique(np.asarray(s, dtype=np.int64)) for s in sets]


def _fit_group(
    xc: np.ndarray, gram: np.ndarray, columns: np.ndarray, yc: np.ndarray, alphas: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Ridge by LOO-CV of the centred targets `yc` (n x k) on `xc[:, columns]`: (coef k x |columns|, alpha k)."""
    n = xc.shape[0]
    lam, v = np.linalg.eigh(gram[np.ix_(columns, columns)])
    lam = np.clip(lam, 0, None)
    u = xc[:, columns] @ v  # n x r; the dominant cost, n r^2 per regulator set
    uty = u.T @ yc  # r x k
    u2 = u * u
    best_error = np.full(yc.shape[1], np.inf)
    best = np.zeros(yc.shape[1], dtype=np.int64)
    for a, alpha in enumerate(alphas):
        shrink = 1.0 / (lam + alpha)
        residual = (yc - u @ (shrink[:, None] * uty)) / (1.0 - (1.0 / n + u2 @ shrink))[:, None]
        error = np.mean(residual**2, axis=0)
        better = error < best_error
        best_error[better], best[better] = error[better], a
    shrink = 1.0 / (lam[:, None] + alphas[best][None, :])  # r x k
    coef = v @ (shrink * uty)  # r x k
    return coef.T, alphas[best]


def fit_prior_ridge(
    x: np.ndarray,
    y: np.ndarray,
    features: list[str],
    targets: list[str],
    settings: PriorRidgeSettings,
    network: Network,
) -> LinearModel:
    """Fit on `x` (samples x features) and `y` (samples x targets) with each gene's regulators in `network`.

    The model stores `coef` (targets x features, zero outside each gene's regulators), the chosen
    `alpha` per gene (NaN for genes without regulators) and `n_regulators` per gene.
    """
    alphas = np.asarray(settings.alphas, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x_mean, y_mean = x.mean(axis=0), y.mean(axis=0)
    xc = np.asfortranarray(x - x_mean)  # column-major: a gene's regulator columns are contiguous blocks
    gram = xc.T @ xc
    sets = regulator_sets(network, features, targets)
    coef = np.zeros((len(targets), len(features)))
    chosen = np.full(len(targets), np.nan)
    groups: dict[bytes, list[int]] = {}
    for i, columns in enumerate(sets):
        if columns.size:
            groups.setdefault(columns.tobytes(), []).append(i)
    for genes in groups.values():
        columns = sets[genes[0]]
        group_coef, group_alpha = _fit_group(xc, gram, columns, y[:, genes] - y_mean[genes], alphas)
        coef[np.ix_(genes, columns)] = group_coef
        chosen[genes] = group_alpha
    sizes = np.array([s.size for s in sets])
    fitted = sizes > 0
    LOG.info(
        "prior_ridge: %d of %d genes have network regulators among the TF features (median %d, max %d); "
        "%d regulator sets; the other genes predict their training mean",
        int(fitted.sum()),
        len(targets),
        int(np.median(sizes[fitted])) if fitted.any() else 0,
        int(sizes.max()) if sizes.size else 0,
        len(groups),
    )
    if fitted.any():
        at_edge = np.isin(chosen[fitted], [alphas.min(), alphas.max()]).mean()
        LOG.info(
            "prior_ridge: per-gene alpha median %.3g; %.1f%% at the grid edge", np.median(chosen[fitted]), 100 * at_edge
        )
    return LinearModel(
        "prior_ridge",
        coef,
        y_mean - coef @ x_mean,
        list(features),
        list(targets),
        {"alpha": chosen, "n_regulators": sizes},
    )


def load_model(path: str | Path, threads: int = 1) -> LinearModel:
    """Registry entry point: load a prior_ridge model file (a linear model; `threads` is unused)."""
    return LinearModel.load(path)


def forecast_effect(
    model: LinearModel, settings: PriorRidgeSettings, inputs: tuple[np.ndarray, np.ndarray], propagate: bool
) -> np.ndarray:
    """Registry entry point: forecast effect (rows x targets) of moving the inputs (x_control, x_do), both
    rows x features: with `propagate` (each row changes one TF) after `settings.propagation` feedback steps
    (:mod:`lembas_core.models.propagation`), else the plain linear effect of the given changes."""
    x_control, x_do = inputs
    if not propagate:
        return (np.asarray(x_do, dtype=np.float64) - np.asarray(x_control, dtype=np.float64)) @ model.coef.T
    return propagated_effect(model.coef, (model.features, model.targets), x_control, x_do, settings.propagation)
