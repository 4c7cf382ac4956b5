"""LEMBAS-RNN convergence: the default recipe (step budget, fitted readout, early stopping) vs `recipe: upstream`.

On the `demo` and `small` synthetic presets, same run: epochs run, the epoch and optimizer steps of the kept
weights, wall seconds, train and test r2_uniform of the RNN, and the test r2_uniform of the training-mean and
ridge baselines for scale. Usage: python benchmarks/rnn_convergence.py [--threads 2] [--presets demo small]
Writes benchmarks/results/rnn_convergence.tsv.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from common import HERE, write_table

from lembas_core.common.settings import ScoreSettings
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.dataset import Dataset, load_dataset
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.data.preprocess import preprocess
from lembas_core.evaluation.metrics import summary_metrics
from lembas_core.models.linear import fit_mean, fit_ridge
from lembas_core.models.rnn.io import graph_from_dataset
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.training import train
from lembas_core.steps.runtime import configure_threads
from lembas_core.synthetic.cohort import synthesize
from lembas_core.workflow.settings import Settings, default_config


def dataset_of(preset: str) -> Path:
    """The preset's dataset store under benchmarks/work/, built once with the pipeline's defaults."""
    work = HERE / "work" / f"{preset}_convergence"
    if not (work / "dataset" / "manifest.json").exists():
        settings = Settings.from_config(default_config())
        paths = synthesize(PRESETS[preset], work / "cohort", "tsv")
        roles = ("tf_expression", "gene_expression", "network", "validation")
        files = CohortFiles(*(paths[role] for role in roles), format="tsv")
        ingest_cohort(files, work / "ingest", settings.data.ingest)
        preprocess(work / "ingest", work / "dataset", settings.preprocess, "default")
    return work / "dataset"


NO_INTERVAL = ScoreSettings(interval="none", bootstrap=0, bootstrap_seed=0, include_zero_filled=False)


def r2_uniform(ds: Dataset, split: str, predictions: np.ndarray) -> float:
    """Per-gene R^2 averaged over the split's genes (no interval)."""
    y = np.asarray(ds.y[split])
    return summary_metrics(y, predictions, np.ones(y.shape[1], bool), NO_INTERVAL)[0]["r2_uniform"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--presets", nargs="+", default=["demo", "small"])
    args = parser.parse_args()
    configure_threads(args.threads)
    rows = [
        (
            "preset",
            "recipe",
            "epochs_run",
            "best_epoch",
            "steps_to_best",
            "seconds",
            "converged",
            "rnn_train_r2_uniform",
            "rnn_test_r2_uniform",
            "mean_test_r2_uniform",
            "ridge_test_r2_uniform",
        )
    ]
    for preset in args.presets:
        ds_dir = dataset_of(preset)
        ds = load_dataset(ds_dir)
        defaults = Settings.from_config(default_config())
        x, y = np.asarray(ds.x["train"]), np.asarray(ds.y["train"])
        baselines = {
            name: r2_uniform(
                ds, "test", fit(x, y, ds.features, ds.targets, defaults.models[name]).predict(ds.x["test"])
            )
            for name, fit in (("mean", fit_mean), ("ridge", fit_ridge))
        }
        for recipe in ("default", "upstream"):
            rnn = Settings.from_config(default_config({"models": {"rnn": {"recipe": recipe}}})).models["rnn"]
            graph, _, _ = graph_from_dataset(ds_dir)
            model = LembasRNN(graph, rnn.architecture, seed=rnn.training.seed)
            start = time.perf_counter()
            outcome = train(model, x, y, rnn.training)
            seconds = time.perf_counter() - start
            rows.append(
                (
                    preset,
                    recipe,
                    len(outcome.history),
                    outcome.best_epoch,
                    outcome.steps_to_best,
                    f"{seconds:.1f}",
                    {True: "yes", False: "no", None: "recipe"}[outcome.converged],
                    f"{r2_uniform(ds, 'train', model.predict(x)):.4f}",
                    f"{r2_uniform(ds, 'test', model.predict(ds.x['test'])):.4f}",
                    f"{baselines['mean']:.4f}",
                    f"{baselines['ridge']:.4f}",
                )
            )
            print(rows[-1], flush=True)
    command = f"python benchmarks/rnn_convergence.py --threads {args.threads} --presets {' '.join(args.presets)}"
    write_table("rnn_convergence", command, args.threads, rows)


if __name__ == "__main__":
    main()
