"""Ground-truth recovery scores on hand-made explanations and weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from lembas_core.evaluation.truth import rnn_edge_recovery, shap_recovery
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
