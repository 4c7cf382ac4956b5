"""XGBRF per target at the upstream scale: one XGBRFRegressor on a 2-D target block (ours) vs the
upstream MultiOutputRegressor(XGBRFRegressor(n_jobs=-1)), same data, same run.

Usage: python benchmarks/xgbrf.py [--targets 50] [--threads 2]   (needs the full dataset)
Writes benchmarks/results/xgbrf.tsv.
"""

from __future__ import annotations

import argparse

import numpy as np
import xgboost as xgb
from common import require_full_dataset, timed, upstream_settings, write_table
from sklearn.metrics import r2_score
from sklearn.multioutput import MultiOutputRegressor

from lembas_core.data.dataset import load_dataset
from lembas_core.models.xgbrf import predict_batch, train_batch
from lembas_core.steps.runtime import configure_threads

N_TARGETS_FULL = 16100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    configure_threads(args.threads)
    params = upstream_settings().models["xgbrf"].params  # n_estimators 3, reg:squarederror, seed 888
    ds = load_dataset(require_full_dataset())
    k = args.targets
    x, x_test = np.array(ds.x["train"]), np.array(ds.x["test"])
    y, y_test = np.array(ds.y["train"][:, :k]), np.array(ds.y["test"][:, :k])
    print(f"train {x.shape} -> {k} targets")

    t_ours, booster = timed(lambda: train_batch(x, y, ds.features, ds.targets[:k], params, args.threads))
    r2_ours = r2_score(y_test, predict_batch(booster, x_test), multioutput="raw_values")
    upstream = MultiOutputRegressor(xgb.XGBRFRegressor(**params, n_jobs=-1, verbosity=0))
    t_up, _ = timed(lambda: upstream.fit(x, y))
    r2_up = r2_score(y_test, upstream.predict(x_test), multioutput="raw_values")

    per_ours, per_up = t_ours / k, t_up / k
    rows = [
        ("method", "seconds", "seconds_per_target", "mean_test_r2", "full_16100_targets_hours_1_node"),
        (
            "ours: XGBRFRegressor on the 2-D block",
            f"{t_ours:.1f}",
            f"{per_ours:.3f}",
            f"{r2_ours.mean():.4f}",
            f"{per_ours * N_TARGETS_FULL / 3600:.2f}",
        ),
        (
            "upstream: MultiOutputRegressor(XGBRFRegressor)",
            f"{t_up:.1f}",
            f"{per_up:.3f}",
            f"{r2_up.mean():.4f}",
            f"{per_up * N_TARGETS_FULL / 3600:.2f}",
        ),
        (
            "speed-up per target (upstream / ours)",
            f"{per_up / per_ours:.2f}",
            "",
            f"|diff| {abs(r2_ours.mean() - r2_up.mean()):.4f}",
            "",
        ),
    ]
    batch_hours = per_ours * 1000 / 3600
    for nodes in (4, 8, 17):
        waves = -(-17 // nodes)  # 17 batch jobs of 1,000 targets (the last 100), one job per node at a time
        rows.append((f"ours, 17 batch jobs on {nodes} nodes like this one", "", "", "", f"{waves * batch_hours:.2f}"))
    write_table("xgbrf", f"python benchmarks/xgbrf.py --targets {k} --threads {args.threads}", args.threads, rows)


if __name__ == "__main__":
    main()
