"""Step of rule `score_interventions`: one model's forecasts of one level's perturbations, scored against
the true effects."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lembas_core.evaluation.interventions import score_forecast
from lembas_core.io.atomic import write_tsv
from lembas_core.io.interventions import PerturbationSet
from lembas_core.steps.forecast_interventions import read_effects


def score_forecasts(
    model: str, perturbation_file: str | Path, effects_file: str | Path, out: str | Path, top_genes: int
) -> pd.DataFrame:
    """Score rows of model `model`'s mean forecast effects (the forecast job's `.npz`: regime -> (P, T),
    perturbations x targets) against one level's true effects, the top-k metrics over the `top_genes` targets
    with the largest true |effect|; write them to `out` (TSV) and return them."""
    perturbations = PerturbationSet.load(perturbation_file)
    effects = read_effects(effects_file)
    if any(effect.shape != perturbations.effect.shape for effect in effects.values()):
        raise ValueError(f"{effects_file}: the forecasts do not match {perturbation_file}; rerun snakemake")
    frames = [score_forecast(perturbations, effect, (model, r), top_genes) for r, effect in effects.items()]
    rows = pd.concat(frames, ignore_index=True)
    write_tsv(rows, out, float_format="%.6g")
    return rows
