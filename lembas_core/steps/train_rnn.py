"""Step of rule `train_rnn`: train (or import) LEMBAS-RNN on the dataset; save the model and loss curve."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from lembas_core.data.dataset import load_dataset
from lembas_core.data.network_controls import network_for, write_network
from lembas_core.data.perturbation_training import training_data
from lembas_core.models.fit_report import FitReport
from lembas_core.models.rnn.device import resolve_device
from lembas_core.models.rnn.io import graph_from_dataset, import_upstream_checkpoint, save_rnn
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.training import Checkpointing, config_fingerprint, train, write_history
from lembas_core.models.settings import RNNExecution, RNNSettings

LOG = logging.getLogger("lembas_core.steps.train_rnn")


@dataclass(frozen=True)
class RNNOutputs:
    """Files a train_rnn job writes (the model, its per-epoch history, its fit report, the network it used)
    and the checkpoint it keeps while it runs (None: no checkpoints)."""

    model: str | Path
    history: str | Path
    report: str | Path
    network: str | Path
    checkpoint: str | Path | None = None


def train_rnn(
    name: str,
    settings: RNNSettings,
    execution: RNNExecution,
    dataset_dir: str | Path,
    outputs: RNNOutputs,
    perturbation_rows: str | Path | None = None,
) -> LembasRNN:
    """Train model `name` with `settings` (or import `settings.import_checkpoint`) on the training split and
    the interventional training rows `perturbation_rows` (when given); save it and its history.

    The network is the dataset's prior or the control `settings.network` derived from it
    (:mod:`lembas_core.data.network_controls`); it is written to `outputs.network`. The checkpoint is
    resumed only under the same fingerprint: the settings and the dataset, never the device or the
    checkpoint period.
    """
    network, network_report = network_for(dataset_dir, settings.network, settings.network_seed)
    write_network(network, outputs.network)
    checkpoint = outputs.checkpoint
    graph, features, targets = graph_from_dataset(dataset_dir, network)
    device = resolve_device(execution.device)
    LOG.info(
        "RNN graph: %d nodes, %d edges, core of %d nodes (%d core->core edges), %d inputs, %d outputs; device %s",
        graph.n_nodes,
        graph.n_edges,
        graph.core.size,
        graph.core_submatrix()[1].size,
        graph.input_idx.size,
        graph.output_idx.size,
        device,
    )
    ds = load_dataset(dataset_dir)
    if settings.import_checkpoint:
        model = import_upstream_checkpoint(settings.import_checkpoint, graph, features, targets, settings.architecture)
        model = model.to_device(device)
        history: list[dict] = []
        report = FitReport(name, "imported upstream checkpoint", None, 0, 0, 0, str(settings.import_checkpoint))
        LOG.info("imported upstream checkpoint %s instead of training", settings.import_checkpoint)
    else:
        model = LembasRNN(graph, settings.architecture, seed=settings.training.seed).to_device(device)
        x, y = training_data(ds, perturbation_rows)
        parts = [asdict(settings), ds.report, {"features": features, "targets": targets}]
        n = ds.x["train"].shape[0]
        if x.shape[0] > n:  # a checkpoint resumes only on the same interventional training rows (those after n)
            parts.append({"perturbation_rows": hashlib.sha256(x[n:].tobytes() + y[n:].tobytes()).hexdigest()})
        fingerprint = config_fingerprint(*parts)
        checkpointing = Checkpointing(checkpoint, execution.checkpoint_every, fingerprint) if checkpoint else None
        outcome = train(model, x, y, settings.training, checkpointing)
        history = outcome.history
        on = (
            ""
            if settings.network == "prior"
            else (
                f", {settings.network} network (seed {settings.network_seed}, "
                f"{100 * network_report['moved_fraction']:.1f}% of edges moved)"
            )
        )
        check = "" if outcome.reference_error is None else " + a convergence check (a shorter run from the same start)"
        report = FitReport(
            name,
            f"recipe {settings.recipe}: Adam, LEMBAS one-cycle schedule over {outcome.budget.epochs} epochs{check}{on}",
            outcome.converged,
            outcome.main_epochs * outcome.budget.steps_per_epoch,  # the kept weights' training, not the check's
            outcome.main_epochs,
            outcome.best_epoch,
            outcome.stop_reason,
            outcome.doubling_gain,
        )
    test_pred = model.predict(ds.x["test"])
    y_test, y_train = np.asarray(ds.y["test"], np.float64), np.asarray(ds.y["train"], np.float64)
    mse, floor = float(np.mean((test_pred - y_test) ** 2)), float(np.mean((y_train.mean(0) - y_test) ** 2))
    LOG.info("%s test MSE %.5f vs %.5f for the training-mean baseline", name, mse, floor)
    save_rnn(model.to_device("cpu"), outputs.model, features, targets)
    write_history(history, outputs.history)
    report.write(outputs.report)
    if checkpoint:
        Path(checkpoint).unlink(missing_ok=True)  # the finished model supersedes it
    return model
