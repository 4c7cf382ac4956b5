"""Where a pipeline run's time and memory go: every job's Snakemake benchmark file (`logs/benchmarks/...`),
matched to its rule (through Snakemake's record of the job that wrote the log file of the same name, or the
rules' `benchmark:` paths where one rule alone matches), summed per rule: jobs, seconds (all jobs, the
mean and the longest), CPU seconds and the largest peak RSS. A benchmark's seconds are the job's whole
process, Python start-up and imports included, so many short jobs of a rule show as start-up cost.

Usage: python benchmarks/run_breakdown.py RUN_DIR [--wall SECONDS] [--name NAME]
RUN_DIR is the folder snakemake ran in (it holds logs/benchmarks/); --wall, the run's wall time, adds the
share of it the jobs' seconds make (more than 100% when jobs ran in parallel).
Writes benchmarks/results/run_breakdown_<NAME>.tsv (NAME: the run folder's name by default).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pandas as pd
from common import write_table

RULES = Path(__file__).resolve().parent.parent / "rules"
_RULE = re.compile(r"^(?:rule|checkpoint) (\w+):", re.M)
_BENCHMARK = re.compile(r"benchmark:\s*\n\s*\"([^\"]+)\"")


def benchmark_patterns() -> dict[str, re.Pattern]:
    """Rule -> the regular expression its benchmark files' paths match (wildcards as path parts)."""
    patterns = {}
    for smk in sorted(RULES.glob("*.smk")):
        text = smk.read_text()
        starts = [(m.start(), m.group(1)) for m in _RULE.finditer(text)] + [(len(text), "")]
        for (start, rule), (end, _) in zip(starts, starts[1:]):
            found = _BENCHMARK.search(text, start, end)
            if found:
                path = re.sub(r"\\\{(\w+)\\\}", "[^/]+", re.escape(found.group(1)))
                patterns[rule] = re.compile(path + "$")
    return patterns


def rules_of_logs(run: Path) -> dict[str, str]:
    """Log file (relative path) -> the rule of the job that wrote it, from Snakemake's metadata in `run`."""
    found = {}
    for record in (run / ".snakemake" / "metadata").glob("*"):
        try:
            meta = json.loads(record.read_text())
        except (ValueError, OSError):
            continue
        for log in meta.get("log") or []:
            found[log] = meta.get("rule", "")
    return found


def rule_of(relative: str, logs: dict[str, str], patterns: dict[str, re.Pattern]) -> str:
    """The rule of benchmark file `relative`: its log's job, else the one rule whose pattern it matches."""
    log = re.sub(r"\.tsv$", ".log", relative.replace("logs/benchmarks/", "logs/", 1))
    if logs.get(log):
        return logs[log]
    matching = [r for r, p in patterns.items() if p.fullmatch(relative)]
    return matching[0] if len(matching) == 1 else "unmatched"


def breakdown(run: Path) -> pd.DataFrame:
    """One row per rule: jobs, seconds (sum, mean, max), cpu seconds, max RSS (MB), sorted by seconds."""
    patterns, logs = benchmark_patterns(), rules_of_logs(run)
    rows = []
    for path in sorted((run / "logs" / "benchmarks").rglob("*.tsv")):
        rule = rule_of(str(path.relative_to(run)), logs, patterns)
        found = pd.read_csv(path, sep="\t").iloc[-1]
        rows.append({"rule": rule, "s": float(found["s"]), "cpu": float(found["cpu_time"]), "rss": found["max_rss"]})
    if not rows:
        raise SystemExit(f"{run}: no logs/benchmarks/**/*.tsv: give the folder snakemake ran in, after a run")
    jobs = pd.DataFrame(rows)
    table = jobs.groupby("rule").agg(
        jobs=("s", "size"), seconds=("s", "sum"), mean=("s", "mean"), longest=("s", "max"), cpu=("cpu", "sum"),
        max_rss_mb=("rss", "max"),
    )  # fmt: skip
    return table.sort_values("seconds", ascending=False).round(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--wall", type=float, default=None, help="the run's wall time in seconds")
    parser.add_argument("--name", default=None)
    args = parser.parse_args()
    table = breakdown(args.run)
    total = table["seconds"].sum()
    rows = [("rule", "jobs", "seconds", "mean", "longest", "cpu seconds", "max RSS (MB)")]
    rows += [(rule, *row) for rule, row in zip(table.index, table.itertuples(index=False))]
    rows.append(("all jobs", int(table["jobs"].sum()), round(total, 1), "", "", round(table["cpu"].sum(), 1), ""))
    if args.wall:
        rows.append(
            ("wall time of the run", "", args.wall, "", "", "", f"jobs' seconds: {100 * total / args.wall:.0f}%")
        )
    name = args.name or args.run.resolve().name
    command = f"python benchmarks/run_breakdown.py {args.run.name}" + (f" --wall {args.wall:g}" if args.wall else "")
    write_table(f"run_breakdown_{name}", f"{command} --name {name}", 2, rows)


if __name__ == "__main__":
    main()
