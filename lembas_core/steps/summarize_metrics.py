"""Step of rule `summarize_metrics`: summary.tsv, CV-strata and paired-comparison tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.data.dataset import load_dataset
from lembas_core.evaluation.metrics import headline_genes, paired_comparison, replicate_spread, strata_table
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
PAIRED_COLUMNS = ["split", "model_a", "model_b", "n_genes", "median_r2_difference", "fraction_a_better", "wilcoxon_p"]


def summarize(
    rows: list[str | Path],
    per_gene: dict[tuple[str, str], str | Path],
    predictions: dict[tuple[str, str], str | Path],
    fit_reports: list[str | Path],
    dataset_dir: str | Path,
    summary_out: str | Path,
    strata_out: str | Path,
    paired_out: str | Path,
    fits_out: str | Path,
    replicates_out: str | Path,
    include_zero_filled: bool,
    replicate_of: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Gather the score jobs' rows into summary.tsv; CV strata and paired comparisons per split; fits.tsv.

    `rows` are the score rows of every model, replicates included; `replicate_of` maps each model to its
    first replicate (default: itself). summary.tsv keeps the first replicates' rows, replicates.tsv the
    mean and sd across replicates. `per_gene` and `predictions` map (model, split) to the score and
    predict jobs' outputs (first replicates); `fit_reports` are every training job's fit report
    (:mod:`lembas_core.models.fit_report`).
    """
    write_tsv(pd.DataFrame([FitReport.read(path).row() for path in fit_reports], columns=FIT_COLUMNS), fits_out)
    every = pd.concat([pd.read_csv(r, sep="\t") for r in rows], ignore_index=True)
    replicate_of = replicate_of or {m: m for m in every["model"]}
    write_tsv(replicate_spread(every, replicate_of), replicates_out)
    summary = every[[replicate_of[m] == m for m in every["model"]]].reset_index(drop=True)
    write_tsv(summary, summary_out)
    ds = load_dataset(dataset_dir)
    strata, paired = [], []
    for split in dict.fromkeys(s for _, s in per_gene):
        y = np.asarray(ds.y[split])
        tables = {m: pd.read_csv(path, sep="\t") for (m, s), path in per_gene.items() if s == split}
        reference = next(iter(tables.values()))  # observed-only columns (mean, CV, flags) are the same for every model
        mask = headline_genes(reference, include_zero_filled)
        for model in tables:
            strata.append(
                strata_table(y, np.load(predictions[(model, split)]), reference, mask).assign(model=model, split=split)
            )
        paired.append(paired_comparison({m: t["r2"].to_numpy() for m, t in tables.items()}, mask).assign(split=split))
    write_tsv(pd.concat(strata, ignore_index=True)[STRATA_COLUMNS], strata_out)
    write_tsv(pd.concat(paired, ignore_index=True)[PAIRED_COLUMNS], paired_out)
    return summary
