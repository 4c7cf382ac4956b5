"""`results/summary.md`: what a run concluded on one page, written from its own files, never by hand.

The page holds the run's date and config digest, the verdict page (its forest plot and sentences), the
observational table, the ablation ladder, the interventional table and how each model's training ended,
with display names and the configuration name beside them. The README's answer is an excerpt of it
(:func:`excerpt`): the verdict's forest plot and sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lembas_core.evaluation.interventions import headline
from lembas_core.evaluation.metrics import SUMMARY_METRICS

VERDICT_HEADING = "## Verdict"
FIGURE_LINK = re.compile(r"\]\((figures/[^)]+)\)")  # a Markdown image link to a figure under results/
CONVERGED_WORDS = {"yes": "converged", "no": "**not converged**", "recipe": "trained to its documented recipe"}
LADDER_EXTRAS = {"shap_auroc": "SHAP AUROC, true regulators", "weight_auroc": "weight AUROC, true edges"}
INTERVENTION_METRICS = {
    "pearson_delta": "Pearson delta [95%]",
    "top_mse": "top-k MSE",
    "top_sign": "top-k sign",
    "descendant_auroc": "descendant AUROC",
}


@dataclass(frozen=True)
class SummaryInputs:
    """A run's verdict page and tables (frames of the TSV files of the same names; None for a stage that did
    not run), its models' display names, and what stamps the page."""

    verdict: str  # results/verdict.md
    summary: pd.DataFrame
    fits: pd.DataFrame
    labels: Mapping[str, str]  # model name -> display name (:func:`lembas_core.reporting.palette.display_names`)
    figures: Mapping[str, str]  # "ladder", "interventions" -> the figure's path relative to the page
    date: str  # the run's date, YYYY-MM-DD
    config_digest: str  # sha256 of the run's configuration (canonical JSON), first 12 hex digits
    ladder: pd.DataFrame | None = None
    interventions: pd.DataFrame | None = None  # interventions_summary.tsv

    def name(self, model: str) -> str:
        """'Display name (`config_name`)', or the name alone where they agree."""
        label = self.labels.get(model, model)
        return label if label == model else f"{label} (`{model}`)"


def _number(value: float, interval: tuple[float, float] | None = None) -> str:
    if not np.isfinite(value):
        return "-"
    if interval is None or not all(np.isfinite(interval)):
        return f"{value:.3f}"
    return f"{value:.3f} [{interval[0]:.3f}, {interval[1]:.3f}]"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def observational_table(inputs: SummaryInputs) -> list[str]:
    """One row per (model, split): samples x genes and every headline metric with its 95% interval."""
    summary = inputs.summary
    metrics = [m for m in SUMMARY_METRICS if m in summary]
    header = ["model", "split", "samples x genes", *metrics]
    rows = []
    for _, row in summary.iterrows():
        cells = [_number(row[m], (row[f"{m}_lo"], row[f"{m}_hi"]) if f"{m}_lo" in row else None) for m in metrics]
        size = f"{int(row['n_samples'])} x {int(row['n_genes'])}"
        rows.append([inputs.name(row["model"]), row["split"], size, *cells])
    return _table(header, rows)


def ladder_table(inputs: SummaryInputs) -> list[str]:
    """Every model in ladder order: its network, test r2_uniform and validation pearson_uniform with their
    intervals, and, on synthetic data, how well its explanations and weights find the true regulators."""
    ladder = inputs.ladder
    header = ["model", "network", "test r2_uniform [95%]", "validation pearson_uniform [95%]"]
    extra = [c for c in LADDER_EXTRAS if c in ladder and ladder[c].notna().any()]
    rows = []
    for _, row in ladder.iterrows():
        cells = [
            _number(row.get(column, np.nan), (row.get(f"{column}_lo", np.nan), row.get(f"{column}_hi", np.nan)))
            for column in ("test_r2_uniform", "validation_pearson_uniform")
        ]
        cells += [_number(row[c]) for c in extra]
        rows.append([inputs.name(row["model"]), str(row["network"]), *cells])
    return _table(header + [LADDER_EXTRAS[c] for c in extra], rows)


def interventions_table(inputs: SummaryInputs) -> list[str]:
    """Per forecaster, the headline setting's metrics (regime A, levels in range, all targets, unseen TFs):
    Pearson delta with its 95% t-interval over perturbed TFs, the top-k MSE and sign agreement and the
    descendant AUROC (their means over TFs)."""
    rows_of = headline(inputs.interventions, every_metric=True)
    metrics = [m for m in INTERVENTION_METRICS if m in set(rows_of["metric"])]
    rows = []
    for model in dict.fromkeys(rows_of["model"]):
        part = rows_of[rows_of["model"] == model].set_index("metric")
        cells = []
        for m in metrics:
            row = part.loc[m] if m in part.index else None
            interval = (row["lo"], row["hi"]) if row is not None and m == "pearson_delta" else None
            cells.append(_number(row["mean"], interval) if row is not None else "-")
        tfs = int(part["n_tfs"].max()) if len(part) else 0
        rows.append([inputs.name(model), str(tfs), *cells])
    return _table(["model", "perturbed TFs", *(INTERVENTION_METRICS[m] for m in metrics)], rows)


def training_lines(inputs: SummaryInputs) -> list[str]:
    """How each model's training ended: converged or not, and why (fits.tsv)."""
    lines = []
    for _, row in inputs.fits.iterrows():
        gain = row.get("doubling_gain")
        doubling = f"; the last doubling of its budget gained {100 * gain:+.2f}%" if pd.notna(gain) else ""
        status = CONVERGED_WORDS.get(str(row["converged"]), f"converged: {row['converged']}")
        lines.append(f"- {inputs.name(row['model'])}: {status} ({row['stop_reason']}{doubling}).")
    return lines


def verdict_body(verdict: str) -> list[str]:
    """The verdict page without its title line."""
    lines = verdict.rstrip("\n").splitlines()
    return lines[1:] if lines and lines[0].startswith("# ") else lines


def summary_page(inputs: SummaryInputs) -> str:
    """The whole page (module docstring)."""
    lines = [
        "# Results",
        "",
        f"Run of {inputs.date}, configuration digest `{inputs.config_digest}`. Written by the pipeline (rule "
        "`summary`) from `results/verdict.md` and `results/metrics/*.tsv`; nothing on this page is written by hand.",
        "",
        VERDICT_HEADING,
        *verdict_body(inputs.verdict),
        "",
        "## Scores on held-out samples",
        "",
        "Every model on every split, each value the point its 95% interval is centred on (on the training split "
        "the intervals are in-sample: descriptive only). Compare models on `r2_uniform` (test) and "
        "`pearson_uniform` (validation), by the paired differences above.",
        "",
        *observational_table(inputs),
    ]
    if inputs.ladder is not None:
        figure = f"![The ablation ladder]({inputs.figures['ladder']})"
        lines += ["", "## The ablation ladder", "", *ladder_table(inputs), "", figure]
    if inputs.interventions is not None:
        lines += [
            "",
            "## Interventions",
            "",
            "Regime A (observed TFs with only the perturbed one changed), levels within the training range, all "
            "scored targets, TFs the models never saw perturbed; means over perturbed TFs.",
            "",
            *interventions_table(inputs),
            "",
            f"![Interventional forecasts]({inputs.figures['interventions']})",
        ]
    lines += ["", "## Training", "", *training_lines(inputs)]
    return "\n".join(lines) + "\n"


def figures_named(page: str) -> list[str]:
    """The figures a page shows (their relative paths, in order)."""
    return FIGURE_LINK.findall(page)


def excerpt(page: str) -> str:
    """The README's answer: the page's stamp line and its verdict section (the forest plot, its caption and the
    sentences), image paths made relative to the repository root's docs/results/ copy."""
    verdict = page[page.index(VERDICT_HEADING) + len(VERDICT_HEADING) :]
    verdict = verdict[: verdict.index("\n## ")].strip("\n")
    stamp = next(line for line in page.splitlines() if line.startswith("Run of "))
    body = FIGURE_LINK.sub(r"](docs/results/\1)", verdict)
    return f"{stamp.split('. Written')[0]}.\n\n{body}\n"
