"""Measured peak memory and wall time of pipeline jobs against the memory the rules request.

Reads the Snakemake `benchmark:` files (logs/benchmarks/...) of a finished run and prints, per job,
the sampled max_rss and seconds next to the mem_mb that lembas_core.workflow.resources requests for the
run's cohort. Used to calibrate lembas_core/workflow/resources.py (README, "Job resources").

    python benchmarks/job_resources.py --workdir RUN_DIR --preset full   # run dir of a full-preset run
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from common import write_table

from lembas_core.workflow.resources import memory_mb, synthetic_size

# benchmark file (relative to logs/benchmarks, without wildcards) -> rule
RULE_OF = {
    "models/mlr": "fit_mlr",
    "models/ridge": "fit_ridge",
    "models/mean": "fit_mean",
    "models/rnn": "train_rnn",
    "models/xgbrf/assemble": "assemble_xgbrf",
    "models/xgbrf": "train_xgbrf_batch",
}
SPLITS = ("train", "test", "validation")


def job_rule(relative: str) -> tuple[str, str | None]:
    """(rule, split) of a benchmark file path such as 'score/mlr_train' or 'models/xgbrf/batch_000'."""
    for prefix, rule in RULE_OF.items():
        if relative == prefix or (rule == "train_xgbrf_batch" and relative.startswith(prefix + "/batch_")):
            return rule, None
    rule = relative.split("/")[0]
    split = relative.rsplit("_", 1)[-1] if rule in ("predict", "score") else None
    return rule, split if split in SPLITS else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True, help="working directory of a finished run")
    parser.add_argument("--preset", required=True, help="synthetic preset of that run (sizes the requests)")
    parser.add_argument("--test-fraction", type=float, default=0.2)
    args = parser.parse_args()
    size = synthetic_size(args.preset)
    rows = [("job", "rule", "seconds", "max_rss_mb", "requested_mb", "requested_over_measured")]
    root = args.workdir / "logs" / "benchmarks"
    for path in sorted(root.rglob("*.tsv")):
        relative = str(path.relative_to(root).with_suffix(""))
        rule, split = job_rule(relative)
        record = list(csv.DictReader(path.open(), delimiter="\t"))[-1]
        rss = float(record["max_rss"])
        requested = memory_mb(rule, size.split(split, args.test_fraction))
        rows.append(
            (relative, rule, f"{float(record['s']):.1f}", f"{rss:.0f}", requested, f"{requested / max(rss, 1):.1f}")
        )
    write_table(
        f"job_resources_{args.preset}",
        f"python benchmarks/job_resources.py --workdir RUN_DIR --preset {args.preset}",
        2,
        rows,
    )


if __name__ == "__main__":
    main()
