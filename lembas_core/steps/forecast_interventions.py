"""Step of rule `forecast_interventions`: one model's forecasts of one level's perturbations, scored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lembas_core.evaluation.interventions import mean_effects, score_forecast
from lembas_core.io.atomic import atomic_file, write_tsv
from lembas_core.io.interventions import PerturbationSet
from lembas_core.models.base import ModelFile
from lembas_core.models.forecast import forecast_effect


@dataclass(frozen=True)
class ForecastOutputs:
    """What one forecast job writes: the mean predicted effects (`.npz`, regime -> (P, T)) and their scores."""

    effects: str | Path
    scores: str | Path


def forecast(
    model: ModelFile, settings: Any, perturbation_file: str | Path, outputs: ForecastOutputs, options: tuple[int, int]
) -> pd.DataFrame:
    """Forecast one level's perturbations with `model` (its kind's `settings`) in regime A and, when the
    truth has oracle inputs, B; write the mean effects and their score rows. `options` = (threads, top genes)."""
    threads, top_genes = options
    perturbations = PerturbationSet.load(perturbation_file)
    loaded = model.load(threads)
    if loaded.targets != perturbations.targets or loaded.features != perturbations.features:
        raise ValueError(f"{model.path}: the model's inputs or targets differ from the dataset's; rerun snakemake")
    controls = (perturbations.x_control, perturbations.control)
    inputs = {"A": perturbations.x_regime_a()}
    if perturbations.x_oracle is not None:
        inputs["B"] = perturbations.x_oracle
    effects = {}
    for regime, x in inputs.items():
        if x.shape[0] == 0:  # no perturbation (no TF qualified): nothing to predict
            effects[regime] = np.zeros((0, len(perturbations.targets)))
            continue
        predicted = forecast_effect(model.kind, loaded, settings, controls, x, propagate=regime == "A")
        effects[regime] = mean_effects(perturbations, predicted)
    with atomic_file(outputs.effects, "wb") as handle:
        np.savez(handle, **effects)
    frames = [score_forecast(perturbations, effect, (model.name, r), top_genes) for r, effect in effects.items()]
    rows = pd.concat(frames, ignore_index=True)
    write_tsv(rows, outputs.scores, float_format="%.6g")
    return rows
