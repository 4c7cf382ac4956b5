"""How a LEMBAS-RNN training phase ended, in words and as a verdict: converged, or why not.

The main schedule ends by an early stop, a plateau at its cap, or its cap reached while still improving
(:func:`main_schedule_end`); the convergence check's reference run then decides (:func:`convergence_check_end`;
the check itself: :mod:`lembas_core.models.rnn.schedule`). A main schedule whose kept epoch lies in its warm-up
is not converged whatever a check would say (:func:`lost_at_the_peak`).
"""

from __future__ import annotations

import math

from lembas_core.models.rnn.schedule import Budget, budget_gain, doubling_threshold
from lembas_core.models.settings import RNNTraining

# The whole budget's kept inner-validation error may come out a little above the half-budget run's (two
# trajectories, each stopped at its own best); above it by more than this (relative) the longer run lost ground:
# on the demo preset lr_peak 1.6e-2 and batch 100 at 4e-3 did so by 17.5% and 8.1% (with patience then counted
# from half the peak), while stable settings stayed within +/-0.1% or improved (benchmarks/README.md, "LEMBAS-RNN
# convergence").
LOST_GROUND = 0.01
RAISE_STEPS = ": raise models.rnn.steps"  # the advice of a schedule still improving at its cap that is not checked


def lost_at_the_peak(budget: Budget, epochs_run: int, best: dict) -> bool:
    """Whether the kept epoch lies in the warm-up of a schedule that ran past it: training only lost ground
    once the rate rose to its peak, and its decay never won it back (measured at 8e-3 without the edge cap at
    the upstream size: best epoch 1; benchmarks/README.md, "What limited convergence")."""
    return bool(best) and epochs_run > budget.warmup_epochs and best["epoch"] <= budget.warmup_epochs


def main_schedule_end(
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
    if lost_at_the_peak(budget, epochs_run, best):
        return False, (
            f"the kept epoch lies in the warm-up ({where}, warm-up {budget.warmup_epochs} epochs): training lost "
            f"ground at the peak rate and never recovered it; lower models.rnn.lr_peak"
        )
    if stopped_early:
        return True, f"early stop at epoch {epochs_run}, {where} (patience {budget.patience} epochs)"
    if plateau_epochs >= budget.patience:
        return True, (
            f"epoch cap {budget.epochs} reached after {budget.patience} epochs without an improvement of min_delta "
            f"({where})"
        )
    return False, f"epoch cap {budget.epochs} reached while still improving ({where}){RAISE_STEPS}"


def convergence_check_end(
    main_reason: str, reference: Budget, reference_error: float, best: dict, cfg: RNNTraining
) -> tuple[bool, str]:
    """(converged, reason) after the reference run of `reference.epochs` epochs from the initial weights.

    Not converged when the main schedule's kept error beats the reference's by more than
    :func:`doubling_threshold` (relative): doubling the budget still helped; nor when it is worse by more than
    LOST_GROUND: the longer run lost ground, a sign of an optimisation that stopped too early or is unstable,
    not of convergence; nor when the reference run never reached a finite error (NaN `reference_error`): then there
    is no evidence either way.
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
    if gain < -LOST_GROUND:
        return (
            False,
            f"{what}, worse by more than {100 * LOST_GROUND:g}%: the longer run lost ground, so its kept weights are "
            "not the best this optimisation finds (a schedule too long or too fast to stay stable: lower lr_peak)",
        )
    return True, f"{what}, not better by {100 * threshold:g}%: more training would gain less"
