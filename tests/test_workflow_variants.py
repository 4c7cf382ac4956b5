"""Model variants and replicates through the real workflow (tiny preset)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from workflow_helpers import GATHERED, TINY, pending, snakemake, write_config

pytestmark = pytest.mark.workflow


def test_adding_a_variant_on_the_command_line_schedules_only_its_jobs(tiny_run):
    plans = pending(tiny_run, "--config", 'models={"variants": {"mlr_again": {"model": "mlr"}}}')
    own = {rule: outputs for rule, outputs in plans.items() if rule not in GATHERED}
    assert own.pop("fit_linear") == {"results/models/mlr_again.npz", "results/models/mlr_again.fit.json"}
    assert own.pop("predict") == {f"results/predictions/mlr_again_{s}.npy" for s in ("train", "test", "validation")}
    assert {rule for rule in own} == {"score", "shap", "forecast_interventions", "score_interventions"}
    assert all("/mlr_again_" in path for outputs in own.values() for path in outputs)
    assert set(plans) - set(own) - {"fit_linear", "predict"} == GATHERED
    assert pending(tiny_run) == {}  # without it again: nothing


def test_an_invalid_variant_stops_the_run_before_any_job_naming_the_key(tmp_path):
    for variants, key in (
        ('{"r": {"model": "ridge", "network": "shuffled"}}', "models.variants.r.network"),
        ('{"mlr": {"model": "rnn"}}', "models.variants.mlr"),
        ('{"x": {"model": "rnn", "max_steps": "ten"}}', "models.variants.x.max_steps"),
    ):
        result = snakemake(tmp_path, "--config", f"models={{'variants': {variants}}}")
        assert result.returncode != 0
        assert key in result.stdout + result.stderr, result.stderr[-2000:]
        assert not (tmp_path / "results").exists() and not (tmp_path / "logs").exists()


def test_variant_without_overrides_equals_its_base_and_replicates_differ(tiny_run, tmp_path):
    workdir = tmp_path / "run"
    shutil.copytree(tiny_run, workdir, symlinks=True)
    extra = write_config(
        tmp_path / "variants.yaml",
        {
            "models": {
                "variants": {"rnn_same": {"model": "rnn"}},
                "xgbrf": {"replicates": 2},
            }
        },
    )
    result = snakemake(workdir, configfiles=(TINY, extra))
    assert result.returncode == 0, result.stdout + result.stderr
    predictions = workdir / "results/predictions"
    for split in ("train", "test", "validation"):
        np.testing.assert_array_equal(
            np.load(predictions / f"rnn_same_{split}.npy"), np.load(predictions / f"rnn_{split}.npy")
        )
        assert not np.array_equal(
            np.load(predictions / f"xgbrf.rep2_{split}.npy"), np.load(predictions / f"xgbrf_{split}.npy")
        )
    summary = pd.read_csv(workdir / "results/metrics/summary.tsv", sep="\t")
    assert "xgbrf.rep2" not in set(summary.model) and {"rnn_same", "xgbrf"} <= set(summary.model)
    spread = pd.read_csv(workdir / "results/metrics/replicates.tsv", sep="\t").set_index(["model", "split"])
    rows = [
        pd.read_csv(workdir / f"results/metrics/rows/{m}_test.tsv", sep="\t").iloc[0] for m in ("xgbrf", "xgbrf.rep2")
    ]
    assert spread.loc[("xgbrf", "test"), "n_replicates"] == 2
    assert spread.loc[("xgbrf", "test"), "rmse_mean"] == pytest.approx((rows[0].rmse + rows[1].rmse) / 2, rel=1e-5)
    assert spread.loc[("xgbrf", "test"), "rmse_sd"] == pytest.approx(
        abs(rows[0].rmse - rows[1].rmse) / 2**0.5, rel=1e-4
    )
    assert spread.loc[("rnn_same", "test"), "n_replicates"] == 1
    ladder = pd.read_csv(workdir / "results/metrics/ladder.tsv", sep="\t").set_index("model")
    assert ladder.loc["rnn_same", "test_r2_uniform"] == ladder.loc["rnn", "test_r2_uniform"]
    assert (workdir / "results/figures/rnn_same_training.png").exists()
    # dropping the variants again retrains nothing: only the gathered tables follow
    assert set(pending(workdir)) <= GATHERED
