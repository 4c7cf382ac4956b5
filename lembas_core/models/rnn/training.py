"""LEMBAS-RNN training: the epoch loop, early stopping, the convergence check and checkpoints.

Loss: :mod:`lembas_core.models.rnn.loss`; budget, learning-rate schedule and the convergence check:
:mod:`lembas_core.models.rnn.schedule`. Input noise scales with the learning rate; Adam's state is reset every
`reset_epochs`. Every epoch draws its shuffling, noise and spectral probes from a generator seeded with
`seed + epoch`, so a run resumed from a checkpoint ends with exactly the weights of an uninterrupted run.

Deviations from the upstream recipe, each a switch (`recipe: upstream` turns them off): the budget in
optimizer updates, the fitted readout, learning rates by parameter (:mod:`lembas_core.models.rnn.optimizer`),
and early stopping on an inner validation split (`validation_fraction`
of the training samples, seeded, never the test or validation cohort) whose error after every epoch picks the
kept weights, ends the main schedule `patience` epochs after the last improvement (counted only once the rate
has annealed back to the warm-up's starting rate) and decides the convergence check. The log and
:class:`TrainingOutcome` say why training stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from lembas_core.io.atomic import atomic_file
from lembas_core.models.rnn.convergence import (
    RAISE_STEPS,
    convergence_check_end,
    lost_at_the_peak,
    main_schedule_end,
)
from lembas_core.models.rnn.loss import loss_terms
from lembas_core.models.rnn.memory import reuse_freed_memory
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.optimizer import edge_lr_scale, make_optimizer, set_lr
from lembas_core.models.rnn.schedule import (
    Budget,
    budget_gain,
    inner_validation_size,
    plateau,
    reference_budget,
    training_budget,
    update_lr,
)
from lembas_core.models.settings import RNNTraining

LOG = logging.getLogger("lembas_core.models.rnn.training")

HISTORY_COLUMNS = (
    "epoch",
    "phase",  # 0: main schedule; 1: the convergence check's reference run
    "loss",
    "mse",
    "sign",
    "l2",
    "uniform",
    "spectral",
    "lr",
    "spectral_radius",
    "sign_violations",
    "validation_mse",
    "validation_error",
    "steps",
    "seconds",
)


def inner_split(n_train: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(fit rows, inner-validation rows) of the training split, both ascending; no validation rows for 0.

    A seeded choice of ``round(fraction * n_train)`` rows (at least one, and at least one left to fit).
    """
    if fraction <= 0:
        return np.arange(n_train), np.arange(0)
    n_val = inner_validation_size(n_train, fraction)
    held = np.sort(np.random.default_rng(seed).permutation(n_train)[:n_val])
    return np.setdiff1d(np.arange(n_train), held), held


@dataclass
class TrainingOutcome:
    """What a training run did: per-epoch history, the epoch whose weights were kept, and why it stopped."""

    history: list[dict]
    budget: Budget
    best_epoch: int  # 1-based epoch of the kept weights (the last epoch without early stopping)
    converged: bool | None  # True: more training did not help; False: it still did, or the check showed no
    # evidence either way (lost ground, diverged); None: fixed recipe
    stop_reason: str
    reference_error: float | None = None  # the convergence check's best inner-validation error (None: not run)

    @property
    def main_epochs(self) -> int:
        """Epochs of the main schedule, the training of the kept weights (the reference run's excluded)."""
        return sum(row["phase"] == 0 for row in self.history)

    @property
    def kept_error(self) -> float:
        """The inner-validation error of the kept epoch."""
        return self.history[self.best_epoch - 1]["validation_error"]

    @property
    def check_gain(self) -> float | None:
        """The kept inner-validation error's relative gain over the reference run's (None: no check ran)."""
        if self.reference_error is None:
            return None
        return budget_gain(self.kept_error, self.reference_error)

    @property
    def doubling_gain(self) -> float | None:
        """What one doubling of the budget gained, in inner-validation error (1 - per-gene R^2, averaged):
        the reference run's best minus the kept error, spread evenly over the log2(main epochs / reference
        epochs) doublings between their budgets. None when no check ran or the reference run never reached a
        finite error."""
        if self.reference_error is None or not math.isfinite(self.reference_error):
            return None
        reference_epochs = len(self.history) - self.main_epochs
        return (self.reference_error - self.kept_error) / math.log2(self.budget.epochs / reference_epochs)

    @property
    def steps_to_best(self) -> int:
        """Optimizer updates up to and including the best epoch."""
        return int(self.history[self.best_epoch - 1]["steps"]) if self.history else 0


LOSS_TERMS = ("loss", "mse", "sign", "l2", "uniform", "spectral")  # the loss and its terms, in history rows
STEP_TERMS = (*LOSS_TERMS, "_radius")


def training_step(  # wide: model, optimizer, one batch, the step's lr and barrier weight, settings, random stream
    model: LembasRNN,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    lr: float,
    cfg: RNNTraining,
    generator: torch.Generator,
    spectral_weight: float = 1.0,
    edge_scale: torch.Tensor | None = None,
) -> torch.Tensor:
    """One optimizer update on a batch (`x` batch x inputs, `y` batch x outputs) at learning rate `lr` (the
    caller sets it on the optimizer), with input noise of sd ``noise_level * lr`` on every node drawn from
    `generator` (then the spectral probes, unless `spectral_weight` is 0: see :func:`loss_terms`). Each edge
    weight's step is multiplied by `edge_scale` (:func:`~lembas_core.models.rnn.optimizer.edge_lr_scale`; None: by 1).

    Returns the detached terms (STEP_TERMS,) as one float64 tensor, so a caller summing them synchronises
    with the device once per epoch, not once per step.
    """
    noise = cfg.noise_level * lr * torch.randn((model.graph.n_nodes, x.shape[0]), generator=generator, dtype=x.dtype)
    states = model.states(model.project_input(x, noise.to(x.device)))
    terms = loss_terms(model, states, y, lr, cfg, generator, spectral_weight)
    loss = sum(v for k, v in terms.items() if not k.startswith("_"))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if edge_scale is None:
        optimizer.step()
    else:  # Adam with a learning rate per edge: its step, scaled
        before = model.w.detach().clone()
        optimizer.step()
        with torch.no_grad():
            model.w.sub_(before).mul_(edge_scale).add_(before)
    return torch.stack([loss.detach(), *(terms[k].detach() for k in STEP_TERMS[1:])]).to(torch.float64)


def spectral_weight(step: int, cfg: RNNTraining) -> float:
    """Weight of the spectral barrier at optimizer update `step` (0-based, counted over the whole run):
    `spectral_every` on every `spectral_every`-th update, 0 (not estimated) on the others."""
    return float(cfg.spectral_every) if step % cfg.spectral_every == 0 else 0.0


def config_fingerprint(*parts: dict) -> str:
    """Short hash of JSON-serialisable parts: a checkpoint is resumed only under the same fingerprint."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


@torch.no_grad()
def fit_readout(model: LembasRNN, x: torch.Tensor, y: torch.Tensor, batch: int = 1024) -> None:
    """Set w_out and b_out per output by least squares on the untrained network's state.

    Over the rows of `x` (samples x inputs) and `y` (samples x outputs), with x_T the output nodes' state:
    ``w_out[j] = cov(x_T[:, j], y[:, j]) / var(x_T[:, j])`` clipped to [0, projection_amplitude_out] (an
    output without signal starts near its mean; none starts steeper than the upstream amplitude, whose
    larger initial slopes destabilised training on the demo cohort), then
    ``b_out[j] = mean(y[:, j]) - w_out[j] * mean(x_T[:, j])``. A state that does not vary keeps its w_out.
    """
    n, moments = x.shape[0], torch.zeros((4, model.b_out.numel()), dtype=torch.float64, device=x.device)
    for begin in range(0, n, batch):
        x_full, _ = model.states(model.project_input(x[begin : begin + batch]))
        s = x_full[model.output_idx].t().to(torch.float64)
        t = y[begin : begin + batch].to(torch.float64)
        moments += torch.stack([s.sum(0), t.sum(0), (s * s).sum(0), (s * t).sum(0)])
    mean_s, mean_y = moments[0] / n, moments[1] / n
    var_s, cov = moments[2] / n - mean_s**2, moments[3] / n - mean_s * mean_y
    slope = (cov / var_s.clamp(min=1e-12)).clamp(0.0, float(model.projection_amplitude_out))
    w_out = torch.where(var_s > 1e-12, slope, model.w_out.to(torch.float64))
    model.w_out.copy_(w_out.to(model.w_out.dtype))
    model.b_out.copy_((mean_y - w_out * mean_s).to(model.b_out.dtype))


@torch.no_grad()
def prediction_errors(model: LembasRNN, x: torch.Tensor, y: torch.Tensor, batch: int = 1024) -> torch.Tensor:
    """Mean squared error per output (outputs,), float64, of predictions for `x` (samples x inputs), no noise."""
    sse = torch.zeros(y.shape[1], dtype=torch.float64, device=x.device)
    for begin in range(0, x.shape[0], batch):
        sse += ((model(x[begin : begin + batch]) - y[begin : begin + batch]) ** 2).sum(dim=0, dtype=torch.float64)
    return sse / x.shape[0]


def normalised_error(per_output_mse: torch.Tensor, variance: torch.Tensor) -> float:
    """Mean over outputs of MSE / training variance: 1 minus the per-gene R^2 averaged, the headline metric's
    complement (variances below 1e-6 of the median variance are floored so constant genes cannot dominate)."""
    floor = 1e-6 * float(variance.median()) + 1e-12
    return float((per_output_mse / variance.clamp(min=floor)).mean())


@dataclass(frozen=True)
class Checkpointing:
    """Where and how often training writes its checkpoint, and the fingerprint (:func:`config_fingerprint`)
    a checkpoint must carry to be resumed."""

    path: str | Path
    every: int  # epochs
    fingerprint: str


@dataclass(frozen=True)
class TrainingData:
    """The training split as tensors of the model's dtype on its device: the fit rows, which take the
    gradient steps, and the inner-validation rows (:func:`inner_split`; None without inner validation)."""

    x_fit: torch.Tensor  # fit samples x inputs
    y_fit: torch.Tensor  # fit samples x outputs
    x_val: torch.Tensor | None  # inner-validation samples x inputs
    y_val: torch.Tensor | None  # inner-validation samples x outputs
    fit_variance: torch.Tensor  # (outputs,) float64, of y_fit: normalises the inner-validation error
    n_val: int  # inner-validation samples (0: no early stopping, no convergence check)


def training_data(model: LembasRNN, x_train: np.ndarray, y_train: np.ndarray, cfg: RNNTraining) -> TrainingData:
    """`x_train` (samples x features) and `y_train` (samples x targets) split by :func:`inner_split`."""

    def as_tensor(array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.array(array), dtype=model.w.dtype, device=model.w.device)

    fit_rows, val_rows = inner_split(len(x_train), cfg.validation_fraction, cfg.seed)
    if len(val_rows):
        x, y = np.asarray(x_train), np.asarray(y_train)
        x_fit, y_fit = as_tensor(x[fit_rows]), as_tensor(y[fit_rows])
        x_val, y_val = as_tensor(x[val_rows]), as_tensor(y[val_rows])
    else:
        x_fit, y_fit, x_val, y_val = as_tensor(x_train), as_tensor(y_train), None, None
    return TrainingData(x_fit, y_fit, x_val, y_val, y_fit.var(dim=0, unbiased=False).to(torch.float64), len(val_rows))


@dataclass
class TrainingState:
    """Where a training run stands: what a checkpoint holds and a resumed run restores.

    `best`: the main schedule's best epoch so far, its 1-based "epoch", inner-validation "error", "weights"
    and the epoch of its last relative improvement ("since", from which patience counts); empty without inner
    validation. `checked`: the reference run's best finite inner-validation "error" (empty until it has one).
    `phase`: its "round", 0 for the main schedule and 1 for the convergence check's reference run, the epoch
    it "start"ed at, and the "reason" the main schedule ended (the check's verdict extends it).
    """

    model: LembasRNN
    optimizer: torch.optim.Optimizer
    initial: dict[str, torch.Tensor]  # the weights the reference run starts from (after the readout fit)
    history: list[dict] = field(default_factory=list)
    best: dict = field(default_factory=dict)
    checked: dict = field(default_factory=dict)
    phase: dict = field(default_factory=lambda: {"round": 0, "start": 0, "reason": ""})

    @property
    def in_reference_run(self) -> bool:
        """Whether the convergence check's reference run is under way (else the main schedule)."""
        return bool(self.phase["round"])

    @property
    def phase_epochs(self) -> int:
        """Epochs run in the current phase."""
        return len(self.history) - self.phase["start"]


@dataclass(frozen=True)
class TrainingRun:
    """What stays fixed through one call of :func:`train`: the settings, the data, the main schedule's and
    the reference run's budgets, checkpointing, the simulated preemption after `stop_after` epochs, and the
    edges' learning-rate multiples."""

    cfg: RNNTraining
    data: TrainingData
    budget: Budget
    reference: Budget | None  # the convergence check's reference run (None: no check)
    checkpointing: Checkpointing | None
    stop_after: int | None
    resumed_at: int  # epochs in the history when this call began
    interactive: bool  # stderr is a terminal: show progress there
    edge_scale: torch.Tensor | None = None  # each edge's learning-rate multiple (edge_lr_scale; None: 1)

    def interrupted(self, state: TrainingState) -> bool:
        """Whether `stop_after` epochs have run in this call (a simulated preemption)."""
        return self.stop_after is not None and len(state.history) >= self.resumed_at + self.stop_after

    def interruption(self, state: TrainingState) -> tuple[None, str]:
        """(converged, reason) of an interrupted run."""
        return None, f"interrupted after epoch {len(state.history)}"


def save_checkpoint(state: TrainingState, checkpointing: Checkpointing) -> None:
    """Write `state` with the fingerprint to `checkpointing.path`, atomically."""
    with atomic_file(Path(checkpointing.path), "wb") as handle:
        torch.save(
            {
                "model": state.model.state_dict(),
                "optimizer": state.optimizer.state_dict(),
                **{key: getattr(state, key) for key in ("history", "best", "checked", "phase", "initial")},
                "fingerprint": checkpointing.fingerprint,
            },
            handle,
        )


def resume_checkpoint(
    model: LembasRNN, optimizer: torch.optim.Optimizer, checkpointing: Checkpointing
) -> TrainingState | None:
    """The state saved at `checkpointing.path`, loaded into `model` and `optimizer`, when that file exists and
    carries the fingerprint; None otherwise (a checkpoint of another configuration is ignored with a warning)."""
    checkpoint = Path(checkpointing.path)
    if not checkpoint.exists():
        return None
    saved = torch.load(checkpoint, map_location=model.w.device, weights_only=True)
    if saved.get("fingerprint") != checkpointing.fingerprint:
        if saved:
            LOG.warning("ignoring checkpoint %s: it belongs to another configuration", checkpoint)
        return None
    model.load_state_dict(saved["model"])
    optimizer.load_state_dict(saved["optimizer"])
    history, best, phase = list(saved["history"]), dict(saved["best"]), dict(saved["phase"])
    LOG.info("resuming from %s at epoch %d", checkpoint, len(history))
    return TrainingState(model, optimizer, saved["initial"], history, best, dict(saved["checked"]), phase)


def starting_state(
    model: LembasRNN, data: TrainingData, cfg: RNNTraining, checkpointing: Checkpointing | None
) -> TrainingState:
    """The state resumed from the checkpoint, or a fresh one: the readout fitted (`readout_init: fit`) on the
    fit rows, those weights kept as the reference run's start, an empty history."""
    optimizer = make_optimizer(model, cfg)
    resumed = resume_checkpoint(model, optimizer, checkpointing) if checkpointing else None
    if resumed is not None:
        return resumed
    if cfg.readout_init == "fit":
        fit_readout(model, data.x_fit, data.y_fit)
        LOG.info(
            "readout (w_out, b_out) fitted on the initial network state: training MSE %.5f",
            float(prediction_errors(model, data.x_fit, data.y_fit).mean()),
        )
    return TrainingState(model, optimizer, {k: v.clone() for k, v in model.state_dict().items()})


def _epoch_updates(
    state: TrainingState, run: TrainingRun, schedule: Budget, epoch: int, local: int
) -> tuple[dict[str, float], float]:
    """The optimizer updates of epoch `epoch` (0-based; `local` in its phase, scheduled by `schedule`) over
    the shuffled fit rows, Adam's state reset every `schedule.reset_epochs` epochs of the phase.

    Returns (the mean of each STEP_TERMS term over the updates, the epoch's first learning rate).
    """
    cfg, model, optimizer, data = run.cfg, state.model, state.optimizer, run.data
    generator = torch.Generator().manual_seed(cfg.seed + epoch)
    if local > 0 and local % schedule.reset_epochs == 0:
        optimizer.state.clear()
    model.train()
    order = torch.randperm(data.x_fit.shape[0], generator=generator).to(model.w.device)
    batches = order.split(cfg.batch_size)
    rates = [update_lr(local, k, cfg, schedule) for k in range(len(batches))]
    steps = []
    for batch, (idx, lr) in enumerate(zip(batches, rates, strict=True)):
        set_lr(optimizer, lr)
        weight = spectral_weight(epoch * run.budget.steps_per_epoch + batch, cfg)
        x, y = data.x_fit[idx], data.y_fit[idx]
        steps.append(training_step(model, optimizer, x, y, lr, cfg, generator, weight, run.edge_scale))
    terms = torch.stack(steps)
    # one device sync per epoch; the radius over the updates that estimated it, a NaN loss stays NaN
    means = dict(zip(STEP_TERMS, [*terms[:, :-1].mean(dim=0).tolist(), terms[:, -1].nanmean().item()], strict=True))
    return means, rates[0]


def _validate_epoch(state: TrainingState, run: TrainingRun, epoch: int) -> tuple[float, float]:
    """(MSE, normalised error) on the inner-validation rows after epoch `epoch` (0-based); NaN without them.

    In the main schedule a lower error makes the epoch `state.best` (its "since" moves only on a relative
    improvement of `min_delta`); in the reference run the lowest finite error is kept in `state.checked`.
    """
    data, best = run.data, state.best
    if not data.n_val:
        return float("nan"), float("nan")
    per_output = prediction_errors(state.model, data.x_val, data.y_val)
    val_mse, val_error = float(per_output.mean()), normalised_error(per_output, data.fit_variance)
    if state.in_reference_run:  # its best finite error
        if math.isfinite(val_error) and val_error < state.checked.get("error", math.inf):
            state.checked["error"] = val_error
    elif math.isfinite(val_error) and (not best or val_error < best["error"]):
        improved = not best or val_error < best["error"] * (1 - run.cfg.min_delta)  # else: patience runs on
        since = epoch + 1 if improved else best["since"]
        weights = {k: v.clone() for k, v in state.model.state_dict().items()}
        state.best = {"epoch": epoch + 1, "error": val_error, "since": since, "weights": weights}
    return val_mse, val_error


def _log_epoch(row: dict, local: int, schedule: Budget, interactive: bool) -> None:
    """Log an epoch's history `row` (`local`: 0-based epoch in its phase); show progress on a terminal."""
    LOG.info(
        "epoch %d (%s %d/%d) loss %.5f (mse %.5f sign %.2e l2 %.2e uniform %.2e spectral %.2e) "
        "lr %.2e rho %.3f violations %d inner-validation mse %.5f %.2fs",
        row["epoch"],
        "reference" if row["phase"] else "main",
        local + 1,
        schedule.epochs,
        *(row[key] for key in (*LOSS_TERMS, "lr", "spectral_radius", "sign_violations", "validation_mse")),
        row["seconds"],
    )
    if interactive:
        print(f"\rRNN epoch {row['epoch']} loss {row['loss']:.4f}", end="", file=sys.stderr, flush=True)


def run_epoch(state: TrainingState, run: TrainingRun, schedule: Budget) -> None:
    """One epoch of the current phase (scheduled by `schedule`): the updates, the inner validation, its
    history row (logged); the checkpoint every `checkpointing.every` epochs and after the phase's last."""
    epoch, local = len(state.history), state.phase_epochs  # 0-based, overall and in this phase
    began = time.perf_counter()
    means, lr = _epoch_updates(state, run, schedule, epoch, local)
    with torch.no_grad():
        violations = int(((torch.sign(state.model.w) != state.model.sign_t) & (state.model.w != 0)).sum())
    val_mse, val_error = _validate_epoch(state, run, epoch)
    row = {
        "epoch": epoch + 1,
        "phase": state.phase["round"],
        **{k: means[k] for k in LOSS_TERMS},
        "lr": lr,  # at the epoch's first update
        "spectral_radius": means["_radius"],
        "sign_violations": violations,
        "validation_mse": val_mse,
        "validation_error": val_error,
        "steps": (epoch + 1) * run.budget.steps_per_epoch,
        "seconds": time.perf_counter() - began,
    }
    state.history.append(row)
    _log_epoch(row, local, schedule, run.interactive)
    if run.checkpointing and ((epoch + 1) % run.checkpointing.every == 0 or local + 1 == schedule.epochs):
        save_checkpoint(state, run.checkpointing)


def _run_phase(state: TrainingState, run: TrainingRun, schedule: Budget) -> bool:
    """Epochs of the current phase until its cap of `schedule.epochs`, the interruption, or (main schedule)
    a plateau of `patience` annealed epochs without improvement; returns whether it stopped early so."""
    while state.phase_epochs < schedule.epochs:
        if run.interrupted(state):
            return False
        main = not state.in_reference_run
        if main and state.best and plateau(state.history, state.best, run.cfg, run.budget) >= run.budget.patience:
            return True
        run_epoch(state, run, schedule)
    return False


def main_schedule(state: TrainingState, run: TrainingRun) -> tuple[bool | None, str]:
    """The main schedule, from where `state` stands: (converged by its own signal, reason), or the interruption."""
    stopped_early = _run_phase(state, run, run.budget)
    if run.interrupted(state):
        return run.interruption(state)
    if run.checkpointing and stopped_early:  # an early stop ends the phase before its last epoch's checkpoint
        save_checkpoint(state, run.checkpointing)
    plateau_epochs = plateau(state.history, state.best, run.cfg, run.budget)
    return main_schedule_end(run.budget, len(state.history), state.best, stopped_early, plateau_epochs)


def convergence_check(state: TrainingState, run: TrainingRun) -> tuple[bool | None, str]:
    """The reference run, from where `state` stands: `run.reference.epochs` epochs from the initial weights
    with a fresh Adam; (converged, reason) by :func:`_convergence_check_end`, or the interruption."""
    if state.phase_epochs == 0:  # the reference run starts: initial weights, fresh Adam
        state.model.load_state_dict(state.initial)
        state.optimizer.state.clear()
    _run_phase(state, run, run.reference)  # never stops early
    if run.interrupted(state):
        return run.interruption(state)
    error = state.checked.get("error", math.nan)
    return convergence_check_end(state.phase["reason"], run.reference, error, state.best, run.cfg)


def _train_phases(state: TrainingState, run: TrainingRun) -> tuple[bool | None, str]:
    """The main schedule, then the convergence check whenever there is inner validation (also after a cap
    reached while still improving: the check's measured gain per doubling is what the verdict weighs against
    each comparison, :mod:`lembas_core.reporting.training_headroom`); resumes in either. Returns (converged,
    reason)."""
    if not state.in_reference_run:
        converged, reason = main_schedule(state, run)
        if converged is None or run.reference is None:  # interrupted, or no inner validation
            return converged, reason
        if lost_at_the_peak(run.budget, len(state.history), state.best):  # no check can make that converged
            return converged, reason
        LOG.info(
            "RNN training: %s; convergence check: a run of %d epochs from the initial weights",
            reason,
            run.reference.epochs,
        )
        state.phase = {"round": 1, "start": len(state.history), "reason": reason.removesuffix(RAISE_STEPS)}
    return convergence_check(state, run)


def _log_budget(budget: Budget, reference: Budget | None, data: TrainingData) -> None:
    """Log the main schedule's budget, the convergence check's and the inner split's sizes."""
    LOG.info(
        "budget: cap %d epochs x %d updates = %d optimizer steps (warm-up %d, Adam reset every %d, patience %d); "
        "%s; %d samples fit, %d inner-validation",
        budget.epochs,
        budget.steps_per_epoch,
        budget.steps,
        budget.warmup_epochs,
        budget.reset_epochs,
        budget.patience,
        f"convergence check: a run of {reference.epochs} epochs" if reference else "no convergence check",
        data.x_fit.shape[0],
        data.n_val,
    )


def train(
    model: LembasRNN,
    x_train: np.ndarray,
    y_train: np.ndarray,
    cfg: RNNTraining,
    checkpointing: Checkpointing | None = None,
    stop_after: int | None = None,
) -> TrainingOutcome:
    """Train in place on `x_train` (samples x features) and `y_train` (samples x targets).

    The inner split (:func:`inner_split`) holds `cfg.validation_fraction` of the rows out of the gradient
    steps for early stopping and the convergence check (:mod:`~lembas_core.models.rnn.schedule`); the weights
    of the main schedule's best epoch are left in `model`. With `checkpointing`, writes the checkpoint every
    `checkpointing.every` epochs and at the end of every phase, and resumes from it when its fingerprint
    matches. `stop_after` ends the run after that many epochs (used to simulate a preempted job).
    """
    reuse_freed_memory()
    data = training_data(model, x_train, y_train, cfg)
    budget = training_budget(data.x_fit.shape[0], cfg)
    reference = reference_budget(budget, cfg) if data.n_val else None
    _log_budget(budget, reference, data)
    state = starting_state(model, data, cfg, checkpointing)
    interactive = sys.stderr.isatty()
    run = TrainingRun(
        cfg,
        data,
        budget,
        reference,
        checkpointing,
        stop_after,
        len(state.history),
        interactive,
        edge_lr_scale(model, cfg),
    )
    converged, reason = _train_phases(state, run)
    if interactive:
        print(file=sys.stderr)
    if state.best:
        model.load_state_dict(state.best["weights"])
    LOG.info("RNN training: %s", reason)
    best_epoch = state.best["epoch"] if state.best else len(state.history)
    reference_error = state.checked.get("error", math.nan) if state.in_reference_run else None
    return TrainingOutcome(state.history, budget, best_epoch, converged, reason, reference_error)


def write_history(history: list[dict], path: str | Path) -> None:
    """Write the per-epoch history as TSV (HISTORY_COLUMNS), atomically."""
    with atomic_file(path) as handle:
        handle.write("\t".join(HISTORY_COLUMNS) + "\n")
        for row in history:
            handle.write(
                "\t".join(f"{row[c]:.6g}" if isinstance(row[c], float) else str(row[c]) for c in HISTORY_COLUMNS) + "\n"
            )
