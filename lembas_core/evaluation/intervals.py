"""Headline metrics and their 95% intervals by resampling samples, computed in gene blocks.

Every headline metric of a (model, split) is a function of sums over samples: per-gene sums (for the
per-gene R^2, Pearson and Spearman averaged over genes) and sums over all genes (the pooled metrics). A
bootstrap resample is a weight vector (how often each sample is drawn), so one matrix product gives every
resample's sums; a leave-one-out (jackknife) replicate is the total minus one sample's row. Both feed the
same formulas (:func:`_per_gene` and :func:`_finish`). Genes are processed in blocks, so memory stays at a
few blocks whatever the number of genes. Spearman's rho uses each gene's ranks in the whole set, kept
fixed within a resample (the Pearson correlation of the ranks).

Which genes are averaged (:func:`scored_genes`) and how r2_uniform is estimated were chosen by measuring
coverage where the truth is known (`benchmarks/interval_coverage.py`, benchmarks/README.md):

- a gene enters the per-gene averages when at least MIN_VARYING_SAMPLES (3) of the split's samples differ
  from its most common value: a gene that varies through one or two samples (dropout zeros) has a per-gene
  R^2 decided by those samples: such genes flipped a verdict, and averaging them lowered the coverage of
  r2_uniform's interval at 17 samples to 91-93%;
- ``r2_uniform`` averages each gene's R^2 taken as mean squared error over the unbiased variance,
  1 - (SSE/n) / (SST/(n - 1)), floored at R2_FLOOR (-1), so that no gene moves the average by more than
  2 / genes; ``r2_uniform_plain`` is the plain average of 1 - SSE/SST (sklearn's and upstream's formula)
  on the same genes.

Interval methods (95% by default; the paired differences the verdicts read use 97%, `level`):

- ``percentile``: the 2.5% and 97.5% quantiles of the bootstrap replicates (Efron 1979);
- ``bca``: bias-corrected and accelerated bootstrap (Efron 1987): the percentile levels moved by the
  bootstrap's median bias z0 and the jackknife acceleration a;
- ``jackknife``: the estimate +- t(n - 1) x the jackknife standard error (Tukey 1958); for the metrics of
  BIAS_CORRECTION, centred on the estimate moved by that share of the jackknife's bias estimate
  (Quenouille 1956).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, rankdata, t

from lembas_core.io.npz import load_arrays, save_arrays

LOW_VARIANCE = 1e-10
METRICS = (
    "r2_flat",
    "r2_uniform",
    "r2_uniform_plain",
    "pearson",
    "pearson_uniform",
    "spearman_uniform",
    "rmse",
    "mae",
)
PER_GENE = ("r2_uniform", "r2_uniform_plain", "pearson_uniform", "spearman_uniform")  # averages over genes
POOLED_SUMS = ("sse", "sae", "sy", "syy", "sp", "spp", "syp")
METHODS = ("percentile", "bca", "jackknife")
MIN_VARYING_SAMPLES = 3  # a scored gene differs from its most common value in at least this many samples
R2_FLOOR = -1.0  # r2_uniform's per-gene values are floored here
# Each gene's R^2 is taken around the split's own mean and is a ratio: r2_uniform stays biased low at small n
# after the unbiased variance, and the full jackknife correction overshoots there (its interval lay above the
# truth in 16-21% of 17-sample test sets in an independent re-measurement). Centred on half that correction, the
# interval covered 93-96% from n = 10 to 300 (benchmarks/README.md). For the other metrics the correction is small
# and, with outlying samples (dropout zeros, a batch-shifted cohort), unstable, so their intervals are centred on
# the estimate itself.
BIAS_CORRECTION = {"r2_uniform": 0.5}
GENE_BLOCK = 256


def _terms(y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray]:
    """Per-sample terms (samples x genes) whose sums over samples give every metric."""
    err = y - p
    ry, rp = rankdata(y, axis=0), rankdata(p, axis=0)
    return {
        "sse": err**2,
        "sae": np.abs(err),
        "sy": y,
        "syy": y**2,
        "sp": p,
        "spp": p**2,
        "syp": y * p,
        "ry": ry,
        "ryy": ry**2,
        "rp": rp,
        "rpp": rp**2,
        "ryp": ry * rp,
    }


def _corr(sx, sxx, sz, szz, sxz, n, scored):  # wide: the five sums of a correlation, their count, the genes
    """Pearson r per gene from sums; 0 where the predictions do not vary (no association), NaN outside `scored`."""
    cov = sxz - sx * sz / n
    vx, vz = sxx - sx**2 / n, szz - sz**2 / n
    ok = scored & (vx > LOW_VARIANCE * n) & (vz > LOW_VARIANCE * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(ok, cov / np.sqrt(np.where(ok, vx * vz, 1.0)), 0.0)
    return np.where(scored & (vx > LOW_VARIANCE * n), r, np.nan)


def _per_gene(s: dict[str, np.ndarray], n: np.ndarray, scored: np.ndarray) -> dict[str, np.ndarray]:
    """Per-gene R^2, Pearson and Spearman (replicates x genes) from per-gene sums over `n` samples, on the
    genes of `scored` (NaN elsewhere, and where a resample leaves a scored gene without variance)."""
    sst = s["syy"] - s["sy"] ** 2 / n
    ok = scored & (sst > LOW_VARIANCE * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        unexplained = np.where(ok, s["sse"] / np.where(ok, sst, 1.0), np.nan)
    return {
        "r2_uniform": np.maximum(1 - (n - 1) / n * unexplained, R2_FLOOR),  # NaN stays NaN
        "r2_uniform_plain": 1 - unexplained,
        "pearson_uniform": _corr(s["sy"], s["syy"], s["sp"], s["spp"], s["syp"], n, scored),
        "spearman_uniform": _corr(s["ry"], s["ryy"], s["rp"], s["rpp"], s["ryp"], n, scored),
    }


def modal_count(y: np.ndarray) -> np.ndarray:
    """(genes,) how many samples of each column of `y` (samples x genes) hold its most common value."""
    if len(y) == 0:
        return np.zeros(np.shape(y)[1], dtype=np.int64)
    ordered = np.sort(y, axis=0)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    position = np.arange(len(y))[:, None]
    run_start = np.maximum.accumulate(np.where(starts, position, 0), axis=0)
    return (position - run_start + 1).max(axis=0)


def scored_genes(y: np.ndarray, min_varying: int = MIN_VARYING_SAMPLES) -> np.ndarray:
    """(genes,) bool: the genes (columns of `y`, samples x genes) that enter the per-gene averages, those of
    which at least `min_varying` samples differ from the gene's most common value (and whose variance is not
    negligible). The set depends on the observations only, so every model and every replicate average
    over the same genes (a replicate in which a scored gene stops varying keeps that gene's value on all
    samples)."""
    y = np.asarray(y, np.float64)
    n = len(y)
    varies = ((y - y.mean(axis=0)) ** 2).sum(axis=0) > LOW_VARIANCE * n
    return varies & (n - modal_count(y) >= min_varying)


@dataclass
class _Totals:
    """Running sums over gene blocks for one family of replicates (R rows)."""

    n: np.ndarray  # (R, 1) samples in each replicate
    gene_sums: dict[str, np.ndarray]  # per-gene metric -> (R,) sum over defined genes
    gene_counts: dict[str, np.ndarray]  # per-gene metric -> (R,) defined genes
    pooled: dict[str, np.ndarray]  # pooled sum -> (R,)
    genes: int = 0

    @classmethod
    def empty(cls, n: np.ndarray) -> _Totals:
        rows = len(n)
        return cls(
            n=np.asarray(n, np.float64).reshape(-1, 1),
            gene_sums={m: np.zeros(rows) for m in PER_GENE},
            gene_counts={m: np.zeros(rows) for m in PER_GENE},
            pooled={k: np.zeros(rows) for k in POOLED_SUMS},
        )

    def add(  # wide: a block's sums, its genes, the replicates' rows and the values that stand in
        self,
        sums: dict[str, np.ndarray],
        scored: np.ndarray,
        rows: slice = slice(None),
        fallback: dict[str, np.ndarray] | None = None,
    ) -> dict[str, np.ndarray]:
        """Add one gene block's per-gene sums (replicates `rows` x genes) on its `scored` genes; where a
        replicate leaves a scored gene undefined, the gene's `fallback` value (all samples) stands in.
        Returns the per-gene values."""
        found = _per_gene(sums, self.n[rows], scored)
        if fallback is not None:
            found = {m: np.where(np.isnan(v) & scored, fallback[m], v) for m, v in found.items()}
        for metric, values in found.items():
            self.gene_sums[metric][rows] += np.nansum(values, axis=1)
            self.gene_counts[metric][rows] += np.isfinite(values).sum(axis=1)
        for key in POOLED_SUMS:
            self.pooled[key][rows] += sums[key].sum(axis=1)
        return found

    def finish(self, genes: int) -> dict[str, np.ndarray]:
        """Every metric per replicate (R,)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            out = {m: self.gene_sums[m] / self.gene_counts[m] for m in PER_GENE}
            s, nv = self.pooled, self.n.ravel() * genes
            sst = s["syy"] - s["sy"] ** 2 / nv
            out["r2_flat"] = 1 - s["sse"] / sst
            out["pearson"] = (s["syp"] - s["sy"] * s["sp"] / nv) / np.sqrt(sst * (s["spp"] - s["sp"] ** 2 / nv))
            out["rmse"] = np.sqrt(s["sse"] / nv)
            out["mae"] = s["sae"] / nv
        return out


@dataclass(frozen=True)
class Replicates:
    """Every metric on all samples (`estimate`), on each bootstrap resample (`bootstrap`, B values) and with
    each sample left out (`jackknife`, n values). Replicates of two models computed with the same seed on
    the same samples are paired: their differences are the replicates of the difference."""

    estimate: dict[str, float]
    bootstrap: dict[str, np.ndarray]
    jackknife: dict[str, np.ndarray]
    n: int

    def __sub__(self, other: Replicates) -> Replicates:
        """The replicates of the difference; both must come from the same samples and resamples."""
        lengths = {m: (len(self.bootstrap[m]), len(self.jackknife[m])) for m in self.bootstrap}
        if self.n != other.n or lengths != {m: (len(other.bootstrap[m]), len(other.jackknife[m])) for m in lengths}:
            raise ValueError(f"replicates of {self.n} and {other.n} samples (or other resamples) cannot be paired")
        return Replicates(
            {m: self.estimate[m] - other.estimate[m] for m in self.estimate},
            {m: self.bootstrap[m] - other.bootstrap[m] for m in self.bootstrap},
            {m: self.jackknife[m] - other.jackknife[m] for m in self.jackknife},
            self.n,
        )

    def save(self, path) -> None:
        """Write the replicates as `.npz` (no pickle): `estimate_<m>`, `bootstrap_<m>`, `jackknife_<m>`."""
        arrays = {"n": np.array(self.n)}
        for name, values in (("estimate", self.estimate), ("bootstrap", self.bootstrap), ("jackknife", self.jackknife)):
            arrays.update({f"{name}_{m}": np.asarray(v, np.float64) for m, v in values.items()})
        save_arrays(path, **arrays)

    @classmethod
    def load(cls, path) -> Replicates:
        """Read replicates written by :meth:`save`; a damaged file raises InputDataError."""
        kinds = ("estimate", "bootstrap", "jackknife")
        data = load_arrays(path, ["n", *(f"{k}_{m}" for k in kinds for m in METRICS)], what="replicates file")
        part = {k: {m: data[f"{k}_{m}"] for m in METRICS} for k in kinds}
        return cls(
            {m: float(v) for m, v in part["estimate"].items()}, part["bootstrap"], part["jackknife"], int(data["n"])
        )

    def interval(self, metric: str, method: str, level: float = 0.95) -> tuple[float, float, float]:
        """(point, lo, hi) of `metric` by `method`; the point is the estimate moved by BIAS_CORRECTION's share of
        the jackknife's bias estimate for ``jackknife`` and the metrics of BIAS_CORRECTION, the estimate itself
        otherwise; NaN bounds when the replicates do not allow one."""
        share = BIAS_CORRECTION.get(metric, 0.0)
        return interval(self.estimate[metric], self.bootstrap[metric], self.jackknife[metric], method, level, share)


def bootstrap_weights(n: int, n_boot: int, seed: int) -> np.ndarray:
    """(n_boot x n) multinomial counts: how often each sample is drawn in each resample."""
    return np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float64)


def replicates(  # wide: the data, the resampling, and the scored-gene rule (benchmarks vary it)
    y: np.ndarray,
    p: np.ndarray,
    n_boot: int,
    seed: int,
    jackknife: bool = True,
    chunk: int = 512,
    min_varying: int = MIN_VARYING_SAMPLES,
    columns: np.ndarray | None = None,
) -> Replicates:
    """Every metric of `y` vs `p` (samples x genes), with its bootstrap (`n_boot` resamples under `seed`)
    and, unless `jackknife` is False, its jackknife replicates; per-gene averages over
    ``scored_genes(y, min_varying)``. `columns` (gene indices) restricts the metrics to those genes, read
    block by block (default: every gene)."""
    n = np.shape(y)[0]
    genes = np.shape(y)[1] if columns is None else len(columns)
    weights = bootstrap_weights(n, n_boot, seed)
    point, boot = _Totals.empty(np.array([n])), _Totals.empty(weights.sum(axis=1))
    jack = _Totals.empty(np.full(n if jackknife else 0, n - 1))
    for start in range(0, genes, GENE_BLOCK):
        stop = min(start + GENE_BLOCK, genes)
        block = slice(start, stop) if columns is None else np.asarray(columns)[start:stop]
        observed = np.asarray(y[:, block], np.float64)
        scored = scored_genes(observed, min_varying)
        terms = _terms(observed, np.asarray(p[:, block], np.float64))
        total = {k: v.sum(axis=0, keepdims=True) for k, v in terms.items()}
        whole = point.add(total, scored)
        if n_boot:
            boot.add({k: weights @ v for k, v in terms.items()}, scored, fallback=whole)
        for first in range(0, n if jackknife else 0, chunk):
            rows = slice(first, min(first + chunk, n))
            jack.add({k: total[k] - v[rows] for k, v in terms.items()}, scored, rows, whole)
    return Replicates(
        {m: float(v[0]) for m, v in point.finish(genes).items()}, boot.finish(genes), jack.finish(genes), n
    )


def interval(  # wide: an estimate, its two kinds of replicates, and how to combine them
    estimate: float,
    boot: np.ndarray,
    jack: np.ndarray,
    method: str,
    level: float = 0.95,
    correction: float = 0.0,
) -> tuple[float, float, float]:
    """(point, lo, hi) by `method` from an estimate and its bootstrap and jackknife replicates; the jackknife
    interval is centred on the estimate moved by the share `correction` (0 to 1) of the jackknife's bias
    estimate (n - 1)(mean of the replicates - estimate)."""
    alpha = (1 - level) / 2
    n = jack.size
    b, j = boot[np.isfinite(boot)], jack[np.isfinite(jack)]
    if method == "jackknife":
        if not np.isfinite(estimate) or j.size < n or n < 3:
            return estimate, np.nan, np.nan
        jbar = j.mean()
        point = estimate - correction * (n - 1) * (jbar - estimate)
        se = math.sqrt((n - 1) / n * np.sum((j - jbar) ** 2))
        q = float(t.ppf(1 - alpha, n - 1))
        return point, point - q * se, point + q * se
    if not np.isfinite(estimate) or b.size < 2:
        return estimate, np.nan, np.nan
    if method == "percentile":
        lo, hi = np.quantile(b, [alpha, 1 - alpha])
        return estimate, float(lo), float(hi)
    if method == "bca":
        share = (np.sum(b < estimate) + 0.5 * np.sum(b == estimate)) / b.size
        z0 = norm.ppf(min(max(share, 0.5 / b.size), 1 - 0.5 / b.size))
        d = j.mean() - j
        denom = 6 * np.sum(d**2) ** 1.5
        a = np.sum(d**3) / denom if denom > 0 else 0.0
        z = norm.ppf([alpha, 1 - alpha])
        lo, hi = np.quantile(b, norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z))))
        return estimate, float(lo), float(hi)
    raise ValueError(f"unknown interval method {method!r}; choose one of {METHODS}")
