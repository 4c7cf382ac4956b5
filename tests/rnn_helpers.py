"""Test helpers for LEMBAS-RNN: a small random signed network with cycles, a model on it, inputs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from cohort_helpers import DEFAULTS
from lembas_core.models.rnn.graph import build_graph
from lembas_core.models.rnn.model import LembasRNN

ARCHITECTURE = DEFAULTS.models["rnn"].architecture
TRAINING = DEFAULTS.models["rnn"].training


def random_network(seed: int, n_reg: int = 10, n_gene: int = 30, degree: int = 7):
    """Regulators R* (which also regulate each other, so there are cycles, plus a self-loop) and genes G*."""
    rng = np.random.default_rng(seed)
    names = sorted([f"R{i}" for i in range(n_reg)] + [f"G{i}" for i in range(n_gene)])
    index = {n: i for i, n in enumerate(names)}
    targets_pool = [f"R{i}" for i in range(n_reg)] + [f"G{i}" for i in range(n_gene)]
    src, tgt = [], []
    for r in range(n_reg):
        for t in rng.choice(len(targets_pool), degree, replace=False):
            src.append(index[f"R{r}"])
            tgt.append(index[targets_pool[t]])
    src.append(index["R0"])
    tgt.append(index["R0"])  # self-loop
    sign = np.where(rng.random(len(src)) < 0.75, 1, -1)
    features = [f"R{i}" for i in rng.permutation(n_reg)]  # data column order differs from node order
    outputs = [f"G{i}" for i in range(n_gene)] + ["R2", "R5"]
    return names, np.array(src), np.array(tgt), sign, features, outputs


def make_model(seed: int = 0, dtype=torch.float64, **architecture):
    """(model, features, outputs) on `random_network(seed)`; `architecture` overrides the default settings."""
    names, src, tgt, sign, features, outputs = random_network(seed)
    graph = build_graph(names, src, tgt, sign, features, outputs)
    return LembasRNN(graph, replace(ARCHITECTURE, **architecture), dtype=dtype, seed=seed), features, outputs


def inputs(model: LembasRNN, n: int = 6, seed: int = 1) -> torch.Tensor:
    return torch.as_tensor(
        np.random.default_rng(seed).uniform(0, 3, (n, model.graph.input_idx.size)), dtype=model.w.dtype
    )
