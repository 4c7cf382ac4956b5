"""Scores against the synthetic cohort's ground truth (only when the data are synthetic).

- SHAP: for each (model, gene), the AUROC of mean |SHAP value| per TF at separating the gene's true
  regulators from the other TF features (0.5 = chance).
- LEMBAS-RNN weights: the AUROC of |trained weight| at separating the edges of the network it was trained
  on that are true from the others (the prior's decoys; for a network control, its mostly false edges),
  and the share of true edges whose trained sign matches the true sign.
- LEMBAS-RNN transmission (:func:`rnn_transmission`): does the RNN use its TF -> TF edges, through which one
  regulator's signal reaches another's targets? Mean |trained weight| on TF -> TF vs TF -> gene edges, and how
  well the trained TF -> TF weights recover the true ones (Pearson r, sign agreement). A TF here is a
  regulator of the network the model holds: a node that is the source of at least one of its edges (the
  RNN's recurrent core), decided from the model, not the truth, so that a shuffled-network control is
  measured on its own network. An edge into a regulator (a self-loop included) is TF -> TF; any other edge
  is TF -> gene.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from lembas_core.evaluation.interventions import pearson
from lembas_core.io.npz import load_arrays
from lembas_core.models.rnn.io import load_rnn

MIN_CORRELATED = 3  # true TF -> TF edges needed to correlate trained and true weights
TRANSMISSION_COUNTS = ("n_tf_tf", "n_tf_gene", "n_tf_tf_true")  # integer columns, empty on SHAP rows


def _auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    labels = np.asarray(labels, bool)
    return float(roc_auc_score(labels, scores)) if 0 < labels.sum() < labels.size else float("nan")


def shap_recovery(shap_files: list[str | Path], truth_edges: pd.DataFrame) -> pd.DataFrame:
    """Per SHAP file: AUROC of mean |SHAP| per TF at separating the gene's true regulators from the rest."""
    rows = []
    for path in shap_files:
        data = load_arrays(path, ("model", "gene", "feature_names", "values"), what="SHAP file")
        model, gene = str(data["model"]), str(data["gene"])
        features, importance = data["feature_names"].tolist(), np.abs(data["values"]).mean(axis=0)
        regulators = set(truth_edges.loc[truth_edges.Gene == gene, "TF"])
        labels = np.array([f in regulators for f in features])
        rows.append(
            {
                "what": "shap",
                "model": model,
                "gene": gene,
                "n_true": int(labels.sum()),
                "n_candidates": len(features),
                "auroc": _auroc(labels, importance),
                "sign_agreement": np.nan,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class TrainedEdges:
    """The edges of a trained RNN's network, in its weight order (E edges)."""

    source: np.ndarray  # object (E,): source node name
    target: np.ndarray  # object (E,): target node name
    weight: np.ndarray  # float (E,): trained weight
    into_regulator: np.ndarray  # bool (E,): the target is a regulator (source of some edge) of this network


def trained_edges(model_path: str | Path) -> TrainedEdges:
    """The edges and trained weights of the RNN in `model_path`; regulators are its recurrent core (the nodes
    with an outgoing edge)."""
    model, _, _ = load_rnn(model_path)
    g = model.graph
    nodes = np.asarray(g.nodes, dtype=object)
    return TrainedEdges(
        source=nodes[g.col],
        target=nodes[g.row],
        weight=model.w.detach().numpy(),
        into_regulator=np.isin(g.row, g.core),
    )


def _true_weights(edges: TrainedEdges, truth_edges: pd.DataFrame) -> np.ndarray:
    """(E,) the true weight of each edge, 0 for an edge that is not true (a true edge has a nonzero weight)."""
    true_weight = dict(zip(zip(truth_edges.TF, truth_edges.Gene), truth_edges.weight.astype(float)))
    return np.array([true_weight.get(pair, 0.0) for pair in zip(edges.source, edges.target)], dtype=float)


def _sign_agreement(trained: np.ndarray, true: np.ndarray) -> float:
    """Share of edges (1-D, same length) whose trained sign matches the true sign; NaN for none."""
    return float(np.mean(np.sign(trained) == np.sign(true))) if trained.size else float("nan")


def _mean_abs(weights: np.ndarray) -> float:
    """Mean |weight| of a 1-D array; NaN when empty."""
    return float(np.abs(weights).mean()) if weights.size else float("nan")


def _transmission(edges: TrainedEdges, true_weight: np.ndarray) -> dict[str, float | int]:
    """Transmission measures of `edges` given their true weights ((E,), 0 where not true); see
    :func:`rnn_transmission`."""
    tf_tf, tf_gene = edges.into_regulator, ~edges.into_regulator
    true_tf_tf = tf_tf & (true_weight != 0)
    trained, true = edges.weight[true_tf_tf], true_weight[true_tf_tf]
    return {
        "mean_abs_tf_tf": _mean_abs(edges.weight[tf_tf]),
        "mean_abs_tf_gene": _mean_abs(edges.weight[tf_gene]),
        "n_tf_tf": int(tf_tf.sum()),
        "n_tf_gene": int(tf_gene.sum()),
        "n_tf_tf_true": int(true_tf_tf.sum()),
        "tf_tf_weight_r": pearson(trained, true) if true.size >= MIN_CORRELATED else float("nan"),
        "tf_tf_sign_agreement": _sign_agreement(trained, true),
    }


def rnn_transmission(model_path: str | Path, truth_edges: pd.DataFrame) -> dict[str, float | int]:
    """Whether the RNN in `model_path` uses its TF -> TF edges, and whether it recovers their true weights.

    Over the edges of the network the model holds (a TF: a node that is the source of one of its edges):
    `mean_abs_tf_tf` / `mean_abs_tf_gene`, the mean |trained weight| on edges into a TF / into a non-TF
    (NaN for none), with their counts `n_tf_tf` / `n_tf_gene`; over its `n_tf_tf_true` TF -> TF edges that are
    true edges (`truth_edges`: TF, Gene, weight), `tf_tf_weight_r`, the Pearson correlation of trained and true
    weight (NaN for fewer than 3 or constant true weights, 0 for constant trained weights), and
    `tf_tf_sign_agreement`, the share whose trained sign matches the true sign (NaN for none).
    """
    edges = trained_edges(model_path)
    return _transmission(edges, _true_weights(edges, truth_edges))


def rnn_edge_recovery(model_path: str | Path, truth_edges: pd.DataFrame, name: str) -> pd.DataFrame:
    """AUROC of |trained weight| for true vs other edges of the network model `name` was trained on, and
    the sign agreement on its true edges (for a shuffled control, few of its edges are true); then the
    transmission measures of :func:`rnn_transmission`."""
    edges = trained_edges(model_path)
    true_weight = _true_weights(edges, truth_edges)
    is_true = true_weight != 0
    row = pd.DataFrame(
        [
            {
                "what": "rnn_weights",
                "model": name,
                "gene": "",
                "n_true": int(is_true.sum()),
                "n_candidates": int(is_true.size),
                "auroc": _auroc(is_true, np.abs(edges.weight)),
                "sign_agreement": _sign_agreement(edges.weight[is_true], true_weight[is_true]),
                **_transmission(edges, true_weight),
            }
        ]
    )
    return row.astype(dict.fromkeys(TRANSMISSION_COUNTS, "Int64"))
