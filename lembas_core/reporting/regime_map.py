"""The regime map's figure: per cell, LEMBAS-RNN minus each rival on the interventional headline, with 95%
intervals and the verdict word (:mod:`lembas_core.evaluation.regime_map`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.evaluation.regime_map import cell_label
from lembas_core.evaluation.verdicts import A_BETTER, B_BETTER
from lembas_core.reporting.figures import plt, save

TRAINING_COLOURS = {"observational": "#0072B2", "interventional": "#D55E00"}  # Okabe-Ito: blue, vermillion
VERDICT_WORDS = {A_BETTER: "RNN better", B_BETTER: "rival better"}  # the others read as they are


def regime_map_plot(table: pd.DataFrame, out: str | Path) -> None:
    """One panel per comparison: a row per cell, the difference RNN - rival (Pearson delta, unseen TFs,
    regime A, in range) with its 95% interval, 0 marked, the rival's name and the verdict beside it."""
    comparisons = list(dict.fromkeys(table["comparison"]))
    cells = list(dict.fromkeys(table["cell"]))
    fig, axes = plt.subplots(1, len(comparisons), figsize=(6.2 * len(comparisons), 0.5 * len(cells) + 1.6),
                             sharey=True, squeeze=False, gridspec_kw={"wspace": 0.9})  # fmt: skip
    for ax, comparison in zip(axes[0], comparisons):
        part = table[table["comparison"] == comparison].set_index("cell").reindex(cells)
        y = np.arange(len(cells))[::-1]
        for yi, (_, row) in zip(y, part.iterrows()):
            colour = TRAINING_COLOURS.get(row["training"], "black")
            if np.isfinite(row["lo"]) and np.isfinite(row["hi"]):
                ax.plot([row["lo"], row["hi"]], [yi, yi], color=colour, lw=2)
            ax.plot([row["difference"]], [yi], "o", color=colour)
            word = VERDICT_WORDS.get(row["verdict"], row["verdict"])
            ax.annotate(f"{word} (vs {row['rival']})", (1.0, yi), xycoords=("axes fraction", "data"),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=7)  # fmt: skip
        ax.axvline(0.0, color="grey", lw=1, ls="--")
        ax.set_yticks(y, [cell_label(row) for _, row in part.iterrows()], fontsize=8)
        ax.set_xlabel("LEMBAS-RNN minus rival, Pearson delta", fontsize=8)
        ax.set_title(f"vs the best model {comparison}" if comparison.startswith("without") else f"vs the {comparison}",
                     fontsize=9)  # fmt: skip
    handles = [plt.Line2D([], [], color=c, marker="o", lw=2, label=t) for t, c in TRAINING_COLOURS.items()]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8, frameon=False, bbox_to_anchor=(0.5, -0.1))
    fig.suptitle("Where could recurrence win? Unseen TFs, regime A, levels in range; mean difference over TFs "
                 "with its 95% interval (> 0: LEMBAS-RNN better)", fontsize=9)  # fmt: skip
    save(fig, out)
