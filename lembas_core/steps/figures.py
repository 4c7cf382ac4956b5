"""Step of rule `figures`: every pipeline figure except the SHAP plots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.common.settings import Roster
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
from lembas_core.reporting.palette import roster_palette


@dataclass(frozen=True)
class FigureInputs:
    """What the figures are drawn from.

    `per_gene` and `predictions` map (model, split) to the score and predict jobs' outputs; `histories`
    maps each model with a training curve to its (per-epoch training table, fit report).
    """

    summary: str | Path
    strata: str | Path
    latency: str | Path
    per_gene: Mapping[tuple[str, str], str | Path]
    predictions: Mapping[tuple[str, str], str | Path]
    histories: Mapping[str, tuple[str | Path, str | Path]]
    dataset: str | Path


def draw_report_figures(inputs: FigureInputs, outputs: Mapping[str, str | Path], roster: Roster) -> None:
    """Draw every figure to `outputs` (figure name -> PNG path; a training curve to `<name>_training`);
    `roster` gives each model's kind, for its colour."""
    palette = roster_palette(roster)
    per_gene, predictions = inputs.per_gene, inputs.predictions
    ds = load_dataset(inputs.dataset)
    metric_bars(pd.read_csv(inputs.summary, sep="\t"), outputs["metrics"], palette=palette)
    strata_residuals(pd.read_csv(inputs.strata, sep="\t"), outputs["strata"], palette)
    latency_plot(pd.read_csv(inputs.latency, sep="\t"), outputs["latency"], palette)
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
    for name, (history, report) in inputs.histories.items():
        training_curve(pd.read_csv(history, sep="\t"), FitReport.read(report), outputs[f"{name}_training"], palette)
