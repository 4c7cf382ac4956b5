"""Is the observational task as hard at every cascade depth? The median per-gene 5-fold cross-validated R^2 of
a ridge regression (alpha 1) of every target gene that is not a TF on all TF columns, on the synthetic
cohort at `tf_steps` 1, 2, 3, 4 and 8 and with `tf_feedback` (docs/synthetic-cohort.md, "Cascade depth"):
a change in how models rank across depths should come from propagation, not from noise.

Usage: python benchmarks/depth_difficulty.py --preset demo
Writes benchmarks/results/depth_difficulty_<preset>.tsv.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
from common import write_table
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_predict

from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.synthetic.cohort import generate_cohort

DEPTHS = ((1, False), (2, False), (3, False), (4, False), (8, False), (1, True))


def median_r2(preset: str, steps: int, feedback: bool) -> float:
    """Median over plain target genes of the 5-fold ridge R^2 on the TF columns."""
    cohort = generate_cohort(replace(PRESETS[preset], tf_steps=steps, tf_feedback=feedback))
    x = cohort.tf_expression.to_numpy(dtype=np.float64)
    genes = cohort.gene_expression.drop(columns=[c for c in cohort.gene_expression if c in cohort.tf_expression])
    y = genes.to_numpy(dtype=np.float64)
    predicted = cross_val_predict(Ridge(alpha=1.0), x, y, cv=KFold(5, shuffle=True, random_state=888))
    sse = ((y - predicted) ** 2).sum(axis=0)
    sst = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    return float(np.median(1 - sse[sst > 0] / sst[sst > 0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="demo", choices=sorted(PRESETS))
    preset = parser.parse_args().preset
    rows = [("tf_steps", "tf_feedback", "median per-gene ridge R^2 (5-fold)")]
    rows += [(steps, feedback, round(median_r2(preset, steps, feedback), 3)) for steps, feedback in DEPTHS]
    write_table(f"depth_difficulty_{preset}", f"python benchmarks/depth_difficulty.py --preset {preset}", 1, rows)


if __name__ == "__main__":
    main()
