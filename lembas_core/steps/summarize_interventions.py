"""Step of rule `summarize_interventions`: the gathered tables (with the no-change baseline) and the figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.common.settings import Roster
from lembas_core.evaluation.interventions import NO_CHANGE, paired, score_forecast, summarize
from lembas_core.io.atomic import write_tsv
from lembas_core.io.interventions import PerturbationSet, read_effects
from lembas_core.reporting.figures import interventions_plot
from lembas_core.reporting.palette import roster_palette


def no_change_rows(levels: Sequence[PerturbationSet], top_genes: int) -> pd.DataFrame:
    """Score rows of the no-change baseline (a zero forecast) on every level's perturbations, in both regimes."""
    frames = []
    for perturbations in levels:
        zero = np.zeros_like(perturbations.effect)
        regimes = ["A", "B"] if perturbations.x_oracle is not None else ["A"]
        frames += [score_forecast(perturbations, zero, (NO_CHANGE, r), top_genes) for r in regimes]
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class InterventionTables:
    """The gathered tables."""

    rows: str | Path
    summary: str | Path
    paired: str | Path


def summarize_interventions(
    score_files: Sequence[str | Path],
    levels: Sequence[PerturbationSet],
    models: Sequence[str],
    top_genes: int,
    out: InterventionTables,
) -> pd.DataFrame:
    """interventions.tsv (every model's rows and the no-change baseline's), its summary over TFs and the
    paired comparisons over TFs of every pair of `models` and each model against no change; `levels` are the
    perturbations of every level (the no-change baseline is scored on them)."""
    frames = [pd.read_csv(path, sep="\t") for path in score_files]
    rows = pd.concat([*frames, no_change_rows(levels, top_genes)], ignore_index=True)
    rows = rows[rows["model"].isin([*models, NO_CHANGE])]
    write_tsv(rows, out.rows, float_format="%.5g")
    write_tsv(summarize(rows), out.summary, float_format="%.5g")
    pairs = [(a, b) for i, a in enumerate(models) for b in models[i + 1 :]] + [(m, NO_CHANGE) for m in models]
    write_tsv(paired(rows, pairs), out.paired, float_format="%.5g")
    return rows


def draw_interventions(
    rows_file: str | Path,
    levels: Sequence[PerturbationSet],
    effects: dict[tuple[str, str], str | Path],
    roster: Roster,
    out: str | Path,
) -> None:
    """The interventions figure from interventions.tsv; the example is the in-range perturbation with the
    largest total true |effect| of the first level that has one (else of the first level with any); `effects`
    maps (model, level) to the forecast jobs' mean effects, `roster` each model's kind (its colour)."""
    sets = [s for s in levels if len(s.tfs)]
    rows = pd.read_csv(rows_file, sep="\t")
    if set(rows["seen"]) == {"seen", "unseen"}:  # the models trained on some TFs: the boxes show the others
        rows = rows[rows["seen"] == "unseen"]
    if not sets:
        interventions_plot(rows, ("no perturbation to show", np.zeros(0), {}), out, roster_palette(roster))
        return
    chosen = next((s for s in sets if s.in_range.any()), sets[0])
    size = np.abs(np.nan_to_num(chosen.effect)).sum(axis=1)
    p = int(np.argmax(np.where(chosen.in_range, size, -1.0) if chosen.in_range.any() else size))
    scored = chosen.scored(p)
    predicted: dict[str, dict[str, np.ndarray]] = {}
    for (model, level), path in effects.items():
        if level != chosen.level:
            continue
        for regime, effect in read_effects(path).items():
            predicted.setdefault(regime, {})[model] = effect[p][scored]
    title = f"{chosen.tfs[p]} set to its {chosen.level} level"
    example = (title, chosen.effect[p][scored], predicted)
    interventions_plot(rows, example, out, roster_palette(roster))
