"""One interface over every trained model: load it from its file(s) and predict a dataset split."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .layout import LINEAR_KINDS, MODEL_KINDS


def load_predictor(kind: str, path: str | Path, threads: int = 1) -> tuple[Callable[[np.ndarray], np.ndarray], list[str]]:
    """(predict function (samples x features -> samples x targets, float32), target names)."""
    path = Path(path)
    if kind in LINEAR_KINDS:
        from .linear import LinearModel

        model = LinearModel.load(path)
        return model.predict, model.targets
    if kind == "xgbrf":
        from .xgbrf import index_batches, load_batches, predict_batches

        batches = load_batches([batch for batch, _ in index_batches(path)], threads)
        return (lambda x: predict_batches(batches, x)), [name for _, _, targets in batches for name in targets]
    if kind == "rnn":
        import torch

        from .rnn_io import load_rnn

        torch.set_num_threads(threads)
        model, _, targets = load_rnn(path)
        return model.predict, targets
    raise ValueError(f"unknown model kind {kind!r}; choose one of {MODEL_KINDS}")


def predict_split(kind: str, model_path: str | Path, dataset_dir: str | Path, split: str, out: str | Path, threads: int = 1) -> np.ndarray:
    """Predict one split of the dataset and save it as float32 `.npy` (targets in dataset order)."""
    from .atomic import atomic_file
    from .dataset import load_dataset

    ds = load_dataset(dataset_dir)
    predict, targets = load_predictor(kind, model_path, threads)
    if targets != ds.targets:
        raise ValueError(f"{model_path}: the model's targets differ from the dataset's; rerun snakemake to retrain it")
    pred = np.asarray(predict(np.asarray(ds.x[split])), dtype=np.float32)
    with atomic_file(out, "wb") as handle:
        np.save(handle, pred, allow_pickle=False)
    return pred
