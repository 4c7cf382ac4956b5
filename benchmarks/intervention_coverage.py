"""Coverage of the interventional intervals (a t-interval over perturbed TFs), measured where the truth is known.

The stage perturbs `interventions.tfs` TFs chosen by a seeded, stratified design among the eligible ones
(lembas_core.synthetic.perturbations) and reports each model's mean metric over them, and the mean paired
difference between models, with a Student-t interval over TFs. What that interval claims: the value the
same design would give on average over its random choice of TFs. Here every eligible TF of a finished
demo run is perturbed once (the in-range levels, regime A); the estimand is the average over `--designs`
designs (seeds 0..D-1) of the design's mean, and coverage is the share of designs whose interval holds it.
The same at several design sizes (perturbed TFs), with each pair's verdict: its power (the share of designs
naming the better model), and, for a pair equal by construction (each TF's values drawn from LEMBAS-RNN or the
prior ridge at random in every design, the partner given the other's), its false-verdict rate.

    python benchmarks/intervention_coverage.py --run DIR [--designs 2000] [--sizes 10 20 30 50 100]

DIR is a working directory after `make run` (results/dataset, results/models). Writes
benchmarks/results/intervention_coverage.tsv (one row per quantity and size: mean metric or paired difference)
and the measured calibration the verdict reads, lembas_core/evaluation/calibration_data/interventional_t.tsv.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from common import write_table

from lembas_core.common.settings import PerturbationChoice
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.evaluation.calibration import INTERVENTIONS, table_path, write_calibration
from lembas_core.evaluation.interventions import NO_CHANGE, per_tf, t_interval
from lembas_core.evaluation.verdicts import A_BETTER, B_BETTER, verdict_of
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
EQUAL = ("rnn", "prior_ridge")  # the pair mixed into two forecasters equal by construction


def per_tf_values(run: Path, models: list[str], work: Path) -> pd.DataFrame:
    """Per TF and model: Pearson delta (regime A, in-range levels averaged) with every eligible TF perturbed."""
    settings = Settings.from_config(default_config())
    choice = settings.interventions.choice
    dataset = run / "results" / "dataset"
    every = PerturbationChoice(10**6, choice.min_descendants, choice.individuals, choice.seed)  # all eligible
    outputs = DesignOutputs(work / "design.tsv", work / "individuals.npz")
    eligible = design(PRESETS["demo"], dataset, every, outputs)
    files, frames = [], []
    for name, level in settings.interventions.levels.items():  # in range is per perturbation: filtered below
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
    """Rows (quantity, eligible, chosen, estimand, coverage, mean width, a better, b better, false verdict, power)
    over `designs` seeded designs of `n_tfs` TFs; a quantity named ``equal ...`` holds a - b of EQUAL, signs
    redrawn per design (its estimand is 0)."""
    frame = table.reset_index()[["tf", "stratum"]]
    chosen = [choose_tfs(frame, n_tfs, seed)["tf"] for seed in range(designs)]
    rows = []
    for name, values in quantities.items():
        found = []
        for seed, tfs in enumerate(chosen):
            picked = values.reindex(tfs).to_numpy(dtype=float)
            if name.startswith("equal"):
                picked = picked * np.random.default_rng(seed).choice([-1.0, 1.0], size=picked.size)
            found.append(t_interval(picked))
        intervals = np.array(found)
        estimand = 0.0 if name.startswith("equal") else intervals[:, 0].mean()
        held = (intervals[:, 1] <= estimand) & (estimand <= intervals[:, 2])
        verdicts = [verdict_of(lo, hi) for _, lo, hi in intervals]
        a_better, b_better = (float(np.mean([v == side for v in verdicts])) for side in (A_BETTER, B_BETTER))
        pair = " - " in name
        false = a_better + b_better if name.startswith("equal") else min(a_better, b_better)
        power = max(a_better, b_better) if pair and not name.startswith("equal") else np.nan
        rows.append((name, len(table), n_tfs, round(estimand, 4), round(held.mean(), 3),
                     round(float(np.mean(intervals[:, 2] - intervals[:, 1])), 4),
                     *((round(a_better, 3), round(b_better, 3), round(false, 3)) if pair else ("", "", "")),
                     round(power, 3) if np.isfinite(power) else ""))  # fmt: skip
    return rows


def calibration(rows: list[tuple], designs: int) -> list[dict]:
    """Per design size: the lowest coverage over the paired differences, the equal pair's false-verdict rate."""
    out = []
    for n_tfs in sorted({r[2] for r in rows}):
        mine = [r for r in rows if r[2] == n_tfs and " - " in r[0]]
        out.append(
            {
                "split": INTERVENTIONS,
                "method": "t",
                "n": n_tfs,
                "metric": "pearson_delta",
                "coverage": min(r[4] for r in mine),
                "false_verdict": max(r[8] for r in mine if r[0].startswith("equal")),
                "sets": designs,
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=Path, required=True)
    parser.add_argument("--designs", type=int, default=2000)
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 20, 30, 50, 100], help="perturbed TFs")
    args = parser.parse_args()
    configure_threads(2)
    table = per_tf_values(args.run, args.models, Path(__file__).resolve().parent / "work" / "intervention_coverage")
    quantities = {f"mean {m}": table[m] for m in [*args.models, NO_CHANGE] if m in table}
    quantities |= {f"{a} - {b}": table[a] - table[b] for a, b in PAIRS if a in table and b in table}
    quantities[f"equal {EQUAL[0]}~{EQUAL[1]} - {EQUAL[1]}~{EQUAL[0]}"] = table[EQUAL[0]] - table[EQUAL[1]]
    found = [row for n_tfs in args.sizes for row in coverage(table, quantities, n_tfs, args.designs)]
    header = ("quantity (Pearson delta, regime A, in range)", "eligible TFs", "chosen", "estimand", "coverage",
              "mean width", "a_better", "b_better", "false_verdict", "power")  # fmt: skip
    command = (
        f"python benchmarks/intervention_coverage.py --run DIR --designs {args.designs} "
        f"--sizes {' '.join(map(str, args.sizes))}"
    )
    write_table("intervention_coverage", command, 2, [header, *found])
    write_calibration(table_path(INTERVENTIONS, "t"), calibration(found, args.designs), command)


if __name__ == "__main__":
    main()
