"""The demo's results in the documentation are what the committed code writes from the committed run: the
verdict page from the demo run's tables (`benchmarks/results/demo/`, kept by `benchmarks/collect_run.py`), the
results page (docs/results/summary.md) from that verdict and those tables, and the README's answer from the
results page. A number edited by hand anywhere in that chain, a table collected again without the pages, or a
change to how they are written fails here (regenerate: `make run`, then `python benchmarks/collect_run.py .
--name demo --docs`)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lembas_core.common.settings import kinds_of, networks_of, roster_from_params
from lembas_core.reporting.forest import caption
from lembas_core.reporting.palette import display_names
from lembas_core.reporting.summary_page import SummaryInputs, excerpt, figures_named, summary_page
from lembas_core.reporting.verdict import Picture, VerdictInputs, as_markdown, verdict_comparisons, verdict_sentences
from lembas_core.workflow.settings import Settings, default_config
from workflow_helpers import REPO

DEMO = REPO / "benchmarks" / "results" / "demo"
PAGE = REPO / "docs" / "results" / "summary.md"
README_BLOCK = re.compile(r"<!-- summary-excerpt -->\n(.*?)<!-- /summary-excerpt -->", re.S)


def table(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO / f"{name}.tsv", sep="\t", comment="#")


@pytest.fixture(scope="module")
def roster():
    """The default run's shown models and forecasters (rules/verdict.smk), with kinds, networks and display names."""
    settings = Settings.from_config(default_config())
    return roster_from_params(settings.roster(settings.first_replicates(fitted_only=False)))


def test_the_demo_verdict_is_what_the_code_reads_from_the_demo_tables(roster):
    inputs = VerdictInputs(
        summary=table("summary"),
        paired=table("paired"),
        ladder_paired=table("ladder_paired"),
        fits=table("fits"),
        missing_tf_fraction=0.0,  # the demo's validation cohort lacks a few TFs: no warning either way
        interventions=table("interventions_summary"),
        interventions_paired=table("interventions_paired"),
        labels=display_names(roster),
    )
    kinds, networks = kinds_of(roster), networks_of(roster)
    comparisons = verdict_comparisons(inputs, kinds, networks)
    words = caption(comparisons, inputs.label, "jackknife")
    picture = Picture("figures/verdict_forest.png", b"", words)
    written = as_markdown(verdict_sentences(inputs, kinds, networks), "jackknife", picture)
    assert written == (DEMO / "verdict.md").read_text(encoding="utf-8")


def test_the_results_page_is_what_the_code_writes_from_the_demo_run(roster):
    page = PAGE.read_text(encoding="utf-8")
    stamp = re.search(r"^Run of (\d{4}-\d\d-\d\d), configuration digest `([0-9a-f]{12})`", page, re.M)
    assert stamp, "docs/results/summary.md lacks its stamp line"
    inputs = SummaryInputs(
        verdict=(DEMO / "verdict.md").read_text(encoding="utf-8"),
        summary=table("summary"),
        fits=table("fits"),
        labels=display_names(roster),
        figures={"ladder": "figures/ladder.png", "interventions": "figures/interventions.png"},  # rules/common.smk
        date=stamp.group(1),
        config_digest=stamp.group(2),
        ladder=table("ladder"),
        interventions=table("interventions_summary"),
    )
    assert summary_page(inputs) == page
    for figure in figures_named(page):
        assert (PAGE.parent / figure).is_file(), f"docs/results/{figure} is missing"


def test_the_readme_answer_is_an_excerpt_of_the_results_page():
    block = README_BLOCK.search((REPO / "README.md").read_text(encoding="utf-8"))
    assert block, "README.md lacks its <!-- summary-excerpt --> block"
    assert block.group(1) == excerpt(PAGE.read_text(encoding="utf-8"))
