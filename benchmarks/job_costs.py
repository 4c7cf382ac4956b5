"""What every job of a finished run asked for, what it used, what it waited on, and its stage's totals.

Reads the run's own records: Snakemake's logs (`.snakemake/log/*.snakemake.log`, one per invocation: each
job's rule, threads, requested `mem_mb`, `runtime` and `gpu`, its inputs and outputs, and any error) and the
jobs' `benchmark:` files (`logs/benchmarks/...`: wall seconds, sampled max RSS, CPU seconds; a job's seconds
include its Python start-up). `logged_seconds` is the job's start to end in the Snakemake log (whole seconds):
on a cluster, its excess over `seconds` is the submission, queueing and status-polling overhead; the members
of a group job (`group`, one cluster job for several) share one start and one end, so there the group's span
less its members' summed seconds is the overhead. A job that ran more than once (a retry, or a rerun in a
later invocation) counts with its last run: `attempts` counts the tries of that last invocation (2 or more:
Snakemake retried it), `runs` the invocations that ran it (a rerun, e.g. after `--forcerun`) and `errors` every
failure; a job whose last run failed has a row without measurements. A job depends on the jobs that wrote its
inputs (the DAG that `cost_projection.py` schedules).

Usage: python benchmarks/job_costs.py RUN_DIR --name NAME [--replan SNAKEMAKE_FLAGS]
RUN_DIR is the folder snakemake ran in. With `--replan` (the run's flags, e.g. `--configfile
config/presets/full.yaml`), the requests come from this checkout's rules (two dry runs in RUN_DIR) instead of
the run's log: how recalibrated estimates fit a run measured before them (a request never changes a result).
Writes benchmarks/results/NAME/job_costs.tsv (one row per job) and
benchmarks/results/NAME/stage_costs.tsv (one row per stage of the pipeline, then the totals and the wall time
of the run: first job start to last job end in its logs).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
from common import HERE, write_table

REPO = HERE.parent

STAGES = {
    "data": ("synthesize_cohort", "ingest", "preprocess"),
    "linear models": ("fit_linear", "fit_linear_on_network"),
    "XGBRF": ("train_xgbrf_batch", "assemble_xgbrf"),
    "LEMBAS-RNN": ("train_rnn",),
    "predictions and scores": ("predict", "predict_temporary", "score", "summarize_metrics"),
    "SHAP": ("shap", "truth_recovery"),
    "latency": ("latency",),
    "ablation ladder": ("ladder",),
    "interventions": (
        "intervention_design",
        "intervention_truth",
        "forecast_interventions",
        "score_interventions",
        "summarize_interventions",
        "ingest_interventions",
        "ingest_synthetic_training_data",
        "observed_interventions",
        "synthetic_training_data",
        "split_perturbation_data",
        "perturbation_training_rows",
    ),
    "figures and verdict": ("figures", "verdict", "summary"),
    "regime map": ("regime_map_cell", "regime_map"),
}
STAGE_OF = {rule: stage for stage, rules in STAGES.items() for rule in rules}

_STAMP = r"\[(?P<stamp>\w{3} \w{3} +\d+ [\d:]+ \d{4})\]\n"
# a job's block: its start stamp, `rule X:` (`localrule`, `checkpoint`, `localcheckpoint`), then `key: value` lines
_JOB = re.compile(r"^" + _STAMP + r"(?:local)?(?:rule|checkpoint) (?P<rule>\w+):\n(?P<body>(?:    \w+: .*\n)+)", re.M)
# a group job (cluster runs): its header, then its members' blocks indented by four spaces
_GROUP = re.compile(r"Group job (?P<group>\S+) \(jobs in lexicogr\. order\):\n(?P<members>(?:    .*\n)+)")
_FINISHED = re.compile(r"^" + _STAMP + r"Finished jobid: (?P<jobid>\d+) ", re.M)
_ERROR = re.compile(r"^ *Error in rule (?P<rule>\w+):\n(?: +.*\n)*? +jobid: (?P<jobid>\d+)", re.M)
_MEMBER_INDENT = re.compile(r"^    ", re.M)
DRY_RUN = "This was a dry-run"
DATA_RULES = ("synthesize_cohort", "ingest", "preprocess")  # the checkpoint `preprocess` and what it reads


@dataclass
class Job:
    """One job as a Snakemake log records it (`group`: the cluster group job it ran in, if any)."""

    rule: str
    jobid: int
    fields: dict[str, str]
    started: datetime
    group: str = ""
    finished: datetime | None = None
    first_started: datetime | None = None  # its first attempt's start in this invocation
    errors: int = 0
    attempts: int = 1
    runs: int = 1
    depends_on: set[str] = field(default_factory=set)

    def files(self, key: str) -> list[str]:
        value = self.fields.get(key, "")
        return [part.strip() for part in value.split(",") if part.strip()]

    @property
    def benchmark(self) -> str | None:
        return self.fields.get("benchmark")

    @property
    def resources(self) -> dict[str, str]:
        pairs = (part.split("=", 1) for part in self.fields.get("resources", "").split(", ") if "=" in part)
        return {key.strip(): value.strip() for key, value in pairs}


def _stamp(text: str) -> datetime:
    return datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y")


def _job_blocks(text: str):
    """(match of _JOB, group id or '') of every job block in a log: top-level ones and group members."""
    for match in _JOB.finditer(text):
        yield match, ""
    for group in _GROUP.finditer(text):
        for match in _JOB.finditer(_MEMBER_INDENT.sub("", group["members"])):
            yield match, group["group"]


def parse_log(text: str) -> list[Job]:
    """The jobs one Snakemake invocation started, with their finish times and errors. A job started again
    in the same invocation (Snakemake's retry, `Trying to restart job N.`) keeps one record: its last start
    and request, its attempts counted."""
    jobs: dict[int, Job] = {}
    blocks = sorted(_job_blocks(text), key=lambda block: _stamp(block[0]["stamp"]))
    for match, group in blocks:
        fields = dict(line.strip().split(": ", 1) for line in match["body"].splitlines())
        jobid = int(fields.get("jobid", -1))
        if jobid in jobs:
            jobs[jobid].attempts += 1
            jobs[jobid].fields, jobs[jobid].started = fields, _stamp(match["stamp"])
            continue
        started = _stamp(match["stamp"])
        jobs[jobid] = Job(match["rule"], jobid, fields, started, group, first_started=started)
    for match in _FINISHED.finditer(text):
        if int(match["jobid"]) in jobs:
            jobs[int(match["jobid"])].finished = _stamp(match["stamp"])
    for match in _ERROR.finditer(text):
        if int(match["jobid"]) in jobs:
            jobs[int(match["jobid"])].errors += 1
    return list(jobs.values())


def run_jobs(run: Path) -> tuple[dict[str, Job], float]:
    """Benchmark path -> its job's last record over every invocation's log in `run`, and the wall seconds
    from the first job's start to the last job's end (summed over invocations)."""
    logs = sorted((run / ".snakemake" / "log").glob("*.snakemake.log"))
    if not logs:
        raise SystemExit(f"{run}: no .snakemake/log/*.snakemake.log: give the folder snakemake ran in, after a run")
    by_benchmark: dict[str, Job] = {}
    wall = 0.0
    for log in logs:
        text = log.read_text()
        if DRY_RUN in text:
            continue  # a plan (snakemake -n), not a run
        jobs = parse_log(text)
        finished = [job.finished for job in jobs if job.finished]
        if finished:
            wall += (max(finished) - min(job.first_started for job in jobs)).total_seconds()
        for job in jobs:
            if not job.benchmark:
                continue
            earlier = by_benchmark.get(job.benchmark)
            if earlier:
                job.runs += earlier.runs
                job.errors += earlier.errors
            by_benchmark[job.benchmark] = job
    writers = {out: bench for bench, job in by_benchmark.items() for out in job.files("output")}
    for job in by_benchmark.values():
        job.depends_on = {writers[f] for f in job.files("input") if f in writers} - {job.benchmark}
    return by_benchmark, wall


def job_name(benchmark: str) -> str:
    """'logs/benchmarks/models/rnn.tsv' -> 'models/rnn'."""
    return re.sub(r"\.tsv$", "", benchmark.split("logs/benchmarks/", 1)[-1])


COLUMNS = [
    "job", "rule", "stage", "group", "threads", "gpu", "seconds", "cpu_seconds", "max_rss_mb", "logged_seconds",
    "requested_mb", "requested_min", "memory_ratio", "time_ratio", "attempts", "runs", "errors", "depends_on",
]  # fmt: skip
MIN_SAMPLED_MB = 20  # a job that ends before Snakemake's first RSS sample shows well under this: no memory ratio


def measured(path: Path) -> dict[str, float | None]:
    """Seconds, CPU seconds and max RSS of a job's benchmark file; all None when the job left none (it failed)."""
    if not path.exists():
        return {"seconds": None, "cpu_seconds": None, "max_rss_mb": None}
    record = pd.read_csv(path, sep="\t").iloc[-1]
    rss = float(pd.to_numeric(record["max_rss"], errors="coerce"))
    return {
        "seconds": round(float(record["s"]), 1),
        "cpu_seconds": round(float(record["cpu_time"]), 1),
        "max_rss_mb": round(rss) if rss >= MIN_SAMPLED_MB else None,
    }


def cost_table(run: Path) -> tuple[pd.DataFrame, float]:
    """One row per job with a benchmark path (see the module docstring), and the run's wall seconds. Benchmark
    files that no log records (copied in, or from a deleted log) are reported on stderr and left out."""
    jobs, wall = run_jobs(run)
    unrecorded = {str(p.relative_to(run)) for p in (run / "logs" / "benchmarks").rglob("*.tsv")} - set(jobs)
    if unrecorded:
        print(f"benchmark files without a job in the logs (left out): {sorted(unrecorded)}", file=sys.stderr)
    rows = [
        {
            "job": job_name(benchmark),
            "rule": job.rule,
            "stage": STAGE_OF.get(job.rule, job.rule),
            "group": job.group,
            "gpu": int(job.resources.get("gpu", 0)),
            **measured(run / benchmark),
            "logged_seconds": (job.finished - job.started).total_seconds() if job.finished else None,
            **requests(job),
            "attempts": job.attempts,
            "runs": job.runs,
            "errors": job.errors,
            "depends_on": ",".join(sorted(job_name(b) for b in job.depends_on)),
        }
        for benchmark, job in sorted(jobs.items())
    ]
    return with_ratios(pd.DataFrame(rows))[COLUMNS], wall


def requests(job: Job) -> dict[str, float]:
    """The threads, memory (MB) and run time (min) a job asked for."""
    resources = job.resources
    return {
        "threads": int(job.fields.get("threads", 1)),
        "requested_mb": float(resources.get("mem_mb", "nan")),
        "requested_min": float(resources.get("runtime", "nan")),
    }


def with_ratios(costs: pd.DataFrame) -> pd.DataFrame:
    """`costs` with request / measured for memory and run time (empty where nothing was measured)."""
    seconds = costs["seconds"].where(costs["seconds"] > 0)
    return costs.assign(
        memory_ratio=(costs["requested_mb"] / costs["max_rss_mb"]).round(2),
        time_ratio=(costs["requested_min"] * 60 / seconds).round(1),
    )


def stage_table(costs: pd.DataFrame) -> pd.DataFrame:
    """Per stage: jobs, their seconds (sum and longest), CPU seconds, the largest max RSS and requests (memory
    and run time), and the smallest request/measured ratios of memory and time (memory ratios of jobs too
    short to sample left out)."""
    grouped = costs.groupby("stage", sort=False)
    table = grouped.agg(
        jobs=("job", "size"), seconds=("seconds", "sum"), longest=("seconds", "max"),
        cpu_seconds=("cpu_seconds", "sum"), max_rss_mb=("max_rss_mb", "max"),
        requested_mb=("requested_mb", "max"), requested_min=("requested_min", "max"),
        min_memory_ratio=("memory_ratio", "min"),
        min_time_ratio=("time_ratio", "min"),
    )  # fmt: skip
    order = [stage for stage in STAGES if stage in table.index] + [s for s in table.index if s not in STAGES]
    table = table.loc[order].round(1)
    for column in ("max_rss_mb", "requested_mb"):
        table[column] = table[column].round().astype("Int64")
    return table


def planned_jobs(run: Path, rules: set[str], snakemake_args: list[str]) -> dict[str, Job]:
    """Benchmark path -> each job of the run as this checkout's rules would start it now (its threads and
    requests), from two dry runs in `run`: every rule after the checkpoint forced (the checkpoint's output exists,
    so its jobs are known), and the data stages forced up to it. Dry runs change no file but add a
    log under `.snakemake/log/`, which `run_jobs` skips."""
    base = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory", str(run)]
    base += ["--dry-run", "--cores", "2", "--rerun-triggers", "params", *snakemake_args]
    listed = subprocess.run([*base, "--list-rules"], capture_output=True, text=True, cwd=run)
    # the checkpoint must not rerun (its jobs would go unplanned): its code inputs in this checkout are newer than
    # the run's outputs, which Snakemake counts as updated input files whatever the triggers, so the data stages
    # are left out of the rules the first plan may schedule
    later = sorted(set(listed.stdout.split()) - set(DATA_RULES))
    plans = (
        [*base, "--forcerun", *sorted(rules - set(DATA_RULES)), "--allowed-rules", *later],
        [*base, "--forcerun", *DATA_RULES, "--until", DATA_RULES[-1]],  # (--forceall trips on the checkpoint)
    )
    planned: dict[str, Job] = {}
    for command in plans:
        done = subprocess.run(command, capture_output=True, text=True, cwd=run)
        if done.returncode:
            raise SystemExit(f"the dry run failed: {' '.join(command)}\n{done.stderr[-3000:]}")
        planned |= {job.benchmark: job for job in parse_log(done.stdout + done.stderr) if job.benchmark}
    return planned


def replan(costs: pd.DataFrame, run: Path, snakemake_args: list[str]) -> pd.DataFrame:
    """`costs` with the threads and requests this checkout's rules give each job now, the ratios recomputed:
    to check recalibrated estimates against a run measured before them (requests never change a result)."""
    planned = {job_name(bench): job for bench, job in planned_jobs(run, set(costs["rule"]), snakemake_args).items()}
    missing = sorted(set(costs["job"]) - set(planned))
    if missing:
        raise SystemExit(f"jobs of the run that the plan does not have (another config?): {missing[:10]}")
    today = pd.DataFrame([requests(planned[job]) for job in costs["job"]], index=costs.index)
    return with_ratios(costs.assign(**today))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--name", required=True, help="results go to benchmarks/results/NAME/")
    parser.add_argument(
        "--replan",
        nargs=argparse.REMAINDER,
        help="the run's snakemake flags (e.g. --configfile config/presets/full.yaml): take the requests from "
        "this checkout's rules (two dry runs) instead of the run's log",
    )
    args = parser.parse_args()
    costs, wall = cost_table(args.run)
    command = f"python benchmarks/job_costs.py RUN_DIR --name {args.name}"
    if args.replan is not None:
        costs = replan(costs, args.run, args.replan)
        command += f" --replan {' '.join(args.replan)} (requests: this checkout's rules, not the run's log)"
    write_table(f"{args.name}/job_costs", command, 1, [tuple(costs.columns), *costs.itertuples(index=False)])
    stages = stage_table(costs)
    rows = [("stage", *stages.columns), *stages.itertuples()]
    blank = ("",) * (len(stages.columns) - 4)
    total = round(costs["seconds"].sum(), 1), "", round(costs["cpu_seconds"].sum(), 1)
    rows.append(("all jobs", len(costs), *total, *blank))
    rows.append(("wall time of the run (first job start to last job end)", "", round(wall), "", "", *blank))
    write_table(f"{args.name}/stage_costs", command, 1, rows)


if __name__ == "__main__":
    main()
