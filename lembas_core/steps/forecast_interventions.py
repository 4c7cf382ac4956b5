"""Step of rule `forecast_interventions`: one model's forecasts of one level's perturbations (scored by the
rule `score_interventions`, :mod:`lembas_core.steps.score_interventions`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lembas_core.evaluation.interventions import mean_effects
from lembas_core.io.interventions import PerturbationSet, save_effects
from lembas_core.models.base import ModelFile
from lembas_core.models.forecast import forecast_effect


def forecast(
    model: ModelFile, settings: Any, perturbation_file: str | Path, out: str | Path, threads: int
) -> dict[str, np.ndarray]:
    """Forecast one level's perturbations with `model` (its kind's `settings`) on `threads` threads in regime A
    and, when the truth has oracle inputs, B; write the mean effects (regime -> (P, T): perturbations x
    targets) to `out` (`.npz`) and return them."""
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
    save_effects(out, effects)
    return effects
