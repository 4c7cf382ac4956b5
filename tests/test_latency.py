"""Latency measurement: warm-up, repeats, both modes, consistent throughput."""

from __future__ import annotations

import numpy as np

from lembas_core.evaluation.latency import measure


def test_measure_reports_both_modes():
    calls = []

    def predict(x):
        calls.append(len(x))
        return x.sum(axis=1)

    rows = measure("toy", predict, np.ones((30, 4)), threads=1, repeats=20, warmup=3)
    assert [r["mode"] for r in rows] == ["single_sample", "batch"]
    assert calls.count(1) == 23 and calls.count(30) == 23
    for row in rows:
        assert 0 < row["median_ms"] <= row["p95_ms"]
        assert np.isclose(row["samples_per_s"], row["batch_size"] / (row["median_ms"] / 1000))
