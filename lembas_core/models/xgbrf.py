"""XGBoost random forests (XGBRF), trained per batch of targets.

Upstream (``upstream_spec.md`` 3.2) wrapped one ``XGBRFRegressor`` per gene in a
``MultiOutputRegressor``: 16,100 separate fits, each re-quantising the same training matrix. Here a
single ``XGBRFRegressor`` is fitted on a 2-D block of targets (XGBoost's default
``multi_strategy='one_output_per_tree'``): the same kind of model (each target gets its own
``n_estimators`` trees), with the quantised matrix built once per batch.

A batch is saved in XGBoost's UBJSON format; the feature and target names live inside the model file
(booster attributes), so a batch file is self-describing and loads without executing code.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np
import xgboost as xgb

from lembas_core.io.atomic import atomic_file
from lembas_core.io.errors import InputDataError

LOG = logging.getLogger("lembas_core.models.xgbrf")


def resolve_device(device: str) -> str:
    """`auto` picks CUDA when this XGBoost build supports it and a GPU is visible; `cuda` without one fails."""
    built_with_cuda = bool(xgb.build_info().get("USE_CUDA"))
    allocated = [d.strip() for d in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",")]
    visible = any(d not in ("", "-1") for d in allocated) or any(Path("/proc/driver/nvidia/gpus").glob("*"))
    if device == "cuda" and not (built_with_cuda and visible):
        raise RuntimeError(
            f"models.xgbrf.device is 'cuda' but XGBoost {xgb.__version__} "
            f"{'sees no GPU' if built_with_cuda else 'was built without CUDA'}; use 'auto' or 'cpu'"
        )
    if device == "auto":
        return "cuda" if built_with_cuda and visible else "cpu"
    return device


def train_batch(  # wide: two arrays with their name lists, XGBoost's params, and where it runs (threads, device)
    x: np.ndarray,
    y_block: np.ndarray,
    features: list[str],
    targets: list[str],
    params: dict,
    threads: int,
    device: str = "cpu",
) -> xgb.Booster:
    """Fit one XGBRFRegressor on all targets of a batch; return its booster with names attached.

    `x` is (samples x features), `y_block` (samples x batch targets); `params` go to `XGBRFRegressor`
    unchanged (config `models.xgbrf.params`: unlisted ones keep XGBoost's defaults).
    """
    if y_block.shape[1] != len(targets):
        raise ValueError("y_block columns and target names differ in length")
    model = xgb.XGBRFRegressor(**{**params, "n_jobs": threads, "device": device})
    y = y_block[:, 0] if y_block.shape[1] == 1 else y_block
    model.fit(np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32))
    booster = model.get_booster()
    booster.feature_names = list(features)
    booster.set_attr(targets=json.dumps(list(targets)), params=json.dumps(params, sort_keys=True))
    return booster


def save_batch(booster: xgb.Booster, path: str | Path) -> None:
    """Write the booster as UBJSON, atomically."""
    with atomic_file(path, "wb") as handle:
        handle.write(booster.save_raw("ubj"))


def load_batch(path: str | Path, threads: int = 1) -> tuple[xgb.Booster, list[str]]:
    """Load a batch file; return (booster, target names). A damaged file raises a clear error."""
    path = Path(path)
    if not path.exists():
        raise InputDataError(path, "XGBRF batch model not found", "rerun snakemake to train the missing batch")
    data = path.read_bytes()
    if not data:  # XGBoost aborts the process on an empty buffer instead of raising
        raise InputDataError(
            path, "XGBRF batch model file is empty", "delete the file and rerun snakemake to retrain this batch"
        )
    booster = xgb.Booster(params={"nthread": threads})
    try:
        booster.load_model(bytearray(data))
        targets = json.loads(booster.attr("targets") or "null")
    except (xgb.core.XGBoostError, json.JSONDecodeError, ValueError) as exc:
        raise InputDataError(
            path,
            f"not a readable XGBRF batch model ({str(exc).splitlines()[0][:200]})",
            "delete the file and rerun snakemake to retrain this batch",
        ) from None
    if not isinstance(targets, list):
        raise InputDataError(
            path,
            "XGBRF model has no target names (not written by lembas-bench?)",
            "delete the file and rerun snakemake to retrain this batch",
        )
    return booster, targets


def predict_batch(booster: xgb.Booster, x: np.ndarray) -> np.ndarray:
    """Predictions of one batch as (samples x targets) float32."""
    pred = booster.inplace_predict(np.asarray(x, dtype=np.float32))
    return np.asarray(pred, dtype=np.float32).reshape(x.shape[0], -1)


def load_batches(paths: list[str | Path], threads: int = 1) -> list[tuple[Path, xgb.Booster, list[str]]]:
    """(file, booster, target names) of every batch, in the given (target) order."""
    return [(Path(path), *load_batch(path, threads)) for path in paths]


def predict_batches(batches: list[tuple[Path, xgb.Booster, list[str]]], x: np.ndarray) -> np.ndarray:
    """Every target's predictions (samples x targets), the loaded batches side by side."""
    blocks = []
    for path, booster, targets in batches:
        block = predict_batch(booster, x)
        if block.shape[1] != len(targets):
            raise InputDataError(
                path,
                f"model predicts {block.shape[1]} targets but names {len(targets)}",
                "delete the file and rerun snakemake",
            )
        blocks.append(block)
    return np.concatenate(blocks, axis=1)


def single_target_booster(booster: xgb.Booster, targets: list[str], gene: str) -> xgb.Booster:
    """A booster for one gene of a multi-target batch: that gene's trees and base score only.

    Its predictions equal the batch model's column for `gene` (used by SHAP's TreeExplainer).
    """
    if gene not in targets:
        raise KeyError(f"gene {gene!r} is not among this batch's {len(targets)} targets")
    j = targets.index(gene)
    model = json.loads(booster.save_raw("json"))
    learner = model["learner"]
    params = learner["learner_model_param"]
    n_targets = int(params["num_target"])
    if n_targets != len(targets):
        raise ValueError(f"booster has {n_targets} outputs but {len(targets)} target names")
    if n_targets > 1:
        trees_model = learner["gradient_booster"]["model"]
        keep = [t for t, info in zip(trees_model["trees"], trees_model["tree_info"]) if info == j]
        for new_id, tree in enumerate(keep):
            tree["id"] = new_id
        trees_model["trees"] = keep
        trees_model["tree_info"] = [0] * len(keep)
        trees_model["iteration_indptr"] = [0, len(keep)]
        trees_model["gbtree_model_param"]["num_trees"] = str(len(keep))
        base = json.loads(params["base_score"].replace("E", "e"))
        params["base_score"] = f"[{base[j]!r}]" if isinstance(base, list) else params["base_score"]
        params["num_target"] = "1"
    learner["attributes"] = {"targets": json.dumps([gene])}
    single = xgb.Booster()
    single.load_model(bytearray(json.dumps(model).encode()))
    return single


def index_batches(index_path: str | Path) -> list[tuple[Path, list[str]]]:
    """(batch file, its target names) for every batch listed in an index, without loading a model."""
    index_path = Path(index_path)
    index = json.loads(index_path.read_text())
    return [(index_path.parent / Path(entry["file"]).name, entry["targets"]) for entry in index["batches"]]


def write_index(batch_paths: list[str | Path], out: str | Path) -> dict:
    """Record the batch files in target order with their target ranges (the assembled model)."""
    entries, start = [], 0
    for path in batch_paths:
        _, targets = load_batch(path)
        entries.append({"file": str(path), "start": start, "stop": start + len(targets), "targets": targets})
        start += len(targets)
    index = {"kind": "xgbrf", "n_targets": start, "batches": entries}
    with atomic_file(out) as handle:
        json.dump(index, handle, indent=1)
    return index


class XGBRFModel:
    """The assembled XGBRF model: the batch files listed by an index, loaded when first needed.

    Satisfies :class:`lembas_core.models.base.Model`; :meth:`booster_for` reads one batch file only.
    """

    def __init__(self, batch_files: list[tuple[Path, list[str]]], threads: int = 1):
        self.threads = threads
        self.batch_files = batch_files  # (batch file, its target names) in target order
        self.targets = [name for _, names in self.batch_files for name in names]
        self._batches: list[tuple[Path, xgb.Booster, list[str]]] | None = None

    @classmethod
    def from_batches(cls, paths: list[str | Path], threads: int = 1) -> XGBRFModel:
        """The model of batch files `paths` (in target order), without an index."""
        return cls([(Path(path), load_batch(path, threads)[1]) for path in paths], threads)

    @property
    def features(self) -> list[str]:
        """Input TF names, read from the first batch's booster."""
        return list(load_batch(self.batch_files[0][0], self.threads)[0].feature_names or [])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """(samples x targets) float32 predictions of every batch, side by side in target order."""
        if self._batches is None:
            self._batches = load_batches([path for path, _ in self.batch_files], self.threads)
        return predict_batches(self._batches, x)

    def booster_for(self, gene: str) -> xgb.Booster:
        """A single-target booster for `gene`, cut out of the one batch file that holds it."""
        batch = next((path for path, names in self.batch_files if gene in names), None)
        if batch is None:
            raise KeyError(f"gene {gene!r} is not a target of the XGBRF model")
        booster, targets = load_batch(batch, self.threads)
        return single_target_booster(booster, targets, gene)


def load_model(path: str | Path, threads: int = 1) -> XGBRFModel:
    """Registry entry point: the XGBRF model assembled in index file `path`."""
    return XGBRFModel(index_batches(path), threads)
