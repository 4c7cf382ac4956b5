"""What a verdict rule's interval is measured to do at a run's size: its coverage and false-verdict rate.

The rates are measured where the truth is known, by the benchmarks that write these tables (shipped with the
package, read here, never typed in by hand):

- ``calibration_data/observational_<method>.tsv`` (`benchmarks/interval_coverage.py`, one per interval
  method): per split (test, validation) and number of samples n, the lowest coverage of the split's verdict
  metric over the benchmark's models, and the highest false-verdict rate, the share of sets in which the
  paired interval named a winner between two models equal by construction;
- ``calibration_data/interventional_t.tsv`` (`benchmarks/intervention_coverage.py`): the same for the
  interventional t-interval, per number of perturbed TFs n.

At a size between two measured ones the worse of the two is read; above the largest, the largest's (an
assumption: the measured rates are flat from 30 on); below the smallest nothing is measured, and a verdict
rule cannot tell there. A rule whose false-verdict rate exceeds MAX_FALSE_VERDICT at a size cannot tell
either. The interventional table is measured on Pearson delta (regime A, in range) and read for every
metric, regime and range of the interventional tables; its coverage is the lowest over paired differences.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from lembas_core.io.atomic import atomic_file

CALIBRATION_COLUMNS = ("split", "method", "n", "metric", "coverage", "false_verdict", "sets")
MAX_FALSE_VERDICT = 0.05
MIN_COVERAGE = 0.92  # below it the verdict warns that the interval covers less than it claims
DIRECTORY = Path(__file__).resolve().parent / "calibration_data"  # this module's data (code_deps tracks it)
INTERVENTIONS = "interventions"  # the split name of the interventional rows (method "t")


@dataclass(frozen=True)
class Calibration:
    """A rule's measured behaviour at a run's size `n`, read at the measured sizes `measured_at`."""

    split: str
    method: str
    n: int
    metric: str
    coverage: float
    false_verdict: float
    measured_at: tuple[int, ...]

    @property
    def can_tell(self) -> bool:
        """Whether the rule may name a winner at this size (false-verdict rate at most MAX_FALSE_VERDICT)."""
        return self.false_verdict <= MAX_FALSE_VERDICT

    @property
    def covers(self) -> bool:
        """Whether the interval covered at least MIN_COVERAGE at this size."""
        return self.coverage >= MIN_COVERAGE


def table_path(split: str, method: str, directory: Path = DIRECTORY) -> Path:
    """The calibration table of `split`'s rule with interval `method`."""
    return directory / f"{'interventional' if split == INTERVENTIONS else 'observational'}_{method}.tsv"


def write_calibration(path: Path, rows: list[dict], command: str) -> None:
    """Write calibration `rows` (dicts of CALIBRATION_COLUMNS, one method) to `path` with a provenance line."""
    with atomic_file(path) as handle:
        handle.write(f"# {date.today()}; {command}\n")
        writer = csv.DictWriter(handle, CALIBRATION_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@cache
def _rows(path: Path) -> tuple[dict, ...]:
    if not path.exists():
        return ()
    with open(path, newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return tuple(csv.DictReader(lines, delimiter="\t"))


def calibration_at(split: str, method: str, n: int, directory: Path = DIRECTORY) -> Calibration | None:
    """The rule of `split` (test, validation or INTERVENTIONS) with interval `method` at size `n`, from the
    tables in `directory`; None where nothing is measured at or below `n` for that method."""
    found = _rows(table_path(split, method, directory))
    rows = sorted((r for r in found if r["split"] == split and r["method"] == method), key=lambda r: int(r["n"]))
    below = [r for r in rows if int(r["n"]) <= n]
    if not below:
        return None
    above = [r for r in rows if int(r["n"]) >= n]
    used = [below[-1], above[0]] if above else [below[-1]]
    return Calibration(
        split,
        method,
        n,
        used[0]["metric"],
        min(float(r["coverage"]) for r in used),
        max(float(r["false_verdict"]) for r in used),
        tuple(dict.fromkeys(int(r["n"]) for r in used)),
    )
