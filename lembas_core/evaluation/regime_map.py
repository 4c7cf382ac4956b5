"""The regime map's table: in each cell (a synthetic world, :mod:`lembas_core.common.regime_cells`), LEMBAS-RNN
against the best model without the network and against the propagated prior ridge, on the interventional
headline (:data:`lembas_core.evaluation.interventions.HEADLINE`: regime A, levels in range, TFs the models never
saw perturbed, Pearson delta), with what the RNN learned about transmission.

The rival without the network is the one of PLAIN_MODELS with the highest mean in the cell, and the
propagated rival the better of PROPAGATED_MODELS: picked after looking, which favours the rivals, so a win
of the RNN is conservative. Differences are the interventional stage's paired ones (per-TF differences,
Student-t interval over TFs, the verdict's rule: :func:`lembas_core.evaluation.interventions.paired`), read
from the RNN's side. The architecture wins a cell when both differences read ``A better``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lembas_core.common.regime_cells import PLAIN_MODELS, PROPAGATED_MODELS, Cell
from lembas_core.evaluation.interventions import headline
from lembas_core.evaluation.verdicts import A_BETTER, oriented

RNN = "rnn"
COMPARISONS = {"without the network": PLAIN_MODELS, "propagated prior ridge": PROPAGATED_MODELS}
TRANSMISSION = ("mean_abs_tf_tf", "mean_abs_tf_gene", "n_tf_tf_true", "tf_tf_weight_r")
COLUMNS = [
    "cell", "depth", "feedback", "training", "comparison", "rival", "n_tfs", "rnn_mean", "rival_mean",
    "difference", "lo", "hi", "verdict", "rnn_converged", *TRANSMISSION,
]  # fmt: skip


def _best(means: pd.Series, candidates: tuple[str, ...]) -> str | None:
    """The candidate with the highest finite mean, or None."""
    found = means.reindex(list(candidates)).dropna()
    return None if found.empty else str(found.idxmax())


def cell_rows(cell: Cell, tables: tuple[pd.DataFrame, pd.DataFrame], rnn: dict) -> list[dict]:
    """COLUMNS rows of `cell`, one per comparison: `tables` = (its interventions summary, its paired table);
    `rnn` = its RNN's `rnn_converged` (yes / no / recipe) and TRANSMISSION measures."""
    summary, paired = (headline(table) for table in tables)
    means = summary.set_index("model")["mean"]
    rows = []
    for comparison, candidates in COMPARISONS.items():
        rival = _best(means, candidates)
        found = oriented(paired, (RNN, rival), ("difference", "lo", "hi")) if rival else None
        verdict, difference, lo, hi = found if found else ("not run", np.nan, np.nan, np.nan)
        pair = {RNN, rival}
        n = paired.loc[[{a, b} == pair for a, b in zip(paired.model_a, paired.model_b)], "n_tfs"]
        rows.append({
            "cell": cell.name, "depth": cell.depth, "feedback": cell.feedback, "training": cell.training,
            "comparison": comparison, "rival": rival or "", "n_tfs": int(n.iloc[0]) if len(n) else 0,
            "rnn_mean": float(means.get(RNN, np.nan)), "rival_mean": float(means.get(rival, np.nan)),
            "difference": difference, "lo": lo, "hi": hi, "verdict": verdict,
            "rnn_converged": rnn["rnn_converged"], **{k: rnn[k] for k in TRANSMISSION},
        })  # fmt: skip
    return rows


def winning_cells(table: pd.DataFrame) -> list[str]:
    """Cells where LEMBAS-RNN beats both rivals by the verdict's rule."""
    verdicts = table.groupby("cell", sort=False)["verdict"]
    return [cell for cell, v in verdicts if len(v) == len(COMPARISONS) and (v == A_BETTER).all()]


def cell_label(row: pd.Series) -> str:
    """A cell's axis label, e.g. ``depth 4, feedback, interventional``."""
    return f"depth {row['depth']}, {'feedback' if row['feedback'] else 'acyclic'}, {row['training']}"
