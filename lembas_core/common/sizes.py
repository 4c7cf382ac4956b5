"""Cohort dimensions and the linear cost models that job resources (memory, run time) are built from.

Shared by the model registry (each kind's training cost) and the workflow's resource requests
(:mod:`lembas_core.workflow.resources`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

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

    def training_samples(self, test_fraction: float) -> float:
        """Samples in the training split."""
        return self.samples * (1 - test_fraction)


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


@dataclass(frozen=True)
class TrainingCost:
    """Peak memory (MB) of one training job as a function of the cohort size, and its wall minutes as a
    function of the size, the model's settings and the test fraction. The kinds' instances live in
    :mod:`lembas_core.models.resources`, which no job imports: recalibrating them reruns nothing."""

    memory: Cost
    runtime: Callable[[CohortSize, Any, float], float]
