"""Cost of the interventional stage: the design, the true effects and every model's forecasts, per 1,000
perturbed individuals, on the demo cohort and on the `full` preset's network.

    python benchmarks/interventions.py --preset demo --run DIR   # DIR: a finished `make run` (trained models)
    python benchmarks/interventions.py --preset full             # needs benchmarks/data_stages.py --preset full

On `full` no model is trained (that takes hours): a forecast costs the same whatever the weights, so the
linear models get random coefficients of the trained models' shape (prior_ridge: on each gene's network
regulators, scaled so that propagation converges), LEMBAS-RNN its initial weights on the full network, and
XGBRF is trained on `--xgbrf-targets` targets (upstream parameters, the full training split) and its forecast
time scaled to 16,100 targets. Writes benchmarks/results/interventions_<preset>.tsv.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from common import HERE, require_full_dataset, upstream_settings, write_table

from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.dataset import load_dataset
from lembas_core.data.network_controls import dataset_network
from lembas_core.io.interventions import PerturbationSet
from lembas_core.models.base import ModelFile, model_file
from lembas_core.models.forecast import forecast_effect
from lembas_core.models.linear import LinearModel
from lembas_core.models.prior_ridge import regulator_sets
from lembas_core.models.rnn.io import RNNPredictor, graph_from_dataset
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.xgbrf import predict_batch, train_batch
from lembas_core.steps.forecast_interventions import forecast
from lembas_core.steps.intervention_truth import DesignOutputs, TruthInputs, design, synthetic_truth
from lembas_core.steps.runtime import configure_threads
from lembas_core.steps.score_interventions import score_forecasts
from lembas_core.workflow.settings import Settings, default_config

THREADS = 2


class Timer:
    """Wall seconds of the last `with` block."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *_) -> None:
        self.seconds = time.perf_counter() - self.start


def stage(preset: str, dataset: Path, settings: Settings, work: Path) -> tuple[list[tuple], list[Path]]:
    """Rows for the design and every level's truth job; the perturbation files."""
    outputs = DesignOutputs(work / "design.tsv", work / "individuals.npz")
    with Timer() as t:
        chosen = design(PRESETS[preset], dataset, settings.interventions.choice, outputs)
    rows = [("design (regenerates the cohort)", "", len(chosen), "", f"{t.seconds:.1f}", "")]
    files = []
    for name, level in settings.interventions.levels.items():
        path = work / f"{name}.npz"
        with Timer() as t:
            found = synthetic_truth(TruthInputs(outputs, dataset), (name, level), path)
        n = found.perturbation.size
        rows.append((f"truth {name}", "", len(found.tfs), n, f"{t.seconds:.1f}", f"{1000 * t.seconds / n:.2f}"))
        files.append(path)
    return rows, files


def forecast_rows(name: str, forecaster, files: list[Path], scale: float = 1.0) -> list[tuple]:
    """Rows of forecasting every level with `forecaster(path)` (seconds x `scale`)."""
    rows = []
    for path in files:
        n = PerturbationSet.load(path).perturbation.size
        with Timer() as t:
            forecaster(path)
        seconds = t.seconds * scale
        rows.append((f"forecast {path.stem}", name, "", n, f"{seconds:.1f}", f"{1000 * seconds / n:.2f}"))
    return rows


def demo_forecasts(run: Path, settings: Settings, files: list[Path], work: Path) -> list[tuple]:
    """Every model of the demo run, through the forecast and score jobs' steps (both regimes)."""
    rows = []
    for name in settings.first_replicates(fitted_only=False):
        spec = settings.specs[name]
        model = ModelFile(name, spec.kind, run / model_file(spec.kind, spec.fitted_as))

        def job(path: Path, model=model, spec=spec) -> None:
            effects, scores = work / f"{model.name}_{path.stem}.npz", work / f"{model.name}_{path.stem}.tsv"
            forecast(model, spec.settings, path, effects, THREADS)
            score_forecasts(model.name, path, effects, scores, settings.interventions.top_genes)

        rows += forecast_rows(name, job, files)
    return rows


def full_models(dataset: Path, settings: Settings, xgbrf_targets: int) -> dict[str, tuple[str, object, float]]:
    """name -> (kind, model, time scale) of full-size models with the trained models' shapes."""
    ds = load_dataset(dataset)
    rng = np.random.default_rng(0)
    shape = (len(ds.targets), len(ds.features))
    dense = LinearModel("ridge", rng.normal(0, 0.01, shape), np.zeros(shape[0]), ds.features, ds.targets)
    graph, features, targets = graph_from_dataset(dataset)
    network = dataset_network(dataset)
    coef = np.zeros(shape)
    for i, columns in enumerate(regulator_sets(network, ds.features, ds.targets)):
        coef[i, columns] = rng.normal(0, 0.3 / max(np.sqrt(columns.size), 1), columns.size)
    prior = LinearModel("prior_ridge", coef, np.zeros(shape[0]), ds.features, ds.targets)
    rnn = RNNPredictor(LembasRNN(graph, settings.models["rnn"].architecture, seed=0), features, targets)
    x = np.asarray(ds.x["train"])
    params = upstream_settings().models["xgbrf"].params
    booster = train_batch(x, np.asarray(ds.y["train"][:, :xgbrf_targets]), ds.features, ds.targets[:xgbrf_targets],
                          params, THREADS)  # fmt: skip

    class OneBatch:
        """XGBRF on the first `xgbrf_targets` targets (its forecast time is scaled to all targets)."""

        features, targets = ds.features, ds.targets[:xgbrf_targets]

        def predict(self, x: np.ndarray) -> np.ndarray:
            return predict_batch(booster, x)

    return {
        "ridge / mlr / mean": ("ridge", dense, 1.0),
        "prior_ridge": ("prior_ridge", prior, 1.0),
        "prior_ridge_3steps": ("prior_ridge", prior, 1.0),
        "prior_ridge_steady": ("prior_ridge", prior, 1.0),
        "rnn / rnn_shuffled": ("rnn", rnn, 1.0),
        f"xgbrf ({xgbrf_targets} targets, time x {len(ds.targets) / xgbrf_targets:.1f})": (
            "xgbrf",
            OneBatch(),
            len(ds.targets) / xgbrf_targets,
        ),
    }


def full_forecasts(dataset: Path, settings: Settings, files: list[Path], xgbrf_targets: int) -> list[tuple]:
    """Forecasts (both regimes, unscored) of full-size models."""
    rows = []
    for name, (kind, model, scale) in full_models(dataset, settings, xgbrf_targets).items():
        spec = settings.specs[name.split(" ")[0]]

        def job(path: Path, kind=kind, model=model, spec=spec) -> None:
            found = PerturbationSet.load(path)
            controls = (found.x_control, found.control)
            for regime, x in (("A", found.x_regime_a()), ("B", found.x_oracle)):
                forecast_effect(kind, model, spec.settings, controls, x, regime == "A")

        rows += forecast_rows(name, job, files, scale)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=("demo", "full"), required=True)
    parser.add_argument("--run", type=Path, help="demo: a finished run's working directory")
    parser.add_argument("--xgbrf-targets", type=int, default=100)
    args = parser.parse_args()
    configure_threads(THREADS)
    settings = Settings.from_config(default_config())
    work = HERE / "work" / f"interventions_{args.preset}"
    dataset = require_full_dataset() if args.preset == "full" else args.run / "results" / "dataset"
    rows, files = stage(args.preset, dataset, settings, work)
    if args.preset == "demo":
        rows += demo_forecasts(args.run, settings, files, work)
    else:
        rows += full_forecasts(dataset, settings, files, args.xgbrf_targets)
    header = ("step", "model", "TFs", "perturbed individuals", "seconds", "seconds per 1,000 individuals")
    command = f"python benchmarks/interventions.py --preset {args.preset}" + (" --run DIR" if args.run else "")
    write_table(f"interventions_{args.preset}", command, THREADS, [header, *rows])


if __name__ == "__main__":
    main()
