"""Interventional training data: the split into training and held-out TFs, the one input convention shared by
training rows and regime A forecasts, the synthetic generator's perturbed training samples, and scoring by
seen / unseen TF."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import DEFAULTS, write_perturbation_data
from cohort_helpers import PERTURBATION_DESIGN as DESIGN
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.dataset import load_dataset
from lembas_core.data.interventions import PerturbationData
from lembas_core.data.perturbation_training import TrainingRows, split_tfs, training_data, training_rows
from lembas_core.evaluation.interventions import score_forecast, summarize
from lembas_core.io.errors import InputDataError
from lembas_core.io.interventions import PerturbationSet
from lembas_core.steps.intervention_truth import ingest_perturbations, observed_truth
from lembas_core.steps.perturbation_training import perturbation_training_rows, synthetic_training_data
from lembas_core.synthetic.cohort import generate_cohort
from lembas_core.synthetic.counterfactual import Descendants
from lembas_core.synthetic.training_perturbations import TrainingFiles

TRAINING = DEFAULTS.interventions.training
TFS = [f"TF{i}" for i in range(10)]


def test_no_training_settings_hold_every_tf_out():
    split = split_tfs(TFS, TRAINING, 1)
    assert not TRAINING.enabled and set(split["split"]) == {"held_out"} and list(split["tf"]) == sorted(TFS)


def test_a_drawn_share_is_seeded_and_always_leaves_a_tf_on_each_side():
    half = replace(TRAINING, train_fraction=0.5)
    first, again, other = (split_tfs(TFS, half, seed) for seed in (1, 1, 2))
    assert first.equals(again) and not first.equals(other)
    assert (first["split"] == "train").sum() == 5 and set(first["source"]) == {"train_fraction"}
    assert (split_tfs(TFS, replace(TRAINING, train_fraction=0.99), 1)["split"] == "held_out").sum() == 1
    assert (split_tfs(TFS, replace(TRAINING, train_fraction=0.01), 1)["split"] == "train").sum() == 1


def test_named_training_tfs_must_be_perturbable_and_leave_one_out():
    split = split_tfs(TFS, replace(TRAINING, train_tfs=("TF3", "TF7")), 1)
    assert set(split.loc[split["split"] == "train", "tf"]) == {"TF3", "TF7"}
    with pytest.raises(InputDataError, match=r"interventions.train_tfs: 1 training TF\(s\) are not perturbable.*'TFX'"):
        split_tfs(TFS, replace(TRAINING, train_tfs=("TF1", "TFX")), 1)
    with pytest.raises(InputDataError, match="no TF is left to score as unseen"):
        split_tfs(TFS, replace(TRAINING, train_tfs=tuple(TFS)), 1)


def test_a_design_split_rules_and_the_settings_may_not_choose_too():
    design = {"TF1": "train", "TF2": "held_out"}
    split = split_tfs(["TF1", "TF2"], TRAINING, 1, design)
    assert list(split["split"]) == ["train", "held_out"] and set(split["source"]) == {"design"}
    with pytest.raises(InputDataError, match="both choose the training TFs") as caught:
        split_tfs(["TF1", "TF2"], replace(TRAINING, train_fraction=0.5), 1, design)
    assert "remove the split column" in str(caught.value)


def _ingested(small_dataset: Path, tmp_path: Path, rows, columns) -> Path:
    matrix, table = write_perturbation_data(tmp_path, rows, columns)
    ingest_perturbations((matrix, table), "auto", small_dataset.parent / "ingest", DEFAULTS.data.ingest,
                         tmp_path / "data.npz")  # fmt: skip
    return tmp_path / "data.npz"


def test_a_tf_in_both_training_and_held_out_sets_is_refused_naming_both_lines(small_dataset, tmp_path):
    rows = [("P0", "control", ""), ("P1", "control", ""), ("P2", "TFA", "train"), ("P3", "TFA", "held_out"),
            ("P4", "TFB", "train"), ("P5", "control", "")]  # fmt: skip
    matrix, table = write_perturbation_data(tmp_path, rows, ("sample_id", "perturbed", "split"))
    with pytest.raises(InputDataError) as caught:
        ingest_perturbations((matrix, table), "auto", small_dataset.parent / "ingest", DEFAULTS.data.ingest,
                             tmp_path / "out.npz")  # fmt: skip
    message = str(caught.value)
    assert str(table) in message and "(line 5)" in message and "'TFA'" in message
    assert "train on line 4, held_out on line 5" in message and "give all samples of one TF the same split" in message
    assert not (tmp_path / "out.npz").exists()


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([("P0", "control", ""), ("P2", "TFA", "P9")], "the paired control 'P9' of sample 'P2' is not a sample"),
        ([("P0", "control", ""), ("P2", "TFA", "P4")], "the paired control 'P4' of sample 'P2' is not a control"),
    ],
)
def test_a_paired_control_must_be_a_control_sample(small_dataset, tmp_path, rows, problem):
    rest = [("P1", "control", ""), ("P3", "TFA", ""), ("P4", "TFB", ""), ("P5", "control", "")]
    matrix, table = write_perturbation_data(tmp_path, rows + rest, ("sample_id", "perturbed", "control"))
    with pytest.raises(InputDataError, match=problem) as caught:
        ingest_perturbations((matrix, table), "auto", small_dataset.parent / "ingest", DEFAULTS.data.ingest,
                             tmp_path / "out.npz")  # fmt: skip
    assert "(line 3)" in str(caught.value) and "name in the control column a sample marked control" in str(caught.value)


@pytest.mark.parametrize("paired", [False, True])
def test_training_rows_are_exactly_the_regime_a_inputs_a_held_out_tf_is_forecast_from(small_dataset, tmp_path, paired):
    """One convention at training and test: score every TF as held out, then train on all of them; the
    training rows must be the regime A inputs and the measured targets of the same samples."""
    pairs = {"P2": "P0", "P3": "P1", "P4": "P5"} if paired else {}
    rows = [(sample, label, pairs.get(sample, "")) for sample, label in DESIGN]
    data = _ingested(small_dataset, tmp_path, rows, ("sample_id", "perturbed", "control"))
    ds = load_dataset(small_dataset)
    scored = observed_truth(data, small_dataset, tmp_path / "observed.npz")
    trained = training_rows(PerturbationData.load(data), {"TFA", "TFB"}, (ds.features, ds.targets),
                            np.asarray(ds.x["train"]))  # fmt: skip
    assert trained.tfs == ["TFA", "TFA", "TFB"]
    np.testing.assert_array_equal(trained.x, scored.x_regime_a())
    matrix = pd.read_csv(tmp_path / "perturbations.tsv", sep="\t", index_col=0)
    g1 = ds.targets.index("G1")
    np.testing.assert_allclose(trained.y[:, g1], matrix.loc[["P2", "P3", "P4"], "G1"], rtol=1e-6)
    controls = matrix.loc[["P0", "P1", "P5"], "TFB"]
    expected = matrix.loc[["P0", "P1"], "TFB"].to_numpy() if paired else np.full(2, controls.mean())
    np.testing.assert_allclose(trained.x[:2, ds.features.index("TFB")], expected, rtol=1e-6)
    if paired:  # the effect is then the mean of sample minus paired control
        want = (matrix.loc[["P2", "P3"], "G1"].to_numpy() - matrix.loc[["P0", "P1"], "G1"].to_numpy()).mean()
        assert scored.effect[0, g1] == pytest.approx(want, rel=1e-5)


def test_held_out_tfs_alone_are_scored_and_the_rows_join_the_training_split(small_dataset, tmp_path):
    rows = [(sample, label, "" if label == "control" else ("train" if label == "TFA" else "held_out"))
            for sample, label in DESIGN]  # fmt: skip
    data = _ingested(small_dataset, tmp_path, rows, ("sample_id", "perturbed", "split"))
    split = tmp_path / "split.tsv"
    split_tfs(["TFA", "TFB"], TRAINING, 1, {"TFA": "train", "TFB": "held_out"}).to_csv(split, sep="\t", index=False)
    scored = observed_truth(data, small_dataset, tmp_path / "observed.npz", split)
    assert scored.tfs == ["TFB"] and scored.seen_labels() == ["unseen"]
    made = perturbation_training_rows(data, split, small_dataset, tmp_path / "rows.npz")
    assert made.tfs == ["TFA", "TFA"]
    ds = load_dataset(small_dataset)
    x, y = training_data(ds, tmp_path / "rows.npz")
    assert x.shape == (ds.x["train"].shape[0] + 2, len(ds.features)) and y.shape[1] == len(ds.targets)
    np.testing.assert_array_equal(x[-2:], TrainingRows.load(tmp_path / "rows.npz").x)
    np.testing.assert_array_equal(y[: ds.y["train"].shape[0]], ds.y["train"])
    x_part, y_part = training_data(ds, tmp_path / "rows.npz", slice(1, 3))
    np.testing.assert_array_equal(y_part, y[:, 1:3])


def test_training_rows_need_every_target_measured(small_dataset, tmp_path):
    data = _ingested(small_dataset, tmp_path, DESIGN, ("sample_id", "perturbed"))
    ds = load_dataset(small_dataset)
    names, x_train = (ds.features, [*ds.targets, "GX"]), np.asarray(ds.x["train"])
    with pytest.raises(InputDataError, match=r"target gene\(s\) of the models are not in the perturbation matrix"):
        training_rows(PerturbationData.load(data), {"TFA"}, names, x_train)
    empty = training_rows(PerturbationData.load(data), set(), names, x_train)
    assert empty.x.shape == (0, len(ds.features))  # no training TF: nothing needed, nothing added


def test_rows_made_for_another_dataset_are_refused(small_dataset, tmp_path):
    ds = load_dataset(small_dataset)
    TrainingRows(np.zeros((1, 2), np.float32), np.zeros((1, 1), np.float32), ["TFA"], ["a", "b"], ["c"]).save(
        tmp_path / "rows.npz"
    )
    with pytest.raises(InputDataError, match="made for another dataset"):
        training_data(ds, tmp_path / "rows.npz")


def test_the_generator_perturbs_training_individuals_exactly_and_writes_the_users_layout(tiny_dataset, tmp_path):
    spec, settings = PRESETS["tiny"], replace(TRAINING, train_fraction=0.5, train_individuals=6)
    out = TrainingFiles(tmp_path / "m.tsv", tmp_path / "d.tsv", tmp_path / "split.tsv", "tsv")
    split = synthetic_training_data(spec, tiny_dataset, (DEFAULTS.interventions.choice, settings), out)
    matrix = pd.read_csv(out.matrix, sep="\t", index_col=0)
    design = pd.read_csv(out.design, sep="\t", keep_default_na=False)
    training = sorted(split.loc[split["split"] == "train", "tf"])
    assert training and (split["split"] == "held_out").any()
    perturbed = design[design["perturbed"] != "control"]
    assert sorted(set(perturbed["perturbed"])) == training
    assert len(perturbed) == len(training) * len(settings.train_quantiles) * 6
    ds = load_dataset(tiny_dataset)
    individuals = {c.removesuffix("_control") for c in perturbed["control"]}
    assert individuals <= set(ds.samples["train"])  # never a test individual
    mechanism = generate_cohort(spec).mechanism
    descendants = Descendants.of(mechanism)
    for _, row in perturbed.head(12).iterrows():
        moved = matrix.loc[row["sample_id"]] != matrix.loc[row["control"]]
        r = mechanism.regulators.index(row["perturbed"])
        reachable = {mechanism.regulators[i] for i in descendants.tfs(r)[0]} | {row["perturbed"]}
        reachable |= {mechanism.plain_genes[j] for j in descendants.genes(r)[0]}
        assert set(moved[moved].index) <= reachable  # only true descendants (and the TF) move
    again = tmp_path / "again"
    again.mkdir()
    out2 = TrainingFiles(again / "m.tsv", again / "d.tsv", again / "split.tsv", "tsv")
    synthetic_training_data(spec, tiny_dataset, (DEFAULTS.interventions.choice, settings), out2)
    for a, b in ((out.matrix, out2.matrix), (out.design, out2.design), (out.split, out2.split)):
        assert Path(a).read_bytes() == Path(b).read_bytes()


def test_scores_and_summaries_keep_seen_and_unseen_tfs_apart():
    effect = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]])
    found = PerturbationSet(
        level="knockdown", in_range=np.array([True, True]), features=["A", "B"], targets=["g1", "g2", "g3"],
        tfs=["A", "B"], perturbation=np.array([0, 1]), control=np.array([0, 0]),
        value=np.zeros(2, np.float32), x_control=np.zeros((1, 2), np.float32), x_oracle=None, effect=effect,
        hops=None, seen=np.array([True, False]),
    )  # fmt: skip
    rows = score_forecast(found, effect, ("m", "A"), 2)
    assert dict(zip(rows["tf"], rows["seen"])) == {"A": "seen", "B": "unseen"}
    summary = summarize(rows)
    pearson = summary[summary["metric"] == "pearson_delta"]
    assert set(pearson["seen"]) == {"seen", "unseen"} and (pearson["n_tfs"] == 1).all()


def test_a_sample_left_unpaired_in_a_paired_design_reads_the_controls_mean(small_dataset, tmp_path):
    pairs = {"P2": "P0", "P4": "P5"}  # P3 (TFA) has an empty control cell
    rows = [(sample, label, pairs.get(sample, "")) for sample, label in DESIGN]
    data = _ingested(small_dataset, tmp_path, rows, ("sample_id", "perturbed", "control"))
    ds = load_dataset(small_dataset)
    trained = training_rows(PerturbationData.load(data), {"TFA", "TFB"}, (ds.features, ds.targets),
                            np.asarray(ds.x["train"]))  # fmt: skip
    matrix = pd.read_csv(tmp_path / "perturbations.tsv", sep="\t", index_col=0)
    tfb = ds.features.index("TFB")
    expected = [matrix.loc["P0", "TFB"], matrix.loc[["P0", "P1", "P5"], "TFB"].mean()]
    np.testing.assert_allclose(trained.x[:2, tfb], expected, rtol=1e-6)
    scored = observed_truth(data, small_dataset, tmp_path / "observed.npz")
    np.testing.assert_array_equal(trained.x, scored.x_regime_a())  # the same convention at test
