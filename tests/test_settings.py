"""Typed settings: one place for every default, no silently dropped key, params that hold only results."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, fields

import pytest
import yaml

from cohort_helpers import REPO
from lembas_core.common.settings import (
    INTERVAL_REPLICATES,
    Member,
    ScoreSettings,
    config_paths,
    from_mapping,
    roster_from_params,
)
from lembas_core.models.base import REGISTRY, model_file
from lembas_core.models.settings import RNNArchitecture, RNNExecution, RNNTraining
from lembas_core.workflow.config_table import generated_section, render, with_table
from lembas_core.workflow.config_table import rows as config_rows
from lembas_core.workflow.settings import Settings, default_config, execution_settings, merged, model_settings

SCHEMA = yaml.safe_load((REPO / "config" / "config.schema.yaml").read_text())
PRESETS = sorted((REPO / "config" / "presets").glob("*.yaml"))


def _keys(node, path=()):
    """Every mapping key of a nested YAML structure, with its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key)
            yield from _keys(value, (*path, key))
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value, path)


def test_schema_holds_no_defaults():
    """Defaults live in config/config.yaml only."""
    assert [p for p in _keys(SCHEMA) if p[-1] == "default"] == []


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.stem)
def test_default_config_and_every_preset_build_typed_settings(preset):
    settings = Settings.from_config(default_config(yaml.safe_load(preset.read_text())))
    assert set(settings.models) == set(REGISTRY)
    for kind, typed in settings.models.items():
        assert isinstance(typed, REGISTRY[kind].settings)
        assert model_settings(kind, settings.model_params(kind)) == typed  # params round-trip in the job


def test_schema_model_enums_are_the_registry():
    models = SCHEMA["properties"]["models"]["properties"]
    assert models["include"]["items"]["enum"] == list(REGISTRY)
    assert SCHEMA["properties"]["shap"]["properties"]["models"]["items"]["enum"] == list(REGISTRY)
    assert set(models) - {"include", "variants"} == set(REGISTRY)


def test_every_config_key_of_a_model_lands_in_exactly_one_field():
    rnn = default_config()["models"]["rnn"]
    groups = [{f.name for f in fields(cls)} for cls in (RNNArchitecture, RNNTraining, RNNExecution)]
    assert sum(len(g) for g in groups) == len(set().union(*groups))  # no key in two groups
    top = {"import_checkpoint", "recipe", "network", "network_seed", "replicates"}  # replicates: the run's
    assert set().union(*groups, top) == set(rnn)


def test_missing_and_unknown_keys_are_errors_not_dropped():
    rnn = {k: v for k, v in default_config()["models"]["rnn"].items() if k != "replicates"}  # a run's, not a model's
    with pytest.raises(KeyError, match=r"unknown \['epochz'\]"):
        REGISTRY["rnn"].from_config({**rnn, "epochz": 3}, "models.rnn")
    without = {k: v for k, v in rnn.items() if k != "lr_end"}
    with pytest.raises(KeyError, match=r"^.config models.rnn: missing \['lr_end'\]"):
        REGISTRY["rnn"].from_config(without, "models.rnn")
    with pytest.raises(KeyError, match="models.mlr"):
        from_mapping(REGISTRY["mlr"].settings, {"rcond_limit": 1e-10, "solver": "qr"}, "models.mlr")


def test_rnn_params_hold_what_defines_the_model_and_nothing_else():
    """Device and checkpoint period must not be in params (changing them would retrain the RNN)."""
    settings = Settings.from_config(default_config())
    params = settings.model_params("rnn")
    flat = {k for part in ("architecture", "training") for k in params[part]} | set(params)
    assert "device" not in flat and "checkpoint_every" not in flat
    assert settings.specs["rnn"].execution == RNNExecution("auto", 5)
    assert model_settings("rnn", params) == settings.models["rnn"]
    assert asdict(settings.models["rnn"]) == params


def test_execution_settings_round_trip_through_their_own_params():
    """Where a job runs reaches it apart from what defines the model (rules/common.smk: `rerunning_nothing`)."""
    settings = Settings.from_config(default_config({"models": {"rnn": {"device": "cpu"}}}))
    for name, spec in settings.specs.items():
        assert execution_settings(spec.kind, settings.execution_params(name)) == spec.execution
    assert settings.execution_params("rnn") == {"device": "cpu", "checkpoint_every": 5}
    assert settings.execution_params("mlr") == {} and execution_settings("mlr", {}) is None


@pytest.mark.parametrize("method", sorted(INTERVAL_REPLICATES))
def test_score_params_hold_only_what_the_interval_method_reads(method):
    """evaluate.bootstrap and bootstrap_seed go to the jobs of the bootstrap methods only."""
    score = dataclasses.replace(Settings.from_config(default_config()).evaluate.score, interval=method)
    params = score.params()
    resamples = method in ("bca", "percentile")
    assert ("bootstrap" in params, "bootstrap_seed" in params) == (resamples, resamples)
    assert {"interval", "include_zero_filled"} <= set(params)
    rebuilt = ScoreSettings.from_params(params)
    assert rebuilt.draws() == ((200, 888) if resamples else (0, 0))
    assert rebuilt == (score if resamples else dataclasses.replace(score, bootstrap=None, bootstrap_seed=None))
    assert rebuilt.leaves_one_out == (method in ("bca", "jackknife"))


def test_rosters_keep_names_kinds_networks_and_display_names_together():
    settings = Settings.from_config(default_config())
    names = settings.first_replicates()
    roster = roster_from_params(settings.roster(names))
    assert list(roster) == names  # table order
    assert roster["rnn_shuffled"] == Member("rnn", "shuffled", "LEMBAS-RNN, shuffled network")
    assert roster["mlr"] == Member("mlr", "", "MLR")
    with pytest.raises(KeyError, match=r"roster.mlr: missing \['label', 'network'\]"):
        roster_from_params({"mlr": {"kind": "mlr"}})


def test_display_names_follow_the_variants_settings_and_stay_unique():
    config = default_config(
        {"models": {"variants": {"mlr_again": {"model": "mlr"}, "rnn_1step": {"model": "rnn", "max_steps": 1},
                                 "rnn_u": {"model": "rnn", "uniform_lambda": 0.0, "replicates": 2}}}}
    )  # fmt: skip
    settings = Settings.from_config(config)
    labels = {name: member["label"] for name, member in settings.roster(list(settings.specs)).items()}
    assert labels["prior_ridge_3steps"] == "Prior ridge, propagated 3 steps"
    assert labels["prior_ridge_steady"] == "Prior ridge, propagated to steady state"
    assert labels["rnn_1step"] == "LEMBAS-RNN, 1 recurrent step"
    assert labels["rnn_u"] == "LEMBAS-RNN, uniform_lambda 0.0"
    assert labels["rnn_u.rep2"] == "LEMBAS-RNN, uniform_lambda 0.0, replicate 2"
    # a variant that overrides nothing adds its configuration name; its kind's own model keeps its name
    assert labels["mlr"] == "MLR" and labels["mlr_again"] == "MLR (mlr_again)"
    assert len(set(labels.values())) == len(labels)


def test_overlays_merge_nested_keys_one_by_one():
    config = default_config({"models": {"xgbrf": {"params": {"max_depth": 4}}}})
    assert config["models"]["xgbrf"]["params"] == {
        "n_estimators": 3,
        "objective": "reg:squarederror",
        "random_state": 888,
        "max_depth": 4,
    }
    assert merged({"a": {"b": 1, "c": 2}}, {"a": {"c": 3}, "d": 4}) == {"a": {"b": 1, "c": 3}, "d": 4}


def test_registry_gives_every_kind_a_file_an_explainer_and_a_loader():
    for name, kind in REGISTRY.items():
        assert model_file(name).startswith("results/models/") and kind.explainer in ("linear", "tree", "gradient")
    assert [n for n, kind in REGISTRY.items() if kind.trainer == "fit_linear"] == [
        "mean",
        "ridge",
        "mlr",
        "prior_ridge",
    ]
    assert model_file("xgbrf", "xgbrf.rep2") == "results/models/xgbrf.rep2/index.json"
    with pytest.raises(ValueError, match="unknown model kind 'lasso'"):
        model_file("lasso")


def test_upstream_recipe_is_one_switch():
    values = {**default_config()["models"]["rnn"], "recipe": "upstream", "epochs": 7}
    settings, _ = REGISTRY["rnn"].from_config(values, "models.rnn")
    training = settings.training
    assert settings.recipe == "upstream" and training.epochs == 600 and training.lr_peak == 2e-3
    assert (training.readout_init, training.validation_fraction, training.steps) == ("upstream", 0.0, 0)
    assert (training.warmup_epochs, training.reset_epochs, training.batch_size) == (120, 200, 25)


def test_every_config_key_has_a_typed_field_and_every_field_a_key():
    settings = Settings.from_config(default_config())
    typed = {("seed",)}
    for section in ("data", "preprocess", "evaluate", "shap", "interventions", "regime_map", "latency", "resources"):
        typed |= {(section, *path) for path in config_paths(type(getattr(settings, section)))}
    typed |= {("models", "include"), ("models", "variants")}
    typed |= {("models", kind, key) for kind, entry in REGISTRY.items() for key in entry.config_keys()}
    config_keys = {path for path, _ in config_rows(default_config(), SCHEMA)}
    assert sorted(config_keys - typed) == []  # a config key without a typed field
    assert sorted(typed - config_keys) == []  # a typed field without a config key
    assert set(dataclasses.asdict(settings)) == {
        "seed",
        "data",
        "preprocess",
        "evaluate",
        "shap",
        "interventions",
        "regime_map",
        "latency",
        "resources",
        "include",
        "variants",
        "models",
        "specs",
    }


def test_config_readme_table_is_generated_from_the_config():
    readme = (REPO / "config" / "README.md").read_text(encoding="utf-8")
    assert with_table(readme, generated_section()) == readme, "run: python -m lembas_core.workflow.config_table"
    config_text = (REPO / "config" / "config.yaml").read_text(encoding="utf-8")
    assert "| `models.rnn.epochs` | `200` |" in render(config_text, SCHEMA)
    drifted = config_text.replace("    epochs: 200 ", "    epochs: 80 ")
    assert "| `models.rnn.epochs` | `80` |" in render(drifted, SCHEMA)  # the table follows the file
