"""The run-cost tools of benchmarks/: every job's request against its use (`job_costs.py`, read from a real
run's Snakemake logs and benchmark files) and the cluster projection that replays the DAG
(`cost_projection.py`)."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from workflow_helpers import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from cost_projection import Cluster, schedule  # noqa: E402
from job_costs import cost_table, stage_table  # noqa: E402


@pytest.mark.workflow
def test_job_costs_list_every_job_of_a_run_with_its_request_and_dependencies(tiny_run):
    costs, wall = cost_table(tiny_run)
    benchmarks = {str(p.relative_to(tiny_run / "logs/benchmarks").with_suffix("")) for p in tiny_run.rglob("*.tsv")
                  if "logs/benchmarks" in str(p)}  # fmt: skip
    assert set(costs["job"]) == benchmarks
    assert (costs["requested_mb"] >= 500).all() and (costs["requested_min"] >= 10).all()
    assert (costs["attempts"] == 1).all() and (costs["runs"] == 1).all() and (costs["errors"] == 0).all()
    jobs = costs.set_index("job")
    assert jobs.at["score/mlr_test", "depends_on"].split(",") == ["predict/mlr_test", "preprocess"]
    assert jobs.at["ingest", "depends_on"] == "synthesize_cohort"
    assert jobs.at["models/rnn", "stage"] == "LEMBAS-RNN" and jobs.at["models/rnn", "threads"] == 1
    assert set(costs.loc[costs["rule"] == "train_xgbrf_batch", "stage"]) == {"XGBRF"}
    # the run's jobs ran two at a time at most: the wall time lies between the longest chain and the sum
    assert costs["seconds"].max() < wall < costs["seconds"].sum() + 60
    stages = stage_table(costs)
    assert stages["jobs"].sum() == len(costs) and list(stages.index[:2]) == ["data", "linear models"]


def toy_dag() -> pd.DataFrame:
    """A (2 threads, 10 s) feeds B and C (1 thread, 5 s each) and two GPU jobs: D (2 threads, 20 s) and E (1
    thread, 5 s)."""
    rows = [
        ("A", 2, 0, 10.0, ["A0"]),  # A0: a dependency outside the table (ignored)
        ("B", 1, 0, 5.0, ["A"]),
        ("C", 1, 0, 5.0, ["A"]),
        ("D", 2, 1, 20.0, ["A"]),
        ("E", 1, 1, 5.0, ["A"]),
    ]
    table = pd.DataFrame(rows, columns=["job", "threads", "gpu", "seconds", "depends_on"]).set_index("job")
    table["requested_mb"] = 1000.0
    return table


def test_projection_runs_the_longest_remaining_chain_first_and_gpu_jobs_on_the_gpu():
    # one 2-core node, no GPU: A, then D (the longest remaining chain) on both cores, then B and C, then E
    assert schedule(toy_dag(), Cluster(1, 2, 24_000, gpus=0)) == 40.0
    # a GPU node 4x faster: D (5 s) then E (1.25 s) on the GPU, while B and C share the node's cores
    assert schedule(toy_dag(), Cluster(1, 2, 24_000, gpus=1, gpu_speedup=4)) == 16.25
    # a per-job overhead lengthens each of the three jobs on the critical path A, D, E
    assert schedule(toy_dag(), Cluster(1, 2, 24_000, gpus=1, gpu_speedup=4, job_overhead=3)) == 25.25
    # memory binds too: B and C cannot share a node whose memory fits one request
    assert schedule(toy_dag(), Cluster(1, 2, 1_500, gpus=1, gpu_speedup=4)) == 20.0
    # a workstation's gpu token: D and E take turns although the 4 cores would fit both
    assert schedule(toy_dag(), Cluster(1, 4, 24_000, gpus=1, gpu_on_nodes=True)) == 35.0
    assert schedule(toy_dag(), Cluster(1, 4, 24_000, gpus=0)) == 30.0


def job_block(stamp: str, rule: str, jobid: int, inputs: str, output: str, resources: str, indent: str = "") -> str:
    """One job's start as Snakemake 9 logs it (indented by four spaces inside a group job)."""
    lines = [
        f"[{stamp}]",
        f"rule {rule}:",
        f"    input: {inputs}",
        f"    output: {output}",
        f"    jobid: {jobid}",
        f"    benchmark: logs/benchmarks/{rule}.tsv",
        "    reason: Missing output files: x",
        f"    resources: tmpdir=/tmp, {resources}",
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


def cluster_log() -> str:
    """A cluster run's log: `ingest` fails once and is restarted, then `predict` and `score` run as one group."""
    return (
        job_block("Sat Dec  5 10:00:00 2026", "ingest", 1, "raw.tsv", "ingested", "mem_mb=900, runtime=10")
        + "[Sat Dec  5 10:00:30 2026]\nError in rule ingest:\n    message: SLURM-job '7' failed\n    jobid: 1\n"
        + "Trying to restart job 1.\n"
        + job_block("Sat Dec  5 10:01:00 2026", "ingest", 1, "raw.tsv", "ingested", "mem_mb=1350, runtime=20")
        + "[Sat Dec  5 10:01:40 2026]\nFinished jobid: 1 (Rule: ingest)\n"
        + "[Sat Dec  5 10:02:00 2026] Group job g1 (jobs in lexicogr. order):\n"
        + job_block("Sat Dec  5 10:02:00 2026", "predict", 2, "ingested", "pred", "gpu=1, mem_mb=700", "    ")
        + job_block("Sat Dec  5 10:02:00 2026", "score", 3, "pred, ingested", "scores", "mem_mb=600", "    ")
        + "[Sat Dec  5 10:03:10 2026]\nFinished jobid: 2 (Rule: predict)\n"
        + "[Sat Dec  5 10:03:10 2026]\nFinished jobid: 3 (Rule: score)\n"
    )


def test_job_costs_read_retries_group_jobs_and_failed_jobs_from_cluster_logs(tmp_path):
    (tmp_path / ".snakemake/log").mkdir(parents=True)
    (tmp_path / ".snakemake/log/2026-12-05T100000.snakemake.log").write_text(cluster_log())
    plan = job_block("Sat Dec  5 11:00:00 2026", "ingest", 1, "raw.tsv", "ingested", "mem_mb=5, runtime=1")
    dry_run = plan + "This was a dry-run (flag -n). The order of jobs does not reflect the order of execution.\n"
    (tmp_path / ".snakemake/log/2026-12-05T110000.snakemake.log").write_text(dry_run)  # a later plan: ignored
    rerun = job_block("Sat Dec  5 12:00:00 2026", "predict", 1, "ingested", "pred", "gpu=1, mem_mb=800")
    rerun += "[Sat Dec  5 12:01:00 2026]\nFinished jobid: 1 (Rule: predict)\n"  # a later invocation runs it again
    (tmp_path / ".snakemake/log/2026-12-05T120000.snakemake.log").write_text(rerun)
    (tmp_path / "logs/benchmarks").mkdir(parents=True)
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    for rule, seconds, rss in (("ingest", 35.0, 600.0), ("predict", 20.0, 350.0)):
        (tmp_path / f"logs/benchmarks/{rule}.tsv").write_text(
            header + f"{seconds}\t0\t{rss}\t0\t0\t0\t0\t0\t0\t{seconds}\n"
        )
    costs, wall = cost_table(tmp_path)
    jobs = costs.set_index("job")
    assert list(jobs.index) == ["ingest", "predict", "score"]
    # the retry: one row, two attempts, one error, the second attempt's request and start
    assert jobs.at["ingest", "attempts"] == 2 and jobs.at["ingest", "runs"] == 1 and jobs.at["ingest", "errors"] == 1
    # the rerun in a later invocation: two runs, no retry, the last run's request and span
    assert jobs.at["predict", "runs"] == 2 and jobs.at["predict", "attempts"] == 1
    assert jobs.at["predict", "requested_mb"] == 800 and jobs.at["predict", "logged_seconds"] == 60
    assert jobs.at["ingest", "requested_mb"] == 1350 and jobs.at["ingest", "logged_seconds"] == 40
    assert jobs.at["ingest", "memory_ratio"] == 2.25 and jobs.at["ingest", "time_ratio"] == round(1200 / 35, 1)
    # the group's members: parsed from their indented blocks, sharing the group's span (predict's last run: alone)
    assert list(jobs["group"]) == ["", "", "g1"]
    assert jobs.at["predict", "gpu"] == 1 and jobs.at["score", "logged_seconds"] == 70
    assert jobs.at["score", "depends_on"] == "ingest,predict"
    # score left no benchmark file (its job died): a row without measurements
    assert pd.isna(jobs.at["score", "seconds"]) and pd.isna(jobs.at["score", "memory_ratio"])
    assert wall == 190 + 60  # the invocations' spans, summed
