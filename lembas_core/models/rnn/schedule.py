"""The LEMBAS-RNN training budget: how many optimizer updates, the one-cycle learning rate over them, the
early-stopping plateau, and the convergence check that says whether more training would help.

- **A budget in optimizer updates at every cohort size.** `steps` updates (16,000 by default) whatever the
  number of samples: ``ceil(steps / updates per epoch)`` epochs, 3 updates an epoch for 61 samples fit at
  batch 25 (5,334 epochs), 459 at the upstream size (35 epochs). `epochs`, `warmup_epochs`, `reset_epochs`
  and `patience` give the schedule's shape in epochs of a reference schedule of `epochs` epochs; it is
  stretched or compressed to the budget (`steps: 0` takes `epochs` as given, as the upstream recipe does).
- **The convergence check: a budget-doubling test run backwards.** After the main schedule (an early stop, a
  plateau at the cap, or a cap reached while still improving), a reference run trains from the same initial
  weights with a fresh Adam over `convergence_check` of the budget (0.5: half of it), on the same one-cycle
  shape. If the whole budget's kept inner-validation error beats the reference's by more than
  ``min_delta x log2(1 / convergence_check)`` (relative; `min_delta` per doubling), doubling the budget
  still helped and training is *not* converged. Gains per doubling shrink as training converges, so a gain
  below the threshold from the last doubling bounds the next one. The lengths compared are the
  schedules' (the reference runs its whole half; the main schedule may stop early), so a main schedule that
  stops early makes the test stricter, not laxer. The kept weights are the main schedule's; the reference
  run only decides the verdict. Checks that continue from the kept weights do not show this: at the
  upstream size a quarter-budget decay, and two whole-budget restarts to the peak, each settled near the
  kept error and said converged where 4x the budget gained +0.005 test r2_uniform (benchmarks/README.md).
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


def inner_validation_size(n_train: int, fraction: float) -> int:
    """Training samples held out for early stopping: ``round(fraction * n_train)``, at least one and at least
    one left to fit; 0 when `fraction` is 0."""
    return min(max(1, round(fraction * n_train)), n_train - 1) if fraction > 0 else 0


def training_budget(n_fit: int, cfg: RNNTraining) -> Budget:
    """The main schedule for `n_fit` gradient samples: `cfg.steps` optimizer updates (`cfg.epochs` when 0)."""
    per_epoch = math.ceil(n_fit / cfg.batch_size)
    reference = Budget(cfg.epochs, cfg.warmup_epochs, cfg.reset_epochs, cfg.patience, per_epoch)
    if cfg.steps <= 0:
        return reference
    return reference.scaled(math.ceil(cfg.steps / per_epoch))


def reference_budget(main: Budget, cfg: RNNTraining) -> Budget | None:
    """The convergence check's reference run: `cfg.convergence_check` of the main budget (at least one
    epoch), the same schedule shape; None when the check is off."""
    if cfg.convergence_check <= 0:
        return None
    return main.scaled(max(1, math.ceil(cfg.convergence_check * main.epochs)))


def budget_gain(kept_error: float, reference_error: float) -> float:
    """How much lower (relative) the main schedule's kept inner-validation error is than the reference run's
    best: positive when the longer budget helped."""
    return 1 - kept_error / reference_error


def doubling_threshold(cfg: RNNTraining) -> float:
    """The relative inner-validation gain of the whole budget over the reference run above which training
    is not converged: `min_delta` for every doubling between them."""
    return cfg.min_delta * math.log2(1 / cfg.convergence_check)


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


def update_lr(epoch: int, update: int, cfg: RNNTraining, budget: Budget) -> float:
    """The learning rate of update `update` (0-based) of epoch `epoch` of a phase (the main schedule or a
    convergence check's reference run, each a one-cycle over its budget, :func:`lembas_lr`): the schedule at
    ``epoch + update / steps_per_epoch`` with `cfg.lr_per_update`, at `epoch` (once an epoch, as upstream)
    without.

    Epoch resolution is coarse when a budget has few epochs of many updates (35 epochs of 459 updates at the
    upstream size): a schedule set once an epoch then moves in a few large jumps of the rate.
    """
    return lembas_lr(epoch + update / budget.steps_per_epoch if cfg.lr_per_update else epoch, cfg, budget)


def annealed_since(history: list[dict], cfg: RNNTraining, budget: Budget) -> int | None:
    """The epoch from which a plateau of the main schedule counts: the first after the warm-up whose learning
    rate has decayed back to the warm-up's starting rate (:func:`start_lr`, at most half the peak, at least
    `lr_end`; None before that).

    The inner-validation error is noisy at every rate above that (the input noise and the steps scale with the
    rate) and only falls as the decay ends, so an epoch of the warm-up can hold the best error until then (counted
    from half the peak, the demo's shuffled-network control stopped on such a noise dip before it annealed:
    benchmarks/README.md, "LEMBAS-RNN convergence"). So a plateau compares epochs at rates no higher than the
    warm-up's first ones.
    """
    threshold = max(cfg.lr_end, min(start_lr(cfg), cfg.lr_peak / 2))  # a rate the schedule reaches
    return next((row["epoch"] for row in history[budget.warmup_epochs :] if row["lr"] <= threshold), None)


def plateau(history: list[dict], best: dict, cfg: RNNTraining, budget: Budget) -> int:
    """Annealed epochs since the last relative improvement (0 before the schedule has annealed)."""
    epochs_run = len(history)
    return epochs_run - max(best.get("since", 0), annealed_since(history, cfg, budget) or epochs_run)
