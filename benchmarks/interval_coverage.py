"""Coverage of the headline metrics' 95% intervals, measured where the truth is known.

One large cohort from the demo generator: 1,200 training samples (the demo's training size) and a pool
of held-out samples. Each model is trained once on the training part; a metric's population value is its
value on the whole pool. Then, for each test-set size, disjoint test sets are drawn from the pool and each
interval method is scored by how often its interval holds the population value (coverage), how often it
holds its own point estimate, its mean width, and the mean point estimate against the population value
(bias). Methods: lembas_core.evaluation.intervals.

    python benchmarks/interval_coverage.py [--sets 200] [--sizes 17 60 300] [--models mean ridge rnn]

Writes benchmarks/results/interval_coverage.tsv (one row per model x metric x size x method).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import HERE, write_table

from lembas_core.common.synthetic_spec import spec_from_config
from lembas_core.data.dataset import load_dataset
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.data.preprocess import preprocess
from lembas_core.evaluation.intervals import METHODS, METRICS, replicates
from lembas_core.models.linear import fit_mean, fit_ridge
from lembas_core.models.rnn.io import graph_from_dataset
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.training import train
from lembas_core.steps.runtime import configure_threads
from lembas_core.synthetic.cohort import synthesize
from lembas_core.workflow.settings import Settings, default_config

TRAINING_SAMPLES = 1200  # as the demo preset's training split


def build_dataset(pool: int, seed: int):
    """The demo generator with TRAINING_SAMPLES + `pool` samples, ingested and split (train | pool as test)."""
    work = HERE / "work" / f"coverage_{pool}_{seed}"
    if not (work / "dataset" / "manifest.json").exists():
        settings = Settings.from_config(default_config())
        spec = spec_from_config("demo", {"n_samples": TRAINING_SAMPLES + pool, "n_validation": 20}, seed=seed)
        paths = synthesize(spec, work / "cohort", "parquet")
        roles = ("tf_expression", "gene_expression", "network", "validation")
        ingest_cohort(CohortFiles(*(paths[r] for r in roles), format="parquet"), work / "ingest", settings.data.ingest)
        split = settings.preprocess.__class__(
            **{**settings.preprocess.__dict__, "test_fraction": pool / (TRAINING_SAMPLES + pool)}
        )
        preprocess(work / "ingest", work / "dataset", split, "default")
    return work / "dataset"


def trained_predictions(ds_dir, models: list[str]) -> dict[str, np.ndarray]:
    """Each model trained once on the training split; its predictions on the pool (samples x targets)."""
    ds = load_dataset(ds_dir)
    settings = Settings.from_config(default_config())
    x, y, pool = np.asarray(ds.x["train"]), np.asarray(ds.y["train"]), np.asarray(ds.x["test"])
    out = {}
    for name in models:
        start = time.perf_counter()
        if name == "rnn":
            graph, _, _ = graph_from_dataset(ds_dir)
            rnn = settings.models["rnn"]
            model = LembasRNN(graph, rnn.architecture, seed=rnn.training.seed)
            train(model, x, y, rnn.training)
        else:
            fit = {"mean": fit_mean, "ridge": fit_ridge}[name]
            model = fit(x, y, ds.features, ds.targets, settings.models[name])
        out[name] = np.asarray(model.predict(pool), np.float64)
        print(f"{name}: trained in {time.perf_counter() - start:.0f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=200, help="disjoint test sets per size")
    parser.add_argument("--sizes", type=int, nargs="+", default=[17, 60, 300])
    parser.add_argument("--models", nargs="+", default=["mean", "ridge", "rnn"])
    parser.add_argument("--bootstrap", type=int, default=200, help="resamples per interval (the pipeline's default)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=888)
    args = parser.parse_args()
    configure_threads(args.threads)
    pool_size = args.sets * max(args.sizes)
    ds_dir = build_dataset(pool_size, args.seed)
    y_pool = np.asarray(load_dataset(ds_dir).y["test"], np.float64)
    predictions = trained_predictions(ds_dir, args.models)
    rng = np.random.default_rng(args.seed)
    tallies: dict[tuple, dict[str, list]] = {}
    for model, p_pool in predictions.items():
        population = replicates(y_pool, p_pool, 0, 0, jackknife=False).estimate
        for size in args.sizes:
            order = rng.permutation(len(y_pool))
            start = time.perf_counter()
            for k in range(args.sets):
                rows = np.sort(order[k * size : (k + 1) * size])
                found = replicates(y_pool[rows], p_pool[rows], args.bootstrap, seed=k)
                for metric in METRICS:
                    truth = population[metric]
                    for method in METHODS:
                        point, lo, hi = found.interval(metric, method)
                        tally = tallies.setdefault((model, metric, size, method), {k: [] for k in "tpel"})
                        tally["t"].append(truth)
                        tally["p"].append(point)
                        tally["e"].append(lo <= point <= hi)
                        tally["l"].append((lo, hi))
            print(f"{model} n={size}: {args.sets} sets in {time.perf_counter() - start:.0f} s", flush=True)
    header = (
        "model",
        "metric",
        "n",
        "method",
        "sets",
        "population",
        "mean_estimate",
        "coverage",
        "holds_estimate",
        "mean_width",
    )
    table = [header]
    for (model, metric, size, method), tally in tallies.items():
        bounds = np.array(tally["l"], np.float64)
        truth = tally["t"][0]
        usable = np.all(np.isfinite(bounds), axis=1) & np.isfinite(truth)
        if not usable.any():
            continue
        lo, hi = bounds[usable, 0], bounds[usable, 1]
        table.append(
            (
                model,
                metric,
                size,
                method,
                int(usable.sum()),
                f"{truth:.4f}",
                f"{np.mean(np.array(tally['p'])[usable]):.4f}",
                f"{np.mean((lo <= truth) & (truth <= hi)):.3f}",
                f"{np.mean(np.array(tally['e'])[usable]):.3f}",
                f"{np.mean(hi - lo):.4f}",
            )
        )
    order_of = {m: i for i, m in enumerate(METHODS)}
    table[1:] = sorted(table[1:], key=lambda r: (r[0], r[1], r[2], order_of[r[3]]))
    command = (
        f"python benchmarks/interval_coverage.py --sets {args.sets} --sizes {' '.join(map(str, args.sizes))} "
        f"--models {' '.join(args.models)} --bootstrap {args.bootstrap}"
    )
    write_table("interval_coverage", command, args.threads, table)


if __name__ == "__main__":
    main()
