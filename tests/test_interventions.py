"""The interventional stage: exact counterfactuals, forecasts in both regimes, propagation, metrics, user data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from cohort_helpers import DEFAULTS, write_perturbation_data
from cohort_helpers import PERTURBATION_DESIGN as DESIGN
from lembas_core.common.layout import COHORT_FILES
from lembas_core.common.settings import Member
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.dataset import load_dataset
from lembas_core.data.network_controls import dataset_network
from lembas_core.evaluation.interventions import paired, score_forecast, summarize, t_interval
from lembas_core.evaluation.verdicts import NO_INTERVAL
from lembas_core.io.errors import InputDataError
from lembas_core.io.interventions import NOT_SCORED, PerturbationSet, detected_range, read_effects
from lembas_core.io.npz import load_arrays
from lembas_core.models.base import ModelFile
from lembas_core.models.forecast import forecast_effect
from lembas_core.models.linear import LinearModel, fit_mlr
from lembas_core.models.prior_ridge import fit_prior_ridge
from lembas_core.models.propagation import feedback_matrix, input_responses
from lembas_core.models.rnn.graph import build_graph
from lembas_core.models.rnn.io import RNNPredictor
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.steps.forecast_interventions import forecast
from lembas_core.steps.ingest import ingest
from lembas_core.steps.intervention_truth import (
    DesignOutputs,
    TruthInputs,
    design,
    ingest_perturbations,
    observed_truth,
    synthetic_truth,
)
from lembas_core.steps.preprocess import preprocess_cohort
from lembas_core.steps.score_interventions import score_forecasts
from lembas_core.steps.summarize_interventions import (
    InterventionTables,
    draw_interventions,
    no_change_rows,
    summarize_interventions,
)
from lembas_core.synthetic.cohort import generate_cohort, write_cohort
from lembas_core.synthetic.counterfactual import FLOOR, STATE_ARRAYS, Counterfactuals, Descendants, level_of
from lembas_core.synthetic.perturbations import level_values
from rnn_helpers import ARCHITECTURE

CHOICE = DEFAULTS.interventions.choice
LEVELS = DEFAULTS.interventions.levels


@pytest.fixture(scope="module")
def tiny():
    return generate_cohort(PRESETS["tiny"])


def test_a_zero_intervention_reproduces_the_observed_sample_exactly(tiny, tmp_path):
    mechanism = tiny.mechanism
    counterfactuals = Counterfactuals.of(mechanism, np.arange(len(mechanism.sample_ids)))
    for regulator in range(len(mechanism.regulators)):
        own = counterfactuals.clamp(regulator, counterfactuals.activity[:, regulator])
        tf, plain = counterfactuals.measured(own)
        assert np.array_equal(tf, mechanism.tf_values) and np.array_equal(plain, mechanism.plain_values)
        tf_effect, plain_effect = counterfactuals.effect(own)
        assert not tf_effect.any() and not plain_effect.any()
    # the measured files hold the same values: the gene matrix column of a plain gene
    gene = mechanism.plain_genes[0]
    assert np.array_equal(tiny.gene_expression[gene].to_numpy(), mechanism.plain_values[:, 0])
    # some individuals, kept in a file between jobs: the same samples, the same counterfactuals
    rows = np.array([5, 2, 9])
    Counterfactuals.of(mechanism, rows).save(tmp_path / "state.npz")
    assert tuple(load_arrays(tmp_path / "state.npz")) == STATE_ARRAYS  # what load requires is what save writes
    loaded = Counterfactuals.load(tmp_path / "state.npz")
    tf, plain = loaded.measured(loaded.clamp(3, loaded.activity[:, 3]))
    assert np.array_equal(tf, mechanism.tf_values[rows]) and np.array_equal(plain, mechanism.plain_values[rows])
    knocked = loaded.effect(loaded.clamp(3, -2.0))[1]
    assert np.array_equal(knocked, counterfactuals.effect(counterfactuals.clamp(3, -2.0))[1][rows])


def descendants(mechanism, regulator: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean masks (TF children, 1-hop plain genes, 2-hop plain genes) of one regulator."""
    found = Descendants.of(mechanism)
    children = np.zeros(len(mechanism.regulators), dtype=bool)
    children[found.children(regulator)] = True
    genes, hops = found.genes(regulator)
    one_hop, two_hop = np.zeros(len(mechanism.plain_genes), dtype=bool), np.zeros(len(mechanism.plain_genes), bool)
    one_hop[genes[hops == 1]], two_hop[genes[hops == 2]] = True, True
    assert (hops <= 2).all()  # one TF -> TF step (the default): no deeper descendants
    return children, one_hop, two_hop


@pytest.mark.parametrize("preset", ["tiny", "small", "demo"])
def test_no_in_range_level_maps_to_the_floor_and_beyond_knockdowns_are_off(preset, tiny, demo_cohort):
    """Levels are quantiles of the values a TF took when detected: an in-range knock-down is never the
    off clamp (a dropout zero), and a knock-down below the detection floor is the TF off, out of range."""
    cohort = {"tiny": tiny, "demo": demo_cohort}.get(preset) or generate_cohort(PRESETS[preset])
    mechanism, x = cohort.mechanism, cohort.tf_expression
    regulators = [(j, mechanism.regulators.index(tf)) for j, tf in enumerate(x.columns) if tf in mechanism.regulators]
    with_dropouts = [j for j, _ in regulators if np.quantile(x.iloc[:, j], 0.02) == 0.0]
    assert with_dropouts, "the check needs TFs whose 2nd percentile is a dropout zero"
    for name, level in LEVELS.items():
        values, in_range = level_values(x.to_numpy(), level.quantile, level.shift_sd)
        assert (values >= 0).all(), name  # no impossible, negative log10(TPM + 1) input
        floored = [x.columns[j] for j, r in regulators if in_range[j] and level_of(mechanism, r, values[j]) <= FLOOR]
        assert not floored, (name, floored)
        if name == "knockdown_beyond":
            off = values == 0.0
            assert off.any() and not in_range[off].any()  # the TF off: below every detected level


def test_the_detected_range_skips_dropouts_only_where_a_column_has_a_floor():
    x = np.array([[0.0, -2.0, 0.0], [0.8, -1.0, 0.0], [1.5, 0.5, 0.0], [0.0, 0.7, 0.0]])
    low, high = detected_range(x)
    np.testing.assert_array_equal(low[:2], [0.8, -2.0])  # dropout zeros skipped; a column below 0 has no floor
    np.testing.assert_array_equal(high[:2], [1.5, 0.7])
    assert np.isnan(low[2]) and np.isnan(high[2])  # never detected: no level is in its range
    values, in_range = level_values(x, 0.0, 0.0)
    assert values[2] == 0.0 and not in_range[2] and in_range[:2].all()


def test_an_intervention_moves_exactly_its_descendants(tiny):
    mechanism = tiny.mechanism
    counterfactuals = Counterfactuals.of(mechanism, np.arange(20))
    for regulator in range(5):
        children, one_hop, two_hop = descendants(mechanism, regulator)
        tf_effect, plain_effect = counterfactuals.effect(counterfactuals.clamp(regulator, -2.0))
        moved_tfs = np.flatnonzero(np.abs(tf_effect).max(axis=0) > 0)
        assert set(moved_tfs) == {regulator} | set(np.flatnonzero(children))
        moved = np.abs(plain_effect).max(axis=0) > 0
        assert not (moved & ~(one_hop | two_hop)).any()  # nothing outside the true descendants moves
        responsive = mechanism.targets.model.h2 > 0
        assert (moved == ((one_hop | two_hop) & responsive)).all()


def test_a_measured_level_maps_back_to_the_generator_scale(tiny):
    mechanism = tiny.mechanism
    level = 1.3
    value = np.log10(np.exp(mechanism.tf_mu[3] + mechanism.tf_sd[3] * level) + 1)
    assert level_of(mechanism, 3, value) == pytest.approx(level)
    assert level_of(mechanism, 3, 0.0) == -5.0  # at or below detection: off


def _chain_data(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """TF_a -> TF_b -> g with no direct TF_a -> g: x = (a, b), y = (b, g)."""
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, 1.0, n)
    b = 0.8 * a + 0.6 * rng.normal(0.0, 1.0, n)
    g = 1.5 * b + 0.01 * rng.normal(0.0, 1.0, n)
    return np.column_stack([a, b]), np.column_stack([b, g])


def test_on_a_chain_a_regression_misses_the_indirect_effect_and_an_rnn_wired_like_it_does_not():
    x, y = _chain_data()
    features, targets = ["TFA", "TFB"], ["TFB", "G"]
    true_effect_on_g = 1.5 * 0.8 * 1.0  # do(TF_a += 1) moves TF_b by 0.8, then g by 1.5 x 0.8
    control = np.zeros((1, 2), dtype=np.float32)
    x_do = np.array([[1.0, 0.0]], dtype=np.float32)  # regime A: only TF_a's input changes
    mlr = fit_mlr(x, y, features, targets, DEFAULTS.models["mlr"])
    predicted = forecast_effect("mlr", mlr, DEFAULTS.models["mlr"], (control, np.zeros(1, int)), x_do, True)
    assert abs(predicted[0, 1]) < 0.01 * true_effect_on_g  # holds TF_b fixed: no effect on g
    # LEMBAS-RNN with weights set to the chain (not trained): inputs enter nodes A and B; A -> B -> G
    graph = build_graph(["A", "B", "G"], np.array([0, 1]), np.array([1, 2]), np.array([1, 1]), ["A", "B"], ["B", "G"])
    rnn = LembasRNN(graph, ARCHITECTURE, dtype=torch.float64, initialize=False)
    with torch.no_grad():
        rnn.w.copy_(torch.tensor([0.8, 1.5], dtype=torch.float64)[np.argsort(graph.row)])  # edges in CSR order
    model = RNNPredictor(rnn, ["A", "B"], ["B", "G"])
    low = np.full((1, 2), 0.05, dtype=np.float32)  # in MML's linear range
    high = np.array([[0.15, 0.05]], dtype=np.float32)
    predicted = forecast_effect("rnn", model, DEFAULTS.models["rnn"], (low, np.zeros(1, int)), high, True)
    assert predicted[0, 1] > 0.05  # the effect travels A -> B -> G, with the chain's sign
    negative = forecast_effect("rnn", model, DEFAULTS.models["rnn"], (high, np.zeros(1, int)), low, True)
    assert negative[0, 1] < -0.05


def test_propagation_with_zero_steps_is_plain_prior_ridge_and_steady_is_the_limit(tiny_dataset):
    ds = load_dataset(tiny_dataset)
    x, y = np.asarray(ds.x["train"]), np.asarray(ds.y["train"])
    settings = DEFAULTS.models["prior_ridge"]
    model = fit_prior_ridge(x, y, ds.features, ds.targets, settings, dataset_network(tiny_dataset))
    m = feedback_matrix(model.coef, ds.features, ds.targets)
    column = int(np.argmax(np.abs(m).sum(axis=0)))  # the TF input whose change feeds back the most
    control = np.asarray(ds.x["test"])
    x_do = control.copy()
    x_do[:, column] += 1.0
    rows = (control, np.arange(control.shape[0]))

    def effect(steps):
        return forecast_effect("prior_ridge", model, replace(settings, propagation=steps), rows, x_do, True)

    plain = effect(0)
    np.testing.assert_allclose(plain, model.predict(x_do).astype(np.float64) - model.predict(control), atol=1e-5)
    one_step = np.zeros(len(ds.features))
    one_step[column] = 1.0
    one_step += m[:, column] * (np.arange(len(ds.features)) != column)  # each target TF's predicted change
    delta = (x_do[:, column] - control[:, column]).astype(np.float64)[:, None]  # 1 up to float32 rounding
    np.testing.assert_allclose(effect(1), delta * (one_step @ model.coef.T)[None, :], atol=1e-12)
    assert np.abs(effect(1) - plain).max() > 0.01  # the fed-back changes move their targets
    np.testing.assert_allclose(effect("steady"), effect(200), atol=1e-10)
    # with every TF change given (regime B) there is nothing to propagate: the plain linear effect
    given = forecast_effect("prior_ridge", model, replace(settings, propagation=3), rows, x_do, False)
    np.testing.assert_allclose(given, (x_do - control).astype(np.float64) @ model.coef.T)


def test_propagation_feeds_predicted_tf_changes_back():
    features, targets = ["A", "B", "C"], ["B", "C", "G"]
    coef = np.array([[0.5, 0.0, 0.0], [0.0, 0.4, 0.0], [0.0, 0.0, 2.0]])  # A -> B -> C -> G
    m = feedback_matrix(coef, features, targets)
    assert input_responses(m, [0], 0)[:, 0].tolist() == [1.0, 0.0, 0.0]
    assert input_responses(m, [0], 1)[:, 0].tolist() == [1.0, 0.5, 0.0]
    np.testing.assert_allclose(input_responses(m, [0], 2)[:, 0], [1.0, 0.5, 0.2])
    np.testing.assert_allclose(input_responses(m, [0, 1], "steady"), [[1.0, 0.0], [0.5, 1.0], [0.2, 0.4]])
    model = LinearModel("prior_ridge", coef, np.zeros(3), features, targets)
    settings = replace(DEFAULTS.models["prior_ridge"], propagation=3)
    controls = (np.zeros((1, 3), np.float32), np.zeros(1, int))
    effect = forecast_effect("prior_ridge", model, settings, controls, np.array([[1.0, 0.0, 0.0]], np.float32), True)
    np.testing.assert_allclose(effect[0], [0.5, 0.2, 0.4])  # G moves only through the chain
    with pytest.raises(ValueError, match="one changed TF input per row"):
        forecast_effect("prior_ridge", model, settings, controls, np.array([[1.0, 1.0, 0.0]], np.float32), True)
    looped = feedback_matrix(np.array([[0.5, 0.0, 1.5], [0.0, 0.9, 0.0], [0.0, 0.0, 0.0]]), features, targets)
    with pytest.raises(ValueError, match="do not settle"):  # A -> B, and B -> C -> B with gain 1.35: none
        input_responses(looped, [0], "steady")


def _toy_set(effect: np.ndarray, hops: np.ndarray | None) -> PerturbationSet:
    n, t = effect.shape
    return PerturbationSet(
        level="knockdown", in_range=np.ones(n, bool), features=["A", "B"], targets=[f"G{i}" for i in range(t)],
        tfs=[f"TF{p}" for p in range(n)], perturbation=np.arange(n), control=np.zeros(n, int),
        value=np.zeros(n, np.float32), x_control=np.zeros((1, 2), np.float32), x_oracle=None,
        effect=effect, hops=hops,
    )  # fmt: skip


def test_the_no_change_baseline_scores_its_closed_forms():
    rng = np.random.default_rng(3)
    effect = rng.normal(0, 1, (4, 30))
    effect[:, 15:] = 0.0  # targets the perturbations do not move: never among the top ones
    hops = np.where(np.arange(30) < 10, 1, np.where(np.arange(30) < 20, 2, 0)).astype(np.int8)[None, :].repeat(4, 0)
    hops[:, 29] = NOT_SCORED
    found = score_forecast(_toy_set(effect, hops), np.zeros_like(effect), ("no_change", "A"), 20)
    every = found[found["genes"] == "all"]
    assert (every["pearson_delta"] == 0).all() and (every["descendant_auroc"] == 0.5).all()
    assert (every["top_sign"] == 0).all()  # a zero forecast has no sign
    np.testing.assert_allclose(every["top_mse"], (effect[:, :15] ** 2).mean(axis=1))  # the 15 moved targets
    assert found.groupby("genes")["n_genes"].first().to_dict() == {"1-hop": 10, "2-hop": 10, "all": 29}
    # a perturbation that moves nothing has no top targets
    assert np.isnan(score_forecast(_toy_set(np.zeros((1, 30)), None), np.zeros((1, 30)), ("m", "A"), 20)["top_mse"])[0]


def test_paired_verdicts_read_each_metric_in_its_direction_and_t_intervals_are_students():
    from scipy import stats

    values = np.array([0.3, 0.5, 0.2, 0.4, 0.6])
    mean, lo, hi = t_interval(values)
    expected = stats.t.interval(0.95, values.size - 1, loc=values.mean(), scale=stats.sem(values))
    assert mean == pytest.approx(values.mean()) and (lo, hi) == pytest.approx(expected)
    rng = np.random.default_rng(7)
    effect = rng.normal(0, 1, (12, 40))  # 12 perturbed TFs: the t-interval's false-verdict rate is measured from 10
    hops = np.where(np.abs(effect) > 0.5, 1, 0).astype(np.int8)
    truth = _toy_set(effect, hops)
    close = score_forecast(truth, effect + rng.normal(0, 0.05, effect.shape), ("close", "A"), 20)
    far = score_forecast(truth, effect + rng.normal(0, 1.0, effect.shape), ("far", "A"), 20)
    table = paired(pd.concat([close, far]), [("close", "far"), ("far", "close")]).set_index(["model_a", "metric"])
    every = table[table.genes == "all"]
    assert (
        every.loc[("close", "top_mse"), "difference"] < 0 and every.loc[("close", "top_mse"), "verdict"] == "a_better"
    )
    assert every.loc[("far", "top_mse"), "verdict"] == "b_better"  # lower is better: the far model's MSE is higher
    assert every.loc[("close", "pearson_delta"), "verdict"] == "a_better"
    eight = [frame[frame.tf.isin([f"TF{p}" for p in range(8)])] for frame in (close, far)]
    few = paired(pd.concat(eight), [("close", "far")])  # below every measured number of TFs
    assert set(few.verdict[few.lo.notna()]) == {"cannot tell at this size"}


def test_a_paired_difference_over_one_tf_has_no_interval_and_reads_no_interval():
    """One perturbed TF: the t-interval over TFs is undefined, and the verdict says so (it used to read tie)."""
    rng = np.random.default_rng(8)
    effect = rng.normal(0, 1, (1, 40))
    truth = _toy_set(effect, np.where(np.abs(effect) > 0.5, 1, 0).astype(np.int8))
    close = score_forecast(truth, effect + rng.normal(0, 0.05, effect.shape), ("close", "A"), 20)
    zero = score_forecast(truth, np.zeros_like(effect), ("zero", "A"), 20)
    table = paired(pd.concat([close, zero]), [("close", "zero")])
    assert len(table) and (table.n_tfs <= 1).all() and table.lo.isna().all() and table.hi.isna().all()
    assert set(table.verdict) == {NO_INTERVAL}
    every = table[table.genes == "all"].set_index("metric")
    assert every.loc["pearson_delta", "difference"] > 0.9 and every.loc["top_mse", "difference"] < 0  # a is better...
    assert every.loc["pearson_delta", "verdict"] == every.loc["top_mse", "verdict"] == "no interval"  # ...untested


def test_a_perturbation_set_survives_its_file_and_a_damaged_one_is_named(tmp_path):
    found = _toy_set(np.arange(6.0).reshape(2, 3), None)
    found.save(tmp_path / "p.npz")
    back = PerturbationSet.load(tmp_path / "p.npz")
    assert back.hops is None and back.x_oracle is None and back.tfs == found.tfs and back.level == "knockdown"
    assert np.array_equal(back.effect, found.effect) and back.in_range.dtype == bool
    (tmp_path / "p.npz").write_bytes((tmp_path / "p.npz").read_bytes()[:100])
    with pytest.raises(InputDataError, match="not a readable perturbation file"):
        PerturbationSet.load(tmp_path / "p.npz")


def test_a_perfect_forecast_scores_perfectly_and_summaries_hold_their_means():
    rng = np.random.default_rng(4)
    effect = rng.normal(0, 1, (6, 40))
    hops = np.where(np.abs(effect) > 0.5, 1, 0).astype(np.int8)
    rows = score_forecast(_toy_set(effect, hops), effect, ("oracle", "A"), 20)
    every = rows[rows["genes"] == "all"]
    assert np.allclose(every["pearson_delta"], 1) and np.allclose(every["top_mse"], 0)
    assert (every["top_sign"] == 1).all() and (every["descendant_auroc"] == 1).all()
    summary = summarize(rows)
    line = summary[(summary.genes == "all") & (summary.metric == "pearson_delta")].iloc[0]
    assert line["mean"] == pytest.approx(1.0) and line["n_tfs"] == 6


def _tiny_truth(tmp_path: Path, level: str):
    """Design and the truth of `level` on the tiny preset, through the real steps."""
    files = write_cohort(generate_cohort(PRESETS["tiny"]), tmp_path / "cohort", "tsv")
    ingest({role: files[role] for role in COHORT_FILES}, "tsv", tmp_path / "ingest", DEFAULTS.data.ingest)
    preprocess_cohort(tmp_path / "ingest", tmp_path / "dataset", DEFAULTS.preprocess, "default")
    outputs = DesignOutputs(tmp_path / "design.tsv", tmp_path / "individuals.npz")
    design(PRESETS["tiny"], tmp_path / "dataset", CHOICE, outputs)
    inputs = TruthInputs(outputs, tmp_path / "dataset")
    return synthetic_truth(inputs, (level, LEVELS[level]), tmp_path / f"{level}.npz")


def test_the_stage_is_deterministic_and_regime_b_holds_the_true_tf_changes(tmp_path):
    first = _tiny_truth(tmp_path / "one", "knockdown")
    second = _tiny_truth(tmp_path / "two", "knockdown")
    assert (tmp_path / "one" / "design.tsv").read_bytes() == (tmp_path / "two" / "design.tsv").read_bytes()
    for name in ("knockdown.npz", "individuals.npz"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert len(first.tfs) > 3 and np.abs(first.effect).max() > 0.05
    regime_a = first.x_regime_a()
    changed_a = (regime_a != first.x_control[first.control]).sum(axis=1)
    assert changed_a.max() == 1  # regime A: only the perturbed TF
    assert ((first.x_oracle != first.x_control[first.control]).sum(axis=1) > 1).any()  # B: its TF children too
    # a linear model's forecast is deterministic, and written the same twice
    model = LinearModel("mlr", np.ones((len(first.targets), len(first.features))) * 0.01,
                        np.zeros(len(first.targets)), first.features, first.targets)  # fmt: skip
    model.save(tmp_path / "mlr.npz")
    truth = tmp_path / "one" / "knockdown.npz"
    for name in ("a", "b"):
        model_file = ModelFile("mlr", "mlr", tmp_path / "mlr.npz")
        effects = forecast(model_file, DEFAULTS.models["mlr"], truth, tmp_path / f"{name}.npz", 1)
        rows = score_forecasts("mlr", truth, tmp_path / f"{name}.npz", tmp_path / f"{name}.tsv", 20)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert (tmp_path / "a.tsv").read_bytes() == (tmp_path / "b.tsv").read_bytes()
    written = read_effects(tmp_path / "b.npz")  # the scoring job reads what the forecast job wrote, both regimes
    assert list(written) == list(effects) == ["A", "B"]
    assert all(np.array_equal(written[r], effects[r]) and written[r].shape == first.effect.shape for r in effects)
    assert set(rows["regime"]) == {"A", "B"} and set(rows["model"]) == {"mlr"}
    assert not second.effect[first.hops == 0].any()  # nothing outside the descendants moves
    zero = no_change_rows([PerturbationSet.load(tmp_path / "one" / "knockdown.npz")], 20)
    assert set(zero["regime"]) == {"A", "B"} and (zero[zero.genes == "all"]["pearson_delta"] == 0).all()


@pytest.mark.parametrize(
    ("rows", "problem", "line", "fix"),
    [
        ([*DESIGN[:5], ("P9", "TFA")], "sample 'P9' is not a sample of the perturbation matrix", "line 7",
         "use the matrix's sample IDs"),
        ([*DESIGN[:5], ("P5", "G1")], "perturbed gene 'G1' (sample 'P5') is not a TF input", "line 7",
         "name a TF of the TF matrix"),
        ([*DESIGN[:5], ("P5", "NOTNODE")], "perturbed gene 'NOTNODE'", "line 7", "name a TF of the TF matrix"),
        ([(s, "TFA") for s, _ in DESIGN], "no sample is a control", None, "mark them control"),
        ([*DESIGN[:5], ("P4", "TFA")], "sample 'P4' is listed twice (lines 6 and 7)", "line 7", "list every"),
        (DESIGN[:5], "1 sample(s) have no row in the design table", None, "give every sample"),
    ],
)  # fmt: skip
def test_a_hostile_design_table_is_refused_with_file_line_and_fix(small_dataset, tmp_path, rows, problem, line, fix):
    matrix, table = write_perturbation_data(tmp_path, rows)
    with pytest.raises(InputDataError) as caught:
        ingest_perturbations((matrix, table), "auto", small_dataset.parent / "ingest", DEFAULTS.data.ingest,
                             tmp_path / "out.npz")  # fmt: skip
    message = str(caught.value)
    assert problem in message and fix in message
    assert str(table if "no row" not in problem else matrix) in message
    if line:
        assert f"({line})" in message
    assert not (tmp_path / "out.npz").exists()


def test_user_perturbation_data_follow_pereggrns_conventions(small_dataset, tmp_path):
    matrix, table = write_perturbation_data(tmp_path, DESIGN)
    ingest_perturbations((matrix, table), "auto", small_dataset.parent / "ingest", DEFAULTS.data.ingest,
                         tmp_path / "data.npz")  # fmt: skip
    found = observed_truth(tmp_path / "data.npz", small_dataset, tmp_path / "observed.npz")
    values = pd.read_csv(matrix, sep="\t", index_col=0)
    controls = values.loc[["P0", "P1", "P5"]]
    assert found.tfs == ["TFA", "TFB"]
    g1 = found.targets.index("G1")
    expected = values.loc[["P2", "P3"], "G1"].mean() - controls["G1"].mean()
    assert found.effect[0, g1] == pytest.approx(expected, rel=1e-5)
    x_a = found.x_regime_a()
    column = found.features.index("TFA")
    assert x_a[0, column] == pytest.approx(values.loc["P2", "TFA"])  # the perturbed sample's measured level
    others = [j for j, f in enumerate(found.features) if f in ("TFB", "TFC")]
    np.testing.assert_allclose(x_a[0, others], controls[[found.features[j] for j in others]].mean(), rtol=1e-6)
    assert not found.scored(1)[found.targets.index("TFB")]  # the perturbed TF itself is never scored
    assert found.hops is None and found.x_oracle is None


def test_perturbation_data_on_another_scale_than_training_is_refused(small_dataset, tmp_path):
    matrix, table = write_perturbation_data(tmp_path, DESIGN)
    values = pd.read_csv(matrix, sep="\t", index_col=0)
    (values * np.log2(10)).to_csv(matrix, sep="\t")  # log2 values against log10-like training data
    with pytest.raises(InputDataError, match=r"the perturbation data \(its controls\) is on another scale"):
        ingest_perturbations((matrix, table), "auto", small_dataset.parent / "ingest", DEFAULTS.data.ingest,
                             tmp_path / "out.npz")  # fmt: skip
    assert not (tmp_path / "out.npz").exists()
    values.to_csv(matrix, sep="\t")  # as measured, on the training scale: read
    ingest_perturbations((matrix, table), "auto", small_dataset.parent / "ingest", DEFAULTS.data.ingest,
                         tmp_path / "out.npz")  # fmt: skip


def test_a_design_without_eligible_tfs_gives_empty_tables_and_a_figure(tiny_dataset, tmp_path):
    choice = replace(CHOICE, min_descendants=10**6)
    outputs = DesignOutputs(tmp_path / "design.tsv", tmp_path / "individuals.npz")
    assert design(PRESETS["tiny"], tiny_dataset, choice, outputs).empty
    found = synthetic_truth(TruthInputs(outputs, tiny_dataset), ("knockdown", LEVELS["knockdown"]), tmp_path / "k.npz")
    assert found.tfs == [] and found.effect.shape == (0, len(found.targets))
    ds = load_dataset(tiny_dataset)
    shape = (len(ds.targets), len(ds.features))
    LinearModel("mlr", np.zeros(shape), np.zeros(shape[0]), ds.features, ds.targets).save(tmp_path / "mlr.npz")
    effects, scores = tmp_path / "mlr_k.npz", tmp_path / "mlr_k.tsv"
    forecast(ModelFile("mlr", "mlr", tmp_path / "mlr.npz"), DEFAULTS.models["mlr"], tmp_path / "k.npz", effects, 1)
    assert score_forecasts("mlr", tmp_path / "k.npz", effects, scores, 20).empty
    tables = InterventionTables(tmp_path / "rows.tsv", tmp_path / "summary.tsv", tmp_path / "paired.tsv")
    assert summarize_interventions([scores], [found], ["mlr"], 20, tables).empty
    draw_interventions(tables.rows, [found], {("mlr", "knockdown"): effects}, {"mlr": Member("mlr", "", "MLR")},
                       tmp_path / "interventions.png")  # fmt: skip
    assert (tmp_path / "interventions.png").stat().st_size > 0
