"""Train (or import) the LEMBAS-RNN for a dataset store and save the model and its loss curve."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import torch

from .dataset import load_dataset
from .rnn_io import MODEL_KEYS, graph_from_dataset, import_upstream_checkpoint, save_rnn
from .rnn_model import LembasRNN
from .rnn_train import TrainConfig, config_fingerprint, train, write_history

LOG = logging.getLogger("lembas_core.rnn_fit")


def resolve_device(device: str) -> str:
    """`auto` picks CUDA when a GPU is visible, else CPU; `cuda` without a GPU is an error.

    A GPU allocated by the scheduler (CUDA_VISIBLE_DEVICES) that torch cannot use, e.g. with a
    CPU-only torch build, is reported in the log instead of being ignored silently.
    """
    allocated = os.environ.get("CUDA_VISIBLE_DEVICES", "")
    if allocated and not torch.cuda.is_available():
        LOG.warning("GPU(s) %s allocated to this job, but torch %s cannot use them (CUDA build: %s): running on CPU",
                    allocated, torch.__version__, torch.version.cuda or "none")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("models.rnn.device is 'cuda' but no CUDA device is visible; use 'auto' or 'cpu'")
    return device


def fit_rnn(dataset_dir: str | Path, model_out: str | Path, history_out: str | Path, options: dict, checkpoint: str | Path | None = None) -> LembasRNN:
    """Train with `options` (config models.rnn) or import `options['import_checkpoint']`; save both outputs."""
    graph, features, targets = graph_from_dataset(dataset_dir)
    settings = {k: options[k] for k in MODEL_KEYS}
    device = resolve_device(options.get("device", "auto"))
    LOG.info("RNN graph: %d nodes, %d edges, core of %d nodes (%d core->core edges), %d inputs, %d outputs; device %s",
             graph.n_nodes, graph.n_edges, graph.core.size, graph.core_submatrix()[1].size, graph.input_idx.size, graph.output_idx.size, device)
    ds = load_dataset(dataset_dir)
    if options.get("import_checkpoint"):
        model = import_upstream_checkpoint(options["import_checkpoint"], graph, features, targets, settings).to_device(device)
        history: list[dict] = []
        LOG.info("imported upstream checkpoint %s instead of training", options["import_checkpoint"])
    else:
        cfg = TrainConfig.from_dict(options)
        model = LembasRNN(graph, seed=cfg.seed, spectral_target=options["spectral_init"], **settings).to_device(device)
        fingerprint = config_fingerprint(options, ds.report, {"features": features, "targets": targets})
        history = train(model, ds.x["train"], ds.y["train"], cfg, checkpoint, fingerprint)
    test_pred = model.predict(ds.x["test"])
    y_test, y_train = np.asarray(ds.y["test"], np.float64), np.asarray(ds.y["train"], np.float64)
    mse, floor = float(np.mean((test_pred - y_test) ** 2)), float(np.mean((y_train.mean(0) - y_test) ** 2))
    LOG.info("RNN test MSE %.5f vs %.5f for the training-mean baseline", mse, floor)
    save_rnn(model.to_device("cpu"), model_out, features, targets)
    write_history(history, history_out)
    if checkpoint:
        Path(checkpoint).unlink(missing_ok=True)  # the finished model supersedes it
    return model
