"""The LEMBAS-RNN training budget: how many optimizer updates, the one-cycle learning rate over them, the
early-stopping plateau, and the continuation checks that say whether more training would help.

- **A budget in optimizer updates at every cohort size.** `steps` updates (8,000 by default) whatever the
  number of samples: ``ceil(steps / updates per epoch)`` epochs, 3 updates an epoch for 68 training samples at
  batch 25 (2,667 epochs), 510 at the upstream size (16 epochs). `epochs`, `warmup_epochs`, `reset_epochs`
  and `patience` give the schedule's shape in epochs of a reference schedule of `epochs` epochs; it is
  stretched or compressed to the budget (`steps: 0` takes `epochs` as given, as the upstream recipe does).
- **Continuation checks.** After the schedule ends (early stop or cap), training resumes from the kept
  weights with a fresh Adam and a short one-cycle schedule of `continuation` times the budget. If the
  inner-validation error improves by more than `min_delta` (relative), the better weights are kept and
  another check follows, at most `max_continuations`; training is `converged` only when a check finds no
  such improvement.
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


def lembas_lr(epoch: int, cfg: RNNTraining, budget: Budget) -> float:
    """LEMBAS one-cycle schedule over the budget: cosine warm-up to lr_peak, cosine decay to lr_end by 95%.

    `epoch` counts from 0 at the start of the phase the budget describes.
    """
    start = cfg.lr_peak / 10 if cfg.lr_start is None else cfg.lr_start
    warmup = max(budget.warmup_epochs, 1)
    if epoch <= warmup:
        return (cfg.lr_peak - start) * 0.5 * (math.cos(math.pi * (epoch / warmup + 1)) + 1) + start
    decay_end = 0.95 * budget.epochs
    if epoch <= decay_end and decay_end > warmup:
        s = (epoch - warmup) / (decay_end - warmup)
        return (cfg.lr_peak - cfg.lr_end) * 0.5 * (math.cos(math.pi * s) + 1) + cfg.lr_end
    return cfg.lr_end


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
