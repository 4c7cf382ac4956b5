"""Scoring: pooled and per-gene metrics with intervals, CV strata and paired model comparison.

Naming (``upstream_spec.md`` section 4): `r2_flat` pools every (sample, gene) value around one global
mean; upstream called it "variance-weighted", which it is not (that is sklearn's
multioutput='variance_weighted', which uses per-gene means). Because between-gene differences in mean
expression dominate the pooled variance, `r2_flat` is high even for weak models. `r2_uniform_plain` is the
plain average of per-gene R^2 (sklearn's 'uniform_average', upstream's value) over the scored genes, those
of which at least 3 samples differ from the gene's most common value
(:func:`lembas_core.evaluation.intervals.scored_genes`: the same genes for every model); `r2_uniform`, the
headline, is its less biased estimate, the point its interval is centred on
(:mod:`lembas_core.evaluation.intervals`).

Intervals and paired differences come from resampling samples (:mod:`lembas_core.evaluation.intervals`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lembas_core.common.settings import ScoreSettings
from lembas_core.evaluation.calibration import calibration_at
from lembas_core.evaluation.intervals import Replicates, replicates, scored_genes
from lembas_core.evaluation.verdicts import verdict_of

SUMMARY_METRICS = (
    "r2_uniform",
    "r2_uniform_plain",
    "pearson_uniform",
    "spearman_uniform",
    "r2_flat",
    "pearson",
    "rmse",
    "mae",
)
# Metrics shown without an interval: no method covered their population value in the coverage experiment
# (spearman_uniform, ranks held fixed within a resample: 22-73% at n = 17 and 60; benchmarks/README.md), and
# r2_uniform_plain, shown beside r2_uniform as upstream computed it (r2_uniform's interval is centred on r2_uniform).
WITHOUT_INTERVAL = ("spearman_uniform", "r2_uniform_plain")


GENE_TABLE_BLOCK = 1024  # genes per block of gene_table and check_pair: memory stays at a few (samples x block) arrays


def column_blocks(n_columns: int, size: int = GENE_TABLE_BLOCK) -> list[slice]:
    """Consecutive column slices of at most `size` (one more for the last) covering `n_columns`; one empty slice
    for none. No block is one column wide unless the matrix is: numpy sums a single column in another order
    (pairwise) than a column of a wider block (row by row), which would change the last bits."""
    starts = list(range(0, n_columns, size)) or [0]
    if len(starts) > 1 and n_columns - starts[-1] == 1:
        starts.pop()
    return [slice(start, end) for start, end in zip(starts, [*starts[1:], n_columns])]


def check_pair(y: np.ndarray, p: np.ndarray) -> None:
    """Observed and predicted must be same-shaped (samples x genes) finite arrays (checked block by block)."""
    if np.shape(y) != np.shape(p):
        raise ValueError(
            f"observed {np.shape(y)} and predicted {np.shape(p)} differ in shape "
            "(samples x genes expected; transposed?)"
        )
    bad = sum(int((~np.isfinite(p[:, block])).sum()) for block in column_blocks(np.shape(p)[1]))
    if bad:
        raise ValueError(f"predictions contain {bad} NaN or infinite value(s)")


def _gene_columns(y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    """gene_table's per-gene values of one block of genes (float64 samples x genes), each from that gene's
    column alone."""
    err = y - p
    mean, var = y.mean(axis=0), y.var(axis=0)
    sse, sst = (err**2).sum(axis=0), ((y - mean) ** 2).sum(axis=0)
    low = ~scored_genes(y)
    pc, yc = p - p.mean(axis=0), y - mean
    denom = np.sqrt((yc**2).sum(axis=0) * (pc**2).sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(low, np.nan, 1.0 - sse / sst)
        pearson = np.where(low | (denom == 0), np.nan, (yc * pc).sum(axis=0) / denom)
        sd = y.std(axis=0, ddof=1) if y.shape[0] > 1 else np.full(y.shape[1], np.nan)
        cv = sd / mean
    cv[~np.isfinite(cv)] = np.nan
    return {
        "r2": r2,
        "pearson": pearson,
        "rmse": np.sqrt(sse / y.shape[0]),
        "mae": np.abs(err).mean(axis=0),
        "mean": mean,
        "variance": var,
        "cv": cv,
        "scored": ~low,
    }


def gene_table(y: np.ndarray, p: np.ndarray, genes: list[str], zero_filled: np.ndarray | None = None) -> pd.DataFrame:
    """Per-gene r2 (1 - SSE/SST), pearson, rmse, mae and the observed mean, variance and CV, with flags.

    Genes outside the per-gene averages (fewer than 3 samples differ from the gene's most common value:
    :func:`lembas_core.evaluation.intervals.scored_genes`) get NaN r2/pearson and `scored = False`; they are
    kept, never dropped. `zero_filled` marks genes absent from the validation cohort. Computed in blocks of
    genes (each gene's values depend on its own column only), so a memory-mapped `y` is read once and the
    float64 copies stay at a block's size.
    """
    check_pair(y, p)
    if len(genes) != np.shape(y)[1]:
        raise ValueError(f"{len(genes)} gene names for {np.shape(y)[1]} columns")
    blocks = [
        _gene_columns(np.asarray(y[:, block], np.float64), np.asarray(p[:, block], np.float64))
        for block in column_blocks(len(genes))
    ]
    columns = {name: np.concatenate([block[name] for block in blocks]) for name in blocks[0]}
    return pd.DataFrame(
        {
            "gene": genes,
            **columns,
            "zero_filled": np.zeros(len(genes), bool) if zero_filled is None else np.asarray(zero_filled, bool),
        },
        columns=["gene", "r2", "pearson", "rmse", "mae", "mean", "variance", "cv", "scored", "zero_filled"],
    )


def headline_genes(table: pd.DataFrame, include_zero_filled: bool) -> np.ndarray:
    """Genes that enter the headline numbers (zero-filled validation genes excluded by default)."""
    return np.ones(len(table), bool) if include_zero_filled else ~table["zero_filled"].to_numpy()


def summary_metrics(
    y: np.ndarray, p: np.ndarray, genes_mask: np.ndarray, settings: ScoreSettings
) -> tuple[dict[str, float], Replicates]:
    """Headline metrics of `y` vs `p` (samples x genes) on the genes of `genes_mask`, each the point its 95%
    interval by `settings.interval` is centred on, with the interval (`<metric>_lo`, `_hi`; none when
    `settings.interval` is ``none``), and `r2_uniform_plain` (upstream's formula) without one; plus the
    replicates behind them (to pair with another model's on the same samples): only those the method reads,
    so with ``none`` the estimates alone."""
    check_pair(y, p)
    if len(genes_mask) != np.shape(y)[1]:
        raise ValueError(f"a mask of {len(genes_mask)} genes for {np.shape(y)[1]} columns")
    method = settings.interval
    n_boot, seed = settings.draws()
    columns = np.flatnonzero(genes_mask)  # read block by block: no copy of the masked matrices
    found = replicates(y, p, n_boot, seed, jackknife=settings.leaves_one_out, columns=columns)
    row: dict[str, float] = {"n_samples": found.n, "n_genes": int(np.sum(genes_mask))}
    for metric in SUMMARY_METRICS:
        row[metric] = found.estimate[metric]
        if method != "none" and metric not in WITHOUT_INTERVAL:
            row[metric], row[f"{metric}_lo"], row[f"{metric}_hi"] = found.interval(metric, method)
    return row, found


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
        yy, pp = np.asarray(y[:, genes], np.float64).ravel(), np.asarray(p[:, genes], np.float64).ravel()
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


PAIRED_METRICS = ("r2_uniform", "pearson_uniform")
# The paired differences' intervals, which the verdicts read, are 97%: at 95% the jackknife named a winner between
# two models equal by construction in up to 6.4% of test sets (benchmarks/README.md, "Interval coverage"); at 97%
# its false-verdict rate is measured at each size and shipped in lembas_core/evaluation/calibration_data.
VERDICT_LEVEL = 0.97
PAIRED_COLUMNS = [
    "model_a",
    "model_b",
    "n_genes",
    *(f"{m}_difference{part}" for m in PAIRED_METRICS for part in ("", "_lo", "_hi")),
    "verdict_metric",
    "verdict",
    "median_r2_difference",
    "fraction_a_better",
    "fraction_b_better",
]


def verdict_metric(split: str) -> str:
    """The metric a comparison on `split` is decided by: per-gene R^2 on the training cohort's own samples,
    the per-gene correlation on another cohort (invariant to each gene's shift and scale there)."""
    return "pearson_uniform" if split == "validation" else "r2_uniform"


def paired_comparison(
    per_gene_r2: dict[str, np.ndarray],
    found: dict[str, Replicates],
    genes_mask: np.ndarray,
    pairs: list[tuple[str, str]],
    method: str,
    split: str,
) -> pd.DataFrame:
    """Model A vs model B for each of `pairs`, on the same samples of `split`.

    For each metric of PAIRED_METRICS: the difference A - B with its VERDICT_LEVEL (97%) interval by `method` from the
    paired replicates (the same resamples for both models), the difference being the point the interval is
    centred on (for r2_uniform with the jackknife: the bias-reduced difference); `verdict` is what the
    interval of the split's verdict metric says (:func:`lembas_core.evaluation.verdicts.verdict_of`), or
    that it cannot tell where the rule's false-verdict rate at this many samples exceeds 5% or was not
    measured (:func:`lembas_core.evaluation.calibration.calibration_at`).
    Descriptive, over the genes of `genes_mask` (not a test: genes are not independent): the median
    per-gene R^2 difference and the shares of genes where A and where B has the higher R^2.
    """
    rows = []
    decided_by = verdict_metric(split)
    for a, b in pairs:
        measured = calibration_at("validation" if split == "validation" else "test", method, found[a].n)  # its rule
        ra, rb = per_gene_r2[a][genes_mask], per_gene_r2[b][genes_mask]
        ok = np.isfinite(ra) & np.isfinite(rb)
        diff = ra[ok] - rb[ok]
        row: dict = {"model_a": a, "model_b": b, "n_genes": int(ok.sum())}
        difference = found[a] - found[b]
        for metric in PAIRED_METRICS:
            no_interval = (difference.estimate[metric], np.nan, np.nan)
            point, lo, hi = difference.interval(metric, method, VERDICT_LEVEL) if method != "none" else no_interval
            row[f"{metric}_difference"], row[f"{metric}_difference_lo"], row[f"{metric}_difference_hi"] = point, lo, hi
        lo, hi = row[f"{decided_by}_difference_lo"], row[f"{decided_by}_difference_hi"]
        row["verdict_metric"] = decided_by
        row["verdict"] = verdict_of(lo, hi, can_tell=measured is not None and measured.can_tell)
        row["median_r2_difference"] = float(np.median(diff)) if diff.size else np.nan
        row["fraction_a_better"] = float(np.mean(diff > 0)) if diff.size else np.nan
        row["fraction_b_better"] = float(np.mean(diff < 0)) if diff.size else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=PAIRED_COLUMNS)


def replicate_spread(rows: pd.DataFrame, replicate_of: dict[str, str]) -> pd.DataFrame:
    """Mean and sd (ddof 1; NaN for a single replicate) of every headline metric across replicates.

    `rows` are score rows (model, split, metrics...) of every replicate; `replicate_of` maps each model
    name to its first replicate's name, under which the result is reported (one row per model and split).
    """
    frame = rows.assign(model=rows["model"].map(replicate_of))
    grouped = frame.groupby(["model", "split"], sort=False)[[m for m in SUMMARY_METRICS if m in frame]]
    out = grouped.agg(["mean", "std"])
    out.columns = [f"{metric}_{'sd' if stat == 'std' else stat}" for metric, stat in out.columns]
    out.insert(0, "n_replicates", grouped.size())
    return out.reset_index()
