"""LEMBAS-RNN training: the epoch loop, early stopping, the convergence check and checkpoints.

Loss: :mod:`lembas_core.models.rnn.loss`; budget, learning-rate schedule and the convergence check:
:mod:`lembas_core.models.rnn.schedule`. Input noise scales with the learning rate; Adam's state is reset every
`reset_epochs`. Every epoch draws its shuffling, noise and spectral probes from a generator seeded with
`seed + epoch`, so a run resumed from a checkpoint ends with exactly the weights of an uninterrupted run.

Deviations from the upstream recipe, each a switch (`recipe: upstream` turns them off): the budget in
optimizer updates, the fitted readout, and early stopping on an inner validation split (`validation_fraction`
of the training samples, seeded, never the test or validation cohort) whose error after every epoch picks the
kept weights, ends the main schedule `patience` epochs after the last improvement (never during the warm-up)
and decides the convergence check. The log and :class:`TrainingOutcome` say why training stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from lembas_core.io.atomic import atomic_file
from lembas_core.models.rnn.loss import loss_terms
from lembas_core.models.rnn.memory import reuse_freed_memory
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.schedule import (
    Budget,
    budget_gain,
    doubling_threshold,
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
    converged: bool | None  # True: more training did not help; False: it still did; None: fixed recipe
    stop_reason: str
    reference_error: float | None = None  # the convergence check's best inner-validation error (None: not run)

    @property
    def main_epochs(self) -> int:
        """Epochs of the main schedule, the training of the kept weights (the reference run's excluded)."""
        return sum(row["phase"] == 0 for row in self.history)

    @property
    def check_gain(self) -> float | None:
        """The kept inner-validation error's relative gain over the reference run's (None: no check ran)."""
        if self.reference_error is None:
            return None
        return budget_gain(self.history[self.best_epoch - 1]["validation_error"], self.reference_error)

    @property
    def steps_to_best(self) -> int:
        """Optimizer updates up to and including the best epoch."""
        return int(self.history[self.best_epoch - 1]["steps"]) if self.history else 0


STEP_TERMS = ("loss", "mse", "sign", "l2", "uniform", "spectral", "_radius")


def make_optimizer(model: LembasRNN) -> torch.optim.Adam:
    """Adam over the trainable parameters; the fused kernel updates the ~1 M edge weights in one pass."""
    return torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1.0, fused=True)


def training_step(  # wide: model, optimizer, one batch, the step's lr and barrier weight, settings, random stream
    model: LembasRNN,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    lr: float,
    cfg: RNNTraining,
    generator: torch.Generator,
    spectral_weight: float = 1.0,
) -> torch.Tensor:
    """One optimizer update on a batch (`x` batch x inputs, `y` batch x outputs) at learning rate `lr` (the
    caller sets it on the optimizer), with input noise of sd ``noise_level * lr`` on every node drawn from
    `generator` (then the spectral probes, unless `spectral_weight` is 0: see :func:`loss_terms`).

    Returns the detached terms (STEP_TERMS,) as one float64 tensor, so a caller summing them synchronises
    with the device once per epoch, not once per step.
    """
    noise = cfg.noise_level * lr * torch.randn((model.graph.n_nodes, x.shape[0]), generator=generator, dtype=x.dtype)
    states = model.states(model.project_input(x, noise.to(x.device)))
    terms = loss_terms(model, states, y, lr, cfg, generator, spectral_weight)
    loss = sum(v for k, v in terms.items() if not k.startswith("_"))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return torch.stack([loss.detach(), *(terms[k].detach() for k in STEP_TERMS[1:])]).to(torch.float64)


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set `lr` on every parameter group."""
    for group in optimizer.param_groups:
        group["lr"] = lr


def spectral_weight(step: int, cfg: RNNTraining) -> float:
    """Weight of the spectral barrier at optimizer update `step` (0-based, counted over the whole run):
    `spectral_every` on every `spectral_every`-th update, 0 (not estimated) on the others."""
    return float(cfg.spectral_every) if step % cfg.spectral_every == 0 else 0.0


def config_fingerprint(*parts: dict) -> str:
    """Short hash of JSON-serialisable parts: a checkpoint is resumed only under the same fingerprint."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _save_checkpoint(path: Path, state: dict) -> None:
    with atomic_file(path, "wb") as handle:
        torch.save(state, handle)


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


def _main_schedule_end(
    budget: Budget, epochs_run: int, best: dict, stopped_early: bool, plateau_epochs: int
) -> tuple[bool | None, str]:
    """(converged, reason) at the end of the main schedule, before the convergence check.

    Converged: stopped early, or the cap was reached after a plateau of at least `patience` annealed epochs
    without a relative inner-validation improvement of `min_delta`. Not converged: the cap was reached while
    improving.
    """
    if not best:
        return None, f"fixed budget of {epochs_run} epochs (validation_fraction 0: no early stopping)"
    where = f"best epoch {best['epoch']}, inner-validation error {best['error']:.6g}"
    if stopped_early:
        return True, f"early stop at epoch {epochs_run}, {where} (patience {budget.patience} epochs)"
    if plateau_epochs >= budget.patience:
        return True, f"epoch cap {budget.epochs} reached after {budget.patience} epochs without improvement ({where})"
    return False, f"epoch cap {budget.epochs} reached while still improving ({where}): raise models.rnn.steps"


def _convergence_check_end(
    main_reason: str, reference: Budget, reference_error: float, best: dict, cfg: RNNTraining
) -> tuple[bool, str]:
    """(converged, reason) after the reference run of `reference.epochs` epochs from the initial weights.

    Not converged when the main schedule's kept error beats the reference's by more than
    :func:`doubling_threshold` (relative): doubling the budget still helped; nor when the reference run
    never reached a finite error (NaN `reference_error`): then there is no evidence either way.
    """
    if not math.isfinite(reference_error):
        return False, (
            f"{main_reason}; convergence check: the run of {reference.epochs} epochs from the same initial weights "
            "diverged (no finite inner-validation error), so convergence is not shown"
        )
    gain = budget_gain(best["error"], reference_error)
    threshold = doubling_threshold(cfg)
    what = (
        f"{main_reason}; convergence check: a run of {reference.epochs} epochs ({reference.steps} updates) from the "
        f"same initial weights reached {reference_error:.6g}, the whole budget {best['error']:.6g} "
        f"({100 * gain:+.2f}%)"
    )
    if gain > threshold:
        return (
            False,
            f"{what}, better by more than {100 * threshold:g}%: more training still helps; raise models.rnn.steps",
        )
    return True, f"{what}, not better by {100 * threshold:g}%: more training would gain less"


@dataclass(frozen=True)
class Checkpointing:
    """Where and how often training writes its checkpoint, and the fingerprint (:func:`config_fingerprint`)
    a checkpoint must carry to be resumed."""

    path: str | Path
    every: int  # epochs
    fingerprint: str


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
    checkpoint = Path(checkpointing.path) if checkpointing else None
    checkpoint_every = checkpointing.every if checkpointing else 0
    fingerprint = checkpointing.fingerprint if checkpointing else ""
    device = model.w.device

    def as_tensor(array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.array(array), dtype=model.w.dtype, device=device)

    reuse_freed_memory()
    fit_rows, val_rows = inner_split(len(x_train), cfg.validation_fraction, cfg.seed)
    if len(val_rows):
        x_all, y_all = as_tensor(np.asarray(x_train)[fit_rows]), as_tensor(np.asarray(y_train)[fit_rows])
        x_val, y_val = as_tensor(np.asarray(x_train)[val_rows]), as_tensor(np.asarray(y_train)[val_rows])
    else:
        x_all, y_all = as_tensor(x_train), as_tensor(y_train)
    budget = training_budget(len(fit_rows), cfg)
    reference = reference_budget(budget, cfg) if len(val_rows) else None
    fit_variance = y_all.var(dim=0, unbiased=False).to(torch.float64)
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
        len(fit_rows),
        len(val_rows),
    )
    optimizer = make_optimizer(model)
    history: list[dict] = []
    best: dict = {}  # main schedule: epoch, error, last-improvement epoch ("since") and weights of the best epoch
    checked: dict = {}  # the reference run: its best inner-validation error
    phase = {"round": 0, "start": 0, "reason": ""}  # 0: main schedule (its end's reason); 1: reference run
    state = torch.load(checkpoint, map_location=device, weights_only=True) if checkpoint and checkpoint.exists() else {}
    if state and state.get("fingerprint") == fingerprint:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        history, best, phase = list(state["history"]), dict(state["best"]), dict(state["phase"])
        initial, checked = state["initial"], dict(state["checked"])
        LOG.info("resuming from %s at epoch %d", checkpoint, len(history))
    else:
        if state:
            LOG.warning("ignoring checkpoint %s: it belongs to another configuration", checkpoint)
        if cfg.readout_init == "fit":
            fit_readout(model, x_all, y_all)
            LOG.info(
                "readout (w_out, b_out) fitted on the initial network state: training MSE %.5f",
                float(prediction_errors(model, x_all, y_all).mean()),
            )
        initial = {k: v.clone() for k, v in model.state_dict().items()}  # where the reference run starts
    interactive = sys.stderr.isatty()
    resumed_at = len(history)

    def save() -> None:
        _save_checkpoint(
            checkpoint,
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "history": history,
                "best": best,
                "checked": checked,
                "phase": phase,
                "initial": initial,
                "fingerprint": fingerprint,
            },
        )

    def run_epoch(schedule: Budget) -> None:
        nonlocal best
        epoch, local = len(history), len(history) - phase["start"]  # 0-based, overall and in this phase
        began = time.perf_counter()
        generator = torch.Generator().manual_seed(cfg.seed + epoch)
        if local > 0 and local % schedule.reset_epochs == 0:
            optimizer.state.clear()
        model.train()
        order = torch.randperm(x_all.shape[0], generator=generator).to(device)
        batches = order.split(cfg.batch_size)
        rates = [update_lr(local, k, cfg, schedule) for k in range(len(batches))]
        steps = []
        for batch, (idx, lr) in enumerate(zip(batches, rates, strict=True)):
            set_lr(optimizer, lr)
            weight = spectral_weight(epoch * budget.steps_per_epoch + batch, cfg)
            steps.append(training_step(model, optimizer, x_all[idx], y_all[idx], lr, cfg, generator, weight))
        terms = torch.stack(steps)
        # one device sync per epoch; the radius over the updates that estimated it, a NaN loss stays NaN
        means = dict(zip(STEP_TERMS, [*terms[:, :-1].mean(dim=0).tolist(), terms[:, -1].nanmean().item()], strict=True))
        with torch.no_grad():
            violations = int(((torch.sign(model.w) != model.sign_t) & (model.w != 0)).sum())
        val_mse = val_error = float("nan")
        if len(val_rows):
            per_output = prediction_errors(model, x_val, y_val)
            val_mse, val_error = float(per_output.mean()), normalised_error(per_output, fit_variance)
            if phase["round"]:  # its best finite error
                if math.isfinite(val_error) and val_error < checked.get("error", math.inf):
                    checked["error"] = val_error
            elif not best or val_error < best["error"]:
                improved = not best or val_error < best["error"] * (1 - cfg.min_delta)  # else: patience runs on
                since = epoch + 1 if improved else best["since"]
                weights = {k: v.clone() for k, v in model.state_dict().items()}
                best = {"epoch": epoch + 1, "error": val_error, "since": since, "weights": weights}
        row = {
            "epoch": epoch + 1,
            "phase": phase["round"],
            **{k: means[k] for k in ("loss", "mse", "sign", "l2", "uniform", "spectral")},
            "lr": rates[0],  # at the epoch's first update
            "spectral_radius": means["_radius"],
            "sign_violations": violations,
            "validation_mse": val_mse,
            "validation_error": val_error,
            "steps": (epoch + 1) * budget.steps_per_epoch,
            "seconds": time.perf_counter() - began,
        }
        history.append(row)
        LOG.info(
            "epoch %d (%s %d/%d) loss %.5f (mse %.5f sign %.2e l2 %.2e uniform %.2e spectral %.2e) "
            "lr %.2e rho %.3f violations %d inner-validation mse %.5f %.2fs",
            row["epoch"],
            "reference" if phase["round"] else "main",
            local + 1,
            schedule.epochs,
            row["loss"],
            row["mse"],
            row["sign"],
            row["l2"],
            row["uniform"],
            row["spectral"],
            row["lr"],
            row["spectral_radius"],
            violations,
            val_mse,
            row["seconds"],
        )
        if interactive:
            print(f"\rRNN epoch {epoch + 1} loss {row['loss']:.4f}", end="", file=sys.stderr, flush=True)
        if checkpoint and ((epoch + 1) % checkpoint_every == 0 or local + 1 == schedule.epochs):
            save()

    def interrupted() -> bool:  # `stop_after` epochs run in this call (a simulated preemption)
        return stop_after is not None and len(history) >= resumed_at + stop_after

    while True:
        schedule = budget if phase["round"] == 0 else reference
        if phase["round"] and len(history) == phase["start"]:  # the reference run: initial weights, fresh Adam
            model.load_state_dict(initial)
            optimizer.state.clear()
        stopped_early = False
        while len(history) - phase["start"] < schedule.epochs:
            if interrupted():
                break
            if phase["round"] == 0 and best and plateau(history, best, cfg, budget) >= budget.patience:
                stopped_early = True
                break
            run_epoch(schedule)
        if interrupted():
            converged, reason = None, f"interrupted after epoch {len(history)}"
            break
        if checkpoint and stopped_early:  # an early stop ends the phase before its last epoch's checkpoint
            save()
        if phase["round"]:
            error = checked.get("error", math.nan)
            converged, reason = _convergence_check_end(phase["reason"], reference, error, best, cfg)
            break
        converged, reason = _main_schedule_end(
            budget, len(history), best, stopped_early, plateau(history, best, cfg, budget)
        )
        if not converged or reference is None:  # still improving at the cap, or no inner validation
            break
        LOG.info(
            "RNN training: %s; convergence check: a run of %d epochs from the initial weights", reason, reference.epochs
        )
        phase = {"round": 1, "start": len(history), "reason": reason}
    if interactive:
        print(file=sys.stderr)
    if best:
        model.load_state_dict(best["weights"])
    LOG.info("RNN training: %s", reason)
    best_epoch = best["epoch"] if best else len(history)
    reference_error = checked.get("error", math.nan) if phase["round"] else None
    return TrainingOutcome(history, budget, best_epoch, converged, reason, reference_error)


def write_history(history: list[dict], path: str | Path) -> None:
    """Write the per-epoch history as TSV (HISTORY_COLUMNS), atomically."""
    with atomic_file(path) as handle:
        handle.write("\t".join(HISTORY_COLUMNS) + "\n")
        for row in history:
            handle.write(
                "\t".join(f"{row[c]:.6g}" if isinstance(row[c], float) else str(row[c]) for c in HISTORY_COLUMNS) + "\n"
            )
