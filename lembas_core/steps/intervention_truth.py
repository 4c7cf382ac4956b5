"""Steps of the interventional stage that set up what is scored: the design and the true effects of the
synthetic cohort, or the user's perturbation data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.common.settings import IngestSettings, InterventionLevel, PerturbationChoice
from lembas_core.common.synthetic_spec import SyntheticSpec
from lembas_core.data.dataset import load_dataset
from lembas_core.data.interventions import (
    PerturbationData,
    check_control_scale,
    observed_perturbations,
    read_perturbation_data,
)
from lembas_core.data.perturbation_training import held_out_tfs, read_split, training_tfs
from lembas_core.data.scale import transforms_by_role
from lembas_core.io.atomic import write_tsv
from lembas_core.io.interventions import PerturbationSet
from lembas_core.io.store import Store
from lembas_core.io.tables import LabeledMatrix
from lembas_core.synthetic.cohort import generate_cohort
from lembas_core.synthetic.counterfactual import Counterfactuals
from lembas_core.synthetic.perturbations import (
    choose_individuals,
    choose_tfs,
    eligible_tfs,
    level_values,
    perturbation_truth,
)

LOG = logging.getLogger("lembas_core.steps.intervention_truth")


@dataclass(frozen=True)
class DesignOutputs:
    """What the design job writes: the chosen TFs (design.tsv) and the chosen individuals' counterfactual
    state (:meth:`Counterfactuals.save`), so that each level's truth job need not regenerate the cohort."""

    design: str | Path
    state: str | Path


def design(
    spec: SyntheticSpec, dataset_dir: str | Path, settings: PerturbationChoice, out: DesignOutputs
) -> pd.DataFrame:
    """Choose the perturbed TFs and the test individuals of the synthetic cohort `spec`; write `out`."""
    ds = load_dataset(dataset_dir)
    mechanism = generate_cohort(spec).mechanism
    eligible = eligible_tfs(mechanism, ds.features, ds.targets, settings.min_descendants)
    chosen = choose_tfs(eligible, settings.tfs, settings.seed)
    LOG.info(
        "%d of %d TF inputs move >= %d targets in the true network; %d chosen (strata by TF -> TF out-degree: %s)",
        len(eligible),
        len(ds.features),
        settings.min_descendants,
        len(chosen),
        chosen["stratum"].value_counts().sort_index().to_dict(),
    )
    if chosen.empty:
        LOG.warning(
            "no TF input moves >= %d targets in the true network: the interventional tables will be empty "
            "(lower interventions.min_descendants)",
            settings.min_descendants,
        )
    test_ids = ds.samples["test"]
    individuals = choose_individuals(len(test_ids), settings.individuals, settings.seed)
    position = {sid: i for i, sid in enumerate(mechanism.sample_ids)}
    Counterfactuals.of(mechanism, np.array([position[test_ids[i]] for i in individuals])).save(out.state)
    write_tsv(chosen, out.design)
    return chosen


def ingest_perturbations(
    paths: tuple[str | Path, str | Path],
    file_format: str,
    ingest_dir: str | Path,
    settings: IngestSettings,
    out: str | Path,
) -> PerturbationData:
    """Read and check the user's perturbation matrix and design table `paths` against the ingested cohort in
    `ingest_dir` (a perturbed gene must be a TF column that regulates in the network); save them to `out`."""
    store = Store(ingest_dir, kind="ingest")
    nodes = store.names("network_nodes")
    regulators = {nodes[i] for i in np.unique(store.array("network_source", mmap=False))}
    tf_inputs = set(store.names("tf_columns")) & regulators
    data = read_perturbation_data(paths, file_format, tf_inputs, settings.transform)
    training = [
        LabeledMatrix(store.array(values), store.names("samples"), store.names(columns), str(ingest_dir))
        for values, columns in (("tf_expression", "tf_columns"), ("gene_expression", "gene_columns"))
    ]
    check_control_scale(data, training, transforms_by_role(settings.transform))
    data.save(out)
    return data


def observed_truth(
    data_file: str | Path, dataset_dir: str | Path, out: str | Path, split_file: str | Path | None = None
) -> PerturbationSet:
    """The PerturbationSet (level ``observed``) of the ingested perturbation data for the dataset's inputs and
    targets, on the held-out TFs of `split_file` when given (the models train on the others); saved to `out`."""
    ds = load_dataset(dataset_dir)
    held_out = None
    if split_file:
        split = read_split(split_file)
        held_out = held_out_tfs(split)
        LOG.info("%d perturbed TFs are training TFs: scored are the %d held out", len(split) - len(held_out),
                 len(held_out))  # fmt: skip
    found = observed_perturbations(
        PerturbationData.load(data_file), (ds.features, ds.targets), np.asarray(ds.x["train"]), held_out
    )
    LOG.info("perturbation data: %d TFs perturbed in %d samples", len(found.tfs), found.perturbation.size)
    found.save(out)
    return found


@dataclass(frozen=True)
class TruthInputs:
    """What one level's truth job reads: the design's outputs, the dataset store and, when the models train on
    perturbations, the split of the TFs (:mod:`lembas_core.data.perturbation_training`)."""

    design: DesignOutputs
    dataset: str | Path
    split: str | Path | None = None


def synthetic_truth(inputs: TruthInputs, level: tuple[str, InterventionLevel], out: str | Path) -> PerturbationSet:
    """True effects of setting every designed TF to `level` (name, quantile and shift of the TF's training
    values) in the designed individuals; saved as a PerturbationSet."""
    ds = load_dataset(inputs.dataset)
    counterfactuals = Counterfactuals.load(inputs.design.state)
    tfs = pd.read_csv(inputs.design.design, sep="\t")["tf"].astype(str).tolist()
    position = {sid: i for i, sid in enumerate(ds.samples["test"])}
    x_control = np.asarray(ds.x["test"])[[position[sid] for sid in counterfactuals.mechanism.sample_ids]]
    values, in_range = level_values(np.asarray(ds.x["train"]), level[1].quantile, level[1].shift_sd)
    column = {name: j for j, name in enumerate(ds.features)}
    perturbed = {tf: (float(values[column[tf]]), bool(in_range[column[tf]])) for tf in tfs}
    found = perturbation_truth(counterfactuals, x_control, (ds.features, ds.targets), perturbed, level[0])
    if inputs.split:
        training = training_tfs(read_split(inputs.split))
        found.seen = np.array([tf in training for tf in found.tfs], dtype=bool)
    LOG.info(
        "level %s: %d TFs (%d within their training range) x %d individuals; mean |true effect| %.4g, largest %.4g",
        level[0],
        len(tfs),
        int(found.in_range.sum()),
        counterfactuals.n_samples,
        float(np.abs(found.effect).mean()) if found.effect.size else 0.0,
        float(np.abs(found.effect).max()) if found.effect.size else 0.0,
    )
    found.save(out)
    return found
