"""Step of rule `summary`: results/summary.md, the run's results on one page, from its verdict and tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from lembas_core.common.settings import Roster
from lembas_core.io.atomic import atomic_file
from lembas_core.reporting.palette import display_names
from lembas_core.reporting.summary_page import SummaryInputs, summary_page


@dataclass(frozen=True)
class SummaryFiles:
    """The verdict page, the tables and the figures the results page shows (None: that stage did not run)."""

    verdict: str | Path
    summary: str | Path
    fits: str | Path
    ladder: tuple[str | Path, str | Path] | None = None  # the ladder's table and figure
    interventions: tuple[str | Path, str | Path] | None = None  # interventions_summary.tsv and the figure


def _table(pair: tuple[str | Path, str | Path] | None) -> pd.DataFrame | None:
    return pd.read_csv(pair[0], sep="\t") if pair else None


def write_summary(files: SummaryFiles, roster: Roster, config_digest: str, out: str | Path) -> str:
    """Write `out` (results/summary.md) about the models of `roster` (their display names), stamped with today's
    date and `config_digest`; return the page."""
    here = Path(out).parent
    figures = {
        name: str(Path(pair[1]).relative_to(here))
        for name, pair in (("ladder", files.ladder), ("interventions", files.interventions))
        if pair
    }
    page = summary_page(
        SummaryInputs(
            verdict=Path(files.verdict).read_text(encoding="utf-8"),
            summary=pd.read_csv(files.summary, sep="\t"),
            fits=pd.read_csv(files.fits, sep="\t"),
            labels=display_names(roster),
            figures=figures,
            date=date.today().isoformat(),
            config_digest=config_digest,
            ladder=_table(files.ladder),
            interventions=_table(files.interventions),
        )
    )
    with atomic_file(out, "w") as handle:
        handle.write(page)
    return page
