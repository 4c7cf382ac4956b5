"""Step of rule `summarize_metrics`: summary.tsv, CV-strata and paired-comparison tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.common.settings import ScoreSettings
from lembas_core.data.dataset import load_dataset
from lembas_core.evaluation.intervals import Replicates
from lembas_core.evaluation.metrics import (
    PAIRED_COLUMNS,
    headline_genes,
    paired_comparison,
    replicate_spread,
    strata_table,
)
from lembas_core.io.atomic import write_tsv
from lembas_core.models.fit_report import FIT_COLUMNS, FitReport

STRATA_COLUMNS = [
    "model",
    "split",
    "stratum",
    "cv_range",
    "n_genes",
    "rmse",
    "mae",
    "pearson",
    "mean_bias",
    "residual_sd",
]


@dataclass(frozen=True)
class SummaryInputs:
    """What summarize_metrics gathers.

    `rows` are the score rows of every model, replicates included; `per_gene` and `predictions` map
    (model, split) to the score and predict jobs' outputs (first replicates); `fit_reports` are every
    training job's fit report (:mod:`lembas_core.models.fit_report`); `dataset` the dataset store.
    """

    rows: Sequence[str | Path]
    per_gene: Mapping[tuple[str, str], str | Path]
    predictions: Mapping[tuple[str, str], str | Path]
    fit_reports: Sequence[str | Path]
    dataset: str | Path
    resamples: Mapping[tuple[str, str], str | Path]  # (model, split) -> the score job's replicates


@dataclass(frozen=True)
class SummaryOutputs:
    """The tables summarize_metrics writes."""

    summary: str | Path
    strata: str | Path
    paired: str | Path
    fits: str | Path
    replicates: str | Path


def summarize(
    inputs: SummaryInputs,
    outputs: SummaryOutputs,
    settings: ScoreSettings,
    replicate_of: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Gather the score jobs' rows into summary.tsv; CV strata and paired comparisons per split; fits.tsv.

    `replicate_of` maps each model to its first replicate (default: itself). summary.tsv keeps the first
    replicates' rows, replicates.tsv the mean and sd across replicates.
    """
    fits = [FitReport.read(path).row() for path in inputs.fit_reports]
    write_tsv(pd.DataFrame(fits, columns=FIT_COLUMNS), outputs.fits)
    every = pd.concat([pd.read_csv(r, sep="\t") for r in inputs.rows], ignore_index=True)
    replicate_of = replicate_of or {m: m for m in every["model"]}
    write_tsv(replicate_spread(every, dict(replicate_of)), outputs.replicates)
    summary = every[[replicate_of[m] == m for m in every["model"]]].reset_index(drop=True)
    write_tsv(summary, outputs.summary)
    ds = load_dataset(inputs.dataset)
    strata, paired = [], []
    per_gene, predictions = inputs.per_gene, inputs.predictions
    for split in dict.fromkeys(s for _, s in per_gene):
        y = np.asarray(ds.y[split])
        tables = {m: pd.read_csv(path, sep="\t") for (m, s), path in per_gene.items() if s == split}
        reference = next(iter(tables.values()))  # observed-only columns (mean, CV, flags) are the same for every model
        mask = headline_genes(reference, settings.include_zero_filled)
        for model in tables:
            strata.append(
                strata_table(y, np.load(predictions[(model, split)]), reference, mask).assign(model=model, split=split)
            )
        r2 = {m: t["r2"].to_numpy() for m, t in tables.items()}
        found = {m: Replicates.load(inputs.resamples[(m, split)]) for m in tables}
        pairs = list(combinations(tables, 2))
        comparison = paired_comparison(r2, found, mask, pairs, settings.interval, split)
        paired.append(comparison.assign(split=split))
    write_tsv(pd.concat(strata, ignore_index=True)[STRATA_COLUMNS], outputs.strata)
    write_tsv(pd.concat(paired, ignore_index=True)[["split", *PAIRED_COLUMNS]], outputs.paired)
    return summary
