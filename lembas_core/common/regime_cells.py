"""The cells of the regime map: synthetic worlds by TF -> TF depth, feedback and training data, each a whole
run of the benchmark (:mod:`lembas_core.steps.regime_map`), and the config overlay that makes one.

Every cell trains the same models (MAP_KINDS and MAP_VARIANTS: the regressions without the network, the prior
ridge plain and propagated, LEMBAS-RNN and its shuffled-network control) and scores them on the in-range
levels only (those of `interventions.levels` without a shift: the map reads levels within the training
range). An interventional cell trains on a `train_fraction` share of the eligible TFs perturbed; the others
are the unseen TFs the map scores. Stdlib only: the workflow builds the cells while it parses.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

MAP_KINDS = ("ridge", "mlr", "prior_ridge", "xgbrf", "rnn")
MAP_VARIANTS = {
    "rnn_shuffled": {"model": "rnn", "network": "shuffled"},
    "prior_ridge_3steps": {"model": "prior_ridge", "propagation": 3},
    "prior_ridge_steady": {"model": "prior_ridge", "propagation": "steady"},
}
CELL_TARGETS = (  # what a cell's run must make, relative to its folder (and the truth edges: cell_targets)
    "results/metrics/interventions.tsv",
    "results/models/rnn.pt",
    "results/models/rnn.fit.json",
)
SPLIT = "results/interventions/split.tsv"  # an interventional cell's training / held-out TFs
PLAIN_MODELS = ("ridge", "mlr", "xgbrf")  # the models without the network
PROPAGATED_MODELS = ("prior_ridge_3steps", "prior_ridge_steady")  # the prior ridge, propagated (CellOracle)


@dataclass(frozen=True)
class Cell:
    """One world: TF -> TF `depth` (synthetic.tf_steps), with or without `feedback`, and models trained on
    observational data or on observational + `interventional` data."""

    depth: int
    feedback: bool
    interventional: bool

    @property
    def name(self) -> str:
        """A file-name part, e.g. ``depth4_feedback_interventional``."""
        shape = "feedback" if self.feedback else "acyclic"
        return f"depth{self.depth}_{shape}_{'interventional' if self.interventional else 'observational'}"

    @property
    def training(self) -> str:
        """``observational`` or ``interventional``."""
        return "interventional" if self.interventional else "observational"


def regime_cells(depths: tuple[int, ...], feedback_depth: int | None) -> list[Cell]:
    """Every depth without feedback, then `feedback_depth` with feedback; each observational, then interventional."""
    shapes = [(d, False) for d in depths] + ([(feedback_depth, True)] if feedback_depth else [])
    return [Cell(d, fb, i) for d, fb in shapes for i in (False, True)]


def cell_config(cell: Cell, settings: Any, config: dict) -> dict:
    """The whole config of `cell`'s run: the run's `config` (a dict that passed the schema) with the sections
    of :func:`cell_overlay` replaced as a whole (so that nothing of the run's generator overrides or variants
    is merged into the cell)."""
    overlay = cell_overlay(cell, settings, config)
    merged = copy.deepcopy(config)
    merged["data"]["source"] = "synthetic"
    merged["data"]["synthetic"] = {**config["data"]["synthetic"], **overlay["data"]["synthetic"]}
    merged["models"] = {**config["models"], **overlay["models"]}
    merged["interventions"] = {**config["interventions"], **overlay["interventions"]}
    return merged


def cell_overlay(cell: Cell, settings: Any, config: dict) -> dict:
    """The sections `cell` sets on the run's `config` (a dict that passed the schema): `settings` is the
    RegimeMapSettings. The cohort is the preset's with the cell's depth and feedback (the run's own generator
    overrides are not carried over); variants of `config` outside MAP_VARIANTS are switched off."""
    levels = {
        name: (level if level is not None and float(level.get("shift_sd", 0)) == 0 else None)
        for name, level in config["interventions"]["levels"].items()
    }
    variants = {name: None for name in config["models"].get("variants", {})} | MAP_VARIANTS
    world = {"tf_steps": cell.depth, "tf_feedback": cell.feedback}
    return {
        "data": {"source": "synthetic", "synthetic": {"preset": settings.preset, "overrides": world}},
        "models": {"include": list(MAP_KINDS), "variants": variants},
        "interventions": {
            "levels": levels,
            "train_fraction": settings.train_fraction if cell.interventional else 0,
            "train_tfs": [],
            "train_individuals": settings.train_individuals,
        },
    }


def truth_edges(file_format: str) -> str:
    """A cell's true edges, in the cohort's `file_format` (data.synthetic.file_format)."""
    return f"results/cohort/truth_edges.{file_format}"


def cell_targets(cell: Cell, file_format: str) -> list[str]:
    """What the run of `cell` must make: CELL_TARGETS, the truth edges and, when it trains on perturbations,
    its split."""
    return [*CELL_TARGETS, truth_edges(file_format), *([SPLIT] if cell.interventional else [])]


def sibling(cell: Cell) -> Cell:
    """The interventional cell of the same world as `cell` (itself when interventional): its held-out TFs are
    the TFs both are read on, so that the two trainings are compared on the same unseen TFs."""
    return Cell(cell.depth, cell.feedback, True)
