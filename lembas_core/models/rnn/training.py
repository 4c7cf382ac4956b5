"""LEMBAS-RNN training: loss terms, the budget and learning-rate schedule, early stopping, checkpoints.

Loss (``upstream_spec.md`` 3.4, LEMBAS defaults): MSE + sign-violation L1 + L2 + uniform-state
regulariser + spectral-radius barrier, with input noise scaled by the learning rate, Adam whose
learning rate follows the LEMBAS cosine warm-up/decay and whose state is reset every
`reset_epochs`. Every epoch draws its shuffling, noise and spectral probes from a generator seeded
with `seed + epoch`, so a run resumed from a checkpoint ends with exactly the weights of an
uninterrupted run.

Two deliberate deviations from the upstream recipe, each a switch (`recipe: upstream` turns both off):

- **Budget in optimizer steps.** `epochs` is the epoch cap of a cohort large enough to reach `min_steps`
  optimizer updates; a smaller cohort (85 samples at batch 25 are 3 updates an epoch) gets a cap of
  ``ceil(min_steps / updates per epoch)`` epochs, and the warm-up, the Adam resets and the patience grow
  by the same factor, so the schedule keeps its shape over the budget (:func:`training_budget`).
- **Early stopping** on an inner validation split (`validation_fraction` of the training samples,
  seeded, never the test or validation cohort): its MSE is computed after every epoch, the best epoch's
  weights are kept, and training stops `patience` epochs after the last improvement, never during the
  warm-up. The log and :class:`TrainingOutcome` say why training stopped.
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
from lembas_core.models.rnn.model import LembasRNN, mml_derivative
from lembas_core.models.rnn.sparse import csr_matmul
from lembas_core.models.settings import RNNTraining

LOG = logging.getLogger("lembas_core.models.rnn.training")

HISTORY_COLUMNS = (
    "epoch",
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


@dataclass(frozen=True)
class Budget:
    """The epoch cap and the epoch-denominated schedule of one training run."""

    epochs: int  # epoch cap
    warmup_epochs: int
    reset_epochs: int
    patience: int
    steps_per_epoch: int

    @property
    def steps(self) -> int:
        """Optimizer updates at the cap."""
        return self.epochs * self.steps_per_epoch


def training_budget(n_fit: int, cfg: RNNTraining) -> Budget:
    """The budget for `n_fit` gradient samples: `cfg.epochs`, raised (with the schedule) to reach `min_steps`."""
    per_epoch = math.ceil(n_fit / cfg.batch_size)
    if cfg.epochs * per_epoch >= cfg.min_steps:
        return Budget(cfg.epochs, cfg.warmup_epochs, cfg.reset_epochs, cfg.patience, per_epoch)
    cap = math.ceil(cfg.min_steps / per_epoch)
    scale = cap / cfg.epochs
    return Budget(
        cap,
        max(1, round(cfg.warmup_epochs * scale)),
        max(1, round(cfg.reset_epochs * scale)),
        max(1, round(cfg.patience * scale)),
        per_epoch,
    )


def inner_split(n_train: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(fit rows, inner-validation rows) of the training split, both ascending; no validation rows for 0.

    A seeded choice of ``round(fraction * n_train)`` rows (at least one, and at least one left to fit).
    """
    if fraction <= 0:
        return np.arange(n_train), np.arange(0)
    n_val = min(max(1, round(fraction * n_train)), n_train - 1)
    held = np.sort(np.random.default_rng(seed).permutation(n_train)[:n_val])
    return np.setdiff1d(np.arange(n_train), held), held


@dataclass
class TrainingOutcome:
    """What a training run did: per-epoch history, the epoch whose weights were kept, and why it stopped."""

    history: list[dict]
    budget: Budget
    best_epoch: int  # 1-based epoch of the kept weights (the last epoch without early stopping)
    converged: bool | None  # True: early-stopped; False: cap reached while improving; None: fixed recipe
    stop_reason: str

    @property
    def steps_to_best(self) -> int:
        """Optimizer updates up to and including the best epoch."""
        return int(self.history[self.best_epoch - 1]["steps"]) if self.history else 0


def lembas_lr(epoch: int, cfg: RNNTraining, budget: Budget) -> float:
    """LEMBAS one-cycle schedule over the budget: cosine warm-up to lr_peak, cosine decay to lr_end by 95%."""
    start = cfg.lr_peak / 10 if cfg.lr_start is None else cfg.lr_start
    warmup = max(budget.warmup_epochs, 1)
    if epoch <= warmup:
        return (cfg.lr_peak - start) * 0.5 * (math.cos(math.pi * (epoch / warmup + 1)) + 1) + start
    decay_end = 0.95 * budget.epochs
    if epoch <= decay_end and decay_end > warmup:
        s = (epoch - warmup) / (decay_end - warmup)
        return (cfg.lr_peak - cfg.lr_end) * 0.5 * (math.cos(math.pi * s) + 1) + cfg.lr_end
    return cfg.lr_end


def spectral_radius_estimate(
    model: LembasRNN, z: torch.Tensor, cfg: RNNTraining, generator: torch.Generator
) -> torch.Tensor:
    """Per-sample spectral radius of the one-step Jacobian diag(MML'(z)) W on the core (differentiable in w).

    Normalised power iteration on `spectral_probes` random probes per sample; the estimate is the
    geometric mean of the growth factors |J v| / |v| over the second half of the steps (robust to
    complex dominant pairs, where a Rayleigh quotient underestimates), maximum over probes. rho(J)
    equals rho of its core block, since non-core nodes have no outgoing edges.
    """
    n_samples = min(cfg.spectral_samples, z.shape[1])
    slope = mml_derivative(z[model.core_idx, :n_samples].detach(), model.leak)
    slope = slope.repeat_interleave(cfg.spectral_probes, dim=1)
    probes = torch.randn(slope.shape, generator=generator, dtype=z.dtype).to(z.device)
    w_core = model.w[model.cc_edges]
    v = probes / probes.norm(dim=0, keepdim=True)
    log_growth = []
    for step in range(cfg.spectral_power_steps):
        v = slope * csr_matmul(w_core, v, model.core_pattern)
        norm = v.norm(dim=0, keepdim=True) + 1e-30
        if step >= cfg.spectral_power_steps // 2:
            log_growth.append(torch.log(norm))
        v = v / norm
    radius = torch.exp(torch.cat(log_growth).mean(dim=0))
    return radius.view(n_samples, cfg.spectral_probes).max(dim=1).values


def loss_terms(
    model: LembasRNN,
    states: tuple[torch.Tensor, torch.Tensor],
    y: torch.Tensor,
    lr: float,
    cfg: RNNTraining,
    generator: torch.Generator,
) -> dict[str, torch.Tensor]:
    """Every loss term of one batch (summing the terms not starting with "_" gives the training loss).

    `states` = (x_full, z) as returned by `model.states`: the node states and pre-activations, both
    (nodes x batch); `y` the observed outputs (batch x outputs), compared with `model.readout(x_full)`.
    `lr` scales the uniform-state term; `generator` draws the spectral-radius probes.
    """
    x_full, z = states
    y_hat = model.readout(x_full)
    w = model.w
    violating = (torch.sign(w) != model.sign_t) & (w != 0)
    batch = x_full.shape[1]
    target = torch.linspace(0.0, cfg.uniform_max, batch, dtype=x_full.dtype, device=x_full.device)
    ordered = torch.sort(x_full, dim=1).values
    uniform = (
        ((ordered - target) ** 2).sum()
        + (x_full.clamp(max=0) ** 2).sum()
        + ((x_full - cfg.uniform_max).clamp(min=0) ** 2).sum()
    )
    radius = spectral_radius_estimate(model, z, cfg, generator)
    barrier_radius = model.tolerance ** (1.0 / cfg.target_steps)  # the barrier's target, not the initial radius
    barrier = torch.exp(cfg.exp_factor * (radius - barrier_radius)) * radius / radius.detach().sum().clamp(min=1e-12)
    return {
        "mse": torch.mean((y_hat - y) ** 2),
        "sign": cfg.moa_lambda * w[violating].abs().sum(),
        "l2": cfg.l2_lambda
        * (
            (w**2).sum()
            + (model.bias**2).sum()
            + ((model.w_out - model.projection_amplitude_out) ** 2).sum()
            + (model.b_out**2).sum()
        ),
        "uniform": cfg.uniform_lambda * lr * uniform,
        "spectral": cfg.spectral_factor * barrier.sum(),
        "_radius": radius.detach().mean(),
    }


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


def annealed_since(history: list[dict], cfg: RNNTraining, budget: Budget) -> int | None:
    """The epoch from which a plateau counts as convergence: the first after the warm-up whose learning rate
    has decayed to half its peak (None before that).

    At the peak the lr-scaled input noise holds the inner-validation error on a plateau that the decay then
    breaks, so patience only runs once the schedule anneals.
    """
    return next((row["epoch"] for row in history[budget.warmup_epochs :] if row["lr"] <= cfg.lr_peak / 2), None)


def _plateau(history: list[dict], best: dict, cfg: RNNTraining, budget: Budget) -> int:
    """Annealed epochs since the last relative improvement (0 before the schedule has annealed)."""
    epochs_run = len(history)
    return epochs_run - max(best.get("since", 0), annealed_since(history, cfg, budget) or epochs_run)


def _stop_reason(
    budget: Budget, epochs_run: int, best: dict, stopped_early: bool, plateau: int
) -> tuple[bool | None, str]:
    """(converged, reason) at the end of training.

    Converged: stopped early, or the cap was reached after a `plateau` of at least `patience` annealed
    epochs without a relative inner-validation improvement of `min_delta`. Not converged: the cap was
    reached while improving.
    """
    if not best:
        return None, f"fixed budget of {epochs_run} epochs (validation_fraction 0: no early stopping)"
    where = f"best epoch {best['epoch']}, inner-validation error {best['error']:.6g}"
    if stopped_early:
        return True, f"early stop at epoch {epochs_run}, {where} (patience {budget.patience} epochs)"
    if plateau >= budget.patience:
        return True, f"epoch cap {budget.epochs} reached after {budget.patience} epochs without improvement ({where})"
    return False, f"epoch cap {budget.epochs} reached while still improving ({where}): raise models.rnn.epochs"


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
    steps for early stopping; the best epoch's weights are left in `model`. With `checkpointing`, writes
    the checkpoint every `checkpointing.every` epochs and resumes from it when its fingerprint matches.
    `stop_after` ends the run after that many epochs (used to simulate a preempted job).
    """
    checkpoint = Path(checkpointing.path) if checkpointing else None
    checkpoint_every = checkpointing.every if checkpointing else 0
    fingerprint = checkpointing.fingerprint if checkpointing else ""
    device = model.w.device

    def as_tensor(array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.array(array), dtype=model.w.dtype, device=device)

    fit_rows, val_rows = inner_split(len(x_train), cfg.validation_fraction, cfg.seed)
    if len(val_rows):
        x_all, y_all = as_tensor(np.asarray(x_train)[fit_rows]), as_tensor(np.asarray(y_train)[fit_rows])
        x_val, y_val = as_tensor(np.asarray(x_train)[val_rows]), as_tensor(np.asarray(y_train)[val_rows])
    else:
        x_all, y_all = as_tensor(x_train), as_tensor(y_train)
    budget = training_budget(len(fit_rows), cfg)
    fit_variance = y_all.var(dim=0, unbiased=False).to(torch.float64)
    LOG.info(
        "budget: cap %d epochs x %d updates = %d optimizer steps (warm-up %d, Adam reset every %d, patience %d); "
        "%d samples fit, %d inner-validation",
        budget.epochs,
        budget.steps_per_epoch,
        budget.steps,
        budget.warmup_epochs,
        budget.reset_epochs,
        budget.patience,
        len(fit_rows),
        len(val_rows),
    )
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1.0)
    history: list[dict] = []
    best: dict = {}  # epoch, error, last-improvement epoch ("since") and weights of the best epoch
    start_epoch = 0
    state = torch.load(checkpoint, map_location=device, weights_only=True) if checkpoint and checkpoint.exists() else {}
    if state and state.get("fingerprint") == fingerprint:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch, history, best = int(state["epoch"]), list(state["history"]), dict(state["best"])
        LOG.info("resuming from %s at epoch %d", checkpoint, start_epoch)
    else:
        if state:
            LOG.warning("ignoring checkpoint %s: it belongs to another configuration", checkpoint)
        if cfg.readout_init == "fit":
            fit_readout(model, x_all, y_all)
            LOG.info(
                "readout (w_out, b_out) fitted on the initial network state: training MSE %.5f",
                float(prediction_errors(model, x_all, y_all).mean()),
            )
    interactive = sys.stderr.isatty()
    n = x_all.shape[0]
    stopped_early = False
    for epoch in range(start_epoch, budget.epochs):
        if stop_after is not None and epoch >= start_epoch + stop_after:
            break
        if best and _plateau(history, best, cfg, budget) >= budget.patience:
            stopped_early = True
            break
        began = time.perf_counter()
        generator = torch.Generator().manual_seed(cfg.seed + epoch)
        lr = lembas_lr(epoch, cfg, budget)
        for group in optimizer.param_groups:
            group["lr"] = lr
        if epoch > 0 and epoch % budget.reset_epochs == 0:
            optimizer.state.clear()
        model.train()
        order = torch.randperm(n, generator=generator).to(device)
        sums = dict.fromkeys(("loss", "mse", "sign", "l2", "uniform", "spectral", "_radius"), 0.0)
        batches = 0
        for begin in range(0, n, cfg.batch_size):
            idx = order[begin : begin + cfg.batch_size]
            noise = (
                cfg.noise_level
                * lr
                * torch.randn((model.graph.n_nodes, idx.numel()), generator=generator, dtype=x_all.dtype).to(device)
            )
            states = model.states(model.project_input(x_all[idx], noise))
            terms = loss_terms(model, states, y_all[idx], lr, cfg, generator)
            loss = sum(v for k, v in terms.items() if not k.startswith("_"))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            sums["loss"] += loss.item()
            for key, value in terms.items():
                sums[key] += value.item()
            batches += 1
        with torch.no_grad():
            violations = int(((torch.sign(model.w) != model.sign_t) & (model.w != 0)).sum())
        val_mse = val_error = float("nan")
        if len(val_rows):
            per_output = prediction_errors(model, x_val, y_val)
            val_mse, val_error = float(per_output.mean()), normalised_error(per_output, fit_variance)
        if len(val_rows) and (not best or val_error < best["error"]):
            improved = not best or val_error < best["error"] * (1 - cfg.min_delta)  # else: kept, patience runs on
            since = epoch + 1 if improved else best["since"]
            weights = {k: v.clone() for k, v in model.state_dict().items()}
            best = {"epoch": epoch + 1, "error": val_error, "since": since, "weights": weights}
        row = {
            "epoch": epoch + 1,
            **{k: sums[k] / batches for k in ("loss", "mse", "sign", "l2", "uniform", "spectral")},
            "lr": lr,
            "spectral_radius": sums["_radius"] / batches,
            "sign_violations": violations,
            "validation_mse": val_mse,
            "validation_error": val_error,
            "steps": (epoch + 1) * budget.steps_per_epoch,
            "seconds": time.perf_counter() - began,
        }
        history.append(row)
        LOG.info(
            "epoch %d/%d loss %.5f (mse %.5f sign %.2e l2 %.2e uniform %.2e spectral %.2e) "
            "lr %.2e rho %.3f violations %d inner-validation mse %.5f %.2fs",
            row["epoch"],
            budget.epochs,
            row["loss"],
            row["mse"],
            row["sign"],
            row["l2"],
            row["uniform"],
            row["spectral"],
            lr,
            row["spectral_radius"],
            violations,
            val_mse,
            row["seconds"],
        )
        if interactive:
            print(
                f"\rRNN epoch {epoch + 1}/{budget.epochs} loss {row['loss']:.4f}", end="", file=sys.stderr, flush=True
            )
        if checkpoint and ((epoch + 1) % checkpoint_every == 0 or epoch + 1 == budget.epochs):
            _save_checkpoint(
                checkpoint,
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "epoch": epoch + 1,
                    "history": history,
                    "best": best,
                    "fingerprint": fingerprint,
                },
            )
    if interactive:
        print(file=sys.stderr)
    if best:
        model.load_state_dict(best["weights"])
    plateau = _plateau(history, best, cfg, budget)
    converged, reason = _stop_reason(budget, len(history), best, stopped_early, plateau)
    LOG.info("RNN training: %s", reason)
    best_epoch = best["epoch"] if best else len(history)
    return TrainingOutcome(history, budget, best_epoch, converged, reason)


def write_history(history: list[dict], path: str | Path) -> None:
    """Write the per-epoch history as TSV (HISTORY_COLUMNS), atomically."""
    with atomic_file(path) as handle:
        handle.write("\t".join(HISTORY_COLUMNS) + "\n")
        for row in history:
            handle.write(
                "\t".join(f"{row[c]:.6g}" if isinstance(row[c], float) else str(row[c]) for c in HISTORY_COLUMNS) + "\n"
            )
