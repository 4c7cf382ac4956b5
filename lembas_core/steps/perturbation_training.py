"""Steps that make the interventional training data: the split of the perturbed TFs into training and
held-out TFs, the synthetic cohort's perturbed training samples, and the training rows every model kind
adds to its training split (:mod:`lembas_core.data.perturbation_training`)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.common.settings import PerturbationChoice, PerturbationTraining
from lembas_core.common.synthetic_spec import SyntheticSpec
from lembas_core.data.dataset import load_dataset
from lembas_core.data.interventions import CONTROL, PerturbationData
from lembas_core.data.perturbation_training import (
    TrainingRows,
    design_split,
    read_split,
    split_tfs,
    training_rows,
    training_tfs,
)
from lembas_core.io.atomic import write_tsv
from lembas_core.synthetic.cohort import generate_cohort
from lembas_core.synthetic.perturbations import eligible_tfs
from lembas_core.synthetic.training_perturbations import (
    TrainingFiles,
    TrainingSplit,
    training_perturbations,
    write_training_perturbations,
)

LOG = logging.getLogger("lembas_core.steps.perturbation_training")


def synthetic_training_data(
    spec: SyntheticSpec,
    dataset_dir: str | Path,
    settings: tuple[PerturbationChoice, PerturbationTraining],
    out: TrainingFiles,
) -> pd.DataFrame:
    """Split the synthetic cohort's eligible TFs (`settings` = (the test's choice: min_descendants and seed,
    the training settings)) and generate the training TFs' perturbed samples; write `out`. Returns the split."""
    choice, training = settings
    ds = load_dataset(dataset_dir)
    mechanism = generate_cohort(spec).mechanism
    eligible = eligible_tfs(mechanism, ds.features, ds.targets, choice.min_descendants)["tf"].astype(str).tolist()
    split = split_tfs(eligible, training, choice.seed)
    side = TrainingSplit(ds.features, ds.targets, ds.samples["train"], np.asarray(ds.x["train"]))
    matrix, design = training_perturbations(mechanism, side, split, training, choice.seed)
    write_training_perturbations(matrix, design, split, out)
    return split


def split_perturbation_data(
    data_file: str | Path, dataset_dir: str | Path, training: PerturbationTraining, seed: int, out: str | Path
) -> pd.DataFrame:
    """Split the TFs the user's perturbation data perturb that are model inputs of the dataset (the design's
    split column, or `training`); write the SPLIT_COLUMNS table to `out`."""
    data = PerturbationData.load(data_file)
    features = set(load_dataset(dataset_dir).features)
    perturbed = sorted({label for label in data.perturbed if label != CONTROL})
    if set(perturbed) - features:
        LOG.warning("perturbed TF(s) %s are not model inputs after preprocessing: neither trained on nor scored",
                    sorted(set(perturbed) - features))  # fmt: skip
    split = split_tfs([tf for tf in perturbed if tf in features], training, seed, design_split(data))
    write_tsv(split, out)
    return split


def perturbation_training_rows(
    data_file: str | Path, split_file: str | Path, dataset_dir: str | Path, out: str | Path
) -> TrainingRows:
    """The training rows of the training TFs of `split_file` in the perturbation data `data_file`, on the
    dataset's inputs and targets; saved to `out`."""
    ds = load_dataset(dataset_dir)
    training = training_tfs(read_split(split_file))
    rows = training_rows(
        PerturbationData.load(data_file), training, (ds.features, ds.targets), np.asarray(ds.x["train"])
    )
    rows.save(out)
    return rows
