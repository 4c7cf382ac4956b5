"""Pipeline steps (one per rule) on the small cohort, without Snakemake: stores in, files out."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import DEFAULTS
from lembas_core.common.layout import SPLITS
from lembas_core.common.settings import ScoreSettings
from lembas_core.data.dataset import load_dataset
from lembas_core.evaluation.intervals import Replicates
from lembas_core.models.base import REGISTRY, ModelFile, load_model
from lembas_core.models.fit_report import FitReport
from lembas_core.models.linear import LinearModel
from lembas_core.models.settings import RNNExecution, XGBRFExecution
from lembas_core.steps.fit_linear import FitOutputs, fit_linear
from lembas_core.steps.latency import latency_table
from lembas_core.steps.predict import predict_split
from lembas_core.steps.score import ScoreOutputs, score_split
from lembas_core.steps.shap import ShapOutputs, explain
from lembas_core.steps.summarize_metrics import SummaryInputs, SummaryOutputs, summarize
from lembas_core.steps.train_rnn import RNNOutputs, train_rnn
from lembas_core.steps.train_xgbrf import assemble_xgbrf, train_xgbrf_batch

TINY_RNN = replace(
    DEFAULTS.models["rnn"],
    training=replace(
        DEFAULTS.models["rnn"].training,
        epochs=3,
        batch_size=8,
        warmup_epochs=1,
        spectral_samples=2,
        steps=0,
        convergence_check=0.0,
    ),
)


def fit_outputs(path, name: str, network: bool = False) -> FitOutputs:
    """Model, fit report (and network) files of model `name` under `path`."""
    return FitOutputs(path / f"{name}.npz", path / f"{name}.fit.json", path / f"{name}.tsv" if network else None)


@pytest.fixture
def dataset(small_dataset):
    return small_dataset


def test_linear_fits_predict_and_score(dataset, tmp_path):
    ds = load_dataset(dataset)
    for kind in (name for name, entry in REGISTRY.items() if entry.trainer == "fit_linear"):
        fit_linear(kind, kind, DEFAULTS.models[kind], dataset, fit_outputs(tmp_path, kind))
        assert LinearModel.load(tmp_path / f"{kind}.npz").kind == kind
        report = FitReport.read(tmp_path / f"{kind}.fit.json")
        assert report.model == kind and report.converged is True
    for split in SPLITS:
        mlr = ModelFile("mlr", "mlr", tmp_path / "mlr.npz")
        pred = predict_split(mlr, dataset, split, tmp_path / f"mlr_{split}.npy", threads=1)
        np.testing.assert_array_equal(np.load(tmp_path / f"mlr_{split}.npy"), pred)
        assert pred.shape == (len(ds.samples[split]), len(ds.targets))
    predict_split(ModelFile("mean", "mean", tmp_path / "mean.npz"), dataset, "train", tmp_path / "mean_train.npy", 1)
    outputs = ScoreOutputs(tmp_path / "g.tsv", tmp_path / "r.tsv", tmp_path / "resamples.npz")
    row = score_split("mean", "train", tmp_path / "mean_train.npy", dataset, outputs, DEFAULTS.evaluate.score)
    assert row["r2_uniform_plain"] == pytest.approx(0.0, abs=1e-6)  # the training mean explains nothing of train
    assert row["r2_uniform_lo"] < row["r2_uniform"] < row["r2_uniform_hi"] < 0.2  # in-sample: its own samples' mean
    assert Replicates.load(outputs.resamples).estimate["r2_uniform_plain"] == row["r2_uniform_plain"]
    table = pd.read_csv(tmp_path / "g.tsv", sep="\t")
    assert table["gene"].tolist() == ds.targets and np.allclose(table["r2"], 0.0, atol=1e-6)


def test_perfect_predictions_score_one_and_summaries_gather_every_pair(dataset, tmp_path):
    ds = load_dataset(dataset)
    per_gene, predictions, resamples, rows = {}, {}, {}, []
    for model, noise in (("perfect", 0.0), ("noisy", 0.5)):
        path = tmp_path / f"{model}_test.npy"
        y = np.asarray(ds.y["test"], np.float32)
        np.save(path, y + noise * np.random.default_rng(0).standard_normal(y.shape).astype(np.float32))
        per_gene[(model, "test")], predictions[(model, "test")] = tmp_path / f"{model}_g.tsv", path
        rows.append(tmp_path / f"{model}_row.tsv")
        resamples[(model, "test")] = tmp_path / f"{model}_resamples.npz"
        outputs = ScoreOutputs(per_gene[(model, "test")], rows[-1], resamples[(model, "test")])
        row = score_split(model, "test", path, dataset, outputs, DEFAULTS.evaluate.score)
        if noise == 0:
            assert row["r2_flat"] == pytest.approx(1.0) and row["rmse"] == pytest.approx(0.0)
    outputs = [tmp_path / name for name in ("summary.tsv", "strata.tsv", "paired.tsv", "fits.tsv", "rep.tsv")]
    reports = [tmp_path / "perfect.fit.json", tmp_path / "noisy.fit.json"]
    FitReport("perfect", "copy of the truth", True, 0, 0, 0, "exact").write(reports[0])
    FitReport("noisy", "truth plus noise", None, 3, 0, 0, "a recipe").write(reports[1])
    summary = summarize(
        SummaryInputs(rows, per_gene, predictions, reports, dataset, resamples),
        SummaryOutputs(*outputs),
        DEFAULTS.evaluate.score,
    )
    fits = pd.read_csv(outputs[3], sep="\t")
    assert fits[["model", "converged", "optimizer_steps"]].values.tolist() == [
        ["perfect", "yes", 0],
        ["noisy", "recipe", 3],
    ]
    assert summary["model"].tolist() == ["perfect", "noisy"]
    paired = pd.read_csv(outputs[2], sep="\t")
    assert paired[["model_a", "model_b"]].values.tolist() == [["perfect", "noisy"]]
    assert paired["fraction_a_better"].iloc[0] == 1.0
    perfect, noisy = (Replicates.load(resamples[(m, "test")]).estimate["r2_uniform"] for m in ("perfect", "noisy"))
    assert perfect == pytest.approx(1.0) and noisy < 1
    # 4 test samples: below every size at which the rule's false-verdict rate was measured
    assert paired["verdict"].iloc[0] == "cannot tell at this size"
    assert set(pd.read_csv(outputs[1], sep="\t")["model"]) == {"perfect", "noisy"}
    assert pd.read_csv(outputs[4], sep="\t")["n_replicates"].tolist() == [1, 1]


def test_without_intervals_the_score_jobs_keep_only_the_estimates(dataset, tmp_path):
    """`evaluate.interval: none` reads no replicate: the score jobs compute none (their resamples hold the
    estimates alone) and the paired table gives the differences without an interval."""
    settings = ScoreSettings.from_params(replace(DEFAULTS.evaluate.score, interval="none").params())
    ds = load_dataset(dataset)
    y = np.asarray(ds.y["test"], np.float32)
    noise = np.random.default_rng(1).standard_normal(y.shape).astype(y.dtype)
    files: dict[str, dict] = {"rows": {}, "per_gene": {}, "predictions": {}, "resamples": {}}
    for model, scale in (("close", 0.1), ("far", 0.5)):
        key = (model, "test")
        files["predictions"][key] = tmp_path / f"{model}.npy"
        np.save(files["predictions"][key], y + scale * noise)
        for part, suffix in (("per_gene", "g.tsv"), ("rows", "r.tsv"), ("resamples", "npz")):
            files[part][key] = tmp_path / f"{model}.{suffix}"
        outputs = ScoreOutputs(files["per_gene"][key], files["rows"][key], files["resamples"][key])
        row = score_split(model, "test", files["predictions"][key], dataset, outputs, settings)
        found = Replicates.load(files["resamples"][key])
        assert found.estimate["r2_uniform"] == row["r2_uniform"] and found.n == len(ds.samples["test"])
        assert all(len(v) == 0 for part in (found.bootstrap, found.jackknife) for v in part.values())
        assert "r2_uniform_lo" not in row and found.estimate["r2_uniform_plain"] == row["r2_uniform_plain"]
    reports = [tmp_path / f"{model}.fit.json" for model in ("close", "far")]
    for model, path in zip(("close", "far"), reports):
        FitReport(model, "truth plus noise", None, 0, 0, 0, "a recipe").write(path)
    inputs = SummaryInputs(list(files["rows"].values()), files["per_gene"], files["predictions"], reports, dataset,
                           files["resamples"])  # fmt: skip
    outputs = [tmp_path / name for name in ("summary.tsv", "strata.tsv", "paired.tsv", "fits.tsv", "rep.tsv")]
    summarize(inputs, SummaryOutputs(*outputs), settings)
    paired = pd.read_csv(outputs[2], sep="\t")
    assert paired["r2_uniform_difference"].iloc[0] > 0 and paired["verdict"].iloc[0] == "no interval"
    assert paired["r2_uniform_difference_lo"].isna().all()


def test_network_models_write_the_network_they_used(dataset, tmp_path):
    """prior_ridge and the RNN on a shuffled network: the network file next to the model is the one used."""
    prior = pd.read_csv(tmp_path / "in" / "network.tsv", sep="\t")
    settings = replace(DEFAULTS.models["prior_ridge"], network="shuffled", network_seed=5)
    model = fit_linear(
        "pr_shuffled",
        "prior_ridge",
        settings,
        dataset,
        FitOutputs(tmp_path / "p.npz", tmp_path / "p.json", tmp_path / "p.tsv"),
    )
    used = pd.read_csv(tmp_path / "p.tsv", sep="\t")
    assert len(used) == len(prior) and list(used.columns) == ["TF", "Gene", "Interaction"]
    assert set(zip(used.TF, used.Gene)) != set(zip(prior.TF, prior.Gene))
    for i, gene in enumerate(model.targets):  # each gene's nonzero coefficients are its regulators in that file
        regulators = set(used.loc[used.Gene == gene, "TF"]) & set(model.features)
        assert {f for f, c in zip(model.features, model.coef[i]) if c != 0} <= regulators
    report = FitReport.read(tmp_path / "p.json")
    assert report.model == "pr_shuffled" and "shuffled network (seed 5" in report.method
    rnn = replace(TINY_RNN, network="shuffled", network_seed=5)
    outputs = RNNOutputs(*(tmp_path / name for name in ("r.pt", "r.tsv", "r.json", "r_network.tsv")))
    train_rnn("rnn_shuffled", rnn, RNNExecution("cpu", 5), dataset, outputs)
    assert (tmp_path / "r_network.tsv").read_bytes() == (tmp_path / "p.tsv").read_bytes()  # same seed, same network
    loaded = load_model("rnn", tmp_path / "r.pt").network.graph
    nodes = np.asarray(loaded.nodes, dtype=object)
    assert set(zip(nodes[loaded.col], nodes[loaded.row])) == set(zip(used.TF, used.Gene))
    assert FitReport.read(tmp_path / "r.json").model == "rnn_shuffled"


def test_xgbrf_batches_assemble_into_one_model_in_dataset_order(dataset, tmp_path):
    ds = load_dataset(dataset)
    settings = replace(DEFAULTS.models["xgbrf"], batch_size=3)  # 4 targets: batches of 3 and 1
    files = [str(tmp_path / f"batch_{i:03d}.ubj") for i in range(2)]
    for i, path in enumerate(files):
        train_xgbrf_batch(dataset, i, settings, XGBRFExecution("cpu"), 1, path)
    with pytest.raises(ValueError, match="batch 2 does not exist"):
        train_xgbrf_batch(dataset, 2, settings, XGBRFExecution("cpu"), 1, tmp_path / "none.ubj")
    index = assemble_xgbrf(files, settings, tmp_path / "index.json", tmp_path / "xgbrf.fit.json", "xgbrf")
    assert FitReport.read(tmp_path / "xgbrf.fit.json").converged is None  # a fixed recipe
    assert [(b["start"], b["stop"]) for b in index["batches"]] == [(0, 3), (3, 4)]
    model = load_model("xgbrf", tmp_path / "index.json")
    assert model.targets == ds.targets and model.features == ds.features
    pred = predict_split(ModelFile("xgbrf", "xgbrf", tmp_path / "index.json"), dataset, "test", tmp_path / "p.npy", 1)
    assert pred.shape == (len(ds.samples["test"]), 4)


def test_rnn_step_trains_saves_and_ignores_the_checkpoint_period(dataset, tmp_path):
    ds = load_dataset(dataset)
    files = {}
    for every in (1, 2):
        out = tmp_path / f"every_{every}"
        checkpoint = out / "rnn.checkpoint.pt"
        outputs = RNNOutputs(out / "rnn.pt", out / "h.tsv", out / "r.json", out / "network.tsv", checkpoint)
        train_rnn("rnn", TINY_RNN, RNNExecution("cpu", every), dataset, outputs)
        assert not checkpoint.exists()  # the finished model supersedes it
        files[every] = (out / "rnn.pt").read_bytes()
        history = pd.read_csv(out / "h.tsv", sep="\t")
        assert history["epoch"].tolist() == [1, 2, 3]
        report = FitReport.read(out / "r.json")
        assert report.epochs == 3 and report.converged is False and "raise models.rnn.steps" in report.stop_reason
    assert files[1] == files[2]  # the checkpoint period is an execution setting, not a result
    model = load_model("rnn", tmp_path / "every_1" / "rnn.pt")
    rnn = ModelFile("rnn", "rnn", tmp_path / "every_1" / "rnn.pt")
    pred = predict_split(rnn, dataset, "validation", tmp_path / "v.npy", threads=1)
    np.testing.assert_array_equal(pred, model.predict(np.asarray(ds.x["validation"])))


def test_latency_and_shap_steps_dispatch_through_the_registry(dataset, tmp_path):
    ds = load_dataset(dataset)
    fit_linear("ridge", "ridge", DEFAULTS.models["ridge"], dataset, fit_outputs(tmp_path, "ridge"))
    fit_linear("mean", "mean", DEFAULTS.models["mean"], dataset, fit_outputs(tmp_path, "mean"))
    models = [ModelFile(kind, kind, tmp_path / f"{kind}.npz") for kind in ("ridge", "mean")]
    table = latency_table(models, dataset, tmp_path / "latency.tsv", threads=1, repeats=20)
    assert table[["model", "mode"]].values.tolist() == [
        ["ridge", "single_sample"],
        ["ridge", "batch"],
        ["mean", "single_sample"],
        ["mean", "batch"],
    ]
    assert (table["median_ms"] > 0).all() and (table["batch_size"].iloc[1] == len(ds.samples["validation"]))
    gene = ds.targets[0]
    out = {name: tmp_path / f"{name}" for name in ("s.npz", "w.png", "b.png")}
    outputs = ShapOutputs(out["s.npz"], out["w.png"], out["b.png"])
    explain(models[0], gene, dataset, outputs, DEFAULTS.shap.gradient, 1)
    with np.load(out["s.npz"]) as saved:
        model = LinearModel.load(tmp_path / "ridge.npz")
        x = np.asarray(ds.x["validation"], np.float32)
        additive = saved["values"].sum(1) + saved["expected_value"]
        np.testing.assert_allclose(additive, model.predict(x)[:, 0], atol=1e-4)
    assert out["w.png"].read_bytes()[:4] == b"\x89PNG"
