"""Job resources (memory, run time) that scale with the cohort size.

The rules ask for `mem_mb` and `runtime` from these estimates, so a cluster job of the `full`
preset requests what it needs while a `tiny` job stays small. Each estimate is a base cost plus
costs per MB of the dominant arrays, calibrated from the `benchmark:` files of pipeline runs on
the demo and full presets (benchmarks/README.md, "Job resources"). Dependency-free: the workflow imports
it while it builds the DAG, also inside every cluster job.
"""

from __future__ import annotations

import bz2
import gzip
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from lembas_core.synthetic.spec import spec_from_config
from lembas_core.workflow.layout import DELIMITERS, compression_of, format_from_extension
from lembas_core.workflow.models import kind_settings

_MB = 1e6
_FLOAT32 = 4


@dataclass(frozen=True)
class CohortSize:
    """Dimensions that drive memory and run time."""

    samples: int  # training + test samples
    tfs: int  # TF feature columns
    genes: int  # target genes
    edges: int  # network edges
    validation: int  # validation samples

    @property
    def expression_mb(self) -> float:
        """Size of the float32 samples x genes target matrix."""
        return self.samples * self.genes * _FLOAT32 / _MB

    @property
    def tf_mb(self) -> float:
        """Size of the float32 samples x TFs feature matrix."""
        return self.samples * self.tfs * _FLOAT32 / _MB

    def split(self, name: str | None, test_fraction: float) -> CohortSize:
        """The size seen by a job on one split (predict, score); the whole cohort for None."""
        rows = {
            "train": round(self.samples * (1 - test_fraction)),
            "test": round(self.samples * test_fraction),
            "validation": self.validation,
        }
        return self if name is None else replace(self, samples=max(rows[name], 1))


@dataclass(frozen=True)
class Cost:
    """base + per_expression * expression_mb + per_tf * tf_mb + per_medge * million edges."""

    base: float
    per_expression: float = 0.0
    per_tf: float = 0.0
    per_medge: float = 0.0

    def __call__(self, size: CohortSize) -> float:
        """The cost of a job on a cohort of `size`."""
        return (
            self.base
            + self.per_expression * size.expression_mb
            + self.per_tf * size.tf_mb
            + self.per_medge * size.edges / 1e6
        )


# Peak resident memory in MB (before the safety factor), fitted to the `max_rss` of the jobs'
# benchmark files on the demo and full presets (README, "Job resources"): bases are the interpreter
# and the libraries a job imports, slopes the growth with the arrays it holds. Synthesis uses the
# peak from benchmarks/data_stages.py (12.2 GB), which the sampled max_rss (6.4 GB) misses.
MEMORY_MB: dict[str, Cost] = {
    "synthesize_cohort": Cost(300, per_expression=12.0),
    "ingest": Cost(300, per_expression=5.5, per_medge=200),
    "preprocess": Cost(250, per_expression=2.0),
    "fit_mlr": Cost(300, per_expression=1.2, per_tf=2.0),
    "fit_ridge": Cost(300, per_expression=11.0, per_tf=6.0),
    "fit_mean": Cost(250, per_expression=0.2),
    "fit_prior_ridge": Cost(300, per_expression=3.0, per_tf=6.0, per_medge=100),  # estimate, as ridge's parts
    "train_xgbrf_batch": Cost(400, per_tf=15.0, per_expression=0.2),
    "assemble_xgbrf": Cost(250),
    "train_rnn": Cost(700, per_expression=1.2, per_tf=1.0, per_medge=300),
    "predict": Cost(800, per_expression=2.5, per_medge=100),  # per split (CohortSize.split)
    "score": Cost(600, per_expression=10.0),  # per split
    "summarize_metrics": Cost(300, per_expression=4.0),  # not measured at full size
    "latency": Cost(900, per_tf=0.1, per_medge=100),  # not measured at full size
    "shap": Cost(900, per_tf=1.0, per_medge=200),
    "truth_recovery": Cost(700, per_medge=300),  # not measured at full size
    "ladder": Cost(400, per_expression=0.5),  # per-gene tables only; not measured at full size
    "figures": Cost(400, per_expression=4.0),  # not measured at full size
}

# Wall time in minutes on two cores (before the safety factor), for rules whose time follows the
# data size; XGBRF and RNN training follow their hyperparameters as well (below).
RUNTIME_MIN: dict[str, Cost] = {
    "synthesize_cohort": Cost(2, per_expression=0.003),
    "ingest": Cost(2, per_expression=0.001),
    "preprocess": Cost(2, per_expression=0.0003),
    "fit_mlr": Cost(2, per_expression=0.0005, per_tf=0.005),
    "fit_ridge": Cost(2, per_expression=0.002, per_tf=0.02),
    "fit_mean": Cost(2, per_expression=0.0002),
    "fit_prior_ridge": Cost(2, per_expression=0.003, per_tf=0.02, per_medge=2),  # shuffle + per-gene solves
    "assemble_xgbrf": Cost(1),
    "predict": Cost(2, per_expression=0.002, per_medge=2),  # per split
    "score": Cost(2, per_expression=0.01),  # per split
    "summarize_metrics": Cost(2, per_expression=0.005),
    "latency": Cost(5, per_medge=5),
    "shap": Cost(5, per_tf=0.02, per_medge=10),
    "truth_recovery": Cost(2, per_medge=2),
    "ladder": Cost(2),
    "figures": Cost(2, per_expression=0.003),
}

# XGBRF: seconds per target and tree per (training sample x TF) on two threads (1.22 s per target
# with 3 trees at 12,748 x 1,197; benchmarks/README.md).
XGBRF_SECONDS_PER_TREE_CELL = 1.22 / 3 / (12748 * 1197)
# RNN: seconds per training step = fixed overhead + a cost per (edge x sample in the batch), on two
# CPU threads (181 ms at 1,153,904 edges and batch 25; about 20 ms on the demo network).
RNN_STEP_SECONDS = (0.015, 0.166 / (1153904 * 25))


def synthetic_size(preset: str, overrides: Mapping | None = None) -> CohortSize:
    """Dimensions of a synthetic preset (with overrides), without generating it."""
    spec = spec_from_config(preset, dict(overrides or {}))
    tfs = spec.n_regulators - spec.n_regulators_unmeasured + 1  # measured regulators plus the gene `TF`
    return CohortSize(spec.n_samples, tfs, spec.n_genes, spec.n_edges, spec.n_validation)


COMPRESSION_RATIO = 4.0  # uncompressed / compressed size assumed for numeric text tables (gzip, bzip2)


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
            header, sample = handle.readline(), handle.readlines(1 << 16)
        total = int(total * COMPRESSION_RATIO)
    else:
        with open(path, "rb") as handle:
            header = handle.readline()
            sample = handle.readlines(1 << 16)  # rows from the start and, below, from the end
            if handle.tell() < total - (1 << 16):
                handle.seek(total - (1 << 16))
                sample += handle.readlines()[1:]  # the first line read there is partial
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


def cohort_size(config: Mapping) -> CohortSize:
    """Dimensions of the configured cohort: `resources.cohort` if given, else preset or files."""
    given = config.get("resources", {}).get("cohort")
    if given:
        return CohortSize(**given)
    data = config["data"]
    if data["source"] == "synthetic":
        return synthetic_size(data["synthetic"]["preset"], data["synthetic"]["overrides"])
    return files_size(data["files"])


# Rules whose jobs run their arithmetic on `threads` cores. On a small cohort they are dominated by the
# interpreter start and library imports (predict, score, SHAP: 2-4 s of which well under 1 s computes)
# or by many small tensor operations (the RNN on the demo network: 0.72 s per epoch on 2 threads, 0.90 s
# on 1), so one thread each lets two jobs run side by side on a 2-core workstation.
SIZE_THREADED_RULES = ("fit_linear", "predict", "score", "shap", "train_rnn")
SMALL_COHORT = {"expression_mb": 50.0, "edges": 200_000}  # demo: 9.6 MB, 30,002 edges; full: 1 GB, 1.15 M


def job_threads(rule: str, size: CohortSize) -> int:
    """Threads of one job of `rule`: 1 for SIZE_THREADED_RULES on a small cohort, else 2.

    A cluster profile raises them per rule (`set-threads`); results can differ in the last bits
    between thread counts (summation order), never between runs at the same count.
    """
    small = size.expression_mb < SMALL_COHORT["expression_mb"] and size.edges < SMALL_COHORT["edges"]
    return 1 if rule in SIZE_THREADED_RULES and small else 2


def memory_mb(rule: str, size: CohortSize, attempt: int = 1, scale: float = 1.0) -> int:
    """Memory request of one job of `rule` in MB: estimate x 1.5 x scale (at least 500), +50% per retry."""
    request = max(MEMORY_MB[rule](size) * 1.5 * scale, 500) * (1 + 0.5 * (attempt - 1))
    return int(math.ceil(request / 100) * 100)


def _minutes(seconds: float) -> float:
    return seconds / 60


def estimated_minutes(rule: str, size: CohortSize, models: Mapping, test_fraction: float) -> float:
    """Expected wall time of one job of `rule` in minutes, before the safety factor."""
    train = size.samples * (1 - test_fraction)
    if rule == "train_xgbrf_batch":
        xgbrf = models["xgbrf"]
        trees = xgbrf["params"].get("n_estimators", 100)  # XGBRFRegressor's default
        targets = min(xgbrf["batch_size"], size.genes)
        return 2 + _minutes(targets * trees * train * size.tfs * XGBRF_SECONDS_PER_TREE_CELL)
    if rule == "train_rnn":  # the whole budget (early stopping usually ends sooner), with its recipe applied
        rnn = kind_settings("rnn", models["rnn"], "models.rnn")[0].training
        per_epoch = math.ceil(train * (1 - rnn.validation_fraction) / rnn.batch_size)
        steps = max(rnn.epochs * per_epoch, rnn.min_steps)
        fixed, per_edge_sample = RNN_STEP_SECONDS
        return 3 + _minutes(steps * (fixed + per_edge_sample * size.edges * rnn.batch_size))
    return RUNTIME_MIN[rule](size)


def runtime_min(
    rule: str, size: CohortSize, models: Mapping, test_fraction: float, attempt: int = 1, scale: float = 1.0
) -> int:
    """Run-time request of one job of `rule` in minutes: 2 x estimate x scale (at least 10), x attempt."""
    return int(math.ceil(max(2 * estimated_minutes(rule, size, models, test_fraction) * scale, 10) * attempt))
