"""prior_ridge: per-gene ridge on the gene's network regulators, checked against sklearn's RidgeCV."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import RidgeCV

from lembas_core.io.network import Network
from lembas_core.models.prior_ridge import fit_prior_ridge, regulator_sets
from lembas_core.models.settings import PriorRidgeSettings

ALPHAS = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)


def small_problem(seed: int = 3):
    """40 samples, 6 TFs, 5 genes: G0 and G1 share regulators, G2 has one, G3 has all six, G4 none.

    The network also holds an edge from a node that is not a TF feature (ignored) and a gene -> gene edge.
    """
    rng = np.random.default_rng(seed)
    features = [f"TF{i}" for i in range(6)]
    targets = [f"G{i}" for i in range(5)]
    regulators = {"G0": [0, 2, 5], "G1": [0, 2, 5], "G2": [4], "G3": [0, 1, 2, 3, 4, 5], "G4": []}
    nodes = sorted(features + targets + ["OTHER"])
    edges = [(f"TF{j}", gene) for gene, js in regulators.items() for j in js] + [("OTHER", "G4"), ("G0", "G4")]
    network = Network(
        nodes,
        np.array([nodes.index(s) for s, _ in edges]),
        np.array([nodes.index(t) for _, t in edges]),
        np.ones(len(edges), dtype=np.int8),
    )
    x = rng.normal(size=(40, 6))
    y = np.stack([x[:, js] @ rng.normal(size=len(js)) if js else np.zeros(40) for js in regulators.values()], 1)
    y += rng.normal(scale=[0.3, 2.0, 0.5, 5.0, 1.0], size=y.shape) + 4.0
    return x, y, features, targets, network, regulators


def test_predictions_equal_a_direct_per_gene_ridgecv_on_the_regulator_columns():
    x, y, features, targets, network, regulators = small_problem()
    model = fit_prior_ridge(x, y, features, targets, PriorRidgeSettings(ALPHAS, "prior", 0, 0), network)
    x_new = np.random.default_rng(9).normal(size=(7, 6))
    pred = model.predict(x_new)
    for i, gene in enumerate(targets):
        columns = regulators[gene]
        if not columns:
            np.testing.assert_allclose(pred[:, i], y[:, i].mean(), rtol=1e-6)
            assert np.isnan(model.extras["alpha"][i]) and not model.coef[i].any()
            continue
        direct = RidgeCV(alphas=ALPHAS).fit(x[:, columns], y[:, i])
        assert model.extras["alpha"][i] == direct.alpha_, gene
        np.testing.assert_allclose(pred[:, i], direct.predict(x_new[:, columns]), rtol=1e-5, atol=1e-5)
        outside = np.setdiff1d(np.arange(6), columns)
        assert not model.coef[i, outside].any()  # only the gene's regulators enter its model
    assert model.extras["n_regulators"].tolist() == [3, 3, 1, 6, 0]
    # the noisier genes choose larger penalties than their low-noise sibling with the same regulators
    assert model.extras["alpha"][1] >= model.extras["alpha"][0]


def test_regulator_sets_keep_only_tf_features_in_feature_order():
    _, _, features, targets, network, regulators = small_problem()
    sets = regulator_sets(network, features, targets)
    assert [s.tolist() for s in sets] == [regulators[g] for g in targets]
    assert regulator_sets(network, ["TF5", "TF0"], ["G1"])[0].tolist() == [0, 1]
