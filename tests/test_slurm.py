"""The tiny pipeline on a real single-node SLURM cluster (Debian packages, started by the test).

The run uses the cluster profile exactly as a user would (`--profile profiles/slurm`, with
profiles/default loaded next to it) plus the overrides this cluster needs, and must give the same
results, byte for byte, as the local `--cores 2` run of the same config (the `tiny_run` fixture).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from slurm_cluster import ClusterUnavailable, LocalSlurm, ensure_slurm
from timeouts import APT_S, REPORT_S, SLURM_JOB_RECORDS_S, SLURM_PIPELINE_S
from workflow_helpers import REPO, TINY, differing_results, snakemake_command

pytestmark = pytest.mark.slurm

# What this test cluster needs on top of profiles/slurm (docs/running.md, "Running on a SLURM cluster").
CI_OVERRIDES = (
    "--slurm-status-command",
    "squeue",  # no accounting database here, so no sacct
    "--slurm-init-seconds-before-status-checks",
    "6",  # a lone tiny job's wall time: poll then (tests/slurm_cluster.py; finished jobs stay SLURM_JOB_RECORDS_S)
    "--slurm-keep-successful-logs",  # the test reads every job's SLURM log
    "--latency-wait",
    "5",  # one node, one filesystem
    # the local run's thread counts (the profile asks for more), for bit-identical results
    "--set-threads",
    "fit_linear=1",
    "fit_linear_on_network=1",
    "train_xgbrf_batch=2",
    "train_rnn=1",
)
CLUSTER_PROFILE = ("--profile", str(REPO / "profiles" / "slurm"))
LOCAL_RULES = {"all", "assemble_xgbrf"}
# jobs per rule of the tiny config: 3 XGBRF batches, 7 models (the default ladder) x 3 splits, x 2 SHAP genes
EXPECTED_JOBS = {
    "synthesize_cohort": 1,
    "ingest": 1,
    "preprocess": 1,
    "fit_linear": 3,
    "fit_linear_on_network": 1,
    "train_xgbrf_batch": 3,
    "train_rnn": 2,
    "predict_and_score_predict_score": 21,  # a group (profiles/slurm): one SLURM job per model and split
    "shap": 14,
    "latency": 1,
    "summarize_metrics": 1,
    "figures": 1,
    "truth_recovery": 1,
    "ladder": 1,
    "verdict": 1,
    "summary": 1,
    "intervention_design": 1,
    "intervention_truth": 1,  # the tiny preset's one level
    # a group: 8 forecasters (the 7 models and prior_ridge_3steps), each scored in the job of its forecast
    "forecast_and_score_forecast_interventions_score_interventions": 8,
    "summarize_interventions": 1,
}


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail in CI (CI=true), which must not go green without the SLURM run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the SLURM test, but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def cluster():
    if os.geteuid() != 0:
        unavailable("the SLURM test installs and starts SLURM daemons, which needs root")
    try:
        ensure_slurm(timeout=APT_S)
    except ClusterUnavailable as error:
        unavailable(f"SLURM packages are unavailable: {error}")
    slurm = LocalSlurm(min_job_age=SLURM_JOB_RECORDS_S)
    try:
        slurm.start()
        yield slurm
    finally:
        slurm.stop()


def slurm_job_ids(workdir: Path) -> dict[str, list[str]]:
    """SLURM job IDs by rule, from the plugin's per-job logs.

    The logs are .snakemake/slurm_logs/rule_<rule>/<wildcards>/<id>.log, group_<group>_<its rules>/... for a
    group job.
    """
    jobs: dict[str, list[str]] = {}
    for log in sorted((workdir / ".snakemake" / "slurm_logs").rglob("*.log")):
        rule_dir = next(
            part
            for part in log.relative_to(workdir / ".snakemake" / "slurm_logs").parts
            if part.startswith(("rule_", "group_"))
        )
        jobs.setdefault(rule_dir.removeprefix("rule_").removeprefix("group_"), []).append(log.stem)
    return jobs


def test_tiny_pipeline_on_slurm_matches_local_run(cluster, tiny_run, tmp_path):
    # no more jobs at once than the node declares CPUs (the cluster would queue the rest anyway)
    command = snakemake_command(tmp_path, *CI_OVERRIDES, "--jobs", str(cluster.cpus), profile=CLUSTER_PROFILE)
    result = subprocess.run(command, capture_output=True, text=True, env=cluster.env, timeout=SLURM_PIPELINE_S)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]

    jobs = slurm_job_ids(tmp_path)
    assert {rule: len(ids) for rule, ids in jobs.items()} == EXPECTED_JOBS, (
        "every non-local job must run as one SLURM job"
    )
    assert not LOCAL_RULES & set(jobs)
    assert all(job_id.isdigit() for ids in jobs.values() for job_id in ids)

    rnn_job = cluster.job_info(jobs["train_rnn"][0])
    assert rnn_job["Partition"] == "gpu" and rnn_job["JobState"] == "COMPLETED"
    assert rnn_job.get("TresPerJob") == "gres:gpu:1", rnn_job  # sbatch --gpus=1 from `resources: gpu=1`
    assert (
        "GPU(s) 0 allocated to this job" in (tmp_path / "logs/models/rnn.log").read_text()
    )  # CUDA_VISIBLE_DEVICES from SLURM
    other_partitions = {cluster.job_info(ids[0])["Partition"] for rule, ids in jobs.items() if rule != "train_rnn"}
    assert other_partitions == {"main"}

    assert not differing_results(tiny_run, tmp_path), "the SLURM run differs from the local run"
    assert (tmp_path / "logs/benchmarks/models/rnn.tsv").read_text().startswith("s\th:m:s\tmax_rss")

    report = subprocess.run(
        snakemake_command(tmp_path, "--report", "results/report.html", configfiles=(TINY,), profile=CLUSTER_PROFILE),
        capture_output=True,
        text=True,
        env=cluster.env,
        timeout=REPORT_S,
    )
    assert report.returncode == 0, report.stdout[-3000:] + report.stderr[-2000:]
    assert "observed_vs_predicted_test" in (tmp_path / "results/report.html").read_text(errors="ignore")
