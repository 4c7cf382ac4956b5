"""LEMBAS-RNN training: loss terms, the LEMBAS learning-rate schedule, checkpoints and resume.

Loss (``upstream_spec.md`` 3.4, LEMBAS defaults): MSE + sign-violation L1 + L2 + uniform-state
regulariser + spectral-radius barrier, with input noise scaled by the learning rate, Adam whose
learning rate follows the LEMBAS cosine warm-up/decay and whose state is reset every
`reset_epochs`. Every epoch draws its shuffling, noise and spectral probes from a generator seeded
with `seed + epoch`, so a run resumed from a checkpoint ends with exactly the weights of an
uninterrupted run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sys
import time
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
    "seconds",
)


def lembas_lr(epoch: int, cfg: RNNTraining) -> float:
    """LEMBAS one-cycle schedule: cosine warm-up to lr_peak, cosine decay to lr_end by 95% of training."""
    start = cfg.lr_peak / 10 if cfg.lr_start is None else cfg.lr_start
    warmup = max(cfg.warmup_epochs, 1)
    if epoch <= warmup:
        return (cfg.lr_peak - start) * 0.5 * (math.cos(math.pi * (epoch / warmup + 1)) + 1) + start
    decay_end = 0.95 * cfg.epochs
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
    x_full: torch.Tensor,
    z: torch.Tensor,
    y_hat: torch.Tensor,
    y: torch.Tensor,
    lr: float,
    cfg: RNNTraining,
    generator: torch.Generator,
) -> dict[str, torch.Tensor]:
    """Every loss term of one batch (summing them gives the training loss)."""
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


def _save_checkpoint(
    path: Path, model: LembasRNN, optimizer: torch.optim.Optimizer, epoch: int, history: list[dict], fingerprint: str
) -> None:
    with atomic_file(path, "wb") as handle:
        torch.save(
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "epoch": epoch,
                "history": history,
                "fingerprint": fingerprint,
            },
            handle,
        )


def train(
    model: LembasRNN,
    x_train: np.ndarray,
    y_train: np.ndarray,
    cfg: RNNTraining,
    checkpoint: str | Path | None = None,
    checkpoint_every: int = 10,
    fingerprint: str = "",
    stop_after: int | None = None,
) -> list[dict]:
    """Train in place on `x_train` (samples x features) and `y_train` (samples x targets).

    Returns the per-epoch history. Writes `checkpoint` every `checkpoint_every` epochs and resumes from
    it when its fingerprint matches. `stop_after` ends the run after that many epochs (used to simulate
    a preempted job).
    """
    device = model.w.device
    x_all = torch.as_tensor(np.array(x_train), dtype=model.w.dtype, device=device)
    y_all = torch.as_tensor(np.array(y_train), dtype=model.w.dtype, device=device)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1.0)
    history: list[dict] = []
    start_epoch = 0
    checkpoint = Path(checkpoint) if checkpoint else None
    if checkpoint and checkpoint.exists():
        state = torch.load(checkpoint, map_location=device, weights_only=True)
        if state.get("fingerprint") == fingerprint:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            start_epoch, history = int(state["epoch"]), list(state["history"])
            LOG.info("resuming from %s at epoch %d", checkpoint, start_epoch)
        else:
            LOG.warning("ignoring checkpoint %s: it belongs to another configuration", checkpoint)
    interactive = sys.stderr.isatty()
    n = x_all.shape[0]
    for epoch in range(start_epoch, cfg.epochs):
        if stop_after is not None and epoch >= start_epoch + stop_after:
            break
        began = time.perf_counter()
        generator = torch.Generator().manual_seed(cfg.seed + epoch)
        lr = lembas_lr(epoch, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        if epoch > 0 and epoch % cfg.reset_epochs == 0:
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
            x_full, z = model.states(model.project_input(x_all[idx], noise))
            terms = loss_terms(model, x_full, z, model.readout(x_full), y_all[idx], lr, cfg, generator)
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
        row = {
            "epoch": epoch + 1,
            **{k: sums[k] / batches for k in ("loss", "mse", "sign", "l2", "uniform", "spectral")},
            "lr": lr,
            "spectral_radius": sums["_radius"] / batches,
            "sign_violations": violations,
            "seconds": time.perf_counter() - began,
        }
        history.append(row)
        LOG.info(
            "epoch %d/%d loss %.5f (mse %.5f sign %.2e l2 %.2e uniform %.2e spectral %.2e) "
            "lr %.2e rho %.3f violations %d %.2fs",
            row["epoch"],
            cfg.epochs,
            row["loss"],
            row["mse"],
            row["sign"],
            row["l2"],
            row["uniform"],
            row["spectral"],
            lr,
            row["spectral_radius"],
            violations,
            row["seconds"],
        )
        if interactive:
            print(f"\rRNN epoch {epoch + 1}/{cfg.epochs} loss {row['loss']:.4f}", end="", file=sys.stderr, flush=True)
        if checkpoint and ((epoch + 1) % checkpoint_every == 0 or epoch + 1 == cfg.epochs):
            _save_checkpoint(checkpoint, model, optimizer, epoch + 1, history, fingerprint)
    if interactive:
        print(file=sys.stderr)
    return history


def write_history(history: list[dict], path: str | Path) -> None:
    """Write the per-epoch history as TSV (HISTORY_COLUMNS), atomically."""
    with atomic_file(path) as handle:
        handle.write("\t".join(HISTORY_COLUMNS) + "\n")
        for row in history:
            handle.write(
                "\t".join(f"{row[c]:.6g}" if isinstance(row[c], float) else str(row[c]) for c in HISTORY_COLUMNS) + "\n"
            )
