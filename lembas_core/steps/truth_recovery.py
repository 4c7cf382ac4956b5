"""Step of rule `truth_recovery`: explanations and per-edge model weights scored against the synthetic ground
truth."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lembas_core.common.layout import format_from_extension
from lembas_core.evaluation.truth import rnn_edge_recovery, shap_recovery
from lembas_core.io.atomic import write_tsv
from lembas_core.io.tables import read_table


def truth_recovery(
    truth_edges_path: str | Path, shap_files: list[str | Path], weighted: dict[str, str | Path], out: str | Path
) -> pd.DataFrame:
    """Score every SHAP file and the per-edge weights of every model in `weighted` (name -> model file; kinds
    with ``edge_weights``, LEMBAS-RNN) against the true edges, with their transmission measures (TF -> TF vs
    TF -> gene weights; empty on SHAP rows); write the TSV."""
    truth = read_table(
        truth_edges_path, format_from_extension(truth_edges_path), "truth edges", string_columns=("TF", "Gene")
    )
    frames = [shap_recovery(shap_files, truth)]
    frames += [rnn_edge_recovery(path, truth, name) for name, path in weighted.items()]
    table = pd.concat(frames, ignore_index=True)
    write_tsv(table, out, float_format="%.4g")
    return table
