"""Step of rule `figures`: every pipeline figure except the SHAP plots."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lembas_core.data.dataset import load_dataset
from lembas_core.models.fit_report import FitReport
from lembas_core.reporting.figures import (
    latency_plot,
    metric_bars,
    observed_vs_predicted,
    per_gene_ecdf,
    strata_residuals,
    training_curve,
)
from lembas_core.reporting.palette import Palette


def draw_report_figures(
    summary: str,
    strata: str,
    per_gene: dict[tuple[str, str], str],
    predictions: dict[tuple[str, str], str],
    dataset_dir: str,
    histories: dict[str, tuple[str, str]],
    latency: str,
    outputs: dict[str, str],
    kinds: dict[str, str] | None = None,
) -> None:
    """Draw every figure; `per_gene` and `predictions` map (model, split) to files, `outputs` names to PNG paths.

    `histories` maps each RNN model to its (per-epoch training table, fit report), drawn to
    `outputs["<name>_training"]`; `kinds` gives each model's kind for the colours (default: names are kinds).
    """
    palette = Palette(kinds or {m: m for m, _ in per_gene})
    ds = load_dataset(dataset_dir)
    metric_bars(pd.read_csv(summary, sep="\t"), outputs["metrics"], palette=palette)
    strata_residuals(pd.read_csv(strata, sep="\t"), outputs["strata"], palette)
    latency_plot(pd.read_csv(latency, sep="\t"), outputs["latency"], palette)
    for split in dict.fromkeys(s for (_, s) in per_gene):
        models = [m for (m, s) in per_gene if s == split]
        per_gene_ecdf(
            {m: pd.read_csv(per_gene[(m, split)], sep="\t") for m in models},
            outputs[f"per_gene_{split}"],
            split,
            palette,
        )
        observed_vs_predicted(
            np.asarray(ds.y[split]),
            {m: np.load(predictions[(m, split)]) for m in models},
            outputs[f"observed_vs_predicted_{split}"],
            split,
            palette=palette,
        )
    for name, (history, report) in histories.items():
        training_curve(pd.read_csv(history, sep="\t"), FitReport.read(report), outputs[f"{name}_training"], palette)
