"""The verdict's sentences follow from the tables: constructed summary, paired and fit tables in, sentences
out; changing a table changes the sentence that rests on it."""

from __future__ import annotations

import base64
import re
from dataclasses import replace

import pandas as pd
import pytest
from docutils.core import publish_parts

from lembas_core.evaluation.calibration import calibration_at
from lembas_core.evaluation.metrics import PAIRED_COLUMNS
from lembas_core.evaluation.verdicts import A_BETTER, NO_INTERVAL, verdict_of
from lembas_core.reporting.forest import caption, forest_figure
from lembas_core.reporting.verdict import (
    INTERVENTIONAL,
    OBSERVATIONAL,
    REPORT_STYLE,
    Comparison,
    Picture,
    VerdictInputs,
    as_markdown,
    as_rst,
    verdict_comparisons,
    verdict_sentences,
)

KINDS = {"ridge": "ridge", "prior_ridge": "prior_ridge", "rnn": "rnn", "rnn_shuffled": "rnn"}
NETWORKS = {"ridge": "", "prior_ridge": "prior", "rnn": "prior", "rnn_shuffled": "shuffled"}


def summary_row(model: str, split: str, r2: float, pearson: float, n: int = 300) -> dict:
    return {
        "model": model,
        "split": split,
        "n_samples": n,
        "n_genes": 1000,
        "r2_uniform": r2,
        "r2_uniform_lo": r2 - 0.02,
        "r2_uniform_hi": r2 + 0.02,
        "r2_uniform_plain": r2 - 0.01,
        "pearson_uniform": pearson,
        "pearson_uniform_lo": pearson - 0.02,
        "pearson_uniform_hi": pearson + 0.02,
    }


def paired_row(split: str, a: str, b: str, difference: float, half_width: float = 0.01, tell: bool = True) -> dict:
    lo, hi = difference - half_width, difference + half_width
    metric = "pearson_uniform" if split == "validation" else "r2_uniform"
    row = dict.fromkeys(PAIRED_COLUMNS, 0.0)
    row.update(split=split, model_a=a, model_b=b, verdict_metric=metric)
    row.update({f"{metric}_difference": difference, f"{metric}_difference_lo": lo, f"{metric}_difference_hi": hi})
    row["verdict"] = verdict_of(lo, hi, can_tell=tell)
    return row


def inputs(summary_rows, paired_rows, fits=None, n_test=300, missing=0.0, method="jackknife") -> VerdictInputs:
    for row in summary_rows:
        if row["split"] == "test":
            row["n_samples"] = n_test
    fits = fits or [{"model": m, "converged": "yes", "stop_reason": "early stop"} for m in KINDS]
    paired = pd.DataFrame(paired_rows)
    return VerdictInputs(pd.DataFrame(summary_rows), paired, paired, pd.DataFrame(fits), missing, method=method)


def standard(rnn_test=0.35, ridge_test=0.36, swap=False):
    scores = {"ridge": ridge_test, "prior_ridge": 0.34, "rnn": rnn_test, "rnn_shuffled": 0.16}
    if swap:
        scores["ridge"], scores["rnn"] = scores["rnn"], scores["ridge"]
    summary = [summary_row(m, "test", r2, 0.5) for m, r2 in scores.items()]
    summary += [
        summary_row(m, "validation", 0.1, p) for m, p in {"ridge": 0.40, "rnn": 0.45, "prior_ridge": 0.3}.items()
    ]
    first, second = sorted(("ridge", "rnn"), key=lambda m: -scores[m])
    paired = [
        paired_row("test", first, second, abs(scores["ridge"] - scores["rnn"]), 0.02),
        paired_row("test", "rnn", "rnn_shuffled", 0.19),
        paired_row("test", "rnn", "prior_ridge", scores["rnn"] - 0.34, 0.005),
        paired_row("test", "prior_ridge", "ridge", 0.34 - scores["ridge"]),
        paired_row("validation", "rnn", "ridge", 0.05),
    ]
    return summary, paired


def test_sentences_name_the_best_model_and_the_interval_of_its_lead():
    summary, paired = standard()
    sentences = verdict_sentences(inputs(summary, paired), KINDS, NETWORKS)
    assert sentences[0].startswith("On the test split (300 samples, 1000 genes), ridge scores best")
    assert "r2_uniform): 0.360 [0.340, 0.380] (plain, as upstream computed it: 0.350)." in sentences[0]
    assert "runner-up rnn is +0.010 [-0.010, 0.030], which includes 0: a tie" in sentences[0]
    assert any("rnn_shuffled" in s and "the network's information carries it" in s for s in sentences)
    assert any(s.startswith("rnn vs prior_ridge") and "adds to the prior" in s for s in sentences)
    assert any(s.startswith("prior_ridge vs ridge") and "hurts" in s for s in sentences)
    assert any(
        s.startswith("On the validation cohort") and "rnn scores best by per-gene Pearson" in s for s in sentences
    )
    assert not any(s.startswith("Warning") for s in sentences)


def test_swapping_two_models_rows_flips_the_sentences():
    summary, paired = standard(swap=True)
    sentences = verdict_sentences(inputs(summary, paired), KINDS, NETWORKS)
    assert "rnn scores best" in sentences[0] and "runner-up ridge" in sentences[0]
    assert any(s.startswith("prior_ridge vs ridge") and "helps" in s for s in sentences)
    assert any(s.startswith("rnn vs prior_ridge") and "adds to the prior" in s for s in sentences)


@pytest.mark.parametrize(
    ("difference", "reading"),
    [(0.19, "carries it"), (0.0, "does not measurably carry it"), (-0.19, "the control does better")],
)
def test_the_network_control_sentence_follows_the_interval(difference, reading):
    summary, paired = standard()
    paired[1] = paired_row("test", "rnn", "rnn_shuffled", difference)
    sentences = verdict_sentences(inputs(summary, paired), KINDS, NETWORKS)
    assert any("rnn_shuffled" in s and reading in s for s in sentences)


def test_warnings_that_change_the_reading():
    summary, paired = standard(rnn_test=-0.1, ridge_test=-0.05)
    for row in summary:
        if row["split"] == "test":
            row["r2_uniform"] = min(row["r2_uniform"], -0.01)
    fits = [{"model": "rnn", "converged": "no", "stop_reason": "epoch cap 3 reached"}]
    sentences = verdict_sentences(inputs(summary, paired, fits, n_test=17, missing=0.6), KINDS, NETWORKS)
    warnings = [s for s in sentences if s.startswith("Warning")]
    assert any("rnn did not converge (epoch cap 3 reached) and its training measured no bound" in w for w in warnings)
    assert any("60% of the TF features are zero-filled" in w and "validation_missing: drop" in w for w in warnings)
    assert any("no model beats a constant per gene" in w for w in warnings)


@pytest.mark.parametrize("n_test", [17, 30, 60, 300])
def test_the_verdict_names_the_measured_coverage_at_the_runs_size(n_test):
    """The coverage and false-verdict rate of the shipped calibration at the run's test size, in words; a
    warning where the interval covered less than 92% there."""
    measured = calibration_at("test", "jackknife", n_test)
    summary, paired = standard()
    sentences = verdict_sentences(inputs(summary, paired, n_test=n_test), KINDS, NETWORKS)
    line = next(s for s in sentences if s.startswith(f"Intervals on {n_test} test samples"))
    assert f"covered {100 * measured.coverage:.1f}% of sets" in line
    assert f"equal models in {100 * measured.false_verdict:.1f}%" in line
    assert any("covered only" in s for s in sentences if s.startswith("Warning")) == (measured.coverage < 0.92)


def test_below_every_measured_size_the_verdict_cannot_tell_and_says_why():
    """At 5 test samples no false-verdict rate is measured: the paired tables say so, and each comparison's
    sentence says it cannot tell at this size instead of naming a winner."""
    summary, paired = standard()
    paired = [paired_row(r["split"], r["model_a"], r["model_b"], r[f"{r['verdict_metric']}_difference"],
                         tell=r["split"] != "test") for r in paired]  # fmt: skip
    sentences = verdict_sentences(inputs(summary, paired, n_test=5), KINDS, NETWORKS)
    reason = "cannot tell at this size (no false-verdict rate of jackknife intervals is measured at 5 test samples"
    assert reason in sentences[0]
    for start in ("rnn vs the same model on a shuffled network", "rnn vs prior_ridge", "prior_ridge vs ridge"):
        sentence = next(s for s in sentences if s.startswith(start))
        assert reason in sentence and "carries it" not in sentence and "adds to" not in sentence
    assert any(s.startswith("Intervals on 5 test samples: no false-verdict rate") for s in sentences)


def test_markdown_and_report_page():
    summary, paired = standard()
    sentences = verdict_sentences(inputs(summary, paired), KINDS, NETWORKS)
    markdown = as_markdown(sentences, "jackknife")
    assert markdown.startswith("# Verdict\n\n- On the test split") and "95% jackknife" in markdown
    rst = as_rst(sentences, "jackknife", "The workflow.")
    assert rst.startswith(f"Verdict\n=======\n\n.. raw:: html\n\n   {REPORT_STYLE}\n\n- On the test split")
    assert rst.rstrip().endswith("The workflow.")


def test_the_pages_show_the_forest_plot_first_with_its_caption():
    picture = Picture("figures/verdict_forest.png", b"\x89PNG fake", "Paired differences: a_b +0.1.")
    markdown = as_markdown(["One."], "jackknife", picture)
    assert markdown.startswith("# Verdict\n\n![The paired differences behind the verdict](figures/verdict_forest.png)")
    assert markdown.index("*Paired differences: a_b +0.1.*") < markdown.index("- One.")
    png = bytes(range(256)) * 40  # 10 kB: over docutils' 10,000-character line limit as one base64 line
    rst = as_rst(["One."], "jackknife", "The workflow.", replace(picture, png=png))
    start, end = rst.index('src="data:image/png;base64,'), rst.index('">')
    encoded = "".join(rst[start:end].split("base64,", 1)[1].split())  # what a browser decodes
    assert base64.b64decode(encoded) == png  # embedded: the report is one file
    assert max(len(line) for line in rst.splitlines()) < 200
    assert start < rst.index("Paired differences: a\\_b") < rst.index("- One.")
    html = publish_parts(rst, writer_name="html")["html_body"]  # as the report renders its first page
    assert "System Message" not in html and html.index("<img") < html.index("One.")  # no docutils error instead


def test_display_names_replace_configuration_names_in_every_sentence():
    summary, paired = standard()
    fits = unconverged_rnn(0.001)
    labels = {
        "ridge": "Ridge (CV)",
        "prior_ridge": "Prior ridge",
        "rnn": "LEMBAS-RNN",
        "rnn_shuffled": "LEMBAS-RNN, shuffled",
    }
    sentences = verdict_sentences(replace(inputs(summary, paired, fits), labels=labels), KINDS, NETWORKS)
    text = " ".join(sentences)
    assert sentences[0].startswith("On the test split (300 samples, 1000 genes), Ridge (CV) scores best")
    assert "LEMBAS-RNN vs the same model on a shuffled network (LEMBAS-RNN, shuffled)" in text
    assert "Warning: LEMBAS-RNN did not converge" in text and "vs Prior ridge (" in text
    assert not re.search(r"\b(rnn|prior_ridge|rnn_shuffled)\b", text)  # no configuration name left


def test_the_forest_plot_reads_the_sentences_pairs_once_each_in_their_order():
    summary, paired = standard(rnn_test=0.37, ridge_test=0.30)  # rnn best, prior_ridge runner-up
    found = verdict_comparisons(inputs(summary, paired), KINDS, NETWORKS)
    assert [(c.question, c.a, c.b) for c in found] == [
        ("best vs runner-up, test", "rnn", "prior_ridge"),  # also the architecture pair: shown once
        ("the network's information", "rnn", "rnn_shuffled"),
        ("prior vs every TF", "prior_ridge", "ridge"),
        ("best vs runner-up, validation", "rnn", "ridge"),
    ]
    assert found[0].difference == pytest.approx(0.03) and found[0].verdict == A_BETTER
    assert {c.panel for c in found} == {OBSERVATIONAL}
    assert len(forest_figure(found).axes) == 1 and len(forest_figure([]).axes) == 1


def test_the_forest_caption_gives_every_rows_numbers_and_says_what_is_missing():
    nan = float("nan")
    rows = [
        Comparison(
            OBSERVATIONAL, "best vs runner-up, test", "a", "b", "test", "r2_uniform", 0.012, 0.01, 0.015, A_BETTER
        ),
        Comparison(
            INTERVENTIONAL, "vs no change", "a", "no_change", "tfs", "pearson_delta", nan, nan, nan, NO_INTERVAL
        ),
    ]
    text = caption(rows, {"a": "Model A", "b": "Model B"}.get, "bca")
    assert "97% bca interval" in text
    assert "Model A vs Model B (best vs runner-up, test, r2_uniform): +0.012 [0.010, 0.015], Model A better" in text
    assert "(vs no change, pearson_delta): n/a (no interval), no interval" in text
    assert len(forest_figure(rows, str, "bca").axes) == 2


def test_a_run_without_intervals_still_gets_a_verdict():
    summary, paired = standard()
    for row in summary:
        for key in [k for k in row if k.endswith(("_lo", "_hi", "_corrected"))]:
            del row[key]
    for row in paired:
        row.update({k: float("nan") for k in row if k.endswith(("_lo", "_hi"))}, verdict=NO_INTERVAL)
    sentences = verdict_sentences(inputs(summary, paired, method="none"), KINDS, NETWORKS)
    assert "0.360 (no interval)" in sentences[0] and "no interval to decide" in sentences[0]
    assert not any(s.startswith("Intervals on") for s in sentences)
    assert any("rnn_shuffled" in s and "no interval to decide" in s for s in sentences)
    assert any(s.startswith("rnn vs prior_ridge") and "no interval to decide" in s for s in sentences)


def intervention_tables(rnn: float, margins: dict[str, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """interventions_summary and _paired in the headline setting: rnn's mean Pearson delta and its
    difference from each rival (half-width 0.05)."""
    from lembas_core.evaluation.interventions import PAIRED_COLUMNS as IV_PAIRED
    from lembas_core.evaluation.interventions import SUMMARY_COLUMNS

    setting = {"regime": "A", "range": "in", "seen": "unseen", "genes": "all", "metric": "pearson_delta"}
    means = {"rnn": rnn, "no_change": 0.0, **{m: rnn - d for m, d in margins.items()}}
    summary = pd.DataFrame(
        [{**setting, "model": m, "n_tfs": 50, "mean": v, "lo": v - 0.05, "hi": v + 0.05} for m, v in means.items()]
    )[SUMMARY_COLUMNS]
    paired = []
    for rival, difference in {**margins, "no_change": rnn}.items():
        lo, hi = difference - 0.05, difference + 0.05
        paired.append({**setting, "model_a": "rnn", "model_b": rival, "n_tfs": 50, "difference": difference,
                       "lo": lo, "hi": hi, "verdict": verdict_of(lo, hi)})  # fmt: skip
    return summary, pd.DataFrame(paired)[IV_PAIRED]


@pytest.mark.parametrize(
    ("margins", "wins"),
    [
        ({"rnn_shuffled": 0.6, "prior_ridge": 0.1, "ridge": 0.2}, True),
        ({"rnn_shuffled": 0.6, "prior_ridge": 0.01, "ridge": 0.2}, False),  # a tie with the prior ridge
        ({"rnn_shuffled": 0.6, "prior_ridge": 0.1, "ridge": -0.2}, False),  # ridge forecasts better
    ],
)
def test_the_interventional_answer_needs_every_interval_above_zero(margins, wins):
    summary, paired = standard()
    tables = intervention_tables(0.7, margins)
    found = replace(inputs(summary, paired), interventions=tables[0], interventions_paired=tables[1])
    sentences = verdict_sentences(found, KINDS, NETWORKS)
    answer = [s for s in sentences if s.startswith("rnn: vs no change")]
    assert len(answer) == 1, sentences
    assert ("it wins the interventional test" in answer[0]) == wins
    assert "vs its shuffled-network control (rnn_shuffled) +0.600 [0.550, 0.650]" in answer[0]
    assert "vs the best model without the network (ridge)" in answer[0]
    best = next(s for s in sentences if s.startswith("Interventions"))
    top = "ridge" if margins["ridge"] < 0 else "rnn"
    assert f"{top} forecasts best by Pearson delta" in best and "exact counterfactuals" in best


def test_an_interventional_comparison_without_an_interval_is_no_win():
    """Undefined intervals (one perturbed TF) read `no interval` in the table, and the page calls it no win."""
    summary, paired = standard()
    table, rows = intervention_tables(0.7, {"rnn_shuffled": 0.6, "prior_ridge": 0.1, "ridge": 0.2})
    rows = rows.assign(lo=float("nan"), hi=float("nan"), verdict=NO_INTERVAL)
    found = replace(inputs(summary, paired), interventions=table, interventions_paired=rows)
    answer = [s for s in verdict_sentences(found, KINDS, NETWORKS) if s.startswith("rnn: vs no change")]
    assert "+0.700 (no interval)" in answer[0] and "it does not win the interventional test" in answer[0]


def test_no_interventional_sentences_without_the_stage():
    summary, paired = standard()
    assert not [s for s in verdict_sentences(inputs(summary, paired), KINDS, NETWORKS) if "nterventi" in s]


def test_a_model_without_a_network_control_in_the_run_is_not_called_a_winner():
    summary, paired = standard()
    tables = intervention_tables(0.7, {"prior_ridge": 0.1, "ridge": 0.2})
    found = replace(inputs(summary, paired), interventions=tables[0], interventions_paired=tables[1])
    kinds = {m: k for m, k in KINDS.items() if m != "rnn_shuffled"}
    answer = [s for s in verdict_sentences(found, kinds, NETWORKS) if s.startswith("rnn: vs no change")][0]
    assert "no network control of it ran" in answer and "wins" not in answer


def test_the_report_page_escapes_what_restructuredtext_would_read_as_markup():
    page = as_rst(["a |x| b with *stars* and snake_case"], "jackknife", "Description.")
    assert "a \\|x\\| b with \\*stars\\* and snake\\_case" in page


def unconverged_rnn(doubling_gain: float | None) -> list[dict]:
    """fits.tsv rows: every model converged but rnn, whose check measured `doubling_gain` (None: no check)."""
    rows = [{"model": m, "converged": "yes", "stop_reason": "early stop", "doubling_gain": None} for m in KINDS]
    rows[2] = {"model": "rnn", "converged": "no", "stop_reason": "still improving", "doubling_gain": doubling_gain}
    return rows


@pytest.mark.parametrize(
    ("gain", "prior_ridge_reading", "ridge_reading"),
    [
        (0.001, "more training cannot close the gap", "more training cannot close the gap"),
        (0.03, "more training could close the gap to prior_ridge", "more training could close the gap to ridge"),
    ],
)
def test_an_unconverged_model_says_what_more_training_could_change(gain, prior_ridge_reading, ridge_reading):
    """The last doubling's measured gain bounds all further training: a gap wider than it cannot close, a
    narrower one can; a lead over a converged control can only widen."""
    summary, paired = standard(rnn_test=0.31, ridge_test=0.345)
    sentences = verdict_sentences(inputs(summary, paired, unconverged_rnn(gain)), KINDS, NETWORKS)
    line = next(s for s in sentences if s.startswith("Warning: rnn did not converge"))
    assert f"gained {gain:.4f} inner-validation r2_uniform" in line
    assert f"vs prior_ridge (-0.030 [-0.035, -0.025]) {prior_ridge_reading}" in line
    assert "vs rnn_shuffled (+0.190 [0.180, 0.200]) more training can only widen the lead" in line
    assert f"vs ridge (-0.035 [-0.055, -0.015]) {ridge_reading}" in line  # the best model


@pytest.mark.parametrize(
    ("gain", "reading"), [(0.02, "it stays a tie"), (0.04, "more training could break the tie for rnn")]
)
def test_a_tie_breaks_only_when_the_bound_lifts_the_whole_interval_above_zero(gain, reading):
    summary, paired = standard()  # ridge - rnn +0.010 [-0.010, 0.030]
    sentences = verdict_sentences(inputs(summary, paired, unconverged_rnn(gain)), KINDS, NETWORKS)
    line = next(s for s in sentences if s.startswith("Warning: rnn did not converge"))
    assert f"vs ridge (-0.010 [-0.030, 0.010]) {reading}" in line


@pytest.mark.parametrize(
    ("control_gain", "reading"),
    [
        (0.2, "more training of rnn_shuffled could close the gap"),
        (None, "rnn_shuffled did not converge either, by an unknown amount"),
    ],
)
def test_a_control_that_did_not_converge_either_moves_its_side(control_gain, reading):
    """rnn's lead over rnn_shuffled (+0.19 [0.18, 0.20]) could close only if the control may gain 0.18; a
    control without a bound may move by any amount."""
    summary, paired = standard()
    fits = unconverged_rnn(0.001)
    fits[3] = {**fits[2], "model": "rnn_shuffled", "doubling_gain": control_gain}
    sentences = verdict_sentences(inputs(summary, paired, fits), KINDS, NETWORKS)
    line = next(s for s in sentences if s.startswith("Warning: rnn did not converge:"))
    assert f"vs rnn_shuffled (+0.190 [0.180, 0.200]) {reading}" in line


@pytest.mark.parametrize("gain", [None, -0.02])  # no check ran; the longer run lost ground
def test_an_unconverged_model_without_a_bound_says_so(gain):
    summary, paired = standard()
    sentences = verdict_sentences(inputs(summary, paired, unconverged_rnn(gain)), KINDS, NETWORKS)
    assert any(
        s.startswith("Warning: rnn did not converge (still improving) and its training measured no bound")
        for s in sentences
    )
    assert not any("more training" in s for s in sentences)
