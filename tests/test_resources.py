"""Job resources sized from the cohort: presets, user files, explicit sizes, retries."""

from __future__ import annotations

import pytest

from cohort_helpers import GENE_COLUMNS, SAMPLES, TF_COLUMNS, write_small_cohort
from lembas_core.workflow.resources import (
    MEMORY_MB,
    RUNTIME_MIN,
    CohortSize,
    cohort_size,
    files_size,
    memory_mb,
    runtime_min,
    synthetic_size,
    table_shape,
)
from lembas_core.workflow.settings import default_config, merged

MODELS = default_config({"models": {"rnn": {"epochs": 600}}})["models"]
RULES = sorted(set(MEMORY_MB) | set(RUNTIME_MIN) | {"train_xgbrf_batch", "train_rnn"})


def test_full_preset_has_the_upstream_dimensions():
    assert synthetic_size("full") == CohortSize(samples=15935, tfs=1197, genes=16100, edges=1153904, validation=262)
    assert synthetic_size("tiny", {"n_samples": 500}).samples == 500


@pytest.mark.parametrize("rule", sorted(MEMORY_MB))
def test_memory_grows_with_the_cohort(rule):
    tiny, demo, full = (memory_mb(rule, synthetic_size(p)) for p in ("tiny", "demo", "full"))
    assert tiny <= demo <= full
    assert tiny <= 1500, "tiny jobs fit a small test cluster"


def test_full_preset_requests_cover_measured_peaks():
    full = synthetic_size("full")
    # peak RSS measured at the full size (README, "Job resources"): synthesis 12.2 GB
    assert memory_mb("synthesize_cohort", full) >= 12_200
    assert memory_mb("train_rnn", full) >= 2 * memory_mb("train_rnn", synthetic_size("demo"))


@pytest.mark.parametrize("rule", RULES)
def test_retries_ask_for_more(rule):
    size = synthetic_size("demo")
    if rule in MEMORY_MB:
        assert memory_mb(rule, size, attempt=2) > memory_mb(rule, size, attempt=1)
    assert runtime_min(rule, size, MODELS, 0.2, attempt=2) > runtime_min(rule, size, MODELS, 0.2, attempt=1)


def test_runtime_follows_training_hyperparameters():
    full = synthetic_size("full")
    fewer_epochs = merged(MODELS, {"rnn": {"epochs": 60}})
    assert runtime_min("train_rnn", full, fewer_epochs, 0.2) < runtime_min("train_rnn", full, MODELS, 0.2) / 5
    upstream = merged(MODELS, {"rnn": {"recipe": "upstream", "epochs": 60}})  # the recipe's 600 epochs count
    assert runtime_min("train_rnn", full, upstream, 0.2) > runtime_min("train_rnn", full, fewer_epochs, 0.2) * 5
    small_batches = merged(MODELS, {"xgbrf": {"batch_size": 100}})
    assert runtime_min("train_xgbrf_batch", full, small_batches, 0.2) < runtime_min(
        "train_xgbrf_batch", full, MODELS, 0.2
    )
    # 1,000 targets x 1.22 s on two threads (benchmarks/README.md): about 20 min, requested with a 2x margin
    assert 40 <= runtime_min("train_xgbrf_batch", full, MODELS, 0.2) <= 50


def test_scales_multiply_the_requests():
    size = synthetic_size("full")
    assert memory_mb("fit_mlr", size, scale=2.0) >= 2 * memory_mb("fit_mlr", size) - 100
    assert runtime_min("train_rnn", size, MODELS, 0.2, scale=3.0) / runtime_min(
        "train_rnn", size, MODELS, 0.2
    ) == pytest.approx(3, rel=0.01)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "parquet"])
def test_user_files_are_sized_from_their_headers(tmp_path, fmt):
    files = write_small_cohort(tmp_path, fmt)
    size = files_size(
        {role: getattr(files, role) for role in ("tf_expression", "gene_expression", "network", "validation")}
    )
    assert (size.tfs, size.genes, size.edges, size.validation) == (len(TF_COLUMNS), len(GENE_COLUMNS), 6, 6)
    assert abs(size.samples - len(SAMPLES)) <= 2  # text files: estimated from the first rows' length


def test_large_text_table_row_estimate_is_close(tmp_path):
    path = tmp_path / "big.tsv"
    path.write_text("id\ta\tb\n" + "".join(f"s{i}\t{i * 0.5:.4f}\t{i % 7:.4f}\n" for i in range(100_000)))
    rows, columns = table_shape(path)
    assert columns == 2 and abs(rows - 100_000) / 100_000 < 0.1  # rows widen from s0 to s99999


def test_unreadable_user_files_fall_back_to_upstream_size(tmp_path):
    missing = {
        role: str(tmp_path / f"{role}.tsv") for role in ("tf_expression", "gene_expression", "network", "validation")
    }
    assert files_size(missing) == synthetic_size("full")


def test_explicit_cohort_size_wins():
    config = {
        "data": {"source": "files", "files": {}},
        "resources": {"cohort": {"samples": 10, "tfs": 2, "genes": 3, "edges": 4, "validation": 5}},
    }
    assert cohort_size(config) == CohortSize(10, 2, 3, 4, 5)
    preset = {
        "data": {"source": "synthetic", "synthetic": {"preset": "demo", "overrides": {}}},
        "resources": {"cohort": None},
    }
    assert cohort_size(preset) == synthetic_size("demo")


def test_split_jobs_are_sized_by_their_rows():
    full = synthetic_size("full")
    assert full.split("train", 0.2).samples == 12748 and full.split("validation", 0.2).samples == 262
    sizes = [memory_mb("score", full.split(name, 0.2)) for name in ("validation", "test", "train")]
    assert sizes == sorted(sizes) and sizes[0] < sizes[2] / 5


def test_compressed_tables_are_sized_from_their_decompressed_start(tmp_path):
    """A gzip table is sized from its decompressed header and rows (x the assumed compression ratio)."""
    import gzip

    rows = [f"S{i}\t" + "\t".join(f"{(i * j) % 997 / 199:.4f}" for j in range(60)) for i in range(2000)]
    data = ("id\t" + "\t".join(f"G{j}" for j in range(60)) + "\n" + "\n".join(rows) + "\n").encode()
    (tmp_path / "m.tsv.gz").write_bytes(gzip.compress(data))
    samples, columns = table_shape(tmp_path / "m.tsv.gz")
    assert columns == 60 and 2000 <= samples <= 2000 * 4  # this table compresses less than 4x: sized above the truth
