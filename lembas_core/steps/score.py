"""Step of rule `score`: per-gene table, headline row (with intervals) and replicates of one (model, split)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.common.settings import ScoreSettings
from lembas_core.data.dataset import load_dataset
from lembas_core.evaluation.metrics import gene_table, headline_genes, summary_metrics
from lembas_core.io.atomic import write_tsv

LOG = logging.getLogger("lembas_core.steps.score")


@dataclass(frozen=True)
class ScoreOutputs:
    """Files a score job writes: the per-gene table and the one-row headline table."""

    per_gene: str | Path
    summary: str | Path
    resamples: str | Path  # the replicates behind the intervals (evaluation.intervals.Replicates), for pairing


def score_split(
    model: str,
    split: str,
    predictions: str | Path,
    dataset_dir: str | Path,
    outputs: ScoreOutputs,
    settings: ScoreSettings,
) -> dict:
    """Score the (samples x targets) predictions of `model` on `split`; write the tables and the replicates,
    return the row."""
    ds = load_dataset(dataset_dir)
    y, p = np.asarray(ds.y[split]), np.load(predictions)
    table = gene_table(y, p, ds.targets, ds.validation_missing_targets if split == "validation" else None)
    write_tsv(table, outputs.per_gene)
    mask = headline_genes(table, settings.include_zero_filled)
    metrics, found = summary_metrics(y, p, mask, settings)
    row = {"model": model, "split": split, **metrics}
    LOG.info(
        "%s on %s: r2_uniform %.4f (plain %.4f), pearson_uniform %.4f, r2_flat %.4f, rmse %.4f (%d genes%s)",
        model,
        split,
        row["r2_uniform"],
        row["r2_uniform_plain"],
        row["pearson_uniform"],
        row["r2_flat"],
        row["rmse"],
        row["n_genes"],
        "" if mask.all() else f"; {int((~mask).sum())} zero-filled genes excluded",
    )
    write_tsv(pd.DataFrame([row]), outputs.summary)
    found.save(outputs.resamples)
    return row
