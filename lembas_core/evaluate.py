"""Evaluation steps of the pipeline: score one (model, split), then gather every score into tables."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import write_tsv
from .dataset import load_dataset
from .metrics import gene_table, headline_genes, paired_comparison, strata_table, summary_metrics

LOG = logging.getLogger("lembas_core.evaluate")


def _zero_filled(ds, split: str) -> np.ndarray | None:
    return ds.validation_missing_targets if split == "validation" else None


def score_split(model: str, split: str, predictions: str | Path, dataset_dir: str | Path, per_gene_out: str | Path, summary_out: str | Path,
                n_boot: int = 200, seed: int = 888, include_zero_filled: bool = False) -> dict:
    """Per-gene table and the headline row (with bootstrap intervals) of one model on one split."""
    ds = load_dataset(dataset_dir)
    y, p = np.asarray(ds.y[split]), np.load(predictions)
    table = gene_table(y, p, ds.targets, _zero_filled(ds, split))
    write_tsv(table, per_gene_out)
    mask = headline_genes(table, include_zero_filled)
    row = {"model": model, "split": split, **summary_metrics(y, p, mask, n_boot, seed)}
    LOG.info("%s on %s: r2_flat %.4f, r2_uniform %.4f, pearson %.4f, rmse %.4f, mae %.4f (%d genes%s)", model, split, row["r2_flat"], row["r2_uniform"],
             row["pearson"], row["rmse"], row["mae"], row["n_genes"], "" if mask.all() else f"; {int((~mask).sum())} zero-filled genes excluded")
    write_tsv(pd.DataFrame([row]), summary_out)
    return row


def summarize(rows: list[str | Path], per_gene: dict[tuple[str, str], str | Path], predictions: dict[tuple[str, str], str | Path], dataset_dir: str | Path,
              summary_out: str | Path, strata_out: str | Path, paired_out: str | Path, include_zero_filled: bool = False) -> pd.DataFrame:
    """Gather the per-job rows into summary.tsv; CV strata and paired comparisons per split.

    `per_gene` and `predictions` map (model, split) to the score and predict jobs' outputs.
    """
    summary = pd.concat([pd.read_csv(r, sep="\t") for r in rows], ignore_index=True)
    write_tsv(summary, summary_out)
    ds = load_dataset(dataset_dir)
    strata, paired = [], []
    for split in dict.fromkeys(s for _, s in per_gene):
        y = np.asarray(ds.y[split])
        tables = {m: pd.read_csv(path, sep="\t") for (m, s), path in per_gene.items() if s == split}
        reference = next(iter(tables.values()))  # observed-only columns (mean, CV, flags) are the same for every model
        mask = headline_genes(reference, include_zero_filled)
        for model in tables:
            strata.append(strata_table(y, np.load(predictions[(model, split)]), reference, mask).assign(model=model, split=split))
        paired.append(paired_comparison({m: t["r2"].to_numpy() for m, t in tables.items()}, mask).assign(split=split))
    columns = ["model", "split", "stratum", "cv_range", "n_genes", "rmse", "mae", "pearson", "mean_bias", "residual_sd"]
    write_tsv(pd.concat(strata, ignore_index=True)[columns], strata_out)
    write_tsv(pd.concat(paired, ignore_index=True)[["split", "model_a", "model_b", "n_genes", "median_r2_difference", "fraction_a_better", "wilcoxon_p"]], paired_out)
    return summary
