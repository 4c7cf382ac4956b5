"""How well ingest tells a matrix mixing raw and log-scale columns from a wholly raw one (docs/your-data.md, "Your own
data", "Mixed scales"): the share of columns `lembas_core.data.scale.logged_columns` flags, and whether the
file is named as mixed, on

- the demo synthetic cohort's 1,600 genes (log10(x + 1)-like values), as they are and rescaled to log2;
- log-normal TPM with dropouts (per-gene levels ~ N(1.5, 2) in natural log, per-sample noise sd 0.5, 10%
  zeros; 1,000 genes), logged with log2(x + 1);

at 17, 200 and 1,500 samples (lognormal: 20, 100, 1,000), each raw as a whole (x -> base^x - 1) and with
25%, 50% and 75% of its columns raw, five draws each.

Usage: python benchmarks/mixed_scales.py
Writes benchmarks/results/mixed_scales.tsv.
"""

from __future__ import annotations

import numpy as np
from common import write_table

from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.scale import compressed_columns, logged_columns, scan
from lembas_core.synthetic.cohort import generate_cohort

DRAWS = 5
SHARES = (0.25, 0.5, 0.75)


def lognormal_tpm(samples: int, genes: int, seed: int) -> np.ndarray:
    """TPM-like values: per-gene log-normal levels, per-sample noise, 10% zeros (dropouts)."""
    rng = np.random.default_rng(seed)
    level = rng.normal(1.5, 2.0, genes)
    values = np.exp(level + rng.normal(0, 0.5, (samples, genes)))
    values[rng.random((samples, genes)) < 0.1] = 0.0
    return values


def flagged(values: np.ndarray) -> float:
    """Share of the columns flagged as log-scale next to raw ones (0 when the file is not named as mixed)."""
    matrix = values.astype(np.float32)
    return logged_columns(matrix, scan(matrix)).size / values.shape[1]


def compressed_share(values: np.ndarray) -> float:
    """Share of the expressed, not-raw columns whose log spread is under a third of the raw columns' (the
    per-column test before the rule that 12% of them must pass), for a wholly raw file's false alarms."""
    matrix = values.astype(np.float32)
    _, expressed, compressed = compressed_columns(matrix, scan(matrix))
    return float(compressed.sum() / expressed.sum()) if expressed.any() else 0.0


def worlds() -> list[tuple[str, np.ndarray, float]]:
    """(name, log-scale samples x genes, base) of each world and size."""
    demo = generate_cohort(PRESETS["demo"]).gene_expression.to_numpy(dtype=np.float64)
    rng = np.random.default_rng(0)
    found = []
    for n in (17, 200, 1500):
        rows = rng.choice(demo.shape[0], n, replace=False)
        found.append((f"demo genes, log10, {n} samples", demo[rows], 10.0))
        found.append((f"demo genes, log2, {n} samples", demo[rows] * np.log2(10), 2.0))
    for n in (20, 100, 1000):
        found.append((f"log-normal TPM, log2, {n} samples", np.log2(lognormal_tpm(n, 1000, n) + 1), 2.0))
    return found


def main() -> None:
    rows = [("world", "raw share", "columns flagged (min-max over draws)", "named as mixed", "compressed, raw file")]
    for name, logged, base in worlds():
        raw = base**logged - 1
        named = int(flagged(raw) > 0)
        rows.append(
            (name, "1.00", f"{100 * flagged(raw):.1f}%", f"{named} of 1", f"{100 * compressed_share(raw):.1f}%")
        )
        for share in SHARES:
            results = []
            for draw in range(DRAWS):
                columns = np.random.default_rng(draw).random(logged.shape[1]) < share
                results.append(flagged(np.where(columns, raw, logged)))
            named = sum(r > 0 for r in results)
            rows.append(
                (name, f"{share:.2f}", f"{100 * min(results):.1f}-{100 * max(results):.1f}%", f"{named} of {DRAWS}", "")
            )
    write_table("mixed_scales", "python benchmarks/mixed_scales.py", 1, rows)


if __name__ == "__main__":
    main()
