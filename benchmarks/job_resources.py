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

from lembas_core.common.layout import SPLITS
from lembas_core.common.sizes import CohortSize
from lembas_core.models.base import REGISTRY
from lembas_core.workflow.resources import memory_mb, rule_estimate, synthetic_size
from lembas_core.workflow.settings import Settings, default_config

DEFAULTS = Settings.from_config(default_config())


def kind_of(name: str) -> str:
    """The kind of model `name`: a default model's (variants such as rnn_shuffled), else the kind the name
    starts with (replicates `<name>.rep<k>`, the run's own variants named after their kind)."""
    base = name.split(".rep")[0]
    if base in DEFAULTS.specs:
        return DEFAULTS.specs[base].kind
    return max((kind for kind in REGISTRY if base.startswith(kind)), key=len)


def job_estimate(relative: str, size: CohortSize, test_fraction: float) -> tuple[str, float]:
    """(rule or `train <kind>`, memory estimate in MB) of a benchmark file path such as 'score/mlr_train',
    'models/rnn_shuffled' or 'models/xgbrf/batch_000'."""
    parts = relative.split("/")
    if parts[0] == "models":
        if parts[-1] == "assemble":
            return "assemble_xgbrf", rule_estimate("assemble_xgbrf", size)[0]
        kind = kind_of(parts[1])
        return f"train {kind}", REGISTRY[kind].training_cost().memory(size)
    split = relative.rsplit("_", 1)[-1] if parts[0] in ("predict", "score") else None
    return parts[0], rule_estimate(parts[0], size.split(split if split in SPLITS else None, test_fraction))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True, help="working directory of a finished run")
    parser.add_argument("--preset", required=True, help="synthetic preset of that run (sizes the requests)")
    parser.add_argument(
        "--test-fraction",
        type=float,
        default=DEFAULTS.preprocess.test_fraction,
        help="that run's preprocess.test_fraction",
    )
    args = parser.parse_args()
    size = synthetic_size(args.preset)
    rows = [("job", "rule", "seconds", "max_rss_mb", "requested_mb", "requested_over_measured")]
    root = args.workdir / "logs" / "benchmarks"
    for path in sorted(root.rglob("*.tsv")):
        relative = str(path.relative_to(root).with_suffix(""))
        rule, estimate = job_estimate(relative, size, args.test_fraction)
        record = list(csv.DictReader(path.open(), delimiter="\t"))[-1]
        rss = float(record["max_rss"])
        requested = memory_mb(estimate, 1, 1.0)  # first attempt, no memory_scale
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
