"""The "Cost at your scale" tables of docs/running.md, written from the committed cost tables of measured runs.

Reads, per run NAME, `benchmarks/results/NAME/job_costs.tsv` (`job_costs.py`: each job's measured seconds,
max RSS and request), its `stage_costs.tsv` (the run's wall time) and `cost_projection.tsv`
(`cost_projection.py`: the measured workstation replayed, then the cluster projections). Prints two Markdown
tables: per stage, the summed job seconds, the longest job, the peak max RSS and the largest request of each
run; then the wall time on the 2-core workstation and on the projected clusters. With `--write`, replaces the
text between the `<!-- cost-at-scale -->` markers of docs/running.md with them (`tests/test_cost_at_scale.py`
checks that the page holds what this writes).

Usage: python benchmarks/cost_at_scale.py [--runs demo full] [--write]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd
from common import HERE
from job_costs import stage_table

PAGE = HERE.parent / "docs" / "running.md"
BEGIN, END = "<!-- cost-at-scale -->", "<!-- /cost-at-scale -->"
WALL_LABEL = "wall time of the run"


def duration(seconds: float) -> str:
    """'42 s', '8.5 min' or '2.31 h'."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 3 * 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"


def gigabytes(mb: float) -> str:
    return "-" if pd.isna(mb) else f"{mb / 1000:.1f} GB"


def read_table(name: str, table: str) -> pd.DataFrame:
    path = HERE / "results" / name / f"{table}.tsv"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run job_costs.py and cost_projection.py for the {name} run first")
    return pd.read_csv(path, sep="\t", comment="#")


def measured_wall(name: str) -> float:
    """The run's wall seconds, first job start to last job end (summed over its invocations)."""
    stages = read_table(name, "stage_costs")
    return float(stages.loc[stages["stage"].str.startswith(WALL_LABEL), "seconds"].iloc[0])


def stage_rows(names: list[str]) -> list[str]:
    """Markdown rows: per stage, each run's jobs, summed job seconds, longest job, peak RSS and largest request."""
    stages = {name: stage_table(read_table(name, "job_costs")) for name in names}
    order = list(dict.fromkeys(stage for table in stages.values() for stage in table.index))
    columns = ("jobs", "job time", "longest", "peak / largest request")
    header = ["stage"] + [f"{name}: {what}" for name in names for what in columns]
    rows = [header, ["---"] * len(header)]
    for stage in order:
        row = [stage]
        for name in names:
            if stage not in stages[name].index:
                row += ["-"] * 4
                continue
            s = stages[name].loc[stage]
            memory = f"{gigabytes(s['max_rss_mb'])} / {gigabytes(s['requested_mb'])}, {s['requested_min']:.0f} min"
            row += [str(int(s["jobs"])), duration(s["seconds"]), duration(s["longest"]), memory]
        rows.append(row)
    return ["| " + " | ".join(row) + " |" for row in rows]


def wall_rows(names: list[str]) -> list[str]:
    """Markdown rows: the wall time measured and replayed on the workstation, then each projected cluster."""
    projections = {name: read_table(name, "cost_projection") for name in names}
    header = ["where", *[f"{name}: wall time (critical path)" for name in names]]
    rows = [header, ["---"] * len(header)]
    rows.append(["this workstation (2 cores), measured", *[duration(measured_wall(name)) for name in names]])
    clusters = ["nodes", "cores_per_node", "gpus", "job_overhead_s"]
    first = projections[names[0]]
    for name in names[1:]:
        if not projections[name][clusters].equals(first[clusters]):
            raise SystemExit("the runs' cost_projection.tsv model different clusters: run cost_projection.py alike")
    for i, cluster in first.iterrows():
        where = (
            "this workstation, replayed from the job costs"
            if i == 0
            else f"{cluster['nodes']:.0f} x {cluster['cores_per_node']:.0f} cores, {cluster['gpus']:.0f} GPU,"
            f" {cluster['job_overhead_s']:g} s per job"
        )
        cells = [
            f"{duration(row['projected_min'] * 60)} ({duration(row['critical_path_min'] * 60)})"
            for row in (projections[name].iloc[i] for name in names)
        ]
        rows.append([where, *cells])
    return ["| " + " | ".join(map(str, row)) + " |" for row in rows]


def tables(names: list[str]) -> str:
    return "\n".join([*stage_rows(names), "", *wall_rows(names)]) + "\n"


def replace_block(text: str, block: str) -> str:
    """`text` with what lies between the markers replaced by `block`."""
    pattern = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"docs/running.md has no {BEGIN} ... {END} block")
    return pattern.sub(lambda _: f"{BEGIN}\n{block}{END}", text)


def page_block(page: Path = PAGE) -> str:
    """What the page holds between the markers now."""
    text = page.read_text()
    start, end = text.index(BEGIN) + len(BEGIN) + 1, text.index(END)
    return text[start:end]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", nargs="+", default=["demo", "full"])
    parser.add_argument("--write", action="store_true", help="write the tables into docs/running.md")
    args = parser.parse_args()
    block = tables(args.runs)
    if args.write:
        PAGE.write_text(replace_block(PAGE.read_text(), block))
    print(block)


if __name__ == "__main__":
    main()
