"""Every relative link of the documentation leads somewhere: the file exists, and a `#anchor` names a heading
of that file as GitHub renders it. Covers README.md, CONTRIBUTING.md, config/README.md, benchmarks/README.md
and every page under docs/ (links inside code blocks are text, not links)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workflow_helpers import REPO

PAGES = sorted(
    [REPO / "README.md", REPO / "CONTRIBUTING.md", REPO / "config" / "README.md", REPO / "benchmarks" / "README.md"]
    + list((REPO / "docs").rglob("*.md"))
)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
EXTERNAL = ("http://", "https://", "mailto:")


def without_code_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def prose(text: str) -> str:
    """`text` without its fenced code blocks and inline code spans."""
    return re.sub(r"`[^`\n]*`", "", without_code_blocks(text))


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file: lower case, punctuation dropped, spaces to
    hyphens, a repeated heading numbered from -1."""
    seen: dict[str, int] = {}
    found = set()
    for line in without_code_blocks(path.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"#{1,6} (.*)", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower().replace("`", "")).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def relative_links(page: Path) -> list[str]:
    return [t for t in LINK.findall(prose(page.read_text(encoding="utf-8"))) if not t.startswith(EXTERNAL)]


def test_the_documentation_has_its_pages_and_links():
    assert {p.name for p in (REPO / "docs").glob("*.md")} >= {
        "pipeline.md", "your-data.md", "models.md", "scoring.md", "ladder.md", "interventions.md", "running.md",
        "synthetic-cohort.md", "limitations.md",
    }  # fmt: skip
    assert len(relative_links(REPO / "README.md")) >= 10


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in relative_links(page):
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        if not path.exists():
            broken.append(f"{target}: no file {path.relative_to(REPO) if REPO in path.parents else path}")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target}: no heading with anchor #{anchor} in {path.relative_to(REPO)}")
    assert not broken, f"{page.relative_to(REPO)}: " + "; ".join(broken)


def test_anchors_follow_githubs_rules(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Interventions (`interventions.py`)\n\n## What a run costs: 2 h\n\n## What a run costs: 2 h\n")
    assert anchors(page) == {"interventions-interventionspy", "what-a-run-costs-2-h", "what-a-run-costs-2-h-1"}
