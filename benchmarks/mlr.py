"""MLR at the upstream scale: ours vs sklearn LinearRegression(n_jobs=-1) vs a bare float32 GEMM.

Usage: python benchmarks/mlr.py [--threads 2]   (needs the full dataset: see data_stages.py)
Writes benchmarks/results/mlr.tsv.
"""

from __future__ import annotations

import argparse

import numpy as np
from common import require_full_dataset, timed, upstream_settings, write_table
from sklearn.linear_model import LinearRegression

from lembas_core.data.dataset import load_dataset
from lembas_core.models.linear import fit_mlr
from lembas_core.steps.runtime import configure_threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    configure_threads(args.threads)
    ds = load_dataset(require_full_dataset())
    x, y, x_test = (np.array(a, dtype=np.float32) for a in (ds.x["train"], ds.y["train"], ds.x["test"]))
    print(f"train {x.shape} -> {y.shape[1]} targets")

    t_gemm, _ = timed(lambda: x.T @ y)
    t_ours, ours = timed(lambda: fit_mlr(x, y, ds.features, ds.targets, upstream_settings().models["mlr"]))
    t_sk, sk = timed(lambda: LinearRegression(n_jobs=-1).fit(x, y))
    diff = float(np.abs(ours.predict(x_test) - sk.predict(x_test)).max())
    rows = [
        ("method", "seconds", "ratio_to_ours"),
        ("bare float32 GEMM X^T Y", f"{t_gemm:.2f}", f"{t_gemm / t_ours:.2f}"),
        (f"lembas_core fit_mlr ({ours.extras['solver']})", f"{t_ours:.2f}", "1.00"),
        ("sklearn LinearRegression(n_jobs=-1)", f"{t_sk:.2f}", f"{t_sk / t_ours:.2f}"),
        ("max |prediction difference| on the test split", f"{diff:.2e}", ""),
    ]
    write_table("mlr", f"python benchmarks/mlr.py --threads {args.threads}", args.threads, rows)


if __name__ == "__main__":
    main()
