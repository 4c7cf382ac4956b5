"""The LEMBAS-RNN training budget: how many optimizer updates, the one-cycle learning rate over them, the
early-stopping plateau, and the continuation checks that say whether more training would help.

- **A budget in optimizer updates at every cohort size.** `steps` updates (8,000 by default) whatever the
  number of samples: ``ceil(steps / updates per epoch)`` epochs, 3 updates an epoch for 68 training samples at
  batch 25 (2,667 epochs), 510 at the upstream size (16 epochs). `epochs`, `warmup_epochs`, `reset_epochs`
  and `patience` give the schedule's shape in epochs of a reference schedule of `epochs` epochs; it is
  stretched or compressed to the budget (`steps: 0` takes `epochs` as given, as the upstream recipe does).
- **Continuation checks.** After the schedule ends (early stop or cap), training resumes from the kept
  weights with a fresh Adam and `continuation` times the budget, the learning rate decaying from the
  one-cycle's starting rate (:func:`continuation_lr`). If the
  inner-validation error improves by more than ``min_delta x continuation`` (relative: the check's share of
  `min_delta` per budget), the better weights are kept and another check follows, at most
  `max_continuations`; training is `converged` only when a check finds no such improvement, i.e. when
  another whole budget would gain less than `min_delta` unless gains accelerate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lembas_core.models.settings import RNNTraining


@dataclass(frozen=True)
class Budget:
    """The epoch cap and the epoch-denominated schedule of one training phase."""

    epochs: int  # epoch cap
    warmup_epochs: int
    reset_epochs: int
    patience: int
    steps_per_epoch: int

    @property
    def steps(self) -> int:
        """Optimizer updates at the cap."""
        return self.epochs * self.steps_per_epoch

    def scaled(self, epochs: int) -> Budget:
        """The same schedule shape over `epochs` epochs (warm-up, Adam resets and patience scaled, each >= 1)."""
        scale = epochs / self.epochs
        return Budget(
            epochs,
            max(1, round(self.warmup_epochs * scale)),
            max(1, round(self.reset_epochs * scale)),
            max(1, round(self.patience * scale)),
            self.steps_per_epoch,
        )


def training_budget(n_fit: int, cfg: RNNTraining) -> Budget:
    """The main schedule for `n_fit` gradient samples: `cfg.steps` optimizer updates (`cfg.epochs` when 0)."""
    per_epoch = math.ceil(n_fit / cfg.batch_size)
    reference = Budget(cfg.epochs, cfg.warmup_epochs, cfg.reset_epochs, cfg.patience, per_epoch)
    if cfg.steps <= 0:
        return reference
    return reference.scaled(math.ceil(cfg.steps / per_epoch))


def continuation_budget(main: Budget, cfg: RNNTraining) -> Budget | None:
    """The schedule of one continuation check: `cfg.continuation` of the main budget (at least one epoch);
    None when checks are off."""
    if cfg.continuation <= 0 or cfg.max_continuations <= 0:
        return None
    return main.scaled(max(1, math.ceil(cfg.continuation * main.epochs)))


def start_lr(cfg: RNNTraining) -> float:
    """The one-cycle's starting rate: `lr_start`, or a tenth of the peak (LEMBAS) when unset."""
    return cfg.lr_peak / 10 if cfg.lr_start is None else cfg.lr_start


def cosine_decay(high: float, low: float, s: float) -> float:
    """Half a cosine from `high` at s = 0 to `low` at s = 1."""
    return (high - low) * 0.5 * (math.cos(math.pi * s) + 1) + low


def lembas_lr(epoch: float, cfg: RNNTraining, budget: Budget) -> float:
    """LEMBAS one-cycle schedule over the budget: cosine warm-up to lr_peak, cosine decay to lr_end by 95%.

    `epoch` counts from 0 at the start of the phase the budget describes; fractional between updates
    (:func:`update_lr`).
    """
    start = start_lr(cfg)
    warmup = max(budget.warmup_epochs, 1)
    if epoch <= warmup:
        return (cfg.lr_peak - start) * 0.5 * (math.cos(math.pi * (epoch / warmup + 1)) + 1) + start
    decay_end = 0.95 * budget.epochs
    if epoch <= decay_end and decay_end > warmup:
        return cosine_decay(cfg.lr_peak, cfg.lr_end, (epoch - warmup) / (decay_end - warmup))
    return cfg.lr_end


def continuation_lr(epoch: float, cfg: RNNTraining, budget: Budget) -> float:
    """A continuation check's schedule: cosine decay from the one-cycle's starting rate (lr_start, LEMBAS: a
    tenth of the peak) to lr_end by 95% of the check, no warm-up.

    It continues the optimisation from the kept weights rather than restarting it: at the upstream size a
    5-epoch restart to the peak rate never got back below the kept error, while this decay from a tenth of
    the peak gained 0.38% (still short of what 4x the budget gains there: benchmarks/README.md).
    """
    return cosine_decay(start_lr(cfg), cfg.lr_end, min(epoch / (0.95 * budget.epochs), 1.0))


def update_lr(epoch: int, update: int, cfg: RNNTraining, budget: Budget, check: bool = False) -> float:
    """The learning rate of update `update` (0-based) of epoch `epoch` of a phase (`check`: a continuation
    check's, :func:`continuation_lr`; else the main one-cycle, :func:`lembas_lr`): the schedule at
    ``epoch + update / steps_per_epoch`` with `cfg.lr_per_update`, at `epoch` (once an epoch, as upstream)
    without.

    Epoch resolution is coarse when a budget has few epochs of many updates (18 epochs of 459 updates at the
    upstream size, its checks 5): a short schedule then moves in a few large jumps of the rate.
    """
    curve = continuation_lr if check else lembas_lr
    return curve(epoch + update / budget.steps_per_epoch if cfg.lr_per_update else epoch, cfg, budget)


def annealed_since(history: list[dict], cfg: RNNTraining, budget: Budget) -> int | None:
    """The epoch from which a plateau of the main schedule counts: the first after the warm-up whose learning
    rate has decayed to half its peak (None before that).

    At the peak the lr-scaled input noise holds the inner-validation error on a plateau that the decay then
    breaks, so patience only runs once the schedule anneals.
    """
    return next((row["epoch"] for row in history[budget.warmup_epochs :] if row["lr"] <= cfg.lr_peak / 2), None)


def plateau(history: list[dict], best: dict, cfg: RNNTraining, budget: Budget) -> int:
    """Annealed epochs since the last relative improvement (0 before the schedule has annealed)."""
    epochs_run = len(history)
    return epochs_run - max(best.get("since", 0), annealed_since(history, cfg, budget) or epochs_run)
