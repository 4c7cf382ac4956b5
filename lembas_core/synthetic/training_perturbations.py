"""Interventional training data from the synthetic generator: perturbed samples of training individuals,
written in the layout of the user's perturbation data (`data.files.interventions` and its design table).

The training TFs are a share or a named set of the eligible TFs (:func:`lembas_core.synthetic.perturbations.
eligible_tfs`, split by :func:`lembas_core.data.perturbation_training.split_tfs`). Each is set, in
`train_individuals` training-split individuals drawn for it (seeded, without replacement), to each of
`train_quantiles` of its detected training values (:func:`lembas_core.synthetic.perturbations.level_values`),
so that seen TFs are tested at new levels and always in new (test-split) individuals. A perturbed sample is
the exact counterfactual of its individual as a measurement records it
(:meth:`lembas_core.synthetic.counterfactual.Counterfactuals.measured`), with the perturbed TF at its set
level; next to it the individual's own observed sample is written as its paired control (design column
`control`), because the generator knows it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.common.settings import PerturbationTraining
from lembas_core.io.atomic import write_tsv
from lembas_core.io.interventions import CONTROL
from lembas_core.io.table_writer import write_matrix, write_table
from lembas_core.synthetic.cohort import Mechanism
from lembas_core.synthetic.counterfactual import Counterfactuals, level_of
from lembas_core.synthetic.perturbations import gather, generator_columns, level_values

LOG = logging.getLogger("lembas_core.synthetic.training_perturbations")


@dataclass(frozen=True)
class TrainingSplit:
    """The dataset's side: `features` and `targets` (the matrix's columns), the training split's sample IDs
    (`samples`) and inputs (`x_train`: samples x features, the levels are quantiles of them)."""

    features: list[str]
    targets: list[str]
    samples: list[str]
    x_train: np.ndarray


@dataclass(frozen=True)
class TrainingFiles:
    """Where the generated perturbation data go: the matrix and design table (in `fmt`), and the split."""

    matrix: str | Path
    design: str | Path
    split: str | Path
    fmt: str


def _individuals(n_train: int, tfs: list[str], settings: PerturbationTraining, seed: int) -> dict[tuple, np.ndarray]:
    """(TF, quantile) -> sorted training-split rows perturbed (`train_individuals` each, all when fewer)."""
    rng = np.random.default_rng([seed, 4])
    n = min(settings.train_individuals, n_train)
    return {
        (tf, q): np.sort(rng.choice(n_train, size=n, replace=False)) for tf in tfs for q in settings.train_quantiles
    }


def _sample_id(individual: str, tf: str, quantile: float) -> str:
    """The ID of `individual`'s sample with `tf` set to its `quantile` level."""
    return f"{individual}_{tf}_q{quantile:g}"


def training_perturbations(
    mechanism: Mechanism, ds: TrainingSplit, split: pd.DataFrame, settings: PerturbationTraining, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(matrix: samples x the dataset's features then its other targets, design: sample_id, perturbed,
    control) of the training TFs of `split` (columns tf, split), from the training-split individuals `ds`."""
    training = split.loc[split["split"] == "train", "tf"].astype(str).tolist()
    columns = list(ds.features) + [t for t in ds.targets if t not in set(ds.features)]
    where = generator_columns(mechanism, columns)
    position = {sid: i for i, sid in enumerate(mechanism.sample_ids)}
    train_rows = np.array([position[sid] for sid in ds.samples], dtype=np.int64)
    chosen = _individuals(train_rows.size, training, settings, seed)
    used = np.unique(np.concatenate(list(chosen.values()))) if chosen else np.zeros(0, dtype=np.int64)
    everyone = Counterfactuals.of(mechanism, train_rows[used])
    at = {row: i for i, row in enumerate(used)}
    feature = {name: j for j, name in enumerate(ds.features)}
    levels = {q: level_values(ds.x_train, q, 0.0)[0] for q in settings.train_quantiles}
    observed = gather((everyone.mechanism.tf_values, everyone.mechanism.plain_values), where)
    ids = everyone.mechanism.sample_ids
    blocks, names, design = (
        [observed],
        [f"{sid}_{CONTROL}" for sid in ids],
        [(f"{sid}_{CONTROL}", CONTROL, "") for sid in ids],
    )
    for (tf, quantile), rows in chosen.items():
        some = everyone.subset(np.array([at[r] for r in rows]))
        r = mechanism.regulators.index(tf)
        value = float(np.round(levels[quantile][feature[tf]], 4))
        measured = gather(some.measured(some.clamp(r, level_of(mechanism, r, value))), where)
        measured[:, columns.index(tf)] = value
        blocks.append(measured)
        for sid in some.mechanism.sample_ids:
            names.append(_sample_id(sid, tf, quantile))
            design.append((names[-1], tf, f"{sid}_{CONTROL}"))
    values = np.round(np.concatenate(blocks).astype(np.float64), 4)  # as the generator writes its matrices
    matrix = pd.DataFrame(values, index=names, columns=columns)
    return matrix, pd.DataFrame(design, columns=["sample_id", "perturbed", "control"])


def write_training_perturbations(
    matrix: pd.DataFrame, design: pd.DataFrame, split: pd.DataFrame, out: TrainingFiles
) -> None:
    """Write the generated perturbation data and the split (each file complete or not at all)."""
    write_matrix(out.matrix, matrix.to_numpy(), list(matrix.index), list(matrix.columns), out.fmt)
    write_table(out.design, design, out.fmt)
    write_tsv(split, out.split)
    n_perturbed = int((design["perturbed"] != CONTROL).sum())
    LOG.info("interventional training data: %d perturbed samples of %d TFs (%d held out), %d paired controls",
             n_perturbed, int((split["split"] == "train").sum()), int((split["split"] == "held_out").sum()),
             len(design) - n_perturbed)  # fmt: skip
