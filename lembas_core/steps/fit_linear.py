"""Step of rule `fit_linear`: fit one linear-family model (MLR, ridge, mean) on the training split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lembas_core.data.dataset import load_dataset
from lembas_core.models.base import implementation, model_kind
from lembas_core.models.linear import LinearModel, fit_report


def fit_linear(
    kind: str, dataset_dir: str | Path, settings: Any, out: str | Path, report_out: str | Path
) -> LinearModel:
    """Fit `kind` with its typed `settings` on the dataset's training split; save it and its fit report."""
    fit = getattr(implementation(kind), model_kind(kind).fit)
    ds = load_dataset(dataset_dir)
    model = fit(ds.x["train"], ds.y["train"], ds.features, ds.targets, settings)
    model.save(out)
    fit_report(model).write(report_out)
    return model
