"""Inference latency per model: one sample and the whole validation batch, after warm-up."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


def time_calls(fn: Callable[[], object], repeats: int, warmup: int) -> np.ndarray:
    """Wall-clock milliseconds of `repeats` calls after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = np.empty(repeats)
    for i in range(repeats):
        start = time.perf_counter()
        fn()
        times[i] = 1000.0 * (time.perf_counter() - start)
    return times


def measure(
    model: str, predict: Callable[[np.ndarray], np.ndarray], x: np.ndarray, threads: int, repeats: int, warmup: int = 3
) -> list[dict]:
    """Rows for the single-sample and full-batch modes of one model; `x` is (samples x features)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    rows = []
    for mode, batch in (("single_sample", x[:1]), ("batch", x)):
        ms = time_calls(lambda batch=batch: predict(batch), repeats, warmup)
        median = float(np.median(ms))
        rows.append(
            {
                "model": model,
                "mode": mode,
                "batch_size": len(batch),
                "threads": threads,
                "repeats": repeats,
                "median_ms": median,
                "p95_ms": float(np.percentile(ms, 95)),
                "samples_per_s": len(batch) / (median / 1000.0),
            }
        )
    return rows
