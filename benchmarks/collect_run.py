"""Keep what a finished run concluded, with where and how it ran: its verdict, result tables and job costs.

Copies the run's verdict and results pages with the figures they show, and its summary tables (not its
models, predictions or per-gene tables) into `benchmarks/results/NAME/` and writes `run.md` there: the command,
date, commit, machine, Snakemake's config digest and the wall time, read from the run's own logs
(`.snakemake/log/`). Run `job_costs.py RUN_DIR --name NAME` next to it for the per-job cost table.

With `--docs` (the demo run of the documentation), also copies the run's results page (`results/summary.md`)
and the figures it shows to `docs/results/`, and writes the README's answer (the block between its
`<!-- summary-excerpt -->` markers) from it; `tests/test_results_page.py` checks the chain.

Usage: python benchmarks/collect_run.py RUN_DIR --name NAME [--docs]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
from pathlib import Path

from common import HERE, cpu_model
from job_costs import DRY_RUN, parse_log, run_jobs

from lembas_core.reporting.summary_page import excerpt, figures_named

KEPT = (
    "verdict.md",
    "summary.md",
    "latency.tsv",
    "metrics/summary.tsv",
    "metrics/paired.tsv",
    "metrics/fits.tsv",
    "metrics/replicates.tsv",
    "metrics/truth_recovery.tsv",
    "metrics/ladder.tsv",
    "metrics/ladder_paired.tsv",
    "metrics/ladder_truth.tsv",
    "metrics/interventions_summary.tsv",
    "metrics/interventions_paired.tsv",
)
_HEADER = re.compile(r"^\s+(Date|Command|Config MD5|Snakemake version|Python version|Base directory): (.*)$", re.M)


def run_header(run: Path) -> dict[str, str]:
    """Date, command, config digest and versions from the first Snakemake log of `run` that ran jobs."""
    for log in sorted((run / ".snakemake" / "log").glob("*.snakemake.log")):
        text = log.read_text()
        if "Finished jobid" in text:
            return dict(_HEADER.findall(text))
    raise SystemExit(f"{run}: no Snakemake log with finished jobs")


def invocations(run: Path) -> list[str]:
    """One line per Snakemake invocation of `run` that ran jobs: its start, span (first job start to last job
    end), jobs finished and failed, and its command (an argument list past MAX_COMMAND characters shortened)."""
    lines = []
    for log in sorted((run / ".snakemake" / "log").glob("*.snakemake.log")):
        text = log.read_text()
        jobs = parse_log(text)
        finished = [job for job in jobs if job.finished]
        if DRY_RUN in text or not finished:
            continue
        span = (max(job.finished for job in finished) - min(job.first_started for job in jobs)).total_seconds()
        header = dict(_HEADER.findall(text))
        command = header.get("Command", "?")
        if len(command) > MAX_COMMAND:
            command = f"{command[:MAX_COMMAND]} ... ({len(command.split())} arguments in all)"
        errors = sum(job.errors for job in jobs)
        unfinished = len(jobs) - len(finished)
        lines.append(
            f"  - {header.get('Date', '?')}, {span:.0f} s: {len(finished)} jobs finished, {errors} failed,"
            f" {unfinished} unfinished when it stopped; `{command}`"
        )
    return lines


MAX_COMMAND = 240


def commit_of(checkout: Path) -> str:
    """The commit of the checkout whose Snakefile ran, as it is when collected ('unknown' outside git), marked
    when its tracked files differ from it (collect before the checkout moves on)."""
    head = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode:
        return "unknown"
    dirty = subprocess.run(["git", "-C", str(checkout), "diff", "--quiet", "HEAD"], capture_output=True).returncode
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


DOCS = HERE.parent / "docs" / "results"
EXCERPT = re.compile(r"(<!-- summary-excerpt -->\n).*?(<!-- /summary-excerpt -->)", re.S)


def copy_figures(results: Path, out: Path, pages: list[str]) -> None:
    """The figures that `pages` (Markdown files under `results`) show, to the same relative paths under `out`."""
    for page in pages:
        for figure in figures_named((results / page).read_text(encoding="utf-8")):
            (out / figure).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(results / figure, out / figure)


def publish(run: Path) -> None:
    """The run's results page and its figures into docs/results/, and its excerpt into the README."""
    page = (run / "results" / "summary.md").read_text(encoding="utf-8")
    DOCS.mkdir(parents=True, exist_ok=True)
    (DOCS / "summary.md").write_text(page, encoding="utf-8")
    copy_figures(run / "results", DOCS, ["summary.md"])
    readme = HERE.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    if not EXCERPT.search(text):
        raise SystemExit("README.md lacks its <!-- summary-excerpt --> ... <!-- /summary-excerpt --> block")
    readme.write_text(EXCERPT.sub(lambda m: m.group(1) + excerpt(page) + m.group(2), text), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--name", required=True)
    parser.add_argument("--docs", action="store_true", help="publish the results page in docs/ and the README")
    args = parser.parse_args()
    out = HERE / "results" / args.name
    out.mkdir(parents=True, exist_ok=True)
    missing = [name for name in KEPT if not (args.run / "results" / name).exists()]
    for name in KEPT:
        if name not in missing:
            shutil.copyfile(args.run / "results" / name, out / Path(name).name)
    copy_figures(args.run / "results", out, [n for n in KEPT if n.endswith(".md") and n not in missing])
    header = run_header(args.run)
    _, wall = run_jobs(args.run)
    lines = [
        f"# The `{args.name}` run",
        "",
        f"- command: `{header.get('Command', '?')}`",
        f"- started: {header.get('Date', '?')}; commit {commit_of(Path(header.get('Base directory', args.run)))}; "
        f"Snakemake {header.get('Snakemake version', '?')}, Python {header.get('Python version', '?').split()[0]}",
        f"- machine: {cpu_model()}, {len(os.sched_getaffinity(0))} cores (this machine: collect on the one that ran)",
        f"- config digest (Snakemake's Config MD5): {header.get('Config MD5', '?')}",
        f"- wall time, first job start to last job end (summed over the run's invocations): {wall / 3600:.2f} h"
        f" ({wall:.0f} s)",
        "- invocations (a job run again in a later one counts with its last run in the cost tables):",
        *invocations(args.run),
        f"- files here: {', '.join(Path(n).name for n in KEPT if n not in missing)}; per-job costs: job_costs.tsv,"
        " stage_costs.tsv (`python benchmarks/job_costs.py RUN_DIR --name NAME`)",
    ]
    if missing:
        lines.append(f"- not written by this run: {', '.join(missing)}")
    (out / "run.md").write_text("\n".join(lines) + "\n")
    if args.docs:
        publish(args.run)
    print((out / "run.md").read_text())


if __name__ == "__main__":
    main()
