"""Step of rule `ladder`: the "What the network adds" tables and figure of the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lembas_core.common.layout import format_from_extension
from lembas_core.common.settings import Roster, ScoreSettings, kinds_of, networks_of
from lembas_core.evaluation.intervals import Replicates
from lembas_core.evaluation.ladder import ladder_comparisons, ladder_pairs, ladder_table, truth_breakdown
from lembas_core.io.atomic import write_tsv
from lembas_core.io.tables import read_table
from lembas_core.reporting.figures import ladder_plot
from lembas_core.reporting.palette import roster_palette


def read_tsv(path: str | Path) -> pd.DataFrame:
    """A result table written by :func:`lembas_core.io.atomic.write_tsv`."""
    return pd.read_csv(path, sep="\t")


@dataclass(frozen=True)
class LadderInputs:
    """Tables the ladder is drawn from: summary.tsv, replicates.tsv, the per-gene score tables by
    (model, split) and, on synthetic data, the true per-gene response families and the truth recovery."""

    summary: str | Path
    replicates: str | Path
    per_gene: Mapping[tuple[str, str], str | Path]
    resamples: Mapping[tuple[str, str], str | Path]  # (model, split) -> the score job's replicates
    truth_genes: str | Path | None = None
    truth_recovery: str | Path | None = None


def ladder_report(
    inputs: LadderInputs, roster: Roster, outputs: Mapping[str, str | Path], settings: ScoreSettings
) -> pd.DataFrame:
    """Write the ladder table, the paired comparisons and the figure (and, on synthetic data, the breakdown).

    `roster` gives each shown model's kind and network, in ladder order; `outputs` holds the paths `table`,
    `paired`, `figure` and, with `inputs.truth_genes`, `truth`.
    """
    kinds, networks = kinds_of(roster), networks_of(roster)
    tables = {key: read_tsv(path) for key, path in inputs.per_gene.items()}
    recovery = read_tsv(inputs.truth_recovery) if inputs.truth_recovery else None
    table = ladder_table(read_tsv(inputs.summary), read_tsv(inputs.replicates), kinds, networks, recovery)
    write_tsv(table, outputs["table"])
    found = {key: Replicates.load(path) for key, path in inputs.resamples.items()}
    write_tsv(ladder_comparisons(tables, found, ladder_pairs(kinds, networks), settings), outputs["paired"])
    breakdown = None
    if inputs.truth_genes:
        path = inputs.truth_genes  # written in the cohort's format: TSV, CSV or (the full preset) Parquet
        truth = read_table(path, format_from_extension(path), "truth genes", string_columns=("gene",))
        breakdown = truth_breakdown(tables, truth, settings.include_zero_filled)
        write_tsv(breakdown, outputs["truth"])
    ladder_plot(table, breakdown, outputs["figure"], roster_palette(roster))
    return table
