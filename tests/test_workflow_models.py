"""Workflow tests of the model stages on the tiny preset (real snakemake)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from lembas_core.data.dataset import load_dataset
from lembas_core.models.base import load_model
from lembas_core.models.linear import LinearModel
from lembas_core.models.rnn.io import load_rnn
from workflow_helpers import TINY, snakemake, write_config

pytestmark = pytest.mark.workflow


def test_all_models_trained(tiny_run):
    ds = load_dataset(tiny_run / "results/dataset")
    for kind in ("mlr", "ridge", "mean"):
        model = LinearModel.load(tiny_run / f"results/models/{kind}.npz")
        assert model.targets == ds.targets and model.features == ds.features
    index = json.loads((tiny_run / "results/models/xgbrf/index.json").read_text())
    assert [b["stop"] - b["start"] for b in index["batches"]] == [60, 60, 30]  # tiny: 150 targets, batch 60
    xgbrf = load_model("xgbrf", tiny_run / "results/models/xgbrf/index.json")
    pred = xgbrf.predict(ds.x["test"])
    assert xgbrf.targets == ds.targets and pred.shape == (len(ds.samples["test"]), 150)
    rnn, features, targets = load_rnn(tiny_run / "results/models/rnn.pt")
    assert features == ds.features and targets == ds.targets
    assert rnn.predict(ds.x["validation"]).shape == (len(ds.samples["validation"]), 150)
    history = (tiny_run / "results/models/rnn_training.tsv").read_text().splitlines()
    assert history[0].startswith("epoch\tphase\tloss\tmse")
    phases = [int(line.split("\t")[1]) for line in history[1:]]
    assert phases == [0, 0, 0, 1, 1]  # tiny: 3 epochs, still improving at the cap, then the check (2 epochs)
    assert not (tiny_run / "results/models/rnn.checkpoint.pt").exists()
    assert "rnn test MSE" in (tiny_run / "logs/models/rnn.log").read_text()


def test_rnn_job_asks_for_a_gpu(tiny_run):
    result = snakemake(tiny_run, "-n", "--forcerun", "train_rnn", configfiles=(TINY,))
    assert result.returncode == 0, result.stdout + result.stderr
    job = result.stdout[result.stdout.index("rule train_rnn") :]
    assert re.search(r"resources: .*gpu=1", job.split("\n\n")[0])


def test_batch_jobs_are_separate_jobs_derived_from_data(tiny_run, tmp_path):
    bigger = write_config(tmp_path / "b.yaml", {"models": {"xgbrf": {"batch_size": 40}}})
    result = snakemake(tiny_run, "-n", configfiles=(TINY, bigger))
    assert result.returncode == 0, result.stdout + result.stderr
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", result.stdout, flags=re.M))
    assert counts.get("train_xgbrf_batch") == "4"  # ceil(150 / 40)
    assert "fit_linear" not in counts and "train_rnn" not in counts


def test_every_model_scored_on_every_split(tiny_run):
    import pandas as pd

    summary = pd.read_csv(tiny_run / "results/metrics/summary.tsv", sep="\t")
    assert len(summary) == 7 * 3
    assert {
        "model",
        "split",
        "n_samples",
        "n_genes",
        "r2_flat",
        "r2_uniform",
        "pearson",
        "rmse",
        "mae",
        "r2_flat_lo",
        "r2_flat_hi",
    } <= set(summary.columns)
    validation = summary[summary.split == "validation"]
    assert (validation.n_genes < 150).all(), "zero-filled validation genes are excluded from headline numbers"
    per_gene = pd.read_csv(tiny_run / "results/metrics/per_gene/rnn_validation.tsv", sep="\t")
    assert len(per_gene) == 150 and per_gene.zero_filled.sum() == 150 - validation.n_genes.iloc[0]
    mlr_test = summary[(summary.model == "mlr") & (summary.split == "test")].iloc[0]
    mean_test = summary[(summary.model == "mean") & (summary.split == "test")].iloc[0]
    assert mlr_test.r2_uniform > mean_test.r2_uniform
    strata = pd.read_csv(tiny_run / "results/metrics/strata.tsv", sep="\t")
    assert len(strata) == 7 * 3 * 3
    paired = pd.read_csv(tiny_run / "results/metrics/paired.tsv", sep="\t")
    assert len(paired) == 3 * 21  # every pair of the 7 models, per split


def test_shap_figures_and_report(tiny_run):
    for model in ("mlr", "xgbrf", "rnn"):
        for gene in ("ALB", "AFP"):
            with np.load(tiny_run / f"results/shap/{model}_{gene}.npz", allow_pickle=False) as data:
                assert data["values"].shape == (40, 24) and str(data["gene"]) == gene
            assert (tiny_run / f"results/figures/shap/{model}_{gene}_waterfall.png").stat().st_size > 1000
    figures = ("metrics", "strata", "latency", "per_gene_test", "observed_vs_predicted_validation", "rnn_training")
    for name in (*figures, "rnn_shuffled_training", "ladder"):
        assert (tiny_run / f"results/figures/{name}.png").read_bytes()[:4] == b"\x89PNG"
        assert (tiny_run / f"results/figures/{name}.svg").exists()
    import pandas as pd

    latency = pd.read_csv(tiny_run / "results/latency.tsv", sep="\t")
    assert set(latency["mode"]) == {"single_sample", "batch"} and len(latency) == 14 and (latency.threads == 1).all()
    truth = pd.read_csv(tiny_run / "results/metrics/truth_recovery.tsv", sep="\t")
    assert len(truth) == 7 * 2 + 2 and truth.auroc.dropna().between(0, 1).all()  # SHAP per model x gene, 2 RNNs
    assert set(truth.loc[truth.what == "rnn_weights", "model"]) == {"rnn", "rnn_shuffled"}
    result = snakemake(tiny_run, "--report", "results/report.html", configfiles=(TINY,))
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tiny_run / "results/report.html").read_text(errors="ignore")
    assert "observed_vs_predicted_test" in html and "waterfall" in html
    assert "What the network adds" in html and "ladder_paired.tsv" in html
    verdict = (tiny_run / "results/verdict.md").read_text()
    first_sentence = next(line for line in verdict.splitlines() if line.startswith("- ")).removeprefix("- ")
    assert verdict.startswith("# Verdict") and first_sentence.startswith("On the test split (48 samples")
    assert first_sentence.split(" (")[0] in html  # the report opens on the verdict


def test_ladder_tables_show_every_model_and_the_controls(tiny_run):
    import pandas as pd

    ladder = pd.read_csv(tiny_run / "results/metrics/ladder.tsv", sep="\t")
    assert ladder["model"].tolist() == ["mean", "ridge", "mlr", "prior_ridge", "xgbrf", "rnn", "rnn_shuffled"]
    assert ladder.set_index("model").loc["rnn_shuffled", "network"] == "shuffled"
    summary = pd.read_csv(tiny_run / "results/metrics/summary.tsv", sep="\t").set_index(["model", "split"])
    for model in ("prior_ridge", "rnn_shuffled"):
        row = ladder.set_index("model").loc[model]
        assert row["test_r2_uniform"] == pytest.approx(summary.loc[(model, "test"), "r2_uniform"])
    paired = pd.read_csv(tiny_run / "results/metrics/ladder_paired.tsv", sep="\t")
    assert paired[["model_a", "model_b"]].drop_duplicates().values.tolist() == [
        ["rnn", "rnn_shuffled"],
        ["rnn", "prior_ridge"],
        ["prior_ridge", "ridge"],
    ]
    assert set(paired["split"]) == {"test", "validation"}
    assert ((paired.fraction_a_better + paired.fraction_b_better) <= 1).all()
    assert set(paired.verdict) <= {"a_better", "tie", "b_better"}
    assert (paired.r2_uniform_difference_lo <= paired.r2_uniform_difference_hi).all()
    for metric in ("r2_uniform", "pearson_uniform", "spearman_uniform"):
        assert ladder[f"test_{metric}"].notna().any(), metric
    truth = pd.read_csv(tiny_run / "results/metrics/ladder_truth.tsv", sep="\t")
    assert {"linear", "hill", "mml"} <= set(truth.loc[truth.grouping == "response", "group"])
    shuffled_network = pd.read_csv(tiny_run / "results/models/rnn_shuffled.network.tsv", sep="\t")
    prior_network = pd.read_csv(tiny_run / "results/models/rnn.network.tsv", sep="\t")
    assert len(shuffled_network) == len(prior_network)
    assert set(zip(shuffled_network.TF, shuffled_network.Gene)) != set(zip(prior_network.TF, prior_network.Gene))
