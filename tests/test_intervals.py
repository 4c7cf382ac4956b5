"""Resampled metrics and intervals: the block-wise sums equal direct computations (scipy, brute-force
leave-one-out), paired differences of replicates, and the coverage of the chosen interval method on a
case whose population value is known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import pearsonr, spearmanr

from lembas_core.evaluation.intervals import (
    GENE_BLOCK,
    METRICS,
    R2_FLOOR,
    Replicates,
    interval,
    modal_count,
    replicates,
    scored_genes,
)

WEIGHTS = np.random.default_rng(99).normal(size=(4, 120))
WEIGHTS /= np.linalg.norm(WEIGHTS, axis=0)  # every gene's signal has variance 1


def linear_case(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Observed y = signal + noise (both variance 1) and predictions p = signal (samples x 120 genes): every
    gene's population R^2 is 0.5."""
    signal = rng.normal(size=(n, 4)) @ WEIGHTS + 3
    return signal + rng.normal(size=signal.shape), signal


@pytest.fixture(scope="module")
def pair():
    rng = np.random.default_rng(1)
    y = rng.normal(size=(30, GENE_BLOCK + 44)) + 2  # more than one gene block
    return y, 0.6 * y + 0.4 * rng.normal(size=y.shape)


def test_estimates_equal_direct_computations(pair):
    y, p = pair
    found = replicates(y, p, 0, 0).estimate
    genes, n = range(y.shape[1]), len(y)
    mse = np.array([np.mean((y[:, j] - p[:, j]) ** 2) for j in genes])
    r2 = 1 - mse / np.var(y, axis=0)
    assert found["r2_uniform_plain"] == pytest.approx(np.mean(r2), rel=1e-12)
    unbiased = np.maximum(1 - mse / np.var(y, axis=0, ddof=1), R2_FLOOR)  # MSE over the unbiased variance
    assert found["r2_uniform"] == pytest.approx(np.mean(unbiased), rel=1e-12) and n == 30
    assert found["pearson_uniform"] == pytest.approx(np.mean([pearsonr(y[:, j], p[:, j])[0] for j in genes]))
    assert found["spearman_uniform"] == pytest.approx(np.mean([spearmanr(y[:, j], p[:, j])[0] for j in genes]))
    flat = 1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2)
    assert found["r2_flat"] == pytest.approx(flat) and found["rmse"] == pytest.approx(np.sqrt(np.mean((y - p) ** 2)))


def test_jackknife_replicates_equal_leaving_each_sample_out(pair):
    y, p = pair
    jack = replicates(y, p, 0, 0).jackknife
    for i in (0, 17, 29):
        left_out = replicates(np.delete(y, i, 0), np.delete(p, i, 0), 0, 0, jackknife=False).estimate
        for metric in ("r2_uniform", "pearson_uniform", "r2_flat", "pearson", "rmse", "mae"):
            assert jack[metric][i] == pytest.approx(left_out[metric], rel=1e-10)


def test_bootstrap_replicates_are_weighted_resamples(pair):
    y, p = pair
    boot = replicates(y, p, 3, seed=5)
    draws = np.random.default_rng(5).multinomial(30, np.full(30, 1 / 30), size=3)
    rows = np.repeat(np.arange(30), draws[1])
    direct = replicates(y[rows], p[rows], 0, 0, jackknife=False).estimate
    assert boot.bootstrap["r2_uniform"][1] == pytest.approx(direct["r2_uniform"], rel=1e-10)
    assert boot.bootstrap["rmse"][1] == pytest.approx(direct["rmse"], rel=1e-10)


def test_replicates_round_trip_and_pair(pair, tmp_path):
    y, p = pair
    a, b = replicates(y, p, 20, 1), replicates(y, 0.5 * p, 20, 1)
    a.save(tmp_path / "a.npz")
    loaded = Replicates.load(tmp_path / "a.npz")
    assert loaded.estimate == a.estimate and all(np.array_equal(loaded.jackknife[m], a.jackknife[m]) for m in METRICS)
    difference = a - b
    assert difference.estimate["r2_uniform"] == pytest.approx(a.estimate["r2_uniform"] - b.estimate["r2_uniform"])
    same = a - a
    point, lo, hi = same.interval("r2_uniform", "jackknife")
    assert point == 0 and lo == 0 and hi == 0


def test_interval_methods_on_known_replicates():
    jack = np.array([1.0, 2.0, 3.0, 4.0])
    point, lo, hi = interval(2.0, np.array([]), jack, "jackknife", correction=1.0)
    assert point == pytest.approx(4 * 2.0 - 3 * 2.5)  # n * estimate - (n - 1) * mean of the leave-one-out values
    assert hi - point == pytest.approx(point - lo)
    half = interval(2.0, np.array([]), jack, "jackknife", correction=0.5)
    assert half[0] == pytest.approx((2.0 + point) / 2) and half[2] - half[1] == pytest.approx(hi - lo)
    plain = interval(2.0, np.array([]), jack, "jackknife")
    assert plain[0] == 2.0 and plain[2] - plain[1] == pytest.approx(hi - lo)
    boot = np.linspace(0, 1, 101)
    assert interval(0.5, boot, jack, "percentile")[1:] == pytest.approx((0.025, 0.975))
    with pytest.raises(ValueError, match="unknown interval method"):
        interval(0.5, boot, jack, "magic")


def test_jackknife_covers_where_the_percentile_bootstrap_misses():
    """Per-gene R^2 of 25-sample test sets: the population value is 0.5 (signal and noise of equal variance).
    The percentile bootstrap of r2_uniform misses it (its resamples are biased low); the jackknife covers it."""
    rng = np.random.default_rng(0)
    covered = {"jackknife": [], "percentile": []}
    for k in range(60):
        found = replicates(*linear_case(rng, 25), n_boot=100, seed=k)
        for method, hits in covered.items():
            _, lo, hi = found.interval("r2_uniform", method)
            hits.append(lo <= 0.5 <= hi)
    assert np.mean(covered["jackknife"]) >= 0.85
    assert np.mean(covered["percentile"]) <= 0.5


def test_every_model_is_averaged_over_the_same_genes(pair):
    """A model that predicts a constant for half the genes scores 0 correlation there, not fewer genes."""
    y, p = pair
    flat = p.copy()
    flat[:, ::2] = 1.0
    full, half = replicates(y, p, 0, 0), replicates(y, flat, 0, 0)
    assert half.estimate["pearson_uniform"] == pytest.approx(full.estimate["pearson_uniform"] * 0.5, rel=0.05)
    with pytest.raises(ValueError, match="cannot be paired"):
        _ = full - replicates(y[:20], p[:20], 0, 0)


def test_a_gene_that_stops_varying_in_a_resample_keeps_its_value(pair):
    """A scored gene that varies through three samples stays in every replicate's average: a bootstrap resample
    that draws none of them leaves it constant, and its value on all samples stands in."""
    y, p = pair
    spiky = y.copy()
    spiky[:, 0] = 0.0
    spiky[[3, 9, 21], 0] = 5.0
    found = replicates(spiky, p, 200, seed=4)
    assert np.isfinite(found.bootstrap["r2_uniform"]).all() and np.isfinite(found.jackknife["r2_uniform"]).all()
    alone = replicates(spiky[:, :1], p[:, :1], 200, seed=4)
    draws = np.random.default_rng(4).multinomial(30, np.full(30, 1 / 30), size=200)
    missed = draws[:, [3, 9, 21]].sum(axis=1) == 0
    assert missed.any()
    np.testing.assert_allclose(alone.bootstrap["r2_uniform"][missed], alone.estimate["r2_uniform"])


def test_modal_count_and_the_scored_genes():
    """A gene enters the per-gene averages when at least 3 samples differ from its most common value."""
    y = np.zeros((20, 6))
    y[:1, 1] = 0.01  # varies through one sample (one value 0.01 among zeros)
    y[:2, 2] = [0.5, 0.7]  # two samples
    y[:3, 3] = [0.5, 0.7, 0.5]  # three
    y[:, 4] = np.arange(20.0)  # every value distinct
    y[:, 5] = np.repeat([1.0, 2.0, 3.0, 4.0], 5)  # four values, five samples each
    np.testing.assert_array_equal(modal_count(y), [20, 19, 18, 17, 1, 5])
    np.testing.assert_array_equal(scored_genes(y), [False, False, False, True, True, True])
    assert not scored_genes(np.ones((3, 2)) * np.arange(3.0)[:, None]).any()  # 3 samples: at most 2 differ
