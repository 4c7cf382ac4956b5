"""Render results/metrics/summary.tsv as the Markdown results table of the README.

Usage: python -m lembas_core.reporting.results_table results/metrics/summary.tsv > table.md
"""

from __future__ import annotations

import sys

import pandas as pd

from lembas_core.evaluation.metrics import SUMMARY_METRICS


def markdown_table(summary: pd.DataFrame) -> str:
    """One row per (model, split): every headline metric, the point its 95% interval is centred on, with the
    interval; r2_uniform_plain (upstream's formula, no interval) in its own column."""
    metrics = [m for m in SUMMARY_METRICS if m in summary]
    names = ["r2_uniform_plain (upstream)" if m == "r2_uniform_plain" else m for m in metrics]
    lines = [
        "| model | split | samples x genes | " + " | ".join(names) + " |",
        "|---|---|---|" + "---|" * len(metrics),
    ]
    for _, row in summary.iterrows():
        cells = []
        for m in metrics:
            interval = (
                f" [{row[m + '_lo']:.3f}, {row[m + '_hi']:.3f}]"
                if f"{m}_lo" in row and pd.notna(row[f"{m}_lo"])
                else ""
            )
            cells.append(f"{row[m]:.3f}{interval}" if pd.notna(row[m]) else "-")
        lines.append(
            f"| {row['model']} | {row['split']} | {int(row['n_samples'])} x {int(row['n_genes'])} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the Markdown table of the summary file given as the first argument."""
    args = sys.argv[1:] if argv is None else argv
    print(markdown_table(pd.read_csv(args[0] if args else "results/metrics/summary.tsv", sep="\t")))


if __name__ == "__main__":
    main()
