"""Coverage of the interventional intervals (a t-interval over perturbed TFs), measured where the truth is known.

The stage perturbs `interventions.tfs` TFs chosen by a seeded, stratified design among the eligible ones
(lembas_core.synthetic.perturbations) and reports each model's mean metric over them, and the mean paired
difference between models, with a Student-t interval over TFs. What that interval claims: the value the
same design would give on average over its random choice of TFs. Here every eligible TF of a finished
demo run is perturbed once (the in-range levels, regime A); the estimand is the average over `--designs`
designs (seeds 0..D-1) of the design's mean, and coverage is the share of designs whose interval holds it.

    python benchmarks/intervention_coverage.py --run DIR [--designs 2000] [--models ridge prior_ridge rnn ...]

DIR is a working directory after `make run` (results/dataset, results/models). Writes
benchmarks/results/intervention_coverage.tsv (one row per quantity: mean metric or paired difference).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from common import write_table

from lembas_core.common.settings import PerturbationChoice
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.evaluation.interventions import NO_CHANGE, per_tf, t_interval
from lembas_core.io.interventions import PerturbationSet
from lembas_core.models.base import ModelFile, model_file
from lembas_core.steps.forecast_interventions import forecast
from lembas_core.steps.intervention_truth import DesignOutputs, TruthInputs, design, synthetic_truth
from lembas_core.steps.runtime import configure_threads
from lembas_core.steps.score_interventions import score_forecasts
from lembas_core.steps.summarize_interventions import no_change_rows
from lembas_core.synthetic.perturbations import choose_tfs
from lembas_core.workflow.settings import Settings, default_config

MODELS = ("ridge", "prior_ridge", "prior_ridge_3steps", "rnn", "rnn_shuffled")
PAIRS = (("rnn", "prior_ridge"), ("rnn", "ridge"), ("rnn", "rnn_shuffled"), ("prior_ridge_3steps", "prior_ridge"))


def per_tf_values(run: Path, models: list[str], work: Path) -> pd.DataFrame:
    """Per TF and model: Pearson delta (regime A, in-range levels averaged) with every eligible TF perturbed."""
    settings = Settings.from_config(default_config())
    choice = settings.interventions.choice
    dataset = run / "results" / "dataset"
    every = PerturbationChoice(10**6, choice.min_descendants, choice.individuals, choice.seed)  # all eligible
    outputs = DesignOutputs(work / "design.tsv", work / "individuals.npz")
    eligible = design(PRESETS["demo"], dataset, every, outputs)
    files, frames = [], []
    for name, level in settings.interventions.levels.items():
        if not level.in_range:
            continue
        path = work / f"{name}.npz"
        synthetic_truth(TruthInputs(outputs, dataset), (name, level), path)
        files.append(path)
        for model in models:
            spec = settings.specs[model]
            loaded = ModelFile(model, spec.kind, run / model_file(spec.kind, spec.fitted_as))
            effects, scores = work / f"{model}_{name}.npz", work / f"{model}_{name}.tsv"
            forecast(loaded, spec.settings, path, effects, 2)
            frames.append(score_forecasts(model, path, effects, scores, settings.interventions.top_genes))
    levels = [PerturbationSet.load(path) for path in files]
    rows = pd.concat([*frames, no_change_rows(levels, settings.interventions.top_genes)], ignore_index=True)
    values = per_tf(rows[rows["regime"] == "A"])
    values = values[(values.genes == "all") & (values.metric == "pearson_delta") & (values.range == "in")]
    table = values.pivot(index="tf", columns="model", values="value")
    return table.join(eligible.set_index("tf")["stratum"])


def coverage(table: pd.DataFrame, quantities: dict[str, pd.Series], n_tfs: int, designs: int) -> list[tuple]:
    """Rows (quantity, eligible, chosen, estimand, coverage, mean width) over `designs` seeded designs."""
    frame = table.reset_index()[["tf", "stratum"]]
    chosen = [set(choose_tfs(frame, n_tfs, seed)["tf"]) for seed in range(designs)]
    rows = []
    for name, values in quantities.items():
        intervals = np.array([t_interval(values[values.index.isin(c)].to_numpy(dtype=float)) for c in chosen])
        estimand = intervals[:, 0].mean()
        held = (intervals[:, 1] <= estimand) & (estimand <= intervals[:, 2])
        rows.append((name, len(table), n_tfs, round(estimand, 4), round(held.mean(), 3),
                     round(float(np.mean(intervals[:, 2] - intervals[:, 1])), 4)))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--designs", type=int, default=2000)
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    args = parser.parse_args()
    configure_threads(2)
    table = per_tf_values(args.run, args.models, Path(__file__).resolve().parent / "work" / "intervention_coverage")
    quantities = {f"mean {m}": table[m] for m in [*args.models, NO_CHANGE] if m in table}
    quantities |= {f"{a} - {b}": table[a] - table[b] for a, b in PAIRS if a in table and b in table}
    n_tfs = Settings.from_config(default_config()).interventions.choice.tfs
    rows = [("quantity (Pearson delta, regime A, in range)", "eligible TFs", "chosen", "estimand", "coverage",
             "mean width")] + coverage(table, quantities, n_tfs, args.designs)  # fmt: skip
    command = f"python benchmarks/intervention_coverage.py --run DIR --designs {args.designs}"
    write_table("intervention_coverage", command, 2, rows)


if __name__ == "__main__":
    main()
