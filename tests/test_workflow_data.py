"""Workflow tests of the data stages: real snakemake runs on tiny configs."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import DEFAULTS, PERTURBATION_DESIGN, rewrite_lines, write_perturbation_data, write_small_cohort
from lembas_core.common.layout import COHORT_FILES, cohort_file_names
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.perturbation_training import TrainingRows
from lembas_core.steps.perturbation_training import synthetic_training_data
from lembas_core.synthetic.training_perturbations import TrainingFiles
from workflow_helpers import TINY, files_config, snakemake, write_config

pytestmark = pytest.mark.workflow


def test_default_config_dry_run_shows_data_stages(tmp_path):
    result = snakemake(tmp_path, "-n", configfiles=())
    assert result.returncode == 0, result.stdout + result.stderr
    for rule in ("synthesize_cohort", "ingest", "preprocess"):
        assert rule in result.stdout


def test_tiny_pipeline_writes_dataset(tiny_run):
    manifest = json.loads((tiny_run / "results/dataset/manifest.json").read_text())
    assert manifest["kind"] == "dataset"
    assert manifest["report"]["n_train"] == 192 and manifest["report"]["n_test"] == 48
    assert (tiny_run / "results/cohort/truth_edges.tsv").exists()
    assert "VALIDATION COHORT" in (tiny_run / "logs/preprocess.log").read_text()
    assert json.loads((tiny_run / "results/cohort/cohort.json").read_text())["spec"]["n_samples"] == 240


def test_nothing_to_do_after_complete_run(tiny_run):
    result = snakemake(tiny_run, "-n")
    assert result.returncode == 0 and "Nothing to be done" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "config, key",
    [
        ({"data": {"sourcee": "files"}}, "sourcee"),
        ({"models": {"xgbrf": {"batch_size": 0}}}, "batch_size"),
        ({"models": {"xgbrf": {"batch_size": -5}}}, "batch_size"),
        ({"preprocess": {"test_fraction": 1.5}}, "test_fraction"),
        ({"data": {"source": "files"}}, "tf_expression"),
    ],
)
def test_invalid_config_stops_before_any_job(tmp_path, config, key):
    bad = write_config(tmp_path / "bad.yaml", config)
    result = snakemake(tmp_path, configfiles=(TINY, bad))
    assert result.returncode != 0
    assert key in result.stdout + result.stderr
    assert not (tmp_path / "results").exists()


def test_user_files_run_end_to_end(tmp_path):
    files = write_small_cohort(tmp_path / "in", "csv")
    result = snakemake(tmp_path, "results/dataset", configfiles=(TINY, files_config(tmp_path, files)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "results/cohort").exists(), "user data must not trigger synthesis"
    features = json.loads((tmp_path / "results/dataset/features.json").read_text())
    assert features == ["TFB", "TFA", "TFC"]
    assert np.load(tmp_path / "results/dataset/x_train.npy").shape == (16, 3)


def test_bad_user_file_fails_clearly_and_leaves_nothing(tmp_path):
    files = write_small_cohort(tmp_path / "in", "tsv")

    def put_nan(lines):
        cells = lines[3].split("\t")
        cells[1] = "NaN"
        return lines[:3] + ["\t".join(cells)] + lines[4:]

    rewrite_lines(files.gene_expression, put_nan)
    result = snakemake(tmp_path, "results/dataset", configfiles=(TINY, files_config(tmp_path, files)))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "gene_expression.tsv" in output and "missing (empty or NaN)" in output and "line 4" in output
    assert not (tmp_path / "results/ingest").exists()
    assert not [p for p in (tmp_path / "results").glob(".*")]


def perturbation_config(tmp_path, design_rows):
    """The small cohort as user files, with perturbation data; cheap models only (mean, ridge, prior_ridge and
    its 3-step propagation variant)."""
    files = write_small_cohort(tmp_path / "in", "tsv")
    matrix, design = write_perturbation_data(tmp_path / "in", design_rows)
    overlay = {
        "data": {
            "source": "files",
            "files": {
                **{role: str(getattr(files, role)) for role in ("tf_expression", "gene_expression", "network")},
                "validation": str(files.validation),
                "interventions": str(matrix),
                "intervention_design": str(design),
            },
        },
        "models": {"include": ["mean", "ridge", "prior_ridge"], "variants": {"rnn_shuffled": None}},
        "shap": {"models": ["ridge"], "genes": ["G1"]},
    }
    return write_config(tmp_path / "perturbations.yaml", overlay), design


def test_user_perturbation_data_are_forecast_and_scored(tmp_path):
    config, _ = perturbation_config(tmp_path, PERTURBATION_DESIGN)
    target = "results/metrics/interventions_summary.tsv"
    result = snakemake(tmp_path, target, "results/figures/interventions.png", configfiles=(TINY, config))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = pd.read_csv(tmp_path / "results/metrics/interventions.tsv", sep="\t")
    assert set(rows["level"]) == {"observed"} and set(rows["regime"]) == {"A"}  # no oracle inputs without truth
    assert set(rows["tf"]) == {"TFA", "TFB"} and set(rows["genes"]) == {"all"}
    assert rows["descendant_auroc"].isna().all()  # no true network
    assert set(rows["model"]) == {"mean", "ridge", "prior_ridge", "prior_ridge_3steps", "no_change"}
    assert not (tmp_path / "results/models/prior_ridge_3steps.npz").exists()  # it forecasts with prior_ridge's


def test_a_hostile_design_table_stops_the_run_before_any_model_trains(tmp_path):
    config, design = perturbation_config(tmp_path, [*PERTURBATION_DESIGN[:5], ("P9", "TFA")])
    result = snakemake(tmp_path, configfiles=(TINY, config))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert str(design) in output and "(line 7)" in output and "sample 'P9' is not a sample" in output
    assert not (tmp_path / "results/models").exists() and not (tmp_path / "results/dataset").exists()


def test_user_perturbation_data_split_into_training_and_held_out_tfs_end_to_end(tiny_dataset, tmp_path):
    """The tiny preset's generated perturbation files, given as the user's own data: a seeded half of their
    TFs become training TFs, whose samples every model trains on; only the others are scored, as unseen."""
    cohort = tiny_dataset.parent / "cohort"
    training = replace(DEFAULTS.interventions.training, train_fraction=0.5, train_individuals=4)
    made = TrainingFiles(tmp_path / "perturbed.tsv", tmp_path / "design.tsv", tmp_path / "generated_split.tsv", "tsv")
    synthetic_training_data(PRESETS["tiny"], tiny_dataset, (DEFAULTS.interventions.choice, training), made)
    names = cohort_file_names("tsv")
    overlay = {
        "data": {
            "source": "files",
            "files": {**{role: str(cohort / names[role]) for role in COHORT_FILES},
                      "interventions": str(made.matrix), "intervention_design": str(made.design)},
        },
        "models": {"include": ["mean", "ridge", "prior_ridge"], "variants": {"rnn_shuffled": None}},
        "shap": {"models": ["ridge"]},
        "interventions": {"train_fraction": 0.5},
    }  # fmt: skip
    config = write_config(tmp_path / "user.yaml", overlay)
    result = snakemake(tmp_path, "results/metrics/interventions_summary.tsv", configfiles=(TINY, config))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    split = pd.read_csv(tmp_path / "results/interventions/split.tsv", sep="\t")
    design = pd.read_csv(made.design, sep="\t", keep_default_na=False)
    assert sorted(split["tf"]) == sorted(set(design["perturbed"]) - {"control"})
    train, held_out = (set(split.loc[split["split"] == s, "tf"]) for s in ("train", "held_out"))
    assert train and held_out and set(split["source"]) == {"train_fraction"}
    rows = TrainingRows.load(tmp_path / "results/interventions/training_rows.npz")
    assert sorted(rows.tfs) == sorted(design.loc[design["perturbed"].isin(train), "perturbed"])
    for model in ("mean", "ridge", "prior_ridge"):  # every kind trains on them
        assert f"and {len(rows.tfs)} perturbed samples" in (tmp_path / f"logs/models/{model}.log").read_text()
    scored = pd.read_csv(tmp_path / "results/metrics/interventions.tsv", sep="\t")
    assert set(scored["tf"]) <= held_out and set(scored["tf"]) and set(scored["seen"]) == {"unseen"}
