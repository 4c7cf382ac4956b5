"""The ablation ladder: what the prior network adds, model by model, with the controls beside them.

Inputs are the run's tables (summary, per-gene scores, replicates, and on synthetic data the truth
tables); outputs answer "does the network help, and which part of LEMBAS-RNN wins or loses":

- :func:`ladder_table`: per model (ladder order) its kind, network, r2_uniform, pearson_uniform and
  spearman_uniform on each split with their 95% intervals, the spread across replicates, and (synthetic)
  ground-truth recovery;
- :func:`ladder_pairs` and :func:`ladder_comparisons`: paired comparisons (differences with intervals) of
  each network control with the same kind on the prior network, of LEMBAS-RNN with prior_ridge (same prior, other
  architecture) and of prior_ridge with ridge (prior-restricted inputs vs every TF);
- :func:`truth_breakdown`: (synthetic) per-gene R^2 by true response family and by heritability bin.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lembas_core.common.settings import ScoreSettings
from lembas_core.evaluation.intervals import Replicates
from lembas_core.evaluation.metrics import PAIRED_COLUMNS, headline_genes, paired_comparison

H2_BINS = (0.0, 0.25, 0.5, 0.75, 1.0)
LADDER_METRICS = ("r2_uniform", "pearson_uniform", "spearman_uniform")  # with their intervals, per split
ARCHITECTURE_PAIRS = (("rnn", "prior_ridge"), ("prior_ridge", "ridge"))  # kinds: same prior / prior vs all TFs


def ladder_pairs(kinds: Mapping[str, str], networks: Mapping[str, str]) -> list[tuple[str, str]]:
    """(model A, model B) pairs to compare, from each model's kind and network ('' when it has none).

    Every model on a shuffled or random network is paired with the model of the same kind on the prior
    (the kind's own model when it is run, else the first such variant); then the kinds' own models in
    :data:`ARCHITECTURE_PAIRS` when both are run.
    """
    pairs = []
    for name, network in networks.items():
        if network in ("shuffled", "random"):
            on_prior = [m for m in kinds if kinds[m] == kinds[name] and networks[m] == "prior"]
            reference = kinds[name] if kinds[name] in on_prior else (on_prior[0] if on_prior else None)
            if reference:
                pairs.append((reference, name))
    pairs += [(a, b) for a, b in ARCHITECTURE_PAIRS if a in kinds and b in kinds]
    return pairs


def ladder_table(
    summary: pd.DataFrame,
    replicates: pd.DataFrame,
    kinds: Mapping[str, str],
    networks: Mapping[str, str],
    truth_recovery: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per model (in `kinds` order): the LADDER_METRICS with their intervals on every split in `summary`.

    Columns: model, kind, network, then per split and metric `<split>_<metric>`, `_lo`, `_hi`; `replicates` and
    `test_r2_uniform_sd` (across replicates, NaN for one); with `truth_recovery`, `shap_auroc` (mean over
    explained genes) and `weight_auroc` (RNN weights: true vs decoy edges of the network it used).
    """
    rows = []
    for name, kind in kinds.items():
        row: dict = {"model": name, "kind": kind, "network": networks.get(name) or "-"}
        for split, part in summary[summary.model == name].groupby("split", sort=False):
            record = part.iloc[0]
            for metric in LADDER_METRICS:
                for column in (metric, f"{metric}_lo", f"{metric}_hi"):
                    row[f"{split}_{column}"] = record.get(column, np.nan)
            row[f"{split}_r2_uniform_plain"] = record.get("r2_uniform_plain", np.nan)
        spread = replicates[(replicates.model == name) & (replicates.split == "test")]
        row["replicates"] = int(spread["n_replicates"].iloc[0]) if len(spread) else 1
        row["test_r2_uniform_sd"] = float(spread["r2_uniform_sd"].iloc[0]) if len(spread) else np.nan
        if truth_recovery is not None:
            mine = truth_recovery[truth_recovery.model == name]
            row["shap_auroc"] = float(mine.loc[mine.what == "shap", "auroc"].mean()) if len(mine) else np.nan
            weights = mine.loc[mine.what == "rnn_weights", "auroc"]
            row["weight_auroc"] = float(weights.iloc[0]) if len(weights) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def ladder_comparisons(
    per_gene: Mapping[tuple[str, str], pd.DataFrame],
    found: Mapping[tuple[str, str], Replicates],
    pairs: list[tuple[str, str]],
    settings: ScoreSettings,
) -> pd.DataFrame:
    """Paired comparisons (:func:`lembas_core.evaluation.metrics.paired_comparison`) of `pairs` on every split
    of `per_gene` ((model, split) -> score table), from the score jobs' replicates `found` (same keys)."""
    frames = []
    for split in dict.fromkeys(s for _, s in per_gene):
        tables = {m: t for (m, s), t in per_gene.items() if s == split}
        present = [(a, b) for a, b in pairs if a in tables and b in tables]
        if not present:
            continue
        mask = headline_genes(next(iter(tables.values())), settings.include_zero_filled)
        r2 = {m: t["r2"].to_numpy() for m, t in tables.items()}
        replicates = {m: found[(m, split)] for m in tables}
        comparison = paired_comparison(r2, replicates, mask, present, settings.interval, split)
        frames.append(comparison.assign(split=split))
    columns = ["split", *PAIRED_COLUMNS]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def truth_breakdown(
    per_gene: Mapping[tuple[str, str], pd.DataFrame], truth_genes: pd.DataFrame, include_zero_filled: bool
) -> pd.DataFrame:
    """Per model and split: n_genes, mean and median per-gene R^2 by true response family and h2 bin.

    `truth_genes` is the synthetic cohort's `truth_genes` table (gene, response, h2); genes that copy a
    TF (`tf_copy`, no h2) form their own family and stay out of the h2 bins.
    """
    truth = truth_genes.set_index("gene")
    labels = [f"{lo:g}-{hi:g}" for lo, hi in zip(H2_BINS[:-1], H2_BINS[1:])]
    rows = []
    for (model, split), table in per_gene.items():
        table = table[headline_genes(table, include_zero_filled)]
        known = table[table.gene.isin(truth.index)]
        r2 = known.set_index("gene")["r2"]
        response = truth.loc[r2.index, "response"]
        h2 = pd.cut(truth.loc[r2.index, "h2"], H2_BINS, labels=labels, include_lowest=True)
        for grouping, groups in (("response", response), ("h2", h2)):
            for group, values in r2.groupby(groups.to_numpy(), observed=True):
                values = values.dropna()
                rows.append(
                    {
                        "model": model,
                        "split": split,
                        "grouping": grouping,
                        "group": str(group),
                        "n_genes": int(values.size),
                        "mean_r2": float(values.mean()) if values.size else np.nan,
                        "median_r2": float(values.median()) if values.size else np.nan,
                    }
                )
    return pd.DataFrame(rows, columns=["model", "split", "grouping", "group", "n_genes", "mean_r2", "median_r2"])
