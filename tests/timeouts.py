"""Every timeout of the suite in one place: three times a duration measured on this project's 2-core VM
(Intel Xeon, 24 GiB) with a CPU-bound process running beside the test (`python -c "while True: pass"`) and
another pipeline's jobs besides, load average 6-10: the worst case a CI machine should see. A timeout is
never under 30 s: starting a Python process or a daemon varies by seconds under load. Re-measure after a
change that makes a run longer (`pytest --durations=30`, CONTRIBUTING.md).
"""

from __future__ import annotations

MARGIN = 3
FLOOR_S = 30

# The whole tiny pipeline, run locally with --cores 2 (the longest single snakemake call of the suite;
# also bounds waiting for one of its jobs): 260 s measured.
PIPELINE_S = MARGIN * 260
# The whole tiny pipeline through the test SLURM cluster: 1,155 s measured with the machine's 2 CPUs declared
# (2 jobs at a time); 398 s with 4x declared (8 at a time, tests/slurm_cluster.py) at load average 2-11, so
# the older, longer measurement stays the bound.
SLURM_PIPELINE_S = MARGIN * 1155
# `snakemake --report` on a finished tiny run: 4 s measured.
REPORT_S = max(MARGIN * 4, FLOOR_S)
# headless Chromium loading a report and taking its screenshot: 2.4 s measured (the demo's 12 MB report, beside
# a 2-thread XGBoost job); installing Chromium: 37 s (update and install, niced beside the same job).
BROWSER_S = max(MARGIN * 3, FLOOR_S)
# `apt-get update`, then the install of munge and SLURM: 9 s measured for the update and a re-install,
# 16 s for a first install's unpacking alone; 60 s allows the first install's downloads (Chromium's: 37 s).
APT_S = MARGIN * 60
# A daemon of the test cluster started, answering or stopped, and one SLURM client call: the whole
# cluster started in under 1 s measured.
DAEMON_S = FLOOR_S
# Finished SLURM jobs stay visible to squeue/scontrol (MinJobAge) longer than the whole SLURM test can take.
SLURM_JOB_RECORDS_S = APT_S + PIPELINE_S + SLURM_PIPELINE_S + REPORT_S
