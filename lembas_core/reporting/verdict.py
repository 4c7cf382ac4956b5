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

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    labels: Mapping[str, str] = field(default_factory=dict)  # model name -> display name (the name when absent)

    def label(self, model: str) -> str:
        """Display name of `model` (no change and unknown names as they are)."""
        return self.labels.get(model, model)


def signed(value: float) -> str:
    """A difference as the verdict prints it: '+0.012', or 'n/a'."""
    return f"{value:+.3f}" if np.isfinite(value) else "n/a"


def interval_words(lo: float | None, hi: float | None) -> str:
    """An interval as the verdict prints it: '[0.010, 0.015]', or '(no interval)'."""
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


OBSERVATIONAL, INTERVENTIONAL = "observational", "interventional"


@dataclass(frozen=True)
class Comparison:
    """One paired difference the verdict reads: A - B in `metric` on `split` (the perturbed TFs for the
    interventional panel), its interval and its verdict word from A's side; `question` says what it asks."""

    panel: str  # OBSERVATIONAL or INTERVENTIONAL
    question: str
    a: str
    b: str
    split: str
    metric: str
    difference: float
    lo: float
    hi: float
    verdict: str


def _observational(paired: pd.DataFrame, split: str, pair: tuple[str, str], question: str) -> Comparison | None:
    found = _difference(paired, split, *pair)
    if not found:
        return None
    verdict, value, lo, hi = found
    return Comparison(OBSERVATIONAL, question, *pair, split, verdict_metric(split), value, lo, hi, verdict)


def runner_up(inputs: VerdictInputs, split: str) -> Comparison | None:
    """The best model on `split` against the runner-up, or None (fewer than two models, no paired row)."""
    ranked, _ = _best(inputs.summary, split)
    if len(ranked) < 2:
        return None
    pair = (ranked.iloc[0].model, ranked.iloc[1].model)
    return _observational(inputs.paired, split, pair, f"best vs runner-up, {split}")


def best_model_sentence(inputs: VerdictInputs, split: str, cohort: str) -> str | None:
    """Which model scores best on `split` and whether its lead over the runner-up excludes 0."""
    ranked, metric = _best(inputs.summary, split)
    if ranked.empty:
        return None
    top = ranked.iloc[0]
    plain = f" (plain, as upstream computed it: {top['r2_uniform_plain']:.3f})" if metric == "r2_uniform" else ""
    text = (
        f"On the {cohort} ({int(top.n_samples)} samples, {int(top.n_genes)} genes), {inputs.label(top.model)} "
        f"scores best by {METRIC_NAMES[metric]}: {top[metric]:.3f} "
        f"{interval_words(top.get(f'{metric}_lo'), top.get(f'{metric}_hi'))}{plain}."
    )
    lead = runner_up(inputs, split)
    if lead:
        readings = {
            A_BETTER: "which excludes 0: it is better",
            TIE: "which includes 0: a tie",
            B_BETTER: "which lies below 0",
        }
        reading = _reading(lead.verdict, readings, split, inputs.method, int(top.n_samples))
        text += (
            f" Its lead over the runner-up {inputs.label(lead.b)} is {signed(lead.difference)} "
            f"{interval_words(lead.lo, lead.hi)}, {reading}."
        )
    return text


CONTROL_READINGS = {
    A_BETTER: "the network's information carries it",
    TIE: "the network's information does not measurably carry it (a tie)",
    B_BETTER: "the control does better: the prior network misleads it",
}


def control_comparisons(inputs: VerdictInputs, networks: Mapping[str, str]) -> list[Comparison]:
    """Every model on the prior against its shuffled- or random-network control, on the test split."""
    ladder = inputs.ladder_paired
    rows = ladder[(ladder.split == "test") & ladder.model_b.map(lambda m: networks.get(m) in ("shuffled", "random"))]
    pairs = zip(rows.model_a, rows.model_b)
    found = [_observational(ladder, "test", pair, "the network's information") for pair in pairs]
    return [c for c in found if c]


def control_sentences(inputs: VerdictInputs, networks: Mapping[str, str]) -> list[str]:
    """For every model on a shuffled or random network: does the network's information carry its model?"""
    n = _test_samples(inputs)
    return [
        f"{inputs.label(c.a)} vs the same model on a {networks[c.b]} network ({inputs.label(c.b)}), test r2_uniform "
        f"difference {signed(c.difference)} {interval_words(c.lo, c.hi)}: "
        f"{_reading(c.verdict, CONTROL_READINGS, 'test', inputs.method, n)}."
        for c in control_comparisons(inputs, networks)
    ]


def architecture_comparisons(inputs: VerdictInputs, kinds: Mapping[str, str]) -> list[Comparison]:
    """The architecture questions (READINGS) on the kinds' own models, on the test split."""
    out = []
    for pair in READINGS:
        if pair[0] in kinds and pair[1] in kinds:
            question = "architecture on the same prior" if pair == ARCHITECTURE_PAIRS[0] else "prior vs every TF"
            found = _observational(inputs.ladder_paired, "test", pair, question)
            out += [found or _observational(inputs.paired, "test", pair, question)]
    return [c for c in out if c]


def question_sentences(inputs: VerdictInputs, kinds: Mapping[str, str]) -> list[str]:
    """The architecture questions (READINGS) on the kinds' own models, on the test split."""
    sentences = []
    for c in architecture_comparisons(inputs, kinds):
        better, tie, worse = READINGS[(c.a, c.b)]
        reading = _reading(c.verdict, {A_BETTER: better, TIE: tie, B_BETTER: worse}, "test", inputs.method,
                           _test_samples(inputs))  # fmt: skip
        sentences.append(
            f"{inputs.label(c.a)} vs {inputs.label(c.b)}: test r2_uniform difference {signed(c.difference)} "
            f"{interval_words(c.lo, c.hi)}: {reading}."
        )
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
    out += headroom_sentences(inputs.fits, inputs.paired, inputs.ladder_paired, by_score, inputs.label)
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


def _forecasters(inputs: VerdictInputs) -> pd.DataFrame:
    """The HEADLINE rows of the interventions summary without no change, best first (empty without the stage)."""
    if inputs.interventions is None or inputs.interventions_paired is None:
        return pd.DataFrame(columns=["model", "mean"])
    summary = headline(inputs.interventions)
    summary = summary[np.isfinite(summary["mean"])].sort_values("mean", ascending=False)
    return summary[summary.model != NO_CHANGE]


def _controls(model: str, kinds: Mapping[str, str], networks: Mapping[str, str]) -> list[str]:
    """The run's models of `model`'s kind on a shuffled or random network."""
    return [m for m in kinds if kinds[m] == kinds[model] and networks.get(m) in ("shuffled", "random")]


def _intervention_comparison(inputs: VerdictInputs, a: str, b: str, question: str) -> Comparison | None:
    found = _intervention_difference(inputs.interventions_paired, a, b)
    if not found:
        return None
    verdict, value, lo, hi = found
    return Comparison(INTERVENTIONAL, question, a, b, INTERVENTIONS, "pearson_delta", value, lo, hi, verdict)


def intervention_comparisons(
    inputs: VerdictInputs, kinds: Mapping[str, str], networks: Mapping[str, str]
) -> list[Comparison]:
    """The best forecaster against no change, then each network model of a kind against its rivals: no change,
    its network controls, the prior ridge and the best model without the network (in that order)."""
    forecasters = _forecasters(inputs)
    if forecasters.empty:
        return []
    out = [_intervention_comparison(inputs, forecasters.iloc[0].model, NO_CHANGE, "best vs no change")]
    plain = [m for m in forecasters.model if kinds.get(m) not in (None, "mean") and not _uses_network(m, networks)]
    for model in [m for m in forecasters.model if networks.get(m) == "prior" and kinds.get(m) == m]:
        rivals = {NO_CHANGE: "vs no change"}
        rivals |= {c: f"vs its {networks[c]}-network control" for c in _controls(model, kinds, networks)}
        rivals |= {"prior_ridge": "vs the prior ridge"} if model != "prior_ridge" and "prior_ridge" in kinds else {}
        rivals |= {plain[0]: "vs the best model without the network"} if plain else {}
        out += [_intervention_comparison(inputs, model, rival, question) for rival, question in rivals.items()]
    return [c for c in out if c]


def intervention_sentences(inputs: VerdictInputs, kinds: Mapping[str, str], networks: Mapping[str, str]) -> list[str]:
    """The interventional answer (module docstring); none without the stage."""
    forecasters = _forecasters(inputs)
    if inputs.interventions is None or inputs.interventions_paired is None:
        return []
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
        f"perturbed one changed; levels within the training range; {tfs}): {inputs.label(top.model)} forecasts "
        f"best by Pearson delta, {top['mean']:.3f} {interval_words(top.lo, top.hi)}"
    )
    comparisons = intervention_comparisons(inputs, kinds, networks)
    if comparisons and comparisons[0].question == "best vs no change":
        lead, comparisons = comparisons[0], comparisons[1:]
        text += f", {signed(lead.difference)} {interval_words(lead.lo, lead.hi)} over no change"
    sentences = [text + "."]
    for model in dict.fromkeys(c.a for c in comparisons):
        beats = [c for c in comparisons if c.a == model]
        parts = [
            f"{c.question}{'' if c.b == NO_CHANGE else f' ({inputs.label(c.b)})'} {signed(c.difference)} "
            f"{interval_words(c.lo, c.hi)}"
            for c in beats
        ]
        controls = _controls(model, kinds, networks)
        above = all(c.verdict == A_BETTER for c in beats)
        if any(c.verdict == CANNOT_TELL for c in beats):
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
        sentences.append(f"{inputs.label(model)}: {'; '.join(parts)}: {reading}")
    return sentences


def verdict_comparisons(
    inputs: VerdictInputs, kinds: Mapping[str, str], networks: Mapping[str, str]
) -> list[Comparison]:
    """Every paired difference the verdict's sentences read, in their order, each pair once (the forest plot's
    rows)."""
    found = [runner_up(inputs, "test"), *control_comparisons(inputs, networks)]
    found += [*architecture_comparisons(inputs, kinds), runner_up(inputs, "validation")]
    found += intervention_comparisons(inputs, kinds, networks)
    key = lambda c: (c.panel, c.split, frozenset((c.a, c.b)))  # noqa: E731 (a pair either way round)
    first = {key(c): c for c in reversed([c for c in found if c])}
    return [c for c in found if c and first[key(c)] is c]


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
    sentences += control_sentences(inputs, networks)
    sentences += question_sentences(inputs, kinds)
    sentences.append(best_model_sentence(inputs, "validation", "validation cohort"))
    sentences += intervention_sentences(inputs, kinds, networks)
    sentences += regime_map_sentences(inputs.regime_map)
    sentences += measured_sentences(inputs)
    sentences += [f"Warning: {w}" for w in warnings(inputs)]
    return [s for s in sentences if s]


@dataclass(frozen=True)
class Picture:
    """The forest plot on the verdict page: its path relative to the page, its PNG bytes and its caption."""

    path: str
    png: bytes
    caption: str


def as_markdown(sentences: list[str], method: str, picture: Picture | None = None) -> str:
    """`results/verdict.md`: the forest plot and its caption (when drawn), then the sentences."""
    lines = ["# Verdict", ""]
    if picture:
        lines += [f"![The paired differences behind the verdict]({picture.path})", "", f"*{picture.caption}*", ""]
    lines += [*(f"- {s}" for s in sentences), ""]
    lines.append(
        f"Generated from results/metrics/{{summary,paired,ladder_paired,fits}}.tsv (interventions: "
        f"interventions_{{summary,paired}}.tsv); intervals: 95% {method}, 97% for paired differences "
        "(interventions: 95% t over perturbed TFs)."
    )
    return "\n".join(lines) + "\n"


# Snakemake's report (9.x) centres its landing page vertically in a scrolling box, so a page taller than the
# screen loses its top (the verdict's first lines) above the scroll origin. This rule, shipped inside the page,
# aligns it to the top; tests/test_report_screenshot.py checks the first screen in Chromium.
REPORT_STYLE = "<style>div.h-screen.items-center.overflow-auto { align-items: flex-start; }</style>"


def embedded_image(png: bytes, width: int = 76) -> list[str]:
    """An HTML <img> carrying `png` as a data URL, its base64 in lines of `width` characters: docutils refuses
    lines over 10,000 characters (the report would show an error instead of the page), and browsers drop the
    line breaks when they decode the URL (WHATWG "forgiving base64")."""
    encoded = base64.b64encode(png).decode("ascii")
    chunks = [encoded[i : i + width] for i in range(0, len(encoded), width)] or [""]
    return [
        '<img alt="the paired differences behind the verdict" style="width:100%" src="data:image/png;base64,',
        *chunks,
        '">',
    ]


def _rst_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`").replace("_", "\\_").replace("|", "\\|")


def as_rst(sentences: list[str], method: str, description: str, picture: Picture | None = None) -> str:
    """The report's first page: the forest plot (embedded, so the self-contained report carries it) and its
    caption, the verdict, then the workflow `description` (reStructuredText)."""
    lines = ["Verdict", "=======", "", ".. raw:: html", "", f"   {REPORT_STYLE}", ""]
    if picture:
        lines += [".. raw:: html", "", *(f"   {line}" for line in embedded_image(picture.png)), ""]
        lines += [_rst_escaped(picture.caption), ""]
    lines += [*(f"- {_rst_escaped(s)}" for s in sentences), ""]
    lines += [
        f"Intervals: 95% {method}; every comparison reads the 97% interval of the paired difference "
        "(interventions: 95% Student t over the perturbed TFs).",
        "",
        description.strip(),
        "",
    ]
    return "\n".join(lines)
