"""The "Cost at your scale" tables of docs/running.md are what `benchmarks/cost_at_scale.py` writes from the
committed cost tables of the measured runs: a number edited by hand, or a run's tables collected again without
regenerating the page, fails here."""

from __future__ import annotations

import sys

import pytest

from workflow_helpers import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from cost_at_scale import BEGIN, END, page_block, replace_block, tables  # noqa: E402


def test_the_cost_tables_are_generated_from_the_committed_runs():
    assert page_block() == tables(["demo", "full"]), "run `python benchmarks/cost_at_scale.py --write`"


def test_the_generated_block_replaces_only_the_marked_text():
    text = f"intro\n{BEGIN}\nold | table\n{END}\noutro\n"
    assert replace_block(text, "new\n") == f"intro\n{BEGIN}\nnew\n{END}\noutro\n"
    with pytest.raises(SystemExit, match="no <!-- cost-at-scale -->"):
        replace_block("no markers here\n", "new\n")
