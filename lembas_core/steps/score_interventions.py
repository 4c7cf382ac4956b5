"""Step of rule `score_interventions`: one model's forecasts of one level's perturbations, scored against
the true effects."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lembas_core.evaluation.interventions import score_forecast
from lembas_core.io.atomic import write_tsv
from lembas_core.io.errors import InputDataError
from lembas_core.io.interventions import PerturbationSet, read_effects
from lembas_core.io.npz import REWRITE


def score_forecasts(
    model: str, perturbation_file: str | Path, effects_file: str | Path, out: str | Path, top_genes: int
) -> pd.DataFrame:
    """Score rows of model `model`'s mean forecast effects (the forecast job's `.npz`: regime -> (P, T),
    perturbations x targets) against one level's true effects, the top-k metrics over the `top_genes` targets
    with the largest true |effect|; write them to `out` (TSV) and return them."""
    perturbations = PerturbationSet.load(perturbation_file)
    effects = read_effects(effects_file)
    if any(effect.shape != perturbations.effect.shape for effect in effects.values()):
        problem = f"its forecasts do not match the perturbations of {perturbation_file}"
        raise InputDataError(effects_file, problem, REWRITE)
    frames = [score_forecast(perturbations, effect, (model, r), top_genes) for r, effect in effects.items()]
    rows = pd.concat(frames, ignore_index=True)
    write_tsv(rows, out, float_format="%.6g")
    return rows
