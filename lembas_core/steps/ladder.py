"""Step of rule `ladder`: the "What the network adds" tables and figure of the report."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from lembas_core.evaluation.ladder import ladder_comparisons, ladder_pairs, ladder_table, truth_breakdown
from lembas_core.io.atomic import write_tsv
from lembas_core.reporting.figures import ladder_plot
from lembas_core.reporting.palette import Palette


def read_tsv(path: str | Path) -> pd.DataFrame:
    """A result table written by :func:`lembas_core.io.atomic.write_tsv`."""
    return pd.read_csv(path, sep="\t")


def ladder_report(
    summary: str | Path,
    replicates: str | Path,
    per_gene: Mapping[tuple[str, str], str | Path],
    kinds: Mapping[str, str],
    networks: Mapping[str, str],
    outputs: Mapping[str, str | Path],
    include_zero_filled: bool = False,
    truth_genes: str | Path | None = None,
    truth_recovery: str | Path | None = None,
) -> pd.DataFrame:
    """Write the ladder table, the paired comparisons and the figure (and, on synthetic data, the breakdown).

    `per_gene` maps (model, split) to score tables; `kinds` and `networks` give each shown model's kind
    and network ('' for kinds without one), in ladder order; `outputs` holds the paths `table`, `paired`,
    `figure` and, with `truth_genes`, `truth`.
    """
    tables = {key: read_tsv(path) for key, path in per_gene.items()}
    recovery = read_tsv(truth_recovery) if truth_recovery else None
    table = ladder_table(read_tsv(summary), read_tsv(replicates), kinds, networks, recovery)
    write_tsv(table, outputs["table"])
    write_tsv(ladder_comparisons(tables, ladder_pairs(kinds, networks), include_zero_filled), outputs["paired"])
    breakdown = None
    if truth_genes:
        breakdown = truth_breakdown(tables, read_tsv(truth_genes), include_zero_filled)
        write_tsv(breakdown, outputs["truth"])
    ladder_plot(table, breakdown, outputs["figure"], Palette(kinds))
    return table
