"""The verdict as a picture: one forest plot of the paired differences the verdict's sentences read.

Each comparison is a row: the difference A - B with its interval (observational: the 97% interval of the paired
difference by the run's interval method; interventional: the 95% Student-t interval over perturbed TFs), a line
at 0 and the verdict word beside it. The observational and interventional panels have their own axes (their
metrics differ). Colours are the Okabe-Ito set (distinguishable with the common colour-vision deficiencies) and
every verdict has its own marker too, so the words never rest on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lembas_core.evaluation.verdicts import A_BETTER, B_BETTER, CANNOT_TELL, TIE  # noqa: E402
from lembas_core.reporting.verdict import (  # noqa: E402
    INTERVENTIONAL,
    OBSERVATIONAL,
    Comparison,
    interval_words,
    signed,
)

# verdict word -> (colour, marker): Okabe & Ito (2008) colours, none of them black (the text's)
STYLE = {
    A_BETTER: ("#0072B2", "o"),
    B_BETTER: ("#D55E00", "s"),
    TIE: ("#CC79A7", "D"),
    CANNOT_TELL: ("#E69F00", "^"),
}
NO_STYLE = ("#999999", "x")
AXIS_LABELS = {
    OBSERVATIONAL: "A - B: r2_uniform (test) or pearson_uniform (validation), 97% paired {method} interval",
    INTERVENTIONAL: "A - B: Pearson delta (regime A, in range), 95% t-interval over perturbed TFs",
}
PANEL_TITLES = {OBSERVATIONAL: "Observational: held-out samples", INTERVENTIONAL: "Interventional: forecasts"}


def verdict_word(comparison: Comparison, label: Callable[[str], str]) -> str:
    """The verdict in words a reader can follow: 'LEMBAS-RNN better', 'tie', 'cannot tell', 'no interval'."""
    return {
        A_BETTER: f"{label(comparison.a)} better",
        B_BETTER: f"{label(comparison.b)} better",
        TIE: "tie",
        CANNOT_TELL: "cannot tell at this size",
    }.get(comparison.verdict, "no interval")


def row_label(comparison: Comparison, label: Callable[[str], str]) -> str:
    """'A vs B (what it asks)' with display names."""
    return f"{label(comparison.a)} vs {label(comparison.b)}\n({comparison.question})"


def forest_figure(
    comparisons: Sequence[Comparison], label: Callable[[str], str] = str, method: str = "jackknife"
) -> plt.Figure:
    """The forest plot of `comparisons` (one row each, in order, grouped by panel); `label` gives a model's
    display name, `method` the observational intervals' method. A figure saying so when there is no comparison."""
    panels = [p for p in (OBSERVATIONAL, INTERVENTIONAL) if any(c.panel == p for c in comparisons)]
    if not panels:
        fig, ax = plt.subplots(figsize=(6, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "No paired comparison to show", ha="center", va="center")
        return fig
    rows = [sum(c.panel == p for c in comparisons) for p in panels]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(9, 1.2 + 0.55 * sum(rows) + 0.9 * len(panels)),
        gridspec_kw={"height_ratios": [r + 1.2 for r in rows]}, squeeze=False,
    )  # fmt: skip
    for ax, panel in zip(axes[:, 0], panels):
        _panel(ax, [c for c in comparisons if c.panel == panel], label)
        ax.set_title(PANEL_TITLES[panel], loc="left", fontsize=10, fontweight="bold")
        ax.set_xlabel(AXIS_LABELS[panel].format(method=method), fontsize=8)
    fig.tight_layout()
    return fig


def _panel(ax: plt.Axes, comparisons: Sequence[Comparison], label: Callable[[str], str]) -> None:
    y = np.arange(len(comparisons))[::-1]
    for row, c in zip(y, comparisons):
        colour, marker = STYLE.get(c.verdict, NO_STYLE)
        if np.isfinite(c.lo) and np.isfinite(c.hi):
            ax.plot([c.lo, c.hi], [row, row], color=colour, linewidth=2, solid_capstyle="butt")
        ax.plot([c.difference], [row], marker=marker, color=colour, markersize=7, linestyle="none")
        text = f"{signed(c.difference)}  {verdict_word(c, label)}"
        ax.annotate(text, (1.01, row), xycoords=("axes fraction", "data"), va="center", fontsize=8, color=colour)
    ax.axvline(0, color="#555555", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, [row_label(c, label) for c in comparisons], fontsize=8)
    ax.set_ylim(-0.7, len(comparisons) - 0.3)
    ends = [v for c in comparisons for v in (c.lo, c.hi, c.difference) if np.isfinite(v)] + [0.0]
    pad = 0.08 * (max(ends) - min(ends) or 1.0)
    ax.set_xlim(min(ends) - pad, max(ends) + pad)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    ax.spines[["top", "right"]].set_visible(False)


def caption(comparisons: Sequence[Comparison], label: Callable[[str], str] = str, method: str = "jackknife") -> str:
    """The figure's caption with every row's numbers: 'A vs B (question, metric): +0.012 [0.010, 0.015], verdict'."""
    parts = [
        f"{label(c.a)} vs {label(c.b)} ({c.question}, {c.metric}): {signed(c.difference)} "
        f"{interval_words(c.lo, c.hi)}, {verdict_word(c, label)}"
        for c in comparisons
    ]
    return (
        f"Paired differences behind the verdict, A - B, with their intervals (observational: 97% {method} interval "
        "of the paired difference; interventional: 95% t over perturbed TFs); 0 marks no difference. "
        + "; ".join(parts)
        + "."
    )
