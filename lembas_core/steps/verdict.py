"""Step of rule `verdict`: results/verdict.md and the report's first page, generated from the result tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lembas_core.common.settings import Roster, kinds_of, networks_of
from lembas_core.data.dataset import load_dataset
from lembas_core.data.perturbation_training import read_split, training_tfs
from lembas_core.io.atomic import atomic_file
from lembas_core.reporting.figures import save
from lembas_core.reporting.forest import caption, forest_figure
from lembas_core.reporting.palette import display_names
from lembas_core.reporting.verdict import (
    Picture,
    VerdictInputs,
    as_markdown,
    as_rst,
    verdict_comparisons,
    verdict_sentences,
)


@dataclass(frozen=True)
class VerdictFiles:
    """The tables the verdict is read from, the dataset store, and the workflow description (rst)."""

    summary: str | Path
    paired: str | Path
    ladder_paired: str | Path
    fits: str | Path
    dataset: str | Path
    description: str | Path
    interventions: tuple[str | Path, str | Path] | None = None  # interventions_{summary,paired}.tsv, if forecast
    observed_interventions: bool = False  # the user's perturbation data, not the synthetic counterfactuals
    split: str | Path | None = None  # the perturbed TFs' training / held-out split, when the models train on some
    regime_map: str | Path | None = None  # results/regime_map/regime_map.tsv, when target regime_map has run


def write_verdict(files: VerdictFiles, roster: Roster, method: str, outputs: Mapping[str, str]) -> list[str]:
    """Write `outputs["markdown"]` (results/verdict.md), `outputs["rst"]` (the report's first page) and
    `outputs["forest"]` (the forest plot of the comparisons they read, PNG and SVG) about the models of `roster`
    (their kinds, networks and display names), whose intervals are by `method`."""
    report = load_dataset(files.dataset).report["validation"]
    inputs = VerdictInputs(
        summary=pd.read_csv(files.summary, sep="\t"),
        paired=pd.read_csv(files.paired, sep="\t"),
        ladder_paired=pd.read_csv(files.ladder_paired, sep="\t"),
        fits=pd.read_csv(files.fits, sep="\t"),
        missing_tf_fraction=report["fraction_missing_features"] if report["policy"] == "zero" else 0.0,
        interventions=pd.read_csv(files.interventions[0], sep="\t") if files.interventions else None,
        interventions_paired=pd.read_csv(files.interventions[1], sep="\t") if files.interventions else None,
        interventions_source="the perturbation data" if files.observed_interventions else
        "the synthetic cohort's exact counterfactuals",
        method=method,
        regime_map=pd.read_csv(files.regime_map, sep="\t") if files.regime_map else None,
        trained_on_perturbations=bool(files.split and training_tfs(read_split(files.split))),
        labels=display_names(roster),
    )  # fmt: skip
    kinds, networks = kinds_of(roster), networks_of(roster)
    sentences = verdict_sentences(inputs, kinds, networks)
    comparisons = verdict_comparisons(inputs, kinds, networks)
    label = inputs.label
    forest = Path(outputs["forest"])
    save(forest_figure(comparisons, label, method), forest)
    relative = str(forest.relative_to(Path(outputs["markdown"]).parent))
    picture = Picture(relative, forest.read_bytes(), caption(comparisons, label, method))
    with atomic_file(outputs["markdown"], "w") as handle:
        handle.write(as_markdown(sentences, method, picture))
    description = Path(files.description).read_text(encoding="utf-8")
    with atomic_file(outputs["rst"], "w") as handle:
        handle.write(as_rst(sentences, method, description, picture))
    return sentences
