"""Step of rules `predict` and `predict_temporary`: one model's predictions on one dataset split."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lembas_core.data.dataset import load_dataset
from lembas_core.io.atomic import atomic_file
from lembas_core.models.base import ModelFile


def predict_split(model: ModelFile, dataset_dir: str | Path, split: str, out: str | Path, threads: int) -> np.ndarray:
    """Predict `split` with `model` on `threads` threads; save (samples x targets) float32 `.npy` to `out`."""
    ds = load_dataset(dataset_dir)
    loaded = model.load(threads)
    if loaded.targets != ds.targets:
        raise ValueError(f"{model.path}: the model's targets differ from the dataset's; rerun snakemake to retrain it")
    pred = np.asarray(loaded.predict(np.asarray(ds.x[split])), dtype=np.float32)
    with atomic_file(out, "wb") as handle:
        np.save(handle, pred, allow_pickle=False)
    return pred
