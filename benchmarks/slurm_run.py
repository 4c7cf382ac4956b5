"""Run the pipeline through the real single-node SLURM cluster of the tests, at any size, for measurements.

Starts the test suite's private cluster (`tests/slurm_cluster.py`: Debian's SLURM, its own daemons, a `main`
and a `gpu` partition) declaring this machine's own CPUs and memory (the tests declare 4x the CPUs, which suits
their second-long jobs but would time long jobs side by side), runs `snakemake --profile profiles/slurm` in
RUN_DIR with the overrides a cluster without accounting needs, and the local run's thread counts (the
profile asks for more), so that its results can be compared byte for byte with a local run of the same
config. Snakemake targets and flags follow `--`. The cluster stops when the run ends, also on an error.

Usage: python benchmarks/slurm_run.py RUN_DIR --threads 2 -- [targets] --configfile config/presets/full.yaml
Then `python benchmarks/job_costs.py RUN_DIR --name NAME`: `logged_seconds - seconds` of a job is its SLURM
overhead (submission, queueing, the plugin's status polls).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from slurm_cluster import LocalSlurm, ensure_packages, machine_cpus  # noqa: E402

# rules whose thread count the cluster profile raises (profiles/slurm `set-threads`)
THREADED_RULES = ("fit_linear", "fit_linear_on_network", "train_xgbrf_batch", "train_rnn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="working directory of the run (created when missing)")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="threads of the rules the profile raises: the local run's (2 at the full size; on a small cohort "
        "fit_linear and train_rnn run on 1 and train_xgbrf_batch on 2, so compare those results at equal threads)",
    )
    parser.add_argument("--poll", type=int, default=20, help="seconds before the plugin's status checks")
    ours, extra = (
        (sys.argv[1 : sys.argv.index("--")], sys.argv[sys.argv.index("--") + 1 :])
        if "--" in sys.argv
        else (sys.argv[1:], [])
    )
    args = parser.parse_args(ours)  # after `--`: snakemake's targets, then its flags
    args.run.mkdir(parents=True, exist_ok=True)
    ensure_packages()
    cluster = LocalSlurm(cpus=machine_cpus(), min_job_age=24 * 3600)
    cluster.start()
    try:
        command = [
            sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory", str(args.run),
            "--profile", str(REPO / "profiles" / "slurm"), "--jobs", str(cluster.cpus),
            "--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", str(args.poll),
            "--latency-wait", "5",
            *extra,  # targets first: --configfile and --set-threads take every value up to the next flag
            "--set-threads", *(f"{rule}={args.threads}" for rule in THREADED_RULES),
        ]  # fmt: skip
        print(" ".join(command), flush=True)
        done = subprocess.run(command, env=cluster.env, cwd=REPO)
    finally:
        cluster.stop()
    sys.exit(done.returncode)


if __name__ == "__main__":
    if os.geteuid() != 0:
        raise SystemExit("the test cluster's daemons need root")
    main()
