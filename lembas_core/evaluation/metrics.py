"""Scoring: pooled and per-gene metrics, bootstrap intervals, CV strata and paired model comparison.

Naming (``upstream_spec.md`` section 4): `r2_flat` pools every (sample, gene) value around one global
mean; upstream called it "variance-weighted", which it is not (that is sklearn's
multioutput='variance_weighted', which uses per-gene means). Because between-gene differences in mean
expression dominate the pooled variance, `r2_flat` is high even for weak models; `r2_uniform` is the
plain average of per-gene R^2 (sklearn's 'uniform_average') over genes whose R^2 is defined.

Bootstrap intervals resample samples (rows) with replacement. Every statistic is a function of
per-sample sums, so each resample costs one weighted sum instead of a pass over the whole matrix.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

LOW_VARIANCE = 1e-10
SUMMARY_METRICS = ("r2_flat", "r2_uniform", "pearson", "rmse", "mae")


def check_pair(y: np.ndarray, p: np.ndarray) -> None:
    """Observed and predicted must be same-shaped (samples x genes) finite arrays."""
    if np.shape(y) != np.shape(p):
        raise ValueError(
            f"observed {np.shape(y)} and predicted {np.shape(p)} differ in shape "
            "(samples x genes expected; transposed?)"
        )
    if not np.all(np.isfinite(p)):
        raise ValueError(f"predictions contain {int((~np.isfinite(p)).sum())} NaN or infinite value(s)")


def gene_table(y: np.ndarray, p: np.ndarray, genes: list[str], zero_filled: np.ndarray | None = None) -> pd.DataFrame:
    """Per-gene r2, pearson, rmse, mae and the observed mean, variance and CV, with flags.

    Genes with (near-)zero observed variance get NaN r2/pearson and `low_variance = True`; they are
    kept, never dropped. `zero_filled` marks genes absent from the validation cohort.
    """
    check_pair(y, p)
    if len(genes) != np.shape(y)[1]:
        raise ValueError(f"{len(genes)} gene names for {np.shape(y)[1]} columns")
    y, p = np.asarray(y, np.float64), np.asarray(p, np.float64)
    err = y - p
    mean, var = y.mean(axis=0), y.var(axis=0)
    sse, sst = (err**2).sum(axis=0), ((y - mean) ** 2).sum(axis=0)
    low = var <= LOW_VARIANCE
    pc, yc = p - p.mean(axis=0), y - mean
    denom = np.sqrt((yc**2).sum(axis=0) * (pc**2).sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(low, np.nan, 1.0 - sse / sst)
        pearson = np.where(low | (denom == 0), np.nan, (yc * pc).sum(axis=0) / denom)
        sd = y.std(axis=0, ddof=1) if y.shape[0] > 1 else np.full(y.shape[1], np.nan)
        cv = sd / mean
    cv[~np.isfinite(cv)] = np.nan
    return pd.DataFrame(
        {
            "gene": genes,
            "r2": r2,
            "pearson": pearson,
            "rmse": np.sqrt(sse / y.shape[0]),
            "mae": np.abs(err).mean(axis=0),
            "mean": mean,
            "variance": var,
            "cv": cv,
            "low_variance": low,
            "zero_filled": np.zeros(len(genes), bool) if zero_filled is None else np.asarray(zero_filled, bool),
        }
    )


def headline_genes(table: pd.DataFrame, include_zero_filled: bool) -> np.ndarray:
    """Genes that enter the headline numbers (zero-filled validation genes excluded by default)."""
    return np.ones(len(table), bool) if include_zero_filled else ~table["zero_filled"].to_numpy()


def _pooled(sums: np.ndarray, n_values: float) -> dict[str, np.ndarray]:
    """Pooled metrics from summed statistics [sse, sae, sy, syy, sp, spp, syp] (last axis)."""
    sse, sae, sy, syy, sp_, spp, syp = np.moveaxis(sums, -1, 0)
    sst = syy - sy**2 / n_values
    cov = syp - sy * sp_ / n_values
    var_p = spp - sp_**2 / n_values
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "r2_flat": 1 - sse / sst,
            "pearson": cov / np.sqrt(sst * var_p),
            "rmse": np.sqrt(sse / n_values),
            "mae": sae / n_values,
        }


def summary_metrics(y: np.ndarray, p: np.ndarray, genes_mask: np.ndarray, n_boot: int, seed: int) -> dict[str, float]:
    """Headline metrics of `y` vs `p` (samples x genes) on the genes of `genes_mask`, with 95% bootstrap
    intervals from `n_boot` resamples of samples drawn under `seed` (`*_lo`, `*_hi`; none for 0)."""
    check_pair(y, p)
    y = np.asarray(y, np.float64)[:, genes_mask]
    p = np.asarray(p, np.float64)[:, genes_mask]
    n, g = y.shape
    err = y - p
    per_sample = np.stack(
        [(err**2).sum(1), np.abs(err).sum(1), y.sum(1), (y**2).sum(1), p.sum(1), (p**2).sum(1), (y * p).sum(1)], axis=1
    )
    weights = np.ones((1, n))
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        weights = np.vstack([weights, rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot)])
    pooled = _pooled(weights @ per_sample, float(n * g))
    gene_sse, gene_sy, gene_syy = weights @ (err**2), weights @ y, weights @ (y**2)
    gene_sst = gene_syy - gene_sy**2 / n
    defined = (y.var(axis=0) > LOW_VARIANCE)[None, :] & (gene_sst > LOW_VARIANCE * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_gene_r2 = np.where(defined, 1 - gene_sse / gene_sst, np.nan)
    pooled["r2_uniform"] = np.nanmean(per_gene_r2, axis=1)
    row: dict[str, float] = {"n_samples": n, "n_genes": g}
    for name in SUMMARY_METRICS:
        values = pooled[name]
        row[name] = float(values[0])
        if n_boot > 0:
            row[f"{name}_lo"], row[f"{name}_hi"] = (float(v) for v in np.nanpercentile(values[1:], [2.5, 97.5]))
    return row


STRATA_COLUMNS = ["stratum", "cv_range", "n_genes", "rmse", "mae", "pearson", "mean_bias", "residual_sd"]


def strata_table(y: np.ndarray, p: np.ndarray, table: pd.DataFrame, genes_mask: np.ndarray) -> pd.DataFrame:
    """Low/medium/high coefficient-of-variation tertiles: RMSE, MAE, Pearson, mean bias, residual SD."""
    cv = table["cv"].to_numpy()
    usable = genes_mask & np.isfinite(cv)
    low_cut, high_cut = np.percentile(cv[usable], [100 / 3, 200 / 3]) if usable.any() else (np.nan, np.nan)
    strata = {
        "low": usable & (cv <= low_cut),
        "medium": usable & (cv > low_cut) & (cv <= high_cut),
        "high": usable & (cv > high_cut),
    }
    rows = []
    for name, genes in strata.items():
        if not genes.any():  # e.g. no gene varies in this split
            rows.append({"stratum": name, "cv_range": "", "n_genes": 0})
            continue
        yy, pp = np.asarray(y, np.float64)[:, genes].ravel(), np.asarray(p, np.float64)[:, genes].ravel()
        resid = yy - pp
        rows.append(
            {
                "stratum": name,
                "cv_range": f"{cv[genes].min():.3g}-{cv[genes].max():.3g}",
                "n_genes": int(genes.sum()),
                "rmse": float(np.sqrt(np.mean(resid**2))),
                "mae": float(np.mean(np.abs(resid))),
                "pearson": float(np.corrcoef(yy, pp)[0, 1])
                if yy.size > 1 and yy.std() > 0 and pp.std() > 0
                else np.nan,
                "mean_bias": float(resid.mean()),
                "residual_sd": float(resid.std()),
            }
        )
    return pd.DataFrame(rows, columns=STRATA_COLUMNS)


def paired_comparison(
    per_gene_r2: dict[str, np.ndarray], genes_mask: np.ndarray, pairs: list[tuple[str, str]] | None = None
) -> pd.DataFrame:
    """For each pair of models (default: every pair): per-gene R^2 difference (A - B), the shares of genes
    where A wins and where B wins (ties in neither), and the Wilcoxon signed-rank p-value."""
    from scipy.stats import wilcoxon  # noqa: PLC0415 (heavy: scipy.stats adds ~1 s to every scoring job's start)

    rows = []
    for a, b in combinations(per_gene_r2, 2) if pairs is None else pairs:
        ra, rb = per_gene_r2[a][genes_mask], per_gene_r2[b][genes_mask]
        ok = np.isfinite(ra) & np.isfinite(rb)
        diff = ra[ok] - rb[ok]
        p_value = float(wilcoxon(diff).pvalue) if ok.sum() > 0 and np.any(diff != 0) else np.nan
        rows.append(
            {
                "model_a": a,
                "model_b": b,
                "n_genes": int(ok.sum()),
                "median_r2_difference": float(np.median(diff)) if diff.size else np.nan,
                "fraction_a_better": float(np.mean(diff > 0)) if diff.size else np.nan,
                "fraction_b_better": float(np.mean(diff < 0)) if diff.size else np.nan,
                "wilcoxon_p": p_value,
            }
        )
    return pd.DataFrame(rows)


def replicate_spread(rows: pd.DataFrame, replicate_of: dict[str, str]) -> pd.DataFrame:
    """Mean and sd (ddof 1; NaN for a single replicate) of every headline metric across replicates.

    `rows` are score rows (model, split, metrics...) of every replicate; `replicate_of` maps each model
    name to its first replicate's name, under which the result is reported (one row per model and split).
    """
    frame = rows.assign(model=rows["model"].map(replicate_of))
    grouped = frame.groupby(["model", "split"], sort=False)[list(SUMMARY_METRICS)]
    out = grouped.agg(["mean", "std"])
    out.columns = [f"{metric}_{'sd' if stat == 'std' else stat}" for metric, stat in out.columns]
    out.insert(0, "n_replicates", grouped.size())
    return out.reset_index()
