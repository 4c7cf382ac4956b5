"""What more training could change: for a model that did not converge, whether the gain its own convergence
check measured could close, break or reverse each test comparison the verdict makes with it.

The bound. The convergence check measures what the last doubling of the budget gained in inner-validation
error, 1 - per-gene R^2 averaged (:meth:`~lembas_core.models.rnn.training.TrainingOutcome.doubling_gain`),
the complement of the test split's r2_uniform on held-out training samples. If each further doubling gains at
most half of the one before, all further training together gains at most that last doubling's gain
(a geometric series of ratio 1/2). Measured (benchmarks/README.md, "LEMBAS-RNN convergence"): with the
recipe before issue 33, gains shrank by 0.41-0.42 per doubling over two doublings on the small and demo
presets, and a 4x budget's test gain was close to its inner-validation gain; with today's default, the
doubling after the demo's gained nothing, while on small (7 inner-validation samples) it gained 0.0008
where the check had measured 0.0004: there the bound holds only to the inner split's noise. Only the
unconverged model's side moves by that bound; where both models of a comparison did not converge, each side
moves by its own.

Observational test comparisons only (r2_uniform, the scale the bound is measured on): the interventional
scores (Pearson delta) have no such bound.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from lembas_core.evaluation.metrics import verdict_metric
from lembas_core.evaluation.verdicts import A_BETTER, B_BETTER, TIE, oriented

FURTHER_TRAINING = 1.0  # all further doublings gain at most this multiple of the last one (ratio <= 1/2 each)
COLUMNS = tuple(f"{verdict_metric('test')}_difference{part}" for part in ("", "_lo", "_hi"))


def headroom(fits: pd.DataFrame) -> dict[str, float | None]:
    """{model: at most how much further training adds to its test r2_uniform} for every model of `fits`
    (fits.tsv) that did not converge; None where no check measured a gain, or the longer run lost ground (a
    negative gain: stopped too early or unstable, so the last doubling bounds nothing)."""
    unconverged = fits[fits.converged.astype(str) == "no"]
    gains = unconverged.get("doubling_gain", pd.Series(np.nan, index=unconverged.index))
    return {
        row.model: (FURTHER_TRAINING * float(gain) if pd.notna(gain) and float(gain) >= 0 else None)
        for row, gain in zip(unconverged.itertuples(), gains, strict=True)
    }


def _reading(verdict: str, interval: tuple[float, float], moves: tuple[float, float], pair: tuple[str, str]) -> str:
    """What moving A's score up by at most `moves[0]` and B's by at most `moves[1]` could do to A - B in
    `interval`, for `pair` = (A, B) and the comparison's `verdict` from A's side."""
    (lo, hi), (up, down), (a, b) = interval, moves, pair
    if verdict == B_BETTER:
        return f"more training could close the gap to {b}" if hi + up >= 0 else "more training cannot close the gap"
    if verdict == A_BETTER:
        if lo - down <= 0:
            return f"more training of {b} could close the gap"
        return "more training cannot close the lead" if down > 0 else "more training can only widen the lead"
    if verdict == TIE:
        could = [m for m, moved in ((a, lo + up > 0), (b, hi - down < 0)) if moved]
        return f"more training could break the tie for {' or '.join(could)}" if could else "it stays a tie"
    return "its interval decides nothing at this size either way"


def _pairs(model: str, paired: pd.DataFrame, ladder_paired: pd.DataFrame, best: str | None) -> list[str]:
    """The models `model` is compared with in the verdict's test sentences: its ladder rows (controls and
    architecture pairs) and the best model (or, for the best, its runner-up, `best` then names it)."""
    ladder = ladder_paired[ladder_paired.split == "test"]
    others = [b if a == model else a for a, b in zip(ladder.model_a, ladder.model_b, strict=True) if model in (a, b)]
    if best is not None and best != model and oriented(paired[paired.split == "test"], (model, best), COLUMNS):
        others.append(best)
    return list(dict.fromkeys(others))


def headroom_sentences(
    fits: pd.DataFrame,
    paired: pd.DataFrame,
    ladder_paired: pd.DataFrame,
    ranked: list[str],
    label: Callable[[str], str] = str,
) -> list[str]:
    """One sentence per unconverged model: its bound and what it could do to each of its test comparisons.

    `ranked`: the models by test r2_uniform, best first (the verdict's best-model sentence compares the first
    two); `label`: a model's display name.
    """
    bounds, sentences = headroom(fits), []
    test = pd.concat([ladder_paired[ladder_paired.split == "test"], paired[paired.split == "test"]])
    reasons = dict(zip(fits.model, fits.stop_reason, strict=True))
    for model, bound in bounds.items():
        if bound is None:
            sentences.append(
                f"{label(model)} did not converge ({reasons[model]}) and its training measured no bound on what more "
                "of it could change: its scores may understate it by an unknown amount."
            )
            continue
        best = ranked[0] if ranked else None
        if ranked[:1] == [model]:
            best = ranked[1] if len(ranked) > 1 else None
        readings = []
        for other in _pairs(model, paired, ladder_paired, best):
            verdict, value, lo, hi = oriented(test, (model, other), COLUMNS)
            if other in bounds and bounds[other] is None:  # its side may move by any amount
                reading = f"{label(other)} did not converge either, by an unknown amount: more training could move it"
            else:
                moves = (bound, bounds.get(other) or 0.0)
                reading = _reading(verdict, (lo, hi), moves, (label(model), label(other)))
            interval = f"[{lo:.3f}, {hi:.3f}]" if np.isfinite(lo) and np.isfinite(hi) else "(no interval)"
            readings.append(f"vs {label(other)} ({value:+.3f} {interval}) {reading}")
        sentence = (
            f"{label(model)} did not converge: its last doubling of training gained {bound / FURTHER_TRAINING:.4f} "
            f"inner-validation r2_uniform, so all further training adds at most {bound:.4f} to its test score if "
            "each doubling gains at most half the last (benchmarks/README.md)"
        )
        sentences.append(sentence + (": " + "; ".join(readings) if readings else "") + ".")
    return sentences
