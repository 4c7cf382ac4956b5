"""Scores of interventional forecasts: per perturbation, then over perturbations with intervals.

Per perturbation, on its effect averaged over its individuals (the average effect a perturbation
experiment measures against its controls), over the scored targets (never the perturbed TF itself):

- ``pearson_delta``: Pearson correlation of predicted and true effect (GEARS' and PEREGGRN's "Pearson
  delta"); 0 when the forecast is constant (no change), undefined when the truth is;
- ``top_mse``: mean squared error on the `top_genes` targets with the largest true |effect| among those the
  perturbation moves (fewer when it moves fewer);
- ``top_sign``: share of those targets whose predicted effect has the true sign (a zero forecast has none);
- ``descendant_auroc``: AUROC of |predicted effect| at telling the true descendants of the perturbed TF from
  the targets it cannot move (ties count half: a constant forecast scores 0.5); needs a true network.

Gene sets (column `genes`): ``all`` scored targets (AUROC: descendants at any number of hops against the
non-descendants); ``1-hop`` and ``2-hop`` descendants only (their AUROC against the non-descendants).
Deeper descendants (a synthetic cohort with `tf_steps` > 1 or feedback) count in ``all`` only. Perturbed
TFs are ``seen`` (the models trained on perturbations of them, at other levels or in other individuals) or
``unseen`` (every TF when the models trained on observational data only), summarised apart. Summaries
average first over a TF's levels within a range (in / out of range) and then over TFs, with a t-interval
over TFs (perturbations of one TF share its biology and are not independent); paired comparisons use the
per-TF differences the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lembas_core.evaluation.calibration import INTERVENTIONS, calibration_at
from lembas_core.evaluation.verdicts import verdict_of
from lembas_core.io.interventions import PerturbationSet

NO_CHANGE = "no_change"  # the baseline that forecasts no effect at all
METRICS = ("pearson_delta", "top_mse", "top_sign", "descendant_auroc")
HIGHER_IS_BETTER = {"pearson_delta": True, "top_mse": False, "top_sign": True, "descendant_auroc": True}
GENE_SETS = {"all": (1, None), "1-hop": (1, 1), "2-hop": (2, 2)}  # hops from .. to (None: no limit)
ROW_COLUMNS = ["model", "regime", "level", "in_range", "seen", "tf", "genes", "n_genes", *METRICS]
SUMMARY_COLUMNS = ["model", "regime", "range", "seen", "genes", "metric", "n_tfs", "mean", "lo", "hi"]
PAIRED_COLUMNS = [
    "regime",
    "range",
    "seen",
    "genes",
    "metric",
    "model_a",
    "model_b",
    "n_tfs",
    "difference",
    "lo",
    "hi",
    "verdict",
]
CONFIDENCE = 0.95
# The setting the verdict and the regime map read: regime A, levels in range, TFs the models never saw perturbed,
# all scored targets, Pearson delta.
HEADLINE = {"regime": "A", "range": "in", "seen": "unseen", "genes": "all", "metric": "pearson_delta"}


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation; 0 when `a` (the forecast) is constant, NaN when `b` (the truth) is or < 2 values."""
    if a.size < 2 or np.ptp(b) == 0:
        return float("nan")
    if np.ptp(a) == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def auroc(score: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve of `score` for the boolean labels `positive` (ties count half); NaN
    without both classes."""
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = average_ranks(score)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of `values`, ties sharing their average rank (as scipy.stats.rankdata's default)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], ordered.size]
    ranks = np.empty(values.size)
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return ranks


def top_errors(predicted: np.ndarray, true: np.ndarray, k: int) -> tuple[float, float]:
    """(MSE, sign agreement) on the `k` entries with the largest true |effect| among the nonzero ones (stable
    order on ties; NaN when the truth moves none)."""
    moved = np.flatnonzero(true != 0)
    if moved.size == 0:
        return float("nan"), float("nan")
    top = moved[np.argsort(-np.abs(true[moved]), kind="stable")[:k]]
    return float(np.mean((predicted[top] - true[top]) ** 2)), float(
        np.mean(np.sign(predicted[top]) == np.sign(true[top]))
    )


def in_span(hops: np.ndarray, span: tuple[int, int | None]) -> np.ndarray:
    """Boolean mask of `hops` within `span` = (lowest, highest or None: no limit), a GENE_SETS value."""
    low, high = span
    return (hops >= low) & (hops <= high) if high is not None else hops >= low


def perturbation_scores(
    predicted: np.ndarray, true: np.ndarray, hops: np.ndarray | None, scored: np.ndarray, top_genes: int
) -> list[dict]:
    """Rows (genes, n_genes and METRICS) of one perturbation: predicted and true effects (T,), `hops` (T,)
    or None (no true network: the `all` set only, no AUROC), `scored` (T,) bool."""
    rows = []
    for genes, span in GENE_SETS.items():
        if hops is None and genes != "all":
            continue
        in_set = scored if hops is None or genes == "all" else scored & in_span(hops, span)
        mse, sign = top_errors(predicted[in_set], true[in_set], top_genes)
        if hops is None:
            separation = float("nan")
        else:
            candidates = scored & (in_span(hops, span) | (hops == 0))
            separation = auroc(np.abs(predicted[candidates]), in_span(hops[candidates], span))
        rows.append(
            {
                "genes": genes,
                "n_genes": int(in_set.sum()),
                "pearson_delta": pearson(predicted[in_set], true[in_set]),
                "top_mse": mse,
                "top_sign": sign,
                "descendant_auroc": separation,
            }
        )
    return rows


def mean_effects(perturbations: PerturbationSet, row_effect: np.ndarray) -> np.ndarray:
    """(P, T) per-perturbation mean of the per-row effects `row_effect` (N, T); every perturbation has a row."""
    n = len(perturbations.tfs)
    if n == 0:
        return np.zeros((0, row_effect.shape[1]))
    order = np.argsort(perturbations.perturbation, kind="stable")
    counts = np.bincount(perturbations.perturbation, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.add.reduceat(row_effect[order], starts, axis=0) / counts[:, None]


def score_forecast(
    perturbations: PerturbationSet, predicted: np.ndarray, labels: tuple[str, str], top_genes: int
) -> pd.DataFrame:
    """ROW_COLUMNS rows of a forecast: `predicted` (P, T) mean effects; `labels` = (model, regime)."""
    rows = []
    seen = perturbations.seen_labels()
    for p, tf in enumerate(perturbations.tfs):
        hops = None if perturbations.hops is None else perturbations.hops[p]
        scored = perturbations.scored(p)
        for row in perturbation_scores(predicted[p], perturbations.effect[p], hops, scored, top_genes):
            rows.append({"model": labels[0], "regime": labels[1], "level": perturbations.level,
                         "in_range": bool(perturbations.in_range[p]), "seen": seen[p], "tf": tf,
                         **row})  # fmt: skip
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


def t_interval(values: np.ndarray) -> tuple[float, float, float]:
    """(mean, lo, hi): the mean of `values` (NaN dropped) and its Student-t 95% interval (NaN with < 2 values)."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if values.size < 2:
        return mean, float("nan"), float("nan")
    from scipy import stats  # noqa: PLC0415 (only the summaries need it: score jobs start faster)

    half = stats.t.ppf(0.5 + CONFIDENCE / 2, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def per_tf(rows: pd.DataFrame) -> pd.DataFrame:
    """Long table (model, regime, range, perturbed, genes, metric, tf, value): each TF's metric averaged over
    its levels within a range (``in`` / ``out``); `seen` says whether the models trained on perturbations
    of the TF (``seen``) or not (``unseen``)."""
    long = rows.assign(range=np.where(rows["in_range"], "in", "out")).melt(
        id_vars=["model", "regime", "range", "seen", "genes", "tf"], value_vars=list(METRICS), var_name="metric"
    )
    keys = ["model", "regime", "range", "seen", "genes", "metric", "tf"]
    return long.groupby(keys, sort=False)["value"].mean().reset_index()


def summarize(rows: pd.DataFrame) -> pd.DataFrame:
    """SUMMARY_COLUMNS: per (model, regime, range, perturbed, genes, metric) the mean over TFs and its interval."""
    out = []
    for key, group in per_tf(rows).groupby(["model", "regime", "range", "seen", "genes", "metric"], sort=False):
        values = group["value"].to_numpy(dtype=np.float64)
        mean, lo, hi = t_interval(values)
        out.append((*key, int(np.isfinite(values).sum()), mean, lo, hi))
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)


def paired(rows: pd.DataFrame, pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """PAIRED_COLUMNS: for each (model_a, model_b) of `pairs` and each regime, range, seen/unseen set, gene set
    and metric both have, the mean over TFs of a - b with its t-interval and the verdict
    (:func:`lembas_core.evaluation.verdicts.verdict_of`, read in the metric's direction: a lower top_mse is
    better; it cannot tell where the t-interval's false-verdict rate at this many TFs exceeds 5% or was not
    measured: :func:`lembas_core.evaluation.calibration.calibration_at`)."""
    table = per_tf(rows).set_index(["regime", "range", "seen", "genes", "metric", "tf", "model"])["value"]
    out = []
    for a, b in pairs:
        if a not in set(rows["model"]) or b not in set(rows["model"]):
            continue
        joined = pd.concat({"a": table.xs(a, level="model"), "b": table.xs(b, level="model")}, axis=1, join="inner")
        for key, group in joined.groupby(level=["regime", "range", "seen", "genes", "metric"], sort=False):
            diff = (group["a"] - group["b"]).to_numpy(dtype=np.float64)
            mean, lo, hi = t_interval(diff)
            measured = calibration_at(INTERVENTIONS, "t", int(np.isfinite(diff).sum()))
            verdict = verdict_of(lo, hi, HIGHER_IS_BETTER[key[-1]], measured is not None and measured.can_tell)
            out.append((*key, a, b, int(np.isfinite(diff).sum()), mean, lo, hi, verdict))
    return pd.DataFrame(out, columns=PAIRED_COLUMNS)


def headline(table: pd.DataFrame, every_metric: bool = False) -> pd.DataFrame:
    """The rows of an interventions summary or paired table in the HEADLINE setting (with `every_metric`, its
    regime, range, TFs and genes, every metric)."""
    keep = np.ones(len(table), dtype=bool)
    for column, value in HEADLINE.items():
        if column != "metric" or not every_metric:
            keep &= (table[column] == value).to_numpy()
    return table[keep]
