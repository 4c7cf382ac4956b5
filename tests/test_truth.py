"""Ground-truth recovery scores on hand-made explanations and weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from lembas_core.evaluation.truth import rnn_edge_recovery, rnn_transmission, shap_recovery
from lembas_core.models.rnn.io import save_rnn
from rnn_helpers import make_model


def _shap_file(path, values, features, gene="G1"):
    np.savez(path, values=values, feature_names=np.array(features), model=np.array("mlr"), gene=np.array(gene))
    return path


def test_shap_auroc_is_one_for_a_perfect_ranking_and_half_for_noise(tmp_path):
    features = [f"TF{i}" for i in range(10)]
    truth = pd.DataFrame({"TF": ["TF2", "TF7"], "Gene": ["G1", "G1"], "weight": [1.0, -1.0]})
    perfect = np.zeros((5, 10))
    perfect[:, [2, 7]] = [1.0, -2.0]
    noise = np.tile(np.arange(10.0) % 3, (5, 1))
    table = shap_recovery(
        [_shap_file(tmp_path / "a.npz", perfect, features), _shap_file(tmp_path / "b.npz", noise, features)], truth
    )
    assert table.auroc.iloc[0] == 1.0 and table.n_true.iloc[0] == 2
    assert 0.2 < table.auroc.iloc[1] < 0.8


def test_rnn_weight_auroc_and_sign_agreement(tmp_path):
    model, features, outputs = make_model(0, dtype=torch.float32)
    g = model.graph
    names = np.asarray(g.nodes, dtype=object)
    true_edges = np.arange(g.n_edges) % 3 == 0
    with torch.no_grad():
        model.w.copy_(torch.where(torch.as_tensor(true_edges), model.w * 10, model.w))
    truth = pd.DataFrame(
        {"TF": names[g.col][true_edges], "Gene": names[g.row][true_edges], "weight": g.sign[true_edges].astype(float)}
    )
    save_rnn(model, tmp_path / "rnn.pt", features, outputs)
    row = rnn_edge_recovery(tmp_path / "rnn.pt", truth, "rnn").iloc[0]
    assert row.auroc == 1.0 and row.sign_agreement == 1.0 and row.n_true == true_edges.sum()


def _saved_model(tmp_path, weights_of):
    """The helpers' network (regulators R*, genes G*) with weights set by `weights_of(is_tf_tf)` ((E,) bool:
    the target is a regulator R*), saved with the RNN's save function; returns (path, source and target names
    (E,), is_tf_tf)."""
    model, features, outputs = make_model(0, dtype=torch.float64)
    g = model.graph
    names = np.asarray(g.nodes, dtype=object)
    source, target = names[g.col], names[g.row]
    is_tf_tf = np.array([t.startswith("R") for t in target])  # every R* regulates; no G* does
    with torch.no_grad():
        model.w.copy_(torch.as_tensor(weights_of(is_tf_tf)))
    save_rnn(model, tmp_path / "rnn.pt", features, outputs)
    return tmp_path / "rnn.pt", source, target, is_tf_tf


def test_transmission_means_and_counts_split_edges_into_regulators_from_the_rest(tmp_path):
    path, _, target, is_tf_tf = _saved_model(tmp_path, lambda tt: np.where(tt, 0.02, -0.05))
    truth = pd.DataFrame({"TF": ["G16"], "Gene": ["R1"], "weight": [1.0]})  # the truth calls G16 a TF, the model not
    measures = rnn_transmission(path, truth)
    assert "G16" in set(target)  # so its in-edges count as TF -> gene
    assert measures["n_tf_tf"] == sum(t.startswith("R") for t in target) > 0
    assert measures["n_tf_gene"] == sum(t.startswith("G") for t in target) > 0
    assert measures["n_tf_tf"] + measures["n_tf_gene"] == target.size
    np.testing.assert_allclose([measures["mean_abs_tf_tf"], measures["mean_abs_tf_gene"]], [0.02, 0.05])
    assert measures["n_tf_tf_true"] == 0  # G16 -> R1 is no edge of the model's network
    assert np.isnan(measures["tf_tf_weight_r"]) and np.isnan(measures["tf_tf_sign_agreement"])


def _truth_of(source, target, true_weight, keep):
    return pd.DataFrame({"TF": source[keep], "Gene": target[keep], "weight": true_weight[keep]})


def _true(n_edges):
    return np.random.default_rng(3).normal(0, 1, n_edges)  # one true weight per edge of the network


@pytest.mark.parametrize(("scale", "r", "agreement"), [(2.0, 1.0, 1.0), (-2.0, -1.0, 0.0)])
def test_transmission_recovers_true_tf_tf_weights_up_to_scale_and_sign(tmp_path, scale, r, agreement):
    # trained TF -> TF weights: the true ones times `scale`; TF -> gene weights: unrelated to the truth
    path, source, target, is_tf_tf = _saved_model(tmp_path, lambda tt: np.where(tt, scale, 0.3) * _true(tt.size))
    true_tf_tf = is_tf_tf & (np.arange(target.size) % 2 == 0)  # half of the TF -> TF edges are true
    truth = _truth_of(source, target, _true(target.size), true_tf_tf | ~is_tf_tf)  # and every TF -> gene edge
    measures = rnn_transmission(path, truth)
    assert measures["n_tf_tf_true"] == true_tf_tf.sum() >= 3
    assert measures["tf_tf_weight_r"] == pytest.approx(r) and measures["tf_tf_sign_agreement"] == agreement
    row = rnn_edge_recovery(path, truth, "rnn").iloc[0]
    assert {k: row[k] for k in measures} == pytest.approx(measures, nan_ok=True)  # the same, as columns


def test_transmission_correlation_needs_three_true_tf_tf_edges(tmp_path):
    path, source, target, is_tf_tf = _saved_model(tmp_path, lambda tt: np.where(tt, -1.0, 1.0))
    two = np.flatnonzero(is_tf_tf)[:2]
    truth = _truth_of(source, target, np.ones(target.size), np.isin(np.arange(target.size), two))
    measures = rnn_transmission(path, truth)
    assert measures["n_tf_tf_true"] == 2 and np.isnan(measures["tf_tf_weight_r"])
    assert measures["tf_tf_sign_agreement"] == 0.0  # trained -1, true +1
