"""LEMBAS-RNN files: our model format, and import of upstream (dense) checkpoints.

Our `.pt` file is a plain dict of tensors, strings and numbers (loads with
``torch.load(weights_only=True)``): the state dict, the graph (node names, CSR arrays, signs,
input/output names) and the model settings, so a model file is self-contained.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch

from lembas_core.io.atomic import atomic_file
from lembas_core.io.errors import InputDataError
from lembas_core.io.network import Network
from lembas_core.io.store import Store
from lembas_core.models.rnn.graph import RNNGraph, build_graph
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.settings import RNNArchitecture

LOG = logging.getLogger("lembas_core.models.rnn.io")

FORMAT = "lembas-rnn/1"
MODEL_KEYS = ("max_steps", "tolerance", "leak", "projection_amplitude_in", "projection_amplitude_out")
UPSTREAM_KEYS = (
    "input_layer.weights",
    "signaling_network.weights",
    "signaling_network.bias",
    "output_layer.weights",
    "output_layer.bias",
)


def model_settings(model: LembasRNN) -> dict:
    """The architecture values a model file records (everything but the initial spectral radius)."""
    return {k: getattr(model, k) for k in MODEL_KEYS}


def architecture_of(settings: dict) -> RNNArchitecture:
    """The architecture of a saved model; its initial spectral radius is irrelevant once trained."""
    return RNNArchitecture(**settings, spectral_init=float("nan"))


def save_rnn(model: LembasRNN, path: str | Path, features: list[str], targets: list[str]) -> None:
    """Write a self-contained model file (plain tensors, names and settings), atomically."""
    g = model.graph
    payload = {
        "format": FORMAT,
        "settings": model_settings(model),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "nodes": list(g.nodes),
        "row": torch.as_tensor(g.row),
        "col": torch.as_tensor(g.col),
        "sign": torch.as_tensor(g.sign),
        "features": list(features),
        "targets": list(targets),
    }
    with atomic_file(path, "wb") as handle:
        torch.save(payload, handle)


def _load(path: str | Path) -> dict:
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise InputDataError(
            path, "RNN model file not found", "check the path or rerun snakemake to train the RNN"
        ) from None
    except Exception as exc:  # torch raises several types for damaged or unsafe files
        raise InputDataError(
            path,
            "not a readable torch checkpoint that loads without executing code "
            f"({type(exc).__name__}: {str(exc).splitlines()[0][:200]})",
            "re-save the checkpoint as a plain state_dict, or delete it and rerun snakemake",
        ) from None


def load_rnn(path: str | Path, device: str = "cpu") -> tuple[LembasRNN, list[str], list[str]]:
    """Load our model file; return (model, features, targets)."""
    payload = _load(path)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise InputDataError(
            path, "not a lembas-bench RNN model file", "delete it and rerun snakemake to retrain the RNN"
        )
    sign = payload["sign"].numpy()
    graph = build_graph(
        payload["nodes"], payload["col"].numpy(), payload["row"].numpy(), sign, payload["features"], payload["targets"]
    )
    model = LembasRNN(
        graph, architecture_of(payload["settings"]), dtype=payload["state_dict"]["w"].dtype, initialize=False
    )
    model.load_state_dict(payload["state_dict"])
    return model.to_device(device), payload["features"], payload["targets"]


def import_upstream_checkpoint(
    path: str | Path, graph: RNNGraph, features: list[str], targets: list[str], architecture: RNNArchitecture
) -> LembasRNN:
    """Convert an upstream checkpoint (dense N x N `signaling_network.weights`) to our sparse model.

    Upstream orders inputs and outputs by `np.intersect1d` (sorted names); they are matched to our
    column order by name. Only the dense matrix of the checkpoint itself is held; the edge values are
    gathered from it on the network's pattern.
    """
    payload = _load(path)
    state = payload.get("state_dict", payload) if isinstance(payload, dict) else None
    missing = [k for k in UPSTREAM_KEYS if not isinstance(state, dict) or k not in state]
    if missing:
        raise InputDataError(
            path,
            f"checkpoint lacks {', '.join(missing)}",
            "export the upstream SignalingModel's state_dict (torch.save({'state_dict': model.state_dict()}, path))",
        )
    n = graph.n_nodes
    dense = state["signaling_network.weights"]
    upstream_inputs = sorted(set(features) & set(graph.nodes))
    upstream_outputs = sorted(set(targets) & set(graph.nodes))
    expected = {
        "signaling_network.weights": (n, n),
        "signaling_network.bias": (n, 1),
        "input_layer.weights": (len(upstream_inputs),),
        "output_layer.weights": (len(upstream_outputs),),
        "output_layer.bias": (len(upstream_outputs),),
    }
    for key, shape in expected.items():
        if tuple(state[key].shape) != shape:
            raise InputDataError(
                path,
                f"size mismatch for {key}: checkpoint {tuple(state[key].shape)}, network and data need {shape}",
                "use the network file and the TF/gene columns the checkpoint was trained with",
            )
    rows, cols = torch.as_tensor(graph.row), torch.as_tensor(graph.col)
    values = dense[rows, cols]
    outside = float(dense.abs().sum() - values.abs().sum())
    if outside > 1e-6 * max(float(values.abs().sum()), 1.0):
        LOG.warning(
            "checkpoint has weight mass %.3g outside the network's edges; it is dropped (upstream never masked W)",
            outside,
        )
    model = LembasRNN(graph, architecture, dtype=dense.dtype, initialize=False)
    in_pos = {name: i for i, name in enumerate(upstream_inputs)}
    out_pos = {name: i for i, name in enumerate(upstream_outputs)}
    with torch.no_grad():
        model.w.copy_(values)
        model.bias.copy_(state["signaling_network.bias"].reshape(-1))
        model.w_in.copy_(state["input_layer.weights"][[in_pos[f] for f in features]])
        model.w_out.copy_(state["output_layer.weights"][[out_pos[t] for t in targets]])
        model.b_out.copy_(state["output_layer.bias"][[out_pos[t] for t in targets]])
    del dense, state, payload
    return model


def graph_from_dataset(
    dataset_dir: str | Path, network: Network | None = None
) -> tuple[RNNGraph, list[str], list[str]]:
    """The RNN graph of a preprocessed dataset store, with its feature and target names.

    `network` replaces the dataset's prior (a control from :mod:`lembas_core.data.network_controls`,
    on the same node list).
    """
    store = Store(dataset_dir, kind="dataset")
    features, targets = store.names("features"), store.names("targets")
    if network is None:
        nodes, source, target, sign = (
            store.names("network_nodes"),
            np.asarray(store.array("network_source")),
            np.asarray(store.array("network_target")),
            np.asarray(store.array("network_sign")),
        )
    else:
        nodes, source, target, sign = network.nodes, network.source, network.target, network.sign
    return build_graph(nodes, source, target, sign, features, targets), features, targets


class RNNPredictor:
    """A loaded LEMBAS-RNN with its input and output names (:class:`lembas_core.models.base.Model`)."""

    def __init__(self, network: LembasRNN, features: list[str], targets: list[str]):
        self.network, self.features, self.targets = network, features, targets

    def predict(self, x: np.ndarray) -> np.ndarray:
        """(samples x targets) float32 predictions for `x` (samples x features)."""
        return self.network.predict(x)


def load_model(path: str | Path, threads: int = 1) -> RNNPredictor:
    """Registry entry point: load an RNN model file on the CPU with `threads` torch threads."""
    torch.set_num_threads(threads)
    return RNNPredictor(*load_rnn(path))
