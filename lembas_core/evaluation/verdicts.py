"""The one vocabulary of every paired comparison's verdict, and the one rule that gives it.

A verdict reads the interval [lo, hi] of a difference A - B between two models (97% for the observational
comparisons, 95% over perturbed TFs for the interventional ones): ``a_better`` or
``b_better`` when it excludes 0 (the side it lies on, read in the metric's direction), ``tie`` when it holds
0, ``no interval`` when it is undefined (no interval method, or too few values for one), and ``cannot tell at
this size`` when the rule's false-verdict rate, measured at the comparison's size, exceeds 5% or was never
measured there (:mod:`lembas_core.evaluation.calibration`; the caller says which). The observational
tables (``paired.tsv``, ``ladder_paired.tsv``: :func:`lembas_core.evaluation.metrics.paired_comparison`), the
interventional one (``interventions_paired.tsv``: :func:`lembas_core.evaluation.interventions.paired`), the
verdict page (:mod:`lembas_core.reporting.verdict`) and the report captions all use these words.
Dependency-free: the interventional score jobs import it through :mod:`lembas_core.evaluation.interventions`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the module stays dependency-free
    import pandas as pd

A_BETTER = "a_better"
TIE = "tie"
B_BETTER = "b_better"
NO_INTERVAL = "no interval"
CANNOT_TELL = "cannot tell at this size"
VERDICTS = (A_BETTER, TIE, B_BETTER, NO_INTERVAL, CANNOT_TELL)


def verdict_of(lo: float, hi: float, higher_is_better: bool = True, can_tell: bool = True) -> str:
    """Which model the interval [lo, hi] of A - B favours: A_BETTER / B_BETTER when it lies above / below 0
    (the other way round when `higher_is_better` is False: a lower metric is better), TIE when it holds 0,
    NO_INTERVAL when either end is undefined (NaN or infinite), CANNOT_TELL for a defined interval when
    `can_tell` is False (the rule is not measured to hold its error rate at this size)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return NO_INTERVAL
    if not can_tell:
        return CANNOT_TELL
    side = A_BETTER if lo > 0 else B_BETTER if hi < 0 else TIE
    return side if higher_is_better else flipped(side)


def flipped(verdict: str) -> str:
    """`verdict` read from the other model's side (A and B swapped): A_BETTER and B_BETTER trade places;
    the others stay."""
    return {A_BETTER: B_BETTER, B_BETTER: A_BETTER}.get(verdict, verdict)


def oriented(rows: pd.DataFrame, pair: tuple[str, str], columns: tuple[str, str, str]) -> tuple | None:
    """(verdict from A's side, difference A - B, lo, hi) of `pair` = (A, B) from paired-comparison `rows`, whose
    `columns` hold the difference and its interval, whichever way round the table lists the pair; or None."""
    a, b = pair
    for first, second, sign in ((a, b, 1), (b, a, -1)):
        found = rows[(rows.model_a == first) & (rows.model_b == second)]
        if len(found):
            row = found.iloc[0]
            value, lo, hi = (row[column] for column in columns)
            verdict = row.verdict
            if sign < 0:
                value, lo, hi = -value, -hi, -lo
                verdict = flipped(verdict)
            return verdict, value, lo, hi
    return None
