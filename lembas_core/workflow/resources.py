"""Job resources (memory, run time) that scale with the cohort size.

The rules ask for `mem_mb` and `runtime` from these estimates, so a cluster job of the `full`
preset requests what it needs while a `tiny` job stays small. Each estimate is a base cost plus
costs per MB of the dominant arrays, calibrated from the `benchmark:` files of pipeline runs on
the demo and full presets (docs/running.md, "Job resources"). A model's training job is costed
by its kind's registry entry (:func:`training_estimate`: :meth:`lembas_core.models.base.ModelKind.training_cost`
resolves the entry's ``cost`` to a :class:`lembas_core.common.sizes.TrainingCost`, whose ``memory`` and
``runtime`` give the estimate); the other rules by the tables below. Dependency-free: the workflow imports
it while it builds the DAG, also inside every cluster job.
"""

from __future__ import annotations

import bz2
import gzip
import math
import os
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from lembas_core.common.layout import DELIMITERS, compression_of, format_from_extension
from lembas_core.common.settings import DataSettings, ResourceSettings
from lembas_core.common.sizes import CohortSize, Cost
from lembas_core.common.synthetic_spec import spec_from_config
from lembas_core.models.base import ModelKind

# Peak resident memory in MB (before the safety factor), fitted to the `max_rss` of the jobs'
# benchmark files on the demo and full presets (docs/running.md, "Job resources"): bases are the interpreter
# and the libraries a job imports, slopes the growth with the arrays it holds. Synthesis uses the
# peak from benchmarks/data_stages.py (12.2 GB), which the sampled max_rss (6.4 GB) misses.
MEMORY_MB: dict[str, Cost] = {
    "synthesize_cohort": Cost(300, per_expression=12.0),
    "ingest": Cost(300, per_expression=5.5, per_medge=200),
    "preprocess": Cost(250, per_expression=2.0),
    "assemble_xgbrf": Cost(250),
    "predict": Cost(450, per_expression=3.6, per_medge=100),  # per split (CohortSize.split)
    "score": Cost(300, per_expression=2.6),  # per split: the observations and the predictions, then gene blocks
    "summarize_metrics": Cost(300, per_expression=4.0),  # full size: 4.8 GB sampled (request 6.7 GB)
    "latency": Cost(500),  # every model loaded in turn: 560 MB on the demo, 420 MB at the full size
    "shap": Cost(600, per_medge=100),  # 420-690 MB on the demo, 480-644 MB at the full size (one gene)
    "truth_recovery": Cost(700, per_medge=300),  # 700 MB at the full size (request 1.6 GB)
    "ladder": Cost(400),  # per-gene tables only: 260 MB on the demo, 265 MB at the full size
    "verdict": Cost(400),  # a few small tables and the forest plot (matplotlib)
    "summary": Cost(300),  # a few small tables
    # the observed-vs-predicted densities hold every model's test and validation predictions: 6.8 GB at the full
    # size (issue 34), where per_expression 4.0 asked for exactly that
    "figures": Cost(400, per_expression=6.5),
    # the interventional stage: the design regenerates the cohort (as synthesize_cohort), a truth job reads the
    # chosen individuals' state; a forecast holds (perturbed rows x targets) float64 effects
    # (benchmarks/README.md, "Interventions"); scoring reads one level's perturbations and one model's mean
    # effects (perturbations x targets). Measured at the full size (2026-12-05): design 10.3 GB, truths 0.4-0.5 GB,
    # forecasts 1.5-2.5 GB in 6-26 s, scores under 0.2 GB in about 1 s
    "intervention_design": Cost(300, per_expression=12.0),
    "intervention_truth": Cost(300, per_expression=0.35),
    "forecast_interventions": Cost(600, per_expression=1.9, per_medge=100),
    "score_interventions": Cost(300),
    "summarize_interventions": Cost(400),
    # a regime-map cell runs a whole benchmark of its preset inside the job: its largest job, the synthesis
    "regime_map_cell": Cost(300, per_expression=12.0),
}

# Wall time in minutes on two cores (before the safety factor), for rules whose time follows the data size.
RUNTIME_MIN: dict[str, Cost] = {
    "synthesize_cohort": Cost(2, per_expression=0.0025),
    "ingest": Cost(2, per_expression=0.001),
    "preprocess": Cost(2, per_expression=0.0003),
    "assemble_xgbrf": Cost(1),
    "predict": Cost(2, per_expression=0.002, per_medge=2),  # per split
    "score": Cost(1.5, per_expression=0.004),  # per split
    "summarize_metrics": Cost(2, per_expression=0.005),
    "latency": Cost(2, per_medge=1),  # 30 s at the full size
    "shap": Cost(2, per_medge=1),  # at most 43 s at the full size (the RNN's expected gradients)
    "truth_recovery": Cost(2, per_medge=2),
    "ladder": Cost(2),
    "verdict": Cost(1),
    "summary": Cost(1),
    "figures": Cost(2, per_expression=0.003),
    "intervention_design": Cost(2, per_expression=0.003),
    "intervention_truth": Cost(2, per_expression=0.001),
    "forecast_interventions": Cost(2, per_expression=0.001, per_medge=1),
    "score_interventions": Cost(2),
    "summarize_interventions": Cost(2),
    "regime_map_cell": Cost(15, per_expression=0.1),  # a whole benchmark run without SHAP, latency or figures
}


def synthetic_size(preset: str, overrides: Mapping | None = None) -> CohortSize:
    """Dimensions of a synthetic preset (with overrides), without generating it."""
    spec = spec_from_config(preset, dict(overrides or {}))
    tfs = spec.n_regulators - spec.n_regulators_unmeasured + 1  # measured regulators plus the gene `TF`
    return CohortSize(spec.n_samples, tfs, spec.n_genes, spec.n_edges, spec.n_validation)


COMPRESSION_RATIO = 4.0  # uncompressed / compressed size assumed for numeric text tables (gzip, bzip2)


def _cr_lines(handle, size: int = 1 << 20) -> tuple[bytes, list[bytes]] | None:
    """(header, lines) from the start of a file with old Mac OS line endings (carriage returns, no line
    feed), which readline would read whole; None (and the handle rewound) for any other file."""
    start = handle.read(size)
    if b"\n" in start or b"\r" not in start:
        handle.seek(0)
        return None
    header, *lines = start.split(b"\r")
    return header + b"\r", [line + b"\r" for line in lines[:-1]]


def _lf_lines(handle, total: int) -> tuple[bytes, list[bytes]]:
    """(header, lines) of a text file of `total` bytes: lines from its start and from its end."""
    header = handle.readline()
    sample = handle.readlines(1 << 16)
    if handle.tell() < total - (1 << 16):
        handle.seek(total - (1 << 16))
        sample += handle.readlines()[1:]  # the first line read there is partial
    return header, sample


def table_shape(path: str | os.PathLike) -> tuple[int, int]:
    """(rows, columns) of a data table: exact for Parquet; for text, from rows at its start and end.

    For gzip or bzip2 text the rows come from the decompressed start and COMPRESSION_RATIO; other
    compressions raise ValueError (the caller then sizes for the upstream dimensions).
    """
    fmt = format_from_extension(path) or "tsv"
    if fmt == "parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415 (not stdlib: only for user Parquet files, never at parse time)

        meta = pq.read_metadata(path)
        return meta.num_rows, meta.num_columns - 1
    sep = DELIMITERS[fmt].encode()
    total = os.path.getsize(path)
    compression = compression_of(path)
    if compression:
        if compression not in ("gzip", "bz2"):
            raise ValueError(f"cannot size {compression} tables without decompressing them")
        opener = {"gzip": gzip.open, "bz2": bz2.open}[compression]
        with opener(path, "rb") as handle:
            header, sample = _cr_lines(handle) or (handle.readline(), handle.readlines(1 << 16))
        total = int(total * COMPRESSION_RATIO)
    else:
        with open(path, "rb") as handle:
            header, sample = _cr_lines(handle) or _lf_lines(handle, total)
    if not sample:
        return 0, header.count(sep)
    row_bytes = sum(map(len, sample)) / len(sample)
    return round((total - len(header)) / row_bytes), header.count(sep)


def files_size(files: Mapping[str, str]) -> CohortSize:
    """Dimensions of user files (data.files) read from their headers and sizes.

    An unreadable file gives the upstream (`full`) dimensions, so that sizing never hides the
    clear error the ingest job reports for it.
    """
    try:
        samples, tfs = table_shape(files["tf_expression"])
        _, genes = table_shape(files["gene_expression"])
        edges, _ = table_shape(files["network"])
        validation, _ = table_shape(files["validation"])
    except (OSError, TypeError, ValueError):
        return synthetic_size("full")
    return CohortSize(samples, tfs, genes, edges, validation)


def cohort_size(data: DataSettings, resources: ResourceSettings) -> CohortSize:
    """Dimensions of the configured cohort: `resources.cohort` if given, else the preset's or the files'."""
    if resources.cohort:
        return CohortSize(**resources.cohort)
    if data.source == "synthetic":
        return synthetic_size(data.synthetic.preset, data.synthetic.overrides)
    return files_size(asdict(data.files))


# Rules whose jobs run their arithmetic on `threads` cores. On a small cohort they are dominated by the
# interpreter start and library imports (predict, SHAP: 2-4 s of which well under 1 s computes)
# or by many small tensor operations (the RNN on the demo network: 0.72 s per epoch on 2 threads, 0.90 s
# on 1), so one thread each lets two jobs run side by side on a 2-core workstation.
SIZE_THREADED_RULES = ("fit_linear", "predict", "shap", "train_rnn", "forecast_interventions")
SMALL_COHORT = {"expression_mb": 50.0, "edges": 200_000}  # demo: 9.6 MB, 30,002 edges; full: 1 GB, 1.15 M
# Rules whose arithmetic is single-threaded at every size: scoring (per-gene sums, ranks and the jackknife's
# gene blocks in numpy; at the full size its jobs used 0.87 of one core's time on two reserved threads, in the
# run of issue 34). One thread at every size also keeps the bootstrap's matrix products' bits the same everywhere.
SINGLE_THREADED_RULES = ("score",)


def job_threads(rule: str, size: CohortSize) -> int:
    """Threads of one job of `rule`: 1 for SINGLE_THREADED_RULES, 1 for SIZE_THREADED_RULES on a small cohort,
    else 2.

    A cluster profile raises them per rule (`set-threads`); results can differ in the last bits
    between thread counts (summation order), never between runs at the same count.
    """
    small = size.expression_mb < SMALL_COHORT["expression_mb"] and size.edges < SMALL_COHORT["edges"]
    return 1 if rule in SINGLE_THREADED_RULES or (rule in SIZE_THREADED_RULES and small) else 2


def rule_estimate(rule: str, size: CohortSize) -> tuple[float, float]:
    """(peak memory MB, wall minutes) of one job of `rule`, a rule that trains no model, before the safety factors."""
    return MEMORY_MB[rule](size), RUNTIME_MIN[rule](size)


def training_estimate(kind: ModelKind, settings: Any, size: CohortSize, test_fraction: float) -> tuple[float, float]:
    """(peak memory MB, wall minutes) of one training job of a model of `kind` with `settings`."""
    cost = kind.training_cost()
    return cost.memory(size), cost.runtime(size, settings, test_fraction)


def memory_mb(estimate: float, attempt: int, scale: float) -> int:
    """Memory request in MB for an `estimate` in MB: estimate x 1.5 x scale (at least 500), +50% per retry."""
    request = max(estimate * 1.5 * scale, 500) * (1 + 0.5 * (attempt - 1))
    return int(math.ceil(request / 100) * 100)


def runtime_min(estimate: float, attempt: int, scale: float) -> int:
    """Run-time request in minutes for an `estimate` in minutes: 2 x estimate x scale (at least 10), x attempt."""
    return int(math.ceil(max(2 * estimate * scale, 10) * attempt))
