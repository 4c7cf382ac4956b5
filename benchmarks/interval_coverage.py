"""Coverage of the headline intervals and error rates of the paired verdicts, measured where the truth is known.

The pool (`coverage_pool.py`): the demo generator with 1,200 training samples, a held-out test pool and a
batch-shifted validation pool; mean, ridge, prior ridge and LEMBAS-RNN trained once. For each pool and size,
disjoint sets are drawn from the pool and scored as the pipeline scores a split
(lembas_core.evaluation.intervals). A per-gene metric's truth on a set is the mean, over the set's scored
genes, of each gene's value on the whole pool (the quantity the interval claims); a pooled metric's truth is
its value on the whole pool.

Pairs: three with a true difference (their power: the share of sets whose verdict names the better model) and
two equal by construction, each sample's predictions drawn from one of two models at random and the other
model's given to the partner (exchangeable: their population difference is 0, so any winner is a false
verdict), at 95% and at the level the verdicts read (VERDICT_LEVEL, 97%). The verdict rule of each pool is the
pipeline's: r2_uniform on test, pearson_uniform on validation.

    python benchmarks/interval_coverage.py [--sets 1000] [--methods jackknife] [--bootstrap 200]

With `--min-varying K` (another scored-gene rule) the tables get the suffix `_kK` and no calibration is written.
Writes benchmarks/results/interval_coverage.tsv (models), benchmarks/results/paired_coverage.tsv (pairs), and
the measured calibration the verdict reads, lembas_core/evaluation/calibration_data/observational_<method>.tsv (per
pool and size: the lowest coverage of the pool's verdict metric over the models, the highest false-verdict rate
over the equal pairs).
"""

from __future__ import annotations

import argparse
import time
from itertools import product

import numpy as np
from common import HERE, write_table
from coverage_pool import pool_predictions

from lembas_core.evaluation.calibration import table_path, write_calibration
from lembas_core.evaluation.intervals import MIN_VARYING_SAMPLES, R2_FLOOR, Replicates, replicates, scored_genes
from lembas_core.evaluation.metrics import VERDICT_LEVEL, gene_table, verdict_metric
from lembas_core.evaluation.verdicts import A_BETTER, B_BETTER, verdict_of
from lembas_core.io.npz import load_arrays, save_arrays
from lembas_core.steps.runtime import configure_threads

MODELS = ("mean", "ridge", "prior_ridge", "rnn")
TRUE_PAIRS = (("rnn", "prior_ridge"), ("ridge", "prior_ridge"), ("ridge", "mean"))
EQUAL_PAIRS = (("rnn", "prior_ridge"), ("ridge", "mean"))  # exchangeable mixtures of these two models
WITH_INTERVAL = ("r2_uniform", "pearson_uniform", "r2_flat", "pearson", "rmse", "mae")
PER_GENE_TRUTH = ("r2_uniform", "r2_uniform_plain", "pearson_uniform")
PAIRED = ("r2_uniform", "pearson_uniform")


def exchangeable(a: np.ndarray, b: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two predictors equal by construction (samples x genes): each sample's row from `a` or `b` at random,
    the partner gets the other's."""
    swap = np.random.default_rng(seed).random(len(a)) < 0.5
    return np.where(swap[:, None], a, b), np.where(swap[:, None], b, a)


def population(y: np.ndarray, p: np.ndarray) -> dict[str, np.ndarray | float]:
    """Per-gene values on the whole pool (genes,) for PER_GENE_TRUTH, the pooled metrics' values."""
    table = gene_table(y, p, [str(g) for g in range(y.shape[1])])
    r2 = table["r2"].to_numpy()  # at the pool's size the unbiased-variance R^2 equals the plain one
    pearson = np.where(table["scored"], table["pearson"].fillna(0.0), np.nan)  # 0: predictions do not vary
    out: dict[str, np.ndarray | float] = {"r2_uniform": np.maximum(r2, R2_FLOOR), "r2_uniform_plain": r2}
    out["pearson_uniform"] = pearson
    pooled = replicates(y, p, 0, 0, jackknife=False).estimate
    out |= {m: pooled[m] for m in ("r2_flat", "pearson", "rmse", "mae")}
    return out


def populations(pool: str, predictions: dict[str, np.ndarray], y_pool: np.ndarray, seed: int) -> dict[str, dict]:
    """:func:`population` of every predictor on `pool`, cached beside the pool's predictions."""
    cache = HERE / "work" / f"populations_{pool}_{seed}.npz"
    names = ("r2_uniform", "r2_uniform_plain", "pearson_uniform", "r2_flat", "pearson", "rmse", "mae")
    if cache.exists():
        stored = load_arrays(cache, [f"{m}.{k}" for m in predictions for k in names], what="cached populations")
        return {m: {k: stored[f"{m}.{k}"] for k in names} for m in predictions}
    found = {m: population(y_pool, p) for m, p in predictions.items()}
    save_arrays(cache, **{f"{m}.{k}": np.asarray(v[k]) for m, v in found.items() for k in names})
    return found


def truth(pop: dict, metric: str, genes: np.ndarray) -> float:
    """The value `metric`'s interval claims on a set whose scored genes are `genes`."""
    return float(np.nanmean(pop[metric][genes])) if metric in PER_GENE_TRUTH else float(pop[metric])


def draw_sets(pool: str, y_pool, predictions, pops, sizes, args, rng) -> tuple[dict, dict]:
    """Tallies (truth, point, lo, hi) per (model, metric, n, method) and per (pair, equal, metric, n, method)."""
    single: dict[tuple, list] = {}
    paired: dict[tuple, list] = {}
    pairs = {(a, b, "no"): (a, b) for a, b in TRUE_PAIRS}
    pairs |= {(a, b, "yes"): (f"{a}~{b}", f"{b}~{a}") for a, b in EQUAL_PAIRS}
    for size in sizes:
        order, sets = rng.permutation(len(y_pool)), min(args.sets, len(y_pool) // size)
        start = time.perf_counter()
        for k in range(sets):
            rows = np.sort(order[k * size : (k + 1) * size])
            y = y_pool[rows]
            genes = scored_genes(y, args.min_varying)
            found = {
                m: replicates(y, p[rows], args.bootstrap, seed=k, min_varying=args.min_varying)
                for m, p in predictions.items()
            }
            for model in MODELS:
                for metric in (*WITH_INTERVAL, "r2_uniform_plain"):
                    value = truth(pops[model], metric, genes)
                    for method in args.methods if metric in WITH_INTERVAL else ("none",):
                        point, lo, hi = _interval(found[model], metric, method)
                        single.setdefault((pool, model, metric, size, method), []).append((value, point, lo, hi))
            for (a, b, equal), (first, second) in pairs.items():
                difference: Replicates = found[first] - found[second]
                for metric, method, level in product(PAIRED, args.methods, (0.95, VERDICT_LEVEL)):
                    value = truth(pops[first], metric, genes) - truth(pops[second], metric, genes)
                    point, lo, hi = _interval(difference, metric, method, level)
                    key = (pool, f"{a} - {b}", equal, metric, size, method, level)
                    paired.setdefault(key, []).append((value, point, lo, hi))
        print(f"{pool} n={size}: {sets} sets in {time.perf_counter() - start:.0f} s", flush=True)
    return single, paired


def _interval(found: Replicates, metric: str, method: str, level: float = 0.95) -> tuple[float, float, float]:
    return (found.estimate[metric], np.nan, np.nan) if method == "none" else found.interval(metric, method, level)


def _shares(tally: list) -> dict[str, float]:
    values = np.array(tally, np.float64)
    value, point, lo, hi = values.T
    return {
        "sets": len(values),
        "truth": value.mean(),
        "estimate": point.mean(),
        "coverage": np.mean((lo <= value) & (value <= hi)),
        "below": np.mean(hi < value),
        "above": np.mean(lo > value),
        "width": np.mean(hi - lo),
        "a_better": np.mean([verdict_of(low, high) == A_BETTER for low, high in zip(lo, hi)]),
        "b_better": np.mean([verdict_of(low, high) == B_BETTER for low, high in zip(lo, hi)]),
    }


def single_rows(single: dict) -> list[tuple]:
    header = ("pool", "model", "metric", "n", "method", "sets", "population", "mean_estimate", "coverage",
              "interval_below", "interval_above", "mean_width")  # fmt: skip
    rows = [header]
    for (pool, model, metric, size, method), tally in single.items():
        s = _shares(tally)
        bounded = method != "none"
        rows.append((pool, model, metric, size, method, s["sets"], f"{s['truth']:.4f}", f"{s['estimate']:.4f}",
                     *(f"{s[k]:.3f}" if bounded else "" for k in ("coverage", "below", "above")),
                     f"{s['width']:.4f}" if bounded else ""))  # fmt: skip
    return rows


def paired_rows(paired: dict) -> list[tuple]:
    header = ("pool", "pair", "equal_by_construction", "metric", "n", "method", "level", "sets", "true_difference",
              "mean_estimate", "coverage", "a_better", "b_better", "false_verdict", "power", "mean_width")  # fmt: skip
    rows = [header]
    for (pool, pair, equal, metric, size, method, level), tally in paired.items():
        s = _shares(tally)
        wrong = s["a_better"] + s["b_better"] if equal == "yes" else min(s["a_better"], s["b_better"])
        power = "" if equal == "yes" else f"{max(s['a_better'], s['b_better']):.3f}"
        rows.append((pool, pair, equal, metric, size, method, level, s["sets"], f"{s['truth']:+.4f}",
                     f"{s['estimate']:+.4f}", f"{s['coverage']:.3f}", f"{s['a_better']:.3f}", f"{s['b_better']:.3f}",
                     f"{wrong:.3f}", power, f"{s['width']:.4f}"))  # fmt: skip
    return rows


def calibration_rows(single: dict, paired: dict) -> list[dict]:
    """Per (pool, method, n): the lowest coverage of the pool's verdict metric over MODELS (95%), the highest
    false-verdict rate (either winner) over the equal pairs at VERDICT_LEVEL, and the sets behind them."""
    out = []
    keys = sorted({(pool, method, size) for pool, _, _, size, method in single if method != "none"})
    for pool, method, size in keys:
        metric = verdict_metric(pool)
        models = [_shares(single[(pool, m, metric, size, method)]) for m in MODELS if m != "mean" or pool == "test"]
        equal = [_shares(t) for (p, _, e, m, n, meth, level), t in paired.items()
                 if (p, e, m, n, meth, level) == (pool, "yes", metric, size, method, VERDICT_LEVEL)]  # fmt: skip
        out.append(
            {
                "split": pool,
                "method": method,
                "n": size,
                "metric": metric,
                "coverage": round(min(s["coverage"] for s in models), 3),
                "false_verdict": round(max(s["a_better"] + s["b_better"] for s in equal), 3),
                "sets": min(s["sets"] for s in models + equal),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=1000, help="disjoint sets per size (at most the pool allows)")
    parser.add_argument("--test-sizes", type=int, nargs="+", default=[10, 17, 30, 60, 300])
    parser.add_argument("--validation-sizes", type=int, nargs="*", default=[10, 17, 30, 60, 150])
    parser.add_argument("--methods", nargs="+", default=["jackknife"])
    parser.add_argument("--bootstrap", type=int, default=200, help="resamples (read by percentile and bca only)")
    parser.add_argument("--min-varying", type=int, default=MIN_VARYING_SAMPLES, help="the scored-gene rule's k")
    parser.add_argument("--calibrate", action=argparse.BooleanOptionalAction, default=True,
                        help="write the calibration tables the verdict reads (the pipeline's rule only)")  # fmt: skip
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=888)
    args = parser.parse_args()
    configure_threads(args.threads)
    if set(args.methods) <= {"jackknife"}:
        args.bootstrap = 0
    data = pool_predictions(60_000, 30_000, args.seed)
    rng = np.random.default_rng(args.seed)
    single, paired = {}, {}
    for pool, sizes in (("test", args.test_sizes), ("validation", args.validation_sizes)):
        if not sizes:
            continue
        y_pool = data[f"y_{pool}"]
        predictions = {m: data[f"{m}_{pool}"] for m in MODELS}
        for k, (a, b) in enumerate(EQUAL_PAIRS):
            predictions[f"{a}~{b}"], predictions[f"{b}~{a}"] = exchangeable(predictions[a], predictions[b], k)
        pops = populations(pool, predictions, y_pool, args.seed)
        found_single, found_paired = draw_sets(pool, y_pool, predictions, pops, sizes, args, rng)
        single |= found_single
        paired |= found_paired
    command = (
        f"python benchmarks/interval_coverage.py --sets {args.sets} --test-sizes {' '.join(map(str, args.test_sizes))} "
        f"--validation-sizes {' '.join(map(str, args.validation_sizes))} --methods {' '.join(args.methods)} "
        f"--bootstrap {args.bootstrap} --min-varying {args.min_varying}"
    )
    suffix = "" if args.min_varying == MIN_VARYING_SAMPLES else f"_k{args.min_varying}"
    write_table(f"interval_coverage{suffix}", command, args.threads, single_rows(single))
    write_table(f"paired_coverage{suffix}", command, args.threads, paired_rows(paired))
    found = calibration_rows(single, paired)
    for method in args.methods if args.calibrate and args.min_varying == MIN_VARYING_SAMPLES else ():
        path = table_path("test", method)
        write_calibration(path, [row for row in found if row["method"] == method], command)
        print(f"calibration of {method} intervals: {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
