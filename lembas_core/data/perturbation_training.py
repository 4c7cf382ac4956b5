"""Interventional training data: which perturbed TFs the models train on, and the rows they add to training.

**Which TFs.** Of the TFs that can be perturbed (the synthetic cohort's eligible TFs, or the TFs the user's
perturbation data perturb), the training TFs are named in the design table's `split` column, named in
`interventions.train_tfs`, or drawn as a seeded `interventions.train_fraction` share; the others are held
out. A held-out TF is one the models never saw perturbed, the "unseen" perturbations of GEARS (Roohani et
al., *Nat Biotechnol* 2024) and PEREGGRN (Kernfeld et al., *Genome Biol* 2025); a training TF scored on new
individuals or levels is "seen".

**One input convention, at training and at test.** A perturbed sample's input row is its control's TF vector
with only the perturbed TF set to its measured value, exactly regime A's input at test
(:meth:`lembas_core.io.interventions.PerturbationSet.x_regime_a`); its target row is the sample's measured
target expression. Its control is the same individual unperturbed when the design pairs them (the synthetic
generator always does: it knows each individual's own unperturbed state, and the synthetic test perturbs each
test individual against its own observed sample) or else the mean of the control samples, PEREGGRN's
convention, which the user's held-out TFs are scored with too. So a model learns the total effect of moving
one TF with the others held at their control values, which is what a forecast in regime A asks of it: the
effect must travel through the TF -> TF edges inside the model. Every model kind trains on these rows through
:func:`training_data`, which every training step calls; nothing is special-cased by kind.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.common.settings import PerturbationTraining
from lembas_core.data.dataset import Dataset
from lembas_core.data.interventions import PerturbationData, aligned
from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.npz import load_arrays, save_arrays

LOG = logging.getLogger("lembas_core.data.perturbation_training")
SPLIT_COLUMNS = ["tf", "split", "source"]  # split: train | held_out; source: how the split was made


def _named(perturbable: Sequence[str], settings: PerturbationTraining) -> list[str]:
    """The training TFs `settings.train_tfs`, each one of `perturbable`."""
    unknown = [tf for tf in settings.train_tfs if tf not in set(perturbable)]
    if unknown:
        raise InputDataError(
            "interventions.train_tfs",
            f"{len(unknown)} training TF(s) are not perturbable TFs of this run ({preview(unknown)}); perturbable: "
            f"{preview(sorted(perturbable))}",
            "name TFs that the perturbation data perturb (synthetic cohort: TF inputs that move at least "
            "interventions.min_descendants targets), or use interventions.train_fraction",
        )
    if len(set(settings.train_tfs)) == len(set(perturbable)):
        raise InputDataError(
            "interventions.train_tfs",
            f"names every perturbable TF ({len(perturbable)}): no TF is left to score as unseen",
            "leave at least one perturbed TF out of interventions.train_tfs",
        )
    return list(settings.train_tfs)


def _drawn(perturbable: Sequence[str], fraction: float, seed: int) -> list[str]:
    """A seeded `fraction` share of `perturbable` (at least one, and at least one left out when there are two)."""
    names = sorted(perturbable)
    n = min(max(1, int(round(fraction * len(names)))), len(names) - 1) if len(names) > 1 else 0
    order = np.random.default_rng([seed, 3]).permutation(len(names))
    return [names[i] for i in order[:n]]


def split_tfs(
    perturbable: Sequence[str],
    settings: PerturbationTraining,
    seed: int,
    design: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """SPLIT_COLUMNS for every TF of `perturbable`, sorted by name: ``train`` or ``held_out``.

    `design` (TF -> train | held_out, from a design table's `split` column) decides when given; then the
    settings must not also ask for a split. Otherwise `settings` name the training TFs or draw a seeded
    share (`seed`); without either every TF is held out."""
    if design is not None:
        if settings.enabled:
            raise InputDataError(
                "interventions.train_fraction / train_tfs",
                "the intervention design's split column and the settings both choose the training TFs",
                "keep one: remove the split column from the design table, or set interventions.train_fraction: 0 "
                "and train_tfs: []",
            )
        training, source = [tf for tf in perturbable if design.get(tf) == "train"], "design"
        if len(training) == len(perturbable):
            raise InputDataError(
                "data.files.intervention_design",
                f"its split column puts every perturbed TF that is a model input ({len(perturbable)}) in the "
                "training set: no TF is left to score as unseen",
                "mark the samples of at least one perturbed TF held_out",
            )
    elif settings.named:
        training, source = _named(perturbable, settings), "train_tfs"
    elif settings.enabled:
        training, source = _drawn(perturbable, settings.train_fraction, seed), "train_fraction"
    else:
        training, source = [], "none"
    chosen = set(training)
    rows = [(tf, "train" if tf in chosen else "held_out", source) for tf in sorted(perturbable)]
    return pd.DataFrame(rows, columns=SPLIT_COLUMNS)


def training_tfs(split: pd.DataFrame) -> set[str]:
    """The training TFs of a SPLIT_COLUMNS table."""
    return set(split.loc[split["split"] == "train", "tf"].astype(str))


def held_out_tfs(split: pd.DataFrame) -> set[str]:
    """The held-out TFs of a SPLIT_COLUMNS table."""
    return set(split.loc[split["split"] == "held_out", "tf"].astype(str))


def read_split(path: str | Path) -> pd.DataFrame:
    """A SPLIT_COLUMNS table written by the split job (TF names read as text: a TF named NA stays NA)."""
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def design_split(data: PerturbationData) -> dict[str, str] | None:
    """TF -> train | held_out from the design's split column, or None without one."""
    if data.split is None:
        return None
    return {tf: s for tf, s in zip(data.perturbed, data.split) if s}


@dataclass
class TrainingRows:
    """Interventional training rows in the dataset's layout: `x` (rows x features) float32 inputs, `y`
    (rows x targets) float32 targets, `tfs` (rows,) the perturbed TF of each row; `features` and `targets`
    name the columns (they must be the dataset's)."""

    x: np.ndarray
    y: np.ndarray
    tfs: list[str]
    features: list[str]
    targets: list[str]

    def save(self, path: str | Path) -> None:
        """Write as `.npz` (no pickles), atomically."""
        save_arrays(path, x=self.x, y=self.y, **{k: np.asarray(getattr(self, k), dtype=str)
                                                 for k in ("tfs", "features", "targets")})  # fmt: skip

    @classmethod
    def load(cls, path: str | Path) -> TrainingRows:
        """Read a file written by :meth:`save`; a damaged file raises InputDataError."""
        a = load_arrays(path, ("x", "y", "tfs", "features", "targets"), what="interventional training rows file")
        return cls(a["x"], a["y"], a["tfs"].tolist(), a["features"].tolist(), a["targets"].tolist())


def training_rows(
    data: PerturbationData, training: set[str], names: tuple[list[str], list[str]], x_train: np.ndarray
) -> TrainingRows:
    """The training rows (module docstring) of the samples of `data` perturbing a TF of `training`, for a
    dataset with `names` = (features, targets) and training inputs `x_train` (samples x features). Every
    target must be measured in the perturbation matrix: a row is a whole target vector."""
    features, targets = names
    found = aligned(data, names, x_train)
    column = {f: j for j, f in enumerate(features)}
    labels = np.asarray(data.perturbed, dtype=object)
    rows = np.flatnonzero([label in training and label in column for label in labels])
    absent = [t for t, measured in zip(targets, found.measured_targets) if not measured]
    if rows.size and absent:
        raise InputDataError(
            data.matrix.path,
            f"{len(absent)} target gene(s) of the models are not in the perturbation matrix ({preview(absent)}): "
            "a training row needs every target measured",
            "add those genes' expression to the perturbation matrix, or train on observational data only "
            "(interventions.train_fraction: 0, train_tfs: [], no split column)",
        )
    x = np.array(found.x_control[found.control[rows]], dtype=np.float64)
    perturbed = [str(labels[i]) for i in rows]
    at = np.array([column[tf] for tf in perturbed], dtype=np.int64)
    x[np.arange(rows.size), at] = found.x[rows, at]
    return TrainingRows(
        x=x.astype(np.float32),
        y=found.y[rows].astype(np.float32).reshape(rows.size, len(targets)),
        tfs=perturbed,
        features=list(features),
        targets=list(targets),
    )


def training_data(
    ds: Dataset, rows_file: str | Path | None, targets: slice = slice(None)
) -> tuple[np.ndarray, np.ndarray]:
    """(x (n x features), y (n x targets[`targets`])) every model kind trains on: the dataset's training split,
    followed by the interventional training rows of `rows_file` (:class:`TrainingRows`) when given and not
    empty (then new arrays; else the dataset's own, memory-mapped)."""
    if rows_file is None:
        return ds.x["train"], ds.y["train"][:, targets]
    rows = TrainingRows.load(rows_file)
    if rows.features != ds.features or rows.targets != ds.targets:
        raise InputDataError(
            rows_file,
            "its features or targets are not the dataset's: it was made for another dataset",
            "delete it and rerun: Snakemake remakes it from the current dataset",
        )
    if not rows.tfs:
        return ds.x["train"], ds.y["train"][:, targets]
    LOG.info("training on %d observational samples and %d perturbed samples of %d TFs", ds.x["train"].shape[0],
             len(rows.tfs), len(set(rows.tfs)))  # fmt: skip
    return np.concatenate([ds.x["train"], rows.x]), np.concatenate([ds.y["train"][:, targets], rows.y[:, targets]])
