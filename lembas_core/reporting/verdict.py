"""The answer first: a few sentences generated from the result tables, each with its numbers and interval.

Nothing is written by hand for one run. The sentences say which model scores best on the test split and
whether its lead over the runner-up excludes 0; what the network's information adds (a model vs its
shuffled- or random-network control); whether the recurrent architecture adds to the prior (LEMBAS-RNN vs
prior ridge) and whether restricting each gene to its regulators helps (prior ridge vs ridge); the same
best-model question on the validation cohort by the shift-robust per-gene correlation; and warnings that
change the reading (a model that did not converge, with what more training could change:
:mod:`lembas_core.reporting.training_headroom`; a size at which the intervals were measured to cover less than
they claim; zero-filled validation inputs, a cohort where even the best model is no better than the
training mean). Comparisons rest on the interval of the paired difference
(:func:`lembas_core.evaluation.metrics.paired_comparison`), never on two intervals, and name a winner only
where the rule's false-verdict rate, measured at the run's size, is at most 5%
(:mod:`lembas_core.evaluation.calibration`); elsewhere they say they cannot tell at this size, and why.

When the run forecast interventions, the interventional answer follows (regime A, levels within the training
range, Pearson delta, intervals over perturbed TFs: :mod:`lembas_core.evaluation.interventions`): the best
forecaster and its margin over no change, then each network model of a kind against its network control, the
prior ridge and the best model without the network; a network model "wins" only if it beats all three and no
change. Only levels within the training range are read: a win only beyond it would be an extrapolation win.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lembas_core.common.settings import MOSTLY_MISSING
from lembas_core.evaluation.calibration import INTERVENTIONS, MAX_FALSE_VERDICT, MIN_COVERAGE, calibration_at
from lembas_core.evaluation.interventions import NO_CHANGE, headline
from lembas_core.evaluation.ladder import ARCHITECTURE_PAIRS
from lembas_core.evaluation.metrics import verdict_metric
from lembas_core.evaluation.regime_map import COMPARISONS, cell_label, winning_cells
from lembas_core.evaluation.verdicts import A_BETTER, B_BETTER, CANNOT_TELL, NO_INTERVAL, TIE, oriented
from lembas_core.reporting.training_headroom import headroom_sentences

METRIC_NAMES = {"r2_uniform": "per-gene R^2 (r2_uniform)", "pearson_uniform": "per-gene Pearson r (pearson_uniform)"}
# What A better, a tie and B better mean for each of the ladder's architecture pairs (A, B)
READINGS = dict(
    zip(
        ARCHITECTURE_PAIRS,
        (
            (
                "the recurrent architecture adds to the prior",
                "the recurrent architecture adds nothing measurable to the prior",
                "the recurrent architecture falls short of a ridge on the same prior",
            ),
            (
                "restricting each gene to its network regulators helps",
                "restricting each gene to its network regulators neither helps nor hurts measurably",
                "restricting each gene to its network regulators hurts",
            ),
        ),
    )
)


@dataclass(frozen=True)
class VerdictInputs:
    """The tables the verdict is read from (pandas frames of the TSV files of the same names)."""

    summary: pd.DataFrame  # summary.tsv: one row per (model, split)
    paired: pd.DataFrame  # paired.tsv: every pair of shown models per split
    ladder_paired: pd.DataFrame  # ladder_paired.tsv: each network control vs its model, architecture pairs
    fits: pd.DataFrame  # fits.tsv: how each model was fitted
    missing_tf_fraction: float  # share of TF features zero-filled in the validation cohort (0 with policy drop)
    interventions: pd.DataFrame | None = None  # interventions_summary.tsv (None: no interventional stage)
    interventions_paired: pd.DataFrame | None = None  # interventions_paired.tsv
    interventions_source: str = "the synthetic cohort's exact counterfactuals"
    method: str = "jackknife"  # the interval method of the observational tables (`evaluate.interval`)
    regime_map: pd.DataFrame | None = None  # results/regime_map/regime_map.tsv, when target regime_map has run
    trained_on_perturbations: bool = False  # whether the models trained on some perturbed TFs (the others: unseen)


def _fmt(value: float) -> str:
    return f"{value:+.3f}" if np.isfinite(value) else "n/a"


def _interval(lo: float | None, hi: float | None) -> str:
    return f"[{lo:.3f}, {hi:.3f}]" if pd.notna(lo) and pd.notna(hi) else f"({NO_INTERVAL})"


def _difference(paired: pd.DataFrame, split: str, a: str, b: str) -> tuple[str, float, float, float] | None:
    """(verdict from A's side, difference A - B, lo, hi) of the split's verdict metric, or None."""
    metric = verdict_metric(split)
    columns = tuple(f"{metric}_difference{part}" for part in ("", "_lo", "_hi"))
    return oriented(paired[paired.split == split], (a, b), columns)


def _best(summary: pd.DataFrame, split: str) -> tuple[pd.DataFrame, str]:
    """The split's rows, best first by its verdict metric (the point its interval is centred on), and that metric."""
    metric = verdict_metric(split)
    rows = summary[(summary.split == split) & np.isfinite(summary[metric])]
    return rows.sort_values(metric, ascending=False), metric


def _size(split: str) -> str:
    return "perturbed TFs" if split == INTERVENTIONS else f"{split} samples"


def cannot_tell_reason(split: str, method: str, n: int) -> str:
    """Why a rule cannot tell at size `n`: its measured false-verdict rate there, or that none was measured."""
    measured = calibration_at(split, method, n)
    if measured is None:
        return f"no false-verdict rate of {method} intervals is measured at {n} {_size(split)} or fewer"
    return (
        f"at {n} {_size(split)} its {method} interval named a winner between equal models in "
        f"{100 * measured.false_verdict:.1f}% of the coverage benchmark's sets, above {100 * MAX_FALSE_VERDICT:.0f}%"
    )


def _reading(verdict: str, readings: Mapping[str, str], split: str, method: str, n: int) -> str:
    """The words for `verdict` from `readings` (A_BETTER, TIE, B_BETTER), or why there is none."""
    if verdict == CANNOT_TELL:
        return f"{CANNOT_TELL} ({cannot_tell_reason(split, method, n)})"
    return readings.get(verdict, f"{NO_INTERVAL} to decide")


def best_model_sentence(inputs: VerdictInputs, split: str, cohort: str) -> str | None:
    """Which model scores best on `split` and whether its lead over the runner-up excludes 0."""
    ranked, metric = _best(inputs.summary, split)
    if ranked.empty:
        return None
    top = ranked.iloc[0]
    plain = f" (plain, as upstream computed it: {top['r2_uniform_plain']:.3f})" if metric == "r2_uniform" else ""
    text = (
        f"On the {cohort} ({int(top.n_samples)} samples, {int(top.n_genes)} genes), {top.model} scores best by "
        f"{METRIC_NAMES[metric]}: {top[metric]:.3f} {_interval(top.get(f'{metric}_lo'), top.get(f'{metric}_hi'))}"
        f"{plain}."
    )
    if len(ranked) > 1:
        second = ranked.iloc[1].model
        found = _difference(inputs.paired, split, top.model, second)
        if found:
            verdict, value, lo, hi = found
            readings = {
                A_BETTER: "which excludes 0: it is better",
                TIE: "which includes 0: a tie",
                B_BETTER: "which lies below 0",
            }
            reading = _reading(verdict, readings, split, inputs.method, int(top.n_samples))
            text += f" Its lead over the runner-up {second} is {_fmt(value)} {_interval(lo, hi)}, {reading}."
    return text


def control_sentences(inputs: VerdictInputs, kinds: Mapping[str, str], networks: Mapping[str, str]) -> list[str]:
    """For every model on a shuffled or random network: does the network's information carry its model?"""
    sentences = []
    ladder = inputs.ladder_paired
    n = _test_samples(inputs)
    for _, row in ladder[ladder.split == "test"].iterrows():
        if networks.get(row.model_b) not in ("shuffled", "random"):
            continue
        verdict = row.verdict
        value, lo, hi = (row[f"r2_uniform_difference{part}"] for part in ("", "_lo", "_hi"))
        readings = {
            A_BETTER: "the network's information carries it",
            TIE: "the network's information does not measurably carry it (a tie)",
            B_BETTER: "the control does better: the prior network misleads it",
        }
        reading = _reading(verdict, readings, "test", inputs.method, n)
        sentences.append(
            f"{row.model_a} vs the same model on a {networks[row.model_b]} network ({row.model_b}), test "
            f"r2_uniform difference {_fmt(value)} {_interval(lo, hi)}: {reading}."
        )
    return sentences


def question_sentences(inputs: VerdictInputs, kinds: Mapping[str, str]) -> list[str]:
    """The architecture questions (READINGS) on the kinds' own models, on the test split."""
    sentences = []
    for (a, b), (better, tie, worse) in READINGS.items():
        if a not in kinds or b not in kinds:
            continue
        found = _difference(inputs.ladder_paired, "test", a, b) or _difference(inputs.paired, "test", a, b)
        if not found:
            continue
        verdict, value, lo, hi = found
        readings = {A_BETTER: better, TIE: tie, B_BETTER: worse}
        reading = _reading(verdict, readings, "test", inputs.method, _test_samples(inputs))
        sentences.append(f"{a} vs {b}: test r2_uniform difference {_fmt(value)} {_interval(lo, hi)}: {reading}.")
    return sentences


def _test_samples(inputs: VerdictInputs) -> int:
    test = inputs.summary[inputs.summary.split == "test"]
    return int(test.n_samples.iloc[0]) if len(test) else 0


def measured_sentences(inputs: VerdictInputs) -> list[str]:
    """What the observational intervals were measured to do at this run's sizes (benchmarks/README.md)."""
    out = []
    for split in ("test", "validation"):
        rows = inputs.summary[inputs.summary.split == split]
        if rows.empty or inputs.method == "none":
            continue
        n, metric = int(rows.n_samples.iloc[0]), verdict_metric(split)
        measured = calibration_at(split, inputs.method, n)
        if measured is None:
            out.append(
                f"Intervals on {n} {split} samples: {cannot_tell_reason(split, inputs.method, n)}, nor any coverage."
            )
            continue
        sizes = " and ".join(str(s) for s in measured.measured_at)
        out.append(
            f"Intervals on {n} {split} samples ({inputs.method}, measured at {sizes} samples where the truth is "
            f"known): the {metric} interval covered {100 * measured.coverage:.1f}% of sets (nominal 95%), and a "
            f"paired interval named a winner between equal models in {100 * measured.false_verdict:.1f}% "
            f"(at most {100 * MAX_FALSE_VERDICT:.0f}% for a verdict)."
        )
    return out


def warnings(inputs: VerdictInputs) -> list[str]:
    """Facts that change how the sentences above read."""
    out = []
    by_score = list(_best(inputs.summary, "test")[0].model)
    out += headroom_sentences(inputs.fits, inputs.paired, inputs.ladder_paired, by_score)
    n = _test_samples(inputs)
    measured = calibration_at("test", inputs.method, n) if n and inputs.method != "none" else None
    if measured is not None and not measured.covers:
        out.append(
            f"At {n} test samples the r2_uniform interval covered only {100 * measured.coverage:.1f}% in the coverage "
            f"benchmark (below {100 * MIN_COVERAGE:.0f}%): it claims more certainty than it has."
        )
    if inputs.missing_tf_fraction > MOSTLY_MISSING:
        out.append(
            f"{100 * inputs.missing_tf_fraction:.0f}% of the TF features are zero-filled in the validation cohort: "
            "those inputs lie outside the training range; preprocess.validation_missing: drop scores on shared TFs."
        )
    ranked, metric = _best(inputs.summary, "test")
    if len(ranked) and ranked.iloc[0][metric] <= 0:
        out.append(
            "Even the best model's test r2_uniform is at most 0: no model beats a constant per gene (the training "
            "mean) on this cohort."
        )
    return out


def _intervention_difference(paired: pd.DataFrame, a: str, b: str) -> tuple[str, float, float, float] | None:
    """(verdict from A's side, mean difference A - B over TFs, lo, hi) in the HEADLINE setting, or None."""
    return oriented(headline(paired), (a, b), ("difference", "lo", "hi"))


def intervention_sentences(inputs: VerdictInputs, kinds: Mapping[str, str], networks: Mapping[str, str]) -> list[str]:
    """The interventional answer (module docstring); none without the stage."""
    if inputs.interventions is None or inputs.interventions_paired is None:
        return []
    summary = headline(inputs.interventions)
    summary = summary[np.isfinite(summary["mean"])].sort_values("mean", ascending=False)
    forecasters = summary[summary.model != NO_CHANGE]
    if forecasters.empty:
        if inputs.trained_on_perturbations:
            return ["Interventions: no TF the models never saw perturbed was scored within its training range, so "
                    "the interventional answer (read on unseen TFs) is not given; hold more TFs out."]  # fmt: skip
        return []
    top = forecasters.iloc[0]
    trained = inputs.trained_on_perturbations
    tfs = f"{int(top.n_tfs)} TFs the models never saw perturbed" if trained else f"{int(top.n_tfs)} TFs"
    text = (
        f"Interventions, scored against {inputs.interventions_source} (regime A: observed TFs with only the "
        f"perturbed one changed; levels within the training range; {tfs}): {top.model} forecasts "
        f"best by Pearson delta, {top['mean']:.3f} {_interval(top.lo, top.hi)}"
    )
    found = _intervention_difference(inputs.interventions_paired, top.model, NO_CHANGE)
    if found:
        text += f", {_fmt(found[1])} {_interval(found[2], found[3])} over no change"
    sentences = [text + "."]
    plain = [m for m in forecasters.model if kinds.get(m) not in (None, "mean") and not _uses_network(m, networks)]
    for model in [m for m in forecasters.model if networks.get(m) == "prior" and kinds.get(m) == m]:
        rivals = {"no change": NO_CHANGE}
        controls = [m for m in kinds if kinds[m] == kinds[model] and networks.get(m) in ("shuffled", "random")]
        rivals |= {f"its {networks[c]}-network control": c for c in controls}
        rivals |= {"the prior ridge": "prior_ridge"} if model != "prior_ridge" and "prior_ridge" in kinds else {}
        rivals |= {"the best model without the network": plain[0]} if plain else {}
        beats = []
        for label, rival in rivals.items():
            found = _intervention_difference(inputs.interventions_paired, model, rival)
            if found:
                beats.append((label, rival, *found))
        if not beats:
            continue
        parts = [f"vs {label} ({rival}) {_fmt(v)} {_interval(lo, hi)}" for label, rival, _, v, lo, hi in beats]
        above = all(verdict == A_BETTER for *_, verdict, _, _, _ in beats)
        if any(verdict == CANNOT_TELL for *_, verdict, _, _, _ in beats):
            reason = cannot_tell_reason(INTERVENTIONS, "t", int(top.n_tfs))
            reading = f"{CANNOT_TELL} whether it wins the interventional test ({reason})."
        elif above and not controls:
            reading = (
                "each interval lies above 0, but no network control of it ran, so whether the network's "
                f"information carries it is untested (add {{model: {kinds[model]}, network: shuffled}})."
            )
        elif above:
            reading = "it wins the interventional test."
        else:
            reading = "it does not win the interventional test (a win needs each interval above 0)."
        sentences.append(f"{model}: {'; '.join(parts)}: {reading}")
    return sentences


def _uses_network(model: str, networks: Mapping[str, str]) -> bool:
    """Whether model `model` reads a network (its network setting is not empty)."""
    return bool(networks.get(model, ""))


def _mean(table: pd.DataFrame, training: str, column: str) -> float:
    """Mean of `column` over the cells of `training` (one value per cell)."""
    return float(table[table["training"] == training].drop_duplicates("cell")[column].mean())


def regime_map_sentences(table: pd.DataFrame | None) -> list[str]:
    """The verdict's lines on the regime map (results/regime_map/regime_map.tsv), none when it has not run."""
    if table is None or table.empty:
        return []
    cells = list(dict.fromkeys(table["cell"]))
    wins = winning_cells(table)
    rivals = " and ".join(f"the {c}" if not c.startswith("without") else f"the best model {c}" for c in COMPARISONS)
    where = ", ".join(cell_label(table[table["cell"] == c].iloc[0]) for c in wins) if wins else "none of them"
    text = (
        f"Regime map ({len(cells)} synthetic worlds by TF -> TF depth, feedback and training data; "
        f"results/regime_map/): LEMBAS-RNN beats {rivals} on unseen TFs (each interval above 0) in {where}."
    )
    trainings = [t for t in ("observational", "interventional") if (table["training"] == t).any()]
    if len(trainings) == 2:
        parts = [
            f"{t} training {_mean(table, t, 'mean_abs_tf_tf'):.3f} vs {_mean(table, t, 'mean_abs_tf_gene'):.3f}, "
            f"true-weight r {_mean(table, t, 'tf_tf_weight_r'):.2f}"
            for t in trainings
        ]
        text += f" What the RNN learned (mean |w| on TF -> TF vs TF -> gene edges, over cells): {'; '.join(parts)}."
    return [text]


def verdict_sentences(inputs: VerdictInputs, kinds: Mapping[str, str], networks: Mapping[str, str]) -> list[str]:
    """Every sentence of the verdict, in reading order (see the module docstring)."""
    sentences = [best_model_sentence(inputs, "test", "test split")]
    sentences += control_sentences(inputs, kinds, networks)
    sentences += question_sentences(inputs, kinds)
    sentences.append(best_model_sentence(inputs, "validation", "validation cohort"))
    sentences += intervention_sentences(inputs, kinds, networks)
    sentences += regime_map_sentences(inputs.regime_map)
    sentences += measured_sentences(inputs)
    sentences += [f"Warning: {w}" for w in warnings(inputs)]
    return [s for s in sentences if s]


def as_markdown(sentences: list[str], method: str) -> str:
    """`results/verdict.md`."""
    lines = ["# Verdict", "", *(f"- {s}" for s in sentences), ""]
    lines.append(
        f"Generated from results/metrics/{{summary,paired,ladder_paired,fits}}.tsv (interventions: "
        f"interventions_{{summary,paired}}.tsv); intervals: 95% {method}, 97% for paired differences "
        "(interventions: 95% t over perturbed TFs)."
    )
    return "\n".join(lines) + "\n"


def as_rst(sentences: list[str], method: str, description: str) -> str:
    """The report's first page: the verdict, then the workflow `description` (reStructuredText)."""
    escaped = [
        s.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`").replace("_", "\\_").replace("|", "\\|")
        for s in sentences
    ]
    lines = ["Verdict", "=======", "", *(f"- {s}" for s in escaped), ""]
    lines += [
        f"Intervals: 95% {method}; every comparison reads the 97% interval of the paired difference "
        "(interventions: 95% Student t over the perturbed TFs).",
        "",
        description.strip(),
        "",
    ]
    return "\n".join(lines)
