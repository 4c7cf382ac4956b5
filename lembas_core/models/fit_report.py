"""How each model was fitted: converged, or trained to its documented recipe, and with how many steps.

Every training rule writes one small JSON report per model, next to that model (a kind's variants and
replicates each have their own: `results/models/<model>.fit.json`);
`summarize_metrics` gathers them into `results/metrics/fits.tsv`, the sibling of `summary.tsv`, so that a
comparison shows whether its weakest model was trained to the end.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from lembas_core.io.atomic import atomic_file

FIT_COLUMNS = (
    "model",
    "method",
    "converged",
    "optimizer_steps",
    "epochs",
    "best_epoch",
    "stop_reason",
    "doubling_gain",
)


@dataclass(frozen=True)
class FitReport:
    """One model's fit.

    `converged` is True (exact solution, or early stopping found the optimum on held-out training data),
    False (the budget ended while the model was still improving, or its convergence check found no evidence
    of convergence) or None (a fixed recipe that has no
    convergence criterion, e.g. 3 XGBRF trees per gene, or an imported checkpoint). `doubling_gain`: what the
    last doubling of an iterative fit's budget gained in inner-validation error (1 - per-gene R^2, averaged),
    as its convergence check measured it (:meth:`~lembas_core.models.rnn.training.TrainingOutcome.doubling_gain`);
    None where no check measured one.
    """

    model: str
    method: str
    converged: bool | None
    optimizer_steps: int
    epochs: int
    best_epoch: int
    stop_reason: str
    doubling_gain: float | None = None

    def write(self, path: str | Path) -> None:
        """Write as JSON, atomically."""
        with atomic_file(path) as handle:
            json.dump(asdict(self), handle, indent=1)
            handle.write("\n")

    @classmethod
    def read(cls, path: str | Path) -> FitReport:
        """Read a report written by :meth:`write`."""
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))

    def row(self) -> dict:
        """The report as a table row; `converged` spelled yes / no / recipe."""
        converged = {True: "yes", False: "no", None: "recipe"}[self.converged]
        return {**asdict(self), "converged": converged}


def closed_form(model: str, method: str) -> FitReport:
    """The report of an exact (non-iterative) fit."""
    return FitReport(model, method, True, 0, 0, 0, "exact solution")
