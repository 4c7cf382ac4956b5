"""A cohort large enough to know the truth: trained models' predictions on a big held-out pool.

The demo generator with 1,200 training samples (the demo preset's training split), a held-out test pool
and a validation pool (the generator's batch-shifted external cohort). Each model is trained once on the
training part; its predictions on both pools are cached in benchmarks/work/coverage_<...>/predictions.npz,
so that the coverage benchmarks (`interval_coverage.py`) draw thousands of test sets without retraining.
A metric's population value is its value on a whole pool.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from common import HERE

from lembas_core.common.synthetic_spec import spec_from_config
from lembas_core.data.dataset import load_dataset
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.data.network_controls import network_for
from lembas_core.data.preprocess import preprocess
from lembas_core.io.npz import load_arrays, save_arrays
from lembas_core.models.linear import fit_mean, fit_ridge
from lembas_core.models.prior_ridge import fit_prior_ridge
from lembas_core.models.rnn.io import graph_from_dataset
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.training import train
from lembas_core.synthetic.cohort import synthesize
from lembas_core.workflow.settings import Settings, default_config

TRAINING_SAMPLES = 1200  # as the demo preset's training split
MODELS = ("mean", "ridge", "prior_ridge", "rnn")


def build_dataset(test_pool: int, validation_pool: int, seed: int) -> Path:
    """The demo generator with TRAINING_SAMPLES + `test_pool` samples (train | test) and a validation cohort of
    `validation_pool` samples, ingested and preprocessed as the pipeline does."""
    work = HERE / "work" / f"coverage_{test_pool}_{validation_pool}_{seed}"
    if not (work / "dataset" / "manifest.json").exists():
        settings = Settings.from_config(default_config())
        spec = spec_from_config(
            "demo", {"n_samples": TRAINING_SAMPLES + test_pool, "n_validation": validation_pool}, seed=seed
        )
        paths = synthesize(spec, work / "cohort", "parquet")
        roles = ("tf_expression", "gene_expression", "network", "validation")
        ingest_cohort(CohortFiles(*(paths[r] for r in roles), format="parquet"), work / "ingest", settings.data.ingest)
        split = settings.preprocess.__class__(
            **{**settings.preprocess.__dict__, "test_fraction": test_pool / (TRAINING_SAMPLES + test_pool)}
        )
        preprocess(work / "ingest", work / "dataset", split, "default")
    return work / "dataset"


def _train(name: str, ds_dir: Path, settings: Settings):
    ds = load_dataset(ds_dir)
    x, y = np.asarray(ds.x["train"]), np.asarray(ds.y["train"])
    if name == "rnn":
        graph, _, _ = graph_from_dataset(ds_dir)
        rnn = settings.models["rnn"]
        model = LembasRNN(graph, rnn.architecture, seed=rnn.training.seed)
        train(model, x, y, rnn.training)
        return model
    if name == "prior_ridge":
        model_settings = settings.models["prior_ridge"]
        network, _ = network_for(ds_dir, model_settings.network, model_settings.network_seed)
        return fit_prior_ridge(x, y, ds.features, ds.targets, model_settings, network=network)
    fit = {"mean": fit_mean, "ridge": fit_ridge}[name]
    return fit(x, y, ds.features, ds.targets, settings.models[name])


def pool_predictions(test_pool: int, validation_pool: int, seed: int) -> dict[str, np.ndarray]:
    """`y_test`, `y_validation` (pool samples x targets) and `<model>_test`, `<model>_validation`: each of
    MODELS trained once on the training split, predicting both pools (cached)."""
    ds_dir = build_dataset(test_pool, validation_pool, seed)
    cache = ds_dir.parent / "predictions.npz"
    keys = ["y_test", "y_validation", *(f"{m}_{s}" for m in MODELS for s in ("test", "validation"))]
    if cache.exists():
        return load_arrays(cache, keys, what="cached pool predictions")
    ds = load_dataset(ds_dir)
    settings = Settings.from_config(default_config())
    out = {f"y_{s}": np.asarray(ds.y[s], np.float64) for s in ("test", "validation")}
    for name in MODELS:
        start = time.perf_counter()
        model = _train(name, ds_dir, settings)
        for split in ("test", "validation"):
            out[f"{name}_{split}"] = np.asarray(model.predict(np.asarray(ds.x[split])), np.float64)
        print(f"{name}: trained in {time.perf_counter() - start:.0f} s", flush=True)
    save_arrays(cache, **out)
    return out
