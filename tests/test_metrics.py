"""Metrics against the reference definitions in sklearn/scipy, flags, intervals, strata, paired comparisons."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pearsonr
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from cohort_helpers import DEFAULTS
from lembas_core.evaluation.metrics import (
    GENE_TABLE_BLOCK,
    gene_table,
    headline_genes,
    paired_comparison,
    strata_table,
    summary_metrics,
)
from lembas_core.evaluation.verdicts import (
    A_BETTER,
    B_BETTER,
    CANNOT_TELL,
    NO_INTERVAL,
    TIE,
    VERDICTS,
    flipped,
    verdict_of,
)

NO_INTERVALS = replace(DEFAULTS.evaluate.score, interval="none")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    y = rng.gamma(2.0, 1.0, (300, 40)) + np.linspace(0, 5, 40)  # genes at different mean levels
    p = y + rng.normal(0, 0.5, y.shape)
    return y, p, [f"g{i}" for i in range(40)]


def test_headline_metrics_match_reference_definitions(data):
    y, p, _ = data
    row = summary_metrics(y, p, np.ones(40, bool), NO_INTERVALS)[0]
    assert row["r2_flat"] == pytest.approx(r2_score(y.ravel(), p.ravel()), rel=1e-10)
    assert row["r2_uniform_plain"] == pytest.approx(r2_score(y, p, multioutput="uniform_average"), rel=1e-10)
    n = len(y)  # r2_uniform: each gene's mean squared error over its unbiased variance
    unbiased = 1 - (n - 1) / n * (1 - r2_score(y, p, multioutput="raw_values"))
    assert row["r2_uniform"] == pytest.approx(np.mean(unbiased), rel=1e-10)
    assert row["pearson"] == pytest.approx(pearsonr(y.ravel(), p.ravel())[0], rel=1e-10)
    assert row["rmse"] == pytest.approx(np.sqrt(mean_squared_error(y, p)), rel=1e-10)
    assert row["mae"] == pytest.approx(mean_absolute_error(y, p), rel=1e-10)
    assert row["r2_flat"] > row["r2_uniform"], "pooling around one global mean inflates R^2"


def test_per_gene_table_matches_sklearn(data):
    y, p, genes = data
    table = gene_table(y, p, genes)
    np.testing.assert_allclose(table.r2, r2_score(y, p, multioutput="raw_values"), rtol=1e-10)
    assert table.pearson[3] == pytest.approx(pearsonr(y[:, 3], p[:, 3])[0])
    assert table.cv[5] == pytest.approx(y[:, 5].std(ddof=1) / y[:, 5].mean())


def test_constant_gene_is_kept_and_flagged(data):
    y, p, genes = data
    y, p = y.copy(), p.copy()
    y[:, 7] = 0.0
    table = gene_table(y, p, genes)
    assert len(table) == 40 and not table.scored[7] and np.isnan(table.r2[7]) and table.scored.sum() == 39
    row = summary_metrics(y, p, np.ones(40, bool), NO_INTERVALS)[0]
    keep = np.arange(40) != 7
    assert row["r2_uniform_plain"] == pytest.approx(
        r2_score(y[:, keep], p[:, keep], multioutput="uniform_average"), rel=1e-10
    )


def test_zero_filled_genes_excluded_by_default(data):
    y, p, genes = data
    flags = np.zeros(40, bool)
    flags[[1, 2]] = True
    table = gene_table(y, p, genes, flags)
    assert (
        headline_genes(table, include_zero_filled=False).sum() == 38
        and headline_genes(table, include_zero_filled=True).sum() == 40
    )
    assert summary_metrics(y, p, headline_genes(table, include_zero_filled=False), NO_INTERVALS)[0]["n_genes"] == 38


@pytest.mark.parametrize("method", ["jackknife", "bca", "percentile"])
def test_intervals_are_deterministic_hold_their_estimate_and_shrink_with_n(data, method):
    y, p, _ = data
    settings = replace(DEFAULTS.evaluate.score, interval=method, bootstrap=100, bootstrap_seed=1)
    first, again = (
        summary_metrics(y, p, np.ones(40, bool), settings)[0],
        summary_metrics(y, p, np.ones(40, bool), settings)[0],
    )
    assert first == again
    for name in ("r2_uniform", "pearson_uniform", "r2_flat", "pearson", "rmse", "mae"):
        assert first[f"{name}_lo"] < first[name] < first[f"{name}_hi"], name
    assert "spearman_uniform_lo" not in first  # no method covered it (benchmarks/README.md): no interval shown
    small = summary_metrics(y[:60], p[:60], np.ones(40, bool), settings)[0]
    assert small["rmse_hi"] - small["rmse_lo"] > first["rmse_hi"] - first["rmse_lo"]


def test_cv_strata_split_genes_in_thirds(data):
    y, p, genes = data
    table = gene_table(y, p, genes)
    strata = strata_table(y, p, table, np.ones(40, bool))
    assert list(strata.stratum) == ["low", "medium", "high"] and strata.n_genes.sum() == 40
    assert abs(strata.n_genes.max() - strata.n_genes.min()) <= 1
    assert (strata.residual_sd > 0).all()


def test_cv_strata_without_a_varying_gene_are_empty_rows(data):
    """A split where no gene has a finite CV (here: a single sample) gives three empty strata, not a crash."""
    y, p, genes = data
    strata = strata_table(y[:1], p[:1], gene_table(y[:1], p[:1], genes), np.ones(40, bool))
    assert list(strata.stratum) == ["low", "medium", "high"] and (strata.n_genes == 0).all()
    assert strata.rmse.isna().all()


def compare(y, predictions: dict, genes, method: str = "jackknife") -> pd.DataFrame:
    """paired_comparison of every pair of `predictions` (name -> samples x genes) on the same samples."""
    settings = replace(DEFAULTS.evaluate.score, interval=method, bootstrap=100)
    r2 = {m: gene_table(y, p, genes).r2.to_numpy() for m, p in predictions.items()}
    found = {m: summary_metrics(y, p, np.ones(len(genes), bool), settings)[1] for m, p in predictions.items()}
    pairs = list(combinations(predictions, 2))
    return paired_comparison(r2, found, np.ones(len(genes), bool), pairs, method, "test")


@pytest.mark.parametrize("method", ["jackknife", "bca", "percentile"])
def test_paired_comparison_detects_the_better_model(data, method):
    """Every method's interval excludes 0; only the jackknife's false-verdict rate is measured (and shipped),
    so the bootstrap methods' verdicts cannot tell."""
    y, p, genes = data
    worse = p + np.random.default_rng(1).normal(0, 0.5, p.shape)
    row = compare(y, {"good": p, "bad": worse}, genes, method).iloc[0]
    assert (row.model_a, row.model_b) == ("good", "bad")
    assert row.verdict == ("a_better" if method == "jackknife" else "cannot tell at this size")
    assert 0 < row.r2_uniform_difference_lo < row.r2_uniform_difference < row.r2_uniform_difference_hi
    assert row.pearson_uniform_difference > 0 and row.fraction_a_better > 0.9 and row.median_r2_difference > 0


def test_identical_models_tie_and_smaller_errors_on_every_sample_win(data):
    y, p, genes = data
    closer = p + 0.5 * (y - p)  # half the error on every sample and gene
    table = compare(y, {"same": p, "copy": p.copy(), "closer": closer}, genes)
    rows = {(r.model_a, r.model_b): r for r in table.itertuples()}
    same = rows[("same", "copy")]
    assert same.verdict == "tie" and same.r2_uniform_difference_lo <= 0 <= same.r2_uniform_difference_hi
    assert rows[("same", "closer")].verdict == "b_better" and rows[("copy", "closer")].verdict == "b_better"


def test_a_comparison_without_an_interval_reads_no_interval(data):
    y, p, genes = data
    worse = p + np.random.default_rng(1).normal(0, 0.5, p.shape)
    row = compare(y, {"good": p, "bad": worse}, genes, "none").iloc[0]
    assert np.isnan(row.r2_uniform_difference_lo) and row.r2_uniform_difference > 0
    assert row.verdict == NO_INTERVAL == "no interval"  # not a tie: nothing was tested


def test_one_verdict_vocabulary_read_in_the_metric_direction():
    assert VERDICTS == ("a_better", "tie", "b_better", "no interval", "cannot tell at this size")  # every table's words
    above, across, below = (0.1, 0.2), (-0.1, 0.2), (-0.2, -0.1)
    assert [verdict_of(*interval) for interval in (above, across, below)] == [A_BETTER, TIE, B_BETTER]
    assert [verdict_of(*interval, False) for interval in (above, across, below)] == [B_BETTER, TIE, A_BETTER]
    for lo, hi in ((np.nan, np.nan), (0.1, np.nan), (-np.inf, 0.2)):
        assert verdict_of(lo, hi) == verdict_of(lo, hi, False) == NO_INTERVAL
    assert [flipped(v) for v in VERDICTS] == [B_BETTER, TIE, A_BETTER, NO_INTERVAL, CANNOT_TELL]
    assert verdict_of(0.1, 0.2, can_tell=False) == CANNOT_TELL
    assert verdict_of(np.nan, 0.2, can_tell=False) == NO_INTERVAL


def test_known_answers_on_small_arrays():
    y = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 4.0], [7.0, 8.0]])
    perfect = summary_metrics(y, y, np.ones(2, bool), NO_INTERVALS)[0]
    assert (perfect["r2_flat"], perfect["r2_uniform"], perfect["pearson"], perfect["rmse"], perfect["mae"]) == (
        1.0,
        1.0,
        pytest.approx(1.0),
        0.0,
        0.0,
    )
    column_means = np.broadcast_to(y.mean(axis=0), y.shape)
    constant = summary_metrics(y, column_means, np.ones(2, bool), NO_INTERVALS)[0]
    assert constant["r2_uniform_plain"] == pytest.approx(0.0, abs=1e-12)
    # the unbiased variance: each gene's SSE / 4 over SST / 3, that is 3/4: the split's own mean fits it in-sample
    assert constant["r2_uniform"] == pytest.approx(1 / 4)
    # pooled: 1 - SSE / SST around the global mean 4.5: SSE = 20 + 20, SST = 12.25+2.25+0.25+6.25+6.25+2.25+0.25+12.25
    assert constant["r2_flat"] == pytest.approx(1 - 40 / 42)
    assert constant["mae"] == pytest.approx(2.0)


def test_transposed_or_nan_predictions_are_rejected(data):
    y, p, genes = data
    with pytest.raises(ValueError, match="transposed"):
        gene_table(y, p.T, genes)
    bad = p.copy()
    bad[3, 4] = np.nan
    with pytest.raises(ValueError, match="1 NaN or infinite"):
        summary_metrics(y, bad, np.ones(40, bool), NO_INTERVALS)[0]


def test_summary_markdown_table(data):
    from lembas_core.reporting.summary_page import SummaryInputs, observational_table

    y, p, _ = data
    row = {"model": "mlr", "split": "test", **summary_metrics(y, p, np.ones(40, bool), DEFAULTS.evaluate.score)[0]}
    page = SummaryInputs("# Verdict\n", pd.DataFrame([row]), pd.DataFrame(), {"mlr": "MLR"}, {}, "2026-12-05", "0" * 12)
    text = observational_table(page)
    bounds = f"[{row['r2_uniform_lo']:.3f}, {row['r2_uniform_hi']:.3f}]"
    first = f"| MLR (`mlr`) | test | 300 x 40 | {row['r2_uniform']:.3f} {bounds}"
    assert text[2].startswith(first + f" | {row['r2_uniform_plain']:.3f} |")
    assert row["r2_uniform_lo"] <= row["r2_uniform"] <= row["r2_uniform_hi"]  # centred on the point shown
    assert "| r2_uniform | r2_uniform_plain |" in text[0]
    assert f"| {row['spearman_uniform']:.3f} |" in "\n".join(text)


def _near_constant(y: np.ndarray, varying: int) -> np.ndarray:
    """`y` with one more gene: 0 in every sample but `varying` of them, where it is 0.01."""
    gene = np.zeros((len(y), 1))
    gene[:varying] = 0.01
    return np.hstack([y, gene])


@pytest.mark.parametrize("varying", [1, 2, 3, 5])
def test_one_near_constant_gene_cannot_flip_a_paired_verdict(varying):
    """A gene that varies through a few samples (dropout zeros and one small value) where model A predicts far
    off: left out of the averages below 3 varying samples, and from 3 on its R^2 (about -10^4 for A) counts as
    -1, so it moves r2_uniform by at most 2 / genes and the verdict stays."""
    rng = np.random.default_rng(3)
    y = rng.normal(0, 1, (60, 50)) + np.linspace(0, 4, 50)
    a, b = y + rng.normal(0, 0.6, y.shape), y + rng.normal(0, 0.8, y.shape)
    genes = [f"g{i}" for i in range(51)]
    before = compare(y, {"a": a, "b": b}, genes[:50]).iloc[0]
    assert before.verdict == A_BETTER and before.r2_uniform_difference_lo > 2 / 51
    hijacked = _near_constant(y, varying)
    far, near = np.hstack([a, np.full((60, 1), 0.5)]), np.hstack([b, np.full((60, 1), 0.02)])
    assert gene_table(hijacked, far, genes).r2.iloc[-1] < -100 or varying < 3  # upstream's R^2 of that gene
    after = compare(hijacked, {"a": far, "b": near}, genes).iloc[0]
    assert after.verdict == A_BETTER
    assert after.r2_uniform_difference >= before.r2_uniform_difference * 50 / 51 - 2 / 51


def test_gene_table_and_headline_read_genes_in_blocks_without_changing_a_value():
    # one gene more than a block, float32 as the pipeline reads them: each gene's values come from its column
    # alone, summed row by row in any group of two or more genes (a column alone would be summed pairwise),
    # so scoring the genes in other groupings gives the same table, bit for bit
    rng = np.random.default_rng(3)
    shape = (25, GENE_TABLE_BLOCK + 1)
    y = (rng.gamma(2.0, 1.0, shape) * (rng.random(shape[1]) > 0.1)).astype(np.float32)
    p = (y + rng.normal(0, 0.5, y.shape)).astype(np.float32)
    genes = [f"g{i}" for i in range(y.shape[1])]
    whole = gene_table(y, p, genes)
    parts = pd.concat(
        [gene_table(y[:, cut], p[:, cut], genes[cut]) for cut in (slice(0, 700), slice(700, None))], ignore_index=True
    )
    pd.testing.assert_frame_equal(whole, parts, check_exact=True)
    empty = gene_table(y[:, :0], p[:, :0], [])
    assert len(empty) == 0 and empty["r2"].dtype == float and empty["scored"].dtype == bool
    # the headline on a gene mask equals the headline on the masked copy
    mask = rng.random(y.shape[1]) > 0.3
    on_mask, _ = summary_metrics(y, p, mask, DEFAULTS.evaluate.score)
    on_copy, _ = summary_metrics(y[:, mask], p[:, mask], np.ones(int(mask.sum()), bool), DEFAULTS.evaluate.score)
    assert on_mask == on_copy
