"""Deeper TF -> TF cascades and feedback in the synthetic world, with exact counterfactuals at every depth.

The references here are written independently of the generator: dense matrices and plain iteration for the
TF levels and the clamps, breadth-first search over the true edges for the hops.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import replace
from functools import cache

import numpy as np
import pytest
import scipy.sparse as sp

from lembas_core.common.synthetic_spec import PRESETS, spec_from_config
from lembas_core.evaluation.interventions import auroc, score_forecast
from lembas_core.io.interventions import NOT_SCORED
from lembas_core.synthetic import tf_cascade
from lembas_core.synthetic.cohort import SyntheticCohort, generate_cohort
from lembas_core.synthetic.counterfactual import Counterfactuals
from lembas_core.synthetic.perturbations import TargetHops, eligible_tfs, perturbation_truth
from lembas_core.synthetic.tf_cascade import FEEDBACK_RADIUS, regulate

# sha256 of the default tiny cohort's tf_expression, gene_expression and validation (values, columns,
# sample IDs), computed with the generator before tf_steps / tf_feedback existed (commit a214b20)
TINY_DIGEST = "aee9a564195e84fd59296f277b3cf5ba60983fb774e48da583a2039f3e8cbd9d"
DEPTHS = [(1, False), (2, False), (3, False), (4, False), (4, True)]


@cache
def cohort(steps: int, feedback: bool) -> SyntheticCohort:
    """The tiny preset at TF depth (`steps`, `feedback`), generated once per test session. Its true TF -> TF
    network has 22 edges, cycles (spectral radius of sqrt(h2) |M| 0.55) and shortest paths up to 4 steps."""
    return generate_cohort(replace(PRESETS["tiny"], tf_steps=steps, tf_feedback=feedback))


def digest(found: SyntheticCohort) -> str:
    """sha256 of the cohort's three measured matrices: values, columns and sample IDs."""
    h = hashlib.sha256()
    for frame in (found.tf_expression, found.gene_expression, found.validation):
        h.update(np.ascontiguousarray(frame.to_numpy()).tobytes())
        h.update(("|".join(frame.columns) + "#" + "|".join(frame.index)).encode())
    return h.hexdigest()


def test_the_default_cohort_is_bit_identical_to_the_generator_before_depth():
    assert digest(generate_cohort(PRESETS["tiny"])) == TINY_DIGEST
    explicit = replace(PRESETS["tiny"], tf_steps=1, tf_feedback=False)
    assert digest(generate_cohort(explicit)) == TINY_DIGEST


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tf_steps": 0}, "tf_steps .* is 0: it must be a whole number from 1 to 8"),
        ({"tf_steps": 9}, "tf_steps .* is 9"),
        ({"tf_steps": 2.5}, "tf_steps .* is 2.5"),
        ({"tf_steps": "2"}, "tf_steps .* is '2'"),
        ({"tf_steps": True}, "tf_steps .* is True"),
        ({"tf_feedback": "yes"}, "tf_feedback .* is 'yes': it must be true .* or false"),
        ({"tf_feedback": 1}, "tf_feedback .* is 1"),
    ],
)
def test_an_invalid_depth_is_refused_with_what_where_and_how(overrides, message):
    with pytest.raises(ValueError, match=message) as error:
        spec_from_config("tiny", overrides)
    assert "data.synthetic.overrides" in str(error.value)


def test_valid_depths_are_taken_from_the_config():
    spec = spec_from_config("tiny", {"tf_steps": 8, "tf_feedback": True})
    assert (spec.tf_steps, spec.tf_feedback) == (8, True)
    assert (PRESETS["demo"].tf_steps, PRESETS["demo"].tf_feedback) == (1, False)


def dense_gain(levels, scale: float) -> np.ndarray:
    """sqrt(h2) * scale * M as a dense array: the coupling with each nonzero column divided by its norm."""
    coupling = levels.coupling.toarray()
    norm = np.sqrt((coupling**2).sum(axis=0))
    m = np.divide(coupling, norm, out=np.zeros_like(coupling), where=norm > 0)
    return np.sqrt(levels.h2) * scale * m


def reference_scale(levels) -> float:
    """The feedback scale by hand: the bound over the spectral radius of sqrt(h2) |M|, at most 1."""
    radius = np.abs(np.linalg.eigvals(np.abs(dense_gain(levels, 1.0)))).max()
    return min(1.0, FEEDBACK_RADIUS / radius)


def trajectory(levels, base: np.ndarray, clamp: tuple[int, np.ndarray] | None = None) -> np.ndarray:
    """TF levels (samples x regulators) by plain iteration of the recursion (steps, or 2,000 feedback
    iterations), optionally with TF k's whole trajectory moved by delta (`clamp` = (k, (samples,) delta))."""
    driven = np.abs(levels.coupling.toarray()).sum(axis=0) > 0
    start = np.where(driven, np.sqrt(1 - levels.h2) * base, base)
    gain = dense_gain(levels, reference_scale(levels) if levels.feedback else 1.0)
    current = base.copy()
    if clamp is not None:
        current[:, clamp[0]] += clamp[1]
    observed = base.copy()
    for _ in range(2000 if levels.feedback else levels.steps):
        observed_next = start + observed @ gain
        current = start + current @ gain
        if clamp is not None:
            current[:, clamp[0]] = observed_next[:, clamp[0]] + clamp[1]
        observed = observed_next
    return current


@pytest.mark.parametrize(("steps", "feedback"), DEPTHS)
def test_tf_levels_follow_the_recursion_and_feedback_contracts(steps, feedback):
    levels = cohort(steps, feedback).mechanism.tf_levels
    np.testing.assert_allclose(levels.activity, trajectory(levels, levels.base), rtol=0, atol=1e-10)
    if feedback:
        radius = np.abs(np.linalg.eigvals(np.abs(dense_gain(levels, levels.scale)))).max()
        assert 0 < radius <= FEEDBACK_RADIUS and levels.scale == reference_scale(levels) == 1.0  # cycles, mild
        assert np.abs(levels.activity - cohort(steps, False).mechanism.tf_levels.activity).max() > 1e-3
    else:
        assert levels.scale == 1.0


def test_strong_feedback_is_scaled_to_contract_and_clamps_reach_its_steady_state():
    """Five TFs regulating each other with equal weights: sqrt(h2) |M| has spectral radius sqrt(0.3) * 2 > 1,
    so the feedback is scaled down to FEEDBACK_RADIUS."""
    coupling = sp.csc_matrix(np.ones((5, 5)) - np.eye(5))
    base = np.random.default_rng(0).standard_normal((30, 5))
    levels = regulate(base, coupling, 0.3, steps=4, feedback=True)
    assert levels.scale == pytest.approx(FEEDBACK_RADIUS / (np.sqrt(0.3) * 2)) == reference_scale(levels)
    np.testing.assert_allclose(levels.activity, trajectory(levels, base), rtol=0, atol=1e-10)
    for regulator in range(5):
        unit = levels.response(regulator)
        delta = np.linspace(-1, 1, 30)
        expected = trajectory(levels, base, (regulator, delta)) - levels.activity
        np.testing.assert_allclose(delta[:, None] * unit[None, :], expected, rtol=0, atol=1e-10)
    deep = regulate(base, coupling, 0.3, steps=3)
    np.testing.assert_allclose(deep.activity, trajectory(deep, base), rtol=0, atol=1e-12)


def test_feedback_without_a_spectral_radius_is_refused(monkeypatch):
    monkeypatch.setattr(tf_cascade, "spectral_radius", lambda matrix: float("nan"))
    with pytest.raises(ValueError, match="cannot be made contractive.*tf_feedback: false"):
        regulate(np.zeros((3, 2)), sp.csc_matrix(np.array([[0.0, 1.0], [1.0, 0.0]])), 0.3, feedback=True)


@pytest.mark.parametrize(("steps", "feedback"), DEPTHS)
def test_a_clamp_moves_the_trajectory_as_the_recursion_says(steps, feedback):
    mechanism = cohort(steps, feedback).mechanism
    counterfactuals = Counterfactuals.of(mechanism, np.arange(15))
    base = counterfactuals.mechanism.tf_levels.base
    for regulator in range(0, len(mechanism.regulators), 3):
        delta = -2.0 - counterfactuals.activity[:, regulator]
        expected = trajectory(counterfactuals.mechanism.tf_levels, base, (regulator, delta))
        np.testing.assert_allclose(counterfactuals.clamp(regulator, -2.0), expected, rtol=0, atol=1e-10)


def test_one_step_clamps_keep_the_original_arithmetic():
    mechanism = generate_cohort(PRESETS["tiny"]).mechanism
    counterfactuals = Counterfactuals.of(mechanism, np.arange(40))
    levels = mechanism.tf_levels
    for regulator in range(len(mechanism.regulators)):
        row = levels.coupling.getrow(regulator).toarray().ravel()  # the one-step generator's shift, verbatim
        shift = np.divide(np.sqrt(levels.h2) * row, levels.norm, out=np.zeros_like(row), where=levels.norm > 0)
        moved = np.full(40, 1.5) - counterfactuals.activity[:, regulator]
        original = counterfactuals.activity + moved[:, None] * shift[None, :]
        original[:, regulator] = 1.5
        assert np.array_equal(counterfactuals.clamp(regulator, 1.5), original)


@pytest.mark.parametrize(("steps", "feedback"), DEPTHS)
def test_a_zero_intervention_reproduces_the_sample_and_a_reloaded_state_the_effects(steps, feedback, tmp_path):
    mechanism = cohort(steps, feedback).mechanism
    counterfactuals = Counterfactuals.of(mechanism, np.arange(len(mechanism.sample_ids)))
    for regulator in range(len(mechanism.regulators)):
        own = counterfactuals.clamp(regulator, counterfactuals.activity[:, regulator])
        tf, plain = counterfactuals.measured(own)
        assert np.array_equal(tf, mechanism.tf_values) and np.array_equal(plain, mechanism.plain_values)
        assert not any(effect.any() for effect in counterfactuals.effect(own))
    rows = np.array([7, 1, 30])
    chosen = Counterfactuals.of(mechanism, rows)
    chosen.save(tmp_path / "state.npz")
    loaded = Counterfactuals.load(tmp_path / "state.npz")
    for regulator in (0, 5, 11):
        again, first = loaded.effect(loaded.clamp(regulator, -1.0)), chosen.effect(chosen.clamp(regulator, -1.0))
        assert all(np.array_equal(a, b) for a, b in zip(again, first))


def reference_hops(mechanism, regulator: int) -> tuple[dict[int, int], dict[int, int]]:
    """By breadth-first search over the true edges: {TF: fewest TF -> TF steps from `regulator`} within the
    depth (itself excluded) and {plain gene: 1 + fewest steps to a TF regulating it}."""
    levels = mechanism.tf_levels
    coupling, weights = levels.coupling.toarray(), mechanism.targets.weights.toarray()
    limit = None if levels.feedback else levels.steps
    distance, queue = {regulator: 0}, deque([regulator])
    while queue:
        tf = queue.popleft()
        if limit is not None and distance[tf] == limit:
            continue
        for child in np.flatnonzero(coupling[tf]):
            if int(child) not in distance:
                distance[int(child)] = distance[tf] + 1
                queue.append(int(child))
    genes: dict[int, int] = {}
    for tf, d in sorted(distance.items(), key=lambda item: item[1]):
        for gene in np.flatnonzero(weights[tf]):
            genes.setdefault(int(gene), d + 1)
    del distance[regulator]
    return distance, genes


@pytest.mark.parametrize(("steps", "feedback"), DEPTHS)
def test_only_descendants_move_and_hops_reach_exactly_the_depth(steps, feedback):
    mechanism = cohort(steps, feedback).mechanism
    counterfactuals = Counterfactuals.of(mechanism, np.arange(20))
    responsive = mechanism.targets.model.h2 > 0
    targets = mechanism.regulators + mechanism.plain_genes  # every TF and plain gene as a scored target
    hops_of = TargetHops(mechanism, targets)
    deepest = 0
    for regulator in range(len(mechanism.regulators)):
        tfs, genes = reference_hops(mechanism, regulator)
        tf_effect, plain_effect = counterfactuals.effect(counterfactuals.clamp(regulator, -2.0))
        tf_moved, plain_moved = (np.abs(e).max(axis=0) > 0 for e in (tf_effect, plain_effect))
        assert set(np.flatnonzero(tf_moved)) == {regulator, *tfs}  # nothing else moves, not even by rounding
        descendant = np.zeros(len(mechanism.plain_genes), dtype=bool)
        descendant[list(genes)] = True
        assert not plain_effect[:, ~descendant].any() and (plain_moved == (descendant & responsive)).all()
        expected = np.zeros(len(targets), dtype=np.int8)
        for tf, d in tfs.items():
            expected[tf] = d
        for gene, d in genes.items():
            expected[len(mechanism.regulators) + gene] = d
        expected[regulator] = NOT_SCORED
        assert np.array_equal(hops_of(regulator), expected)
        reached = [d for gene, d in genes.items() if plain_moved[gene]]
        deepest = max(deepest, *reached, 0)
    assert deepest == (steps + 1 if not feedback else 5)  # exactly tf_steps + 1 hops, none beyond; feedback:
    # as far as the network reaches (its longest shortest path, 4 TF -> TF steps, then a gene)


@pytest.mark.parametrize(("steps", "feedback"), [(3, False), (4, True)])
def test_deep_truth_is_designed_and_scored_with_hops_beyond_two(steps, feedback):
    found = cohort(steps, feedback)
    mechanism = found.mechanism
    features = [tf for tf in found.tf_expression.columns if tf in mechanism.regulators]
    targets = list(found.gene_expression.columns)
    eligible = eligible_tfs(mechanism, features, targets, min_descendants=5)
    assert len(eligible) > 3 and (eligible["descendants_1hop"] > 0).all()
    counterfactuals = Counterfactuals.of(mechanism, np.arange(10))
    x_control = found.tf_expression[features].to_numpy()[:10]
    perturbed = {tf: (0.5, True) for tf in eligible["tf"][:4]}
    truth = perturbation_truth(counterfactuals, x_control, (features, targets), perturbed, "knockdown")
    assert truth.hops.max() > 2
    rows = score_forecast(truth, truth.effect, ("oracle", "A"), 20)  # the true effects as the forecast
    for p, tf in enumerate(truth.tfs):
        hops, mine = truth.hops[p], rows[rows["tf"] == tf].set_index("genes")
        n = {genes: int(mine.loc[genes, "n_genes"]) for genes in ("all", "1-hop", "2-hop")}
        assert (n["1-hop"], n["2-hop"]) == (int((hops == 1).sum()), int((hops == 2).sum()))
        assert n["all"] == int((hops != NOT_SCORED).sum())  # deeper descendants count in `all`
        scored = hops != NOT_SCORED
        expected = auroc(np.abs(truth.effect[p][scored]), hops[scored] > 0)  # every descendant is a positive
        assert mine.loc["all", "descendant_auroc"] == pytest.approx(expected)
