"""Shared helpers for the benchmark scripts: the full-scale dataset and result tables."""

from __future__ import annotations

import csv
import platform
import resource
import time
from datetime import date
from pathlib import Path

import yaml

from lembas_core.workflow.settings import Settings, default_config

HERE = Path(__file__).resolve().parent
FULL_DATASET = HERE / "work" / "full_parquet" / "dataset"


def upstream_settings() -> Settings:
    """Typed settings of the `full` preset (config/presets/full.yaml): the upstream dimensions, the default
    recipe (the upstream architecture and optimiser values; `recipe: upstream` for upstream's training)."""
    full = yaml.safe_load((HERE.parent / "config" / "presets" / "full.yaml").read_text())
    return Settings.from_config(default_config(full))


def require_full_dataset() -> Path:
    if not (FULL_DATASET / "manifest.json").exists():
        raise SystemExit(
            f"{FULL_DATASET} is missing: run `python benchmarks/data_stages.py --preset full --format parquet` first"
        )
    return FULL_DATASET


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def cpu_model() -> str:
    """The CPU's model name (/proc/cpuinfo on Linux; the platform's processor string elsewhere)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def write_table(name: str, command: str, threads: int, rows: list[tuple]) -> Path:
    """Write rows (first row = header) to benchmarks/results/<name>.tsv with a provenance line (date, CPU
    model, threads, command, peak RSS)."""
    out = HERE / "results" / f"{name}.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    with open(out, "w", newline="") as handle:
        handle.write(f"# {date.today()} {cpu_model()}, {threads} threads; {command}; peak RSS {peak_gb:.1f} GB\n")
        csv.writer(handle, delimiter="\t").writerows(rows)
    print(out.read_text())
    return out
