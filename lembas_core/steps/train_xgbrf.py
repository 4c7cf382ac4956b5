"""Steps of rules `train_xgbrf_batch` and `assemble_xgbrf`: one batch of targets per job, then the index."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from lembas_core.common.layout import batch_ranges
from lembas_core.data.dataset import load_dataset
from lembas_core.data.perturbation_training import training_data
from lembas_core.models.fit_report import FitReport
from lembas_core.models.settings import XGBRF_DEFAULT_TREES, XGBRFExecution, XGBRFSettings
from lembas_core.models.xgbrf import resolve_device, save_batch, train_batch, write_index

LOG = logging.getLogger("lembas_core.steps.train_xgbrf")


def train_xgbrf_batch(  # wide: the data, the batch, the model's settings and where it runs, the output
    dataset_dir: str | Path,
    batch_index: int,
    settings: XGBRFSettings,
    execution: XGBRFExecution,
    threads: int,
    out: str | Path,
    perturbation_rows: str | Path | None = None,
) -> None:
    """Train batch `batch_index` (targets [start, stop)) of the dataset's training split (and the
    interventional training rows `perturbation_rows`) on `threads` threads; save it to `out`.
    `execution.device` is `models.xgbrf.device` (auto, cpu or cuda: XGBoost's CUDA `hist`)."""
    device = resolve_device(execution.device)
    ds = load_dataset(dataset_dir)
    ranges = batch_ranges(len(ds.targets), settings.batch_size)
    if not 0 <= batch_index < len(ranges):
        raise ValueError(
            f"batch {batch_index} does not exist: {len(ds.targets)} targets make {len(ranges)} batches "
            f"of {settings.batch_size}"
        )
    start, stop = ranges[batch_index]
    LOG.info(
        "XGBRF batch %d: targets %d-%d of %d (%s ... %s), params %s, %d threads, device %s",
        batch_index,
        start,
        stop - 1,
        len(ds.targets),
        ds.targets[start],
        ds.targets[stop - 1],
        settings.params,
        threads,
        device,
    )
    x, y = training_data(ds, perturbation_rows, slice(start, stop))
    booster = train_batch(x, np.asarray(y), ds.features, ds.targets[start:stop], settings.params, threads, device)
    save_batch(booster, out)


def assemble_xgbrf(
    batch_files: list[str], settings: XGBRFSettings, out: str | Path, report_out: str | Path, name: str
) -> dict:
    """Write the index of the batch files in target order (model `name`) and its fit report."""
    index = write_index(batch_files, out)
    trees = settings.params.get("n_estimators", XGBRF_DEFAULT_TREES)
    FitReport(
        name,
        f"random forest of {trees} trees per target, {len(batch_files)} batch job(s), "
        f"random_state {settings.params.get('random_state', 0)}",
        None,
        trees,
        0,
        0,
        "fixed recipe (upstream hyperparameters); a forest has no convergence criterion",
    ).write(report_out)
    return index
