"""Scores against the synthetic cohort's ground truth (only when the data are synthetic).

- SHAP: for each (model, gene), the AUROC of mean |SHAP value| per TF at separating the gene's true
  regulators from the other TF features (0.5 = chance).
- LEMBAS-RNN weights: the AUROC of |trained weight| at separating the edges of the network it was trained
  on that are true from the others (the prior's decoys; for a network control, its mostly false edges),
  and the share of true edges whose trained sign matches the true sign.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from lembas_core.io.npz import load_arrays
from lembas_core.models.rnn.io import load_rnn


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


def rnn_edge_recovery(model_path: str | Path, truth_edges: pd.DataFrame, name: str) -> pd.DataFrame:
    """AUROC of |trained weight| for true vs other edges of the network model `name` was trained on, and
    the sign agreement on its true edges (for a shuffled control, few of its edges are true)."""
    model, _, _ = load_rnn(model_path)
    g = model.graph
    weights = model.w.detach().numpy()
    source = np.asarray(g.nodes, dtype=object)[g.col]
    target = np.asarray(g.nodes, dtype=object)[g.row]
    true_sign = dict(zip(zip(truth_edges.TF, truth_edges.Gene), np.sign(truth_edges.weight)))
    signs = np.array([true_sign.get(pair, 0.0) for pair in zip(source, target)])
    is_true = signs != 0
    agreement = float(np.mean(np.sign(weights[is_true]) == signs[is_true])) if is_true.any() else float("nan")
    return pd.DataFrame(
        [
            {
                "what": "rnn_weights",
                "model": name,
                "gene": "",
                "n_true": int(is_true.sum()),
                "n_candidates": int(is_true.size),
                "auroc": _auroc(is_true, np.abs(weights)),
                "sign_agreement": agreement,
            }
        ]
    )
