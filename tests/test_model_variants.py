"""Model variants and replicates: resolution of the config into the run's models, and their checks."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import DEFAULTS
from lembas_core.evaluation.ladder import ladder_comparisons, ladder_pairs, truth_breakdown
from lembas_core.evaluation.metrics import gene_table, replicate_spread, summary_metrics
from lembas_core.evaluation.verdicts import A_BETTER, NO_INTERVAL
from lembas_core.models.base import REGISTRY
from lembas_core.workflow.models import ConfigError, resolve_models
from lembas_core.workflow.settings import Settings, default_config


def models_of(overlay: dict) -> dict:
    return resolve_models(default_config({"models": overlay}))


def test_default_run_has_the_ladder_and_the_shuffled_control():
    specs = models_of({})
    assert list(specs) == [  # the kinds in include order, then the variants by name
        *["mean", "ridge", "mlr", "prior_ridge", "xgbrf", "rnn"],
        *["prior_ridge_3steps", "prior_ridge_steady", "rnn_shuffled"],
    ]
    assert specs["prior_ridge"].network == "prior" and specs["rnn"].network == "prior"
    assert specs["rnn_shuffled"].network == "shuffled" and specs["mlr"].network == ""
    base = Settings.from_config(default_config()).models["rnn"]
    assert specs["rnn_shuffled"].settings == replace(base, network="shuffled")  # only the override differs


def test_a_variant_that_changes_only_forecast_settings_reuses_its_kinds_model():
    specs = models_of({})
    assert specs["prior_ridge_3steps"].fitted_as == "prior_ridge" and not specs["prior_ridge_3steps"].fitted
    assert specs["prior_ridge_3steps"].settings.propagation == 3 and specs["prior_ridge"].settings.propagation == 0
    settings = Settings.from_config(default_config())
    assert "prior_ridge_3steps" not in settings.fitted() + settings.trained_by("fit_linear")
    assert "prior_ridge_steady" in settings.first_replicates(fitted_only=False)
    # with another setting changed too, or without its kind's own model in the run, it is fitted itself
    both = models_of({"variants": {"p": {"model": "prior_ridge", "propagation": 3, "network": "shuffled"}}})
    assert both["p"].fitted
    alone = models_of({"include": ["ridge"], "variants": {"p": {"model": "prior_ridge", "propagation": 3}}})
    assert alone["p"].fitted


def test_a_variant_overrides_only_what_it_names_and_null_switches_it_off():
    specs = models_of(
        {"variants": {"rnn_1step": {"model": "rnn", "max_steps": 1}, "rnn_shuffled": None, "same": {"model": "rnn"}}}
    )
    assert "rnn_shuffled" not in specs
    assert specs["rnn_1step"].settings.architecture.max_steps == 1
    assert specs["rnn_1step"].settings.training == specs["rnn"].settings.training
    assert specs["same"].settings == specs["rnn"].settings and specs["same"].kind == "rnn"


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        ({"rnn": {"model": "rnn"}}, "models.variants.rnn"),  # clashes with a kind
        ({"bad/name": {"model": "rnn"}}, "models.variants.bad/name"),  # not a safe file name
        ({"x.rep2": {"model": "rnn"}}, "models.variants.x.rep2"),  # could clash with a replicate
        ({"lasso": {"model": "lasso"}}, "models.variants.lasso.model"),  # unknown kind
        ({"r": {"model": "ridge", "network": "shuffled"}}, "models.variants.r.network"),  # unknown setting
        ({"r": {"model": "rnn", "epoch": 3}}, "models.variants.r.epoch"),
        ({"r": {"network": "shuffled"}}, "models.variants.r"),  # no kind
        ({"m": {"model": "mlr", "replicates": 2}}, "models.variants.m.replicates"),  # deterministic
    ],
)
def test_an_invalid_variant_is_a_config_error_naming_the_key(variants, key):
    with pytest.raises(ConfigError) as error:
        models_of({"variants": variants})
    assert str(error.value).startswith(f"{key}:"), str(error.value)


def test_replicates_advance_every_seed_and_follow_the_first_replicates():
    specs = models_of({"rnn": {"replicates": 3}, "variants": {"pr": {"model": "prior_ridge", "network": "random"}}})
    assert list(specs)[-4:] == ["rnn.rep2", "rnn.rep3", "rnn_shuffled.rep2", "rnn_shuffled.rep3"]
    seeds = [specs[n].settings.training.seed for n in ("rnn", "rnn.rep2", "rnn.rep3")]
    assert seeds == [888, 889, 890]
    assert specs["rnn_shuffled.rep3"].settings.network_seed == 890 and specs["rnn.rep2"].replicate_of == "rnn"
    xgbrf = models_of({"xgbrf": {"replicates": 2}})["xgbrf.rep2"].settings
    assert xgbrf.params["random_state"] == 889 and xgbrf.params["n_estimators"] == 3
    prior_ridge = Settings.from_config(default_config()).models["prior_ridge"]
    kind = REGISTRY["prior_ridge"]
    assert not kind.stochastic(prior_ridge) and kind.stochastic(replace(prior_ridge, network="shuffled"))
    with pytest.raises(ValueError, match="deterministic"):
        REGISTRY["mlr"].replicate(Settings.from_config(default_config()).models["mlr"], 1)


def test_replicate_spread_on_known_rows():
    rows = pd.DataFrame(
        {
            "model": ["a", "a.rep2", "a.rep3", "b"],
            "split": "test",
            "r2_flat": [0.5, 0.7, 0.9, 0.1],
            "r2_uniform": [0.1, 0.2, 0.6, -0.2],
            "pearson": 0.5,
            "rmse": [1.0, 2.0, 3.0, 4.0],
            "mae": 1.0,
        }
    )
    spread = replicate_spread(rows, {"a": "a", "a.rep2": "a", "a.rep3": "a", "b": "b"}).set_index("model")
    assert spread.loc["a", "n_replicates"] == 3 and spread.loc["b", "n_replicates"] == 1
    assert spread.loc["a", "r2_uniform_mean"] == pytest.approx(0.3)
    assert spread.loc["a", "r2_uniform_sd"] == pytest.approx(((0.04 + 0.01 + 0.09) / 2) ** 0.5)
    assert spread.loc["a", "rmse_sd"] == pytest.approx(1.0) and spread.loc["a", "pearson_sd"] == 0
    assert spread.loc["b", "r2_flat_mean"] == pytest.approx(0.1) and pd.isna(spread.loc["b", "r2_flat_sd"])


def test_ladder_pairs_each_control_with_its_kind_on_the_prior():
    kinds = {"ridge": "ridge", "prior_ridge": "prior_ridge", "rnn": "rnn", "rnn_shuffled": "rnn", "pr": "prior_ridge"}
    networks = {"ridge": "", "prior_ridge": "prior", "rnn": "prior", "rnn_shuffled": "shuffled", "pr": "random"}
    assert ladder_pairs(kinds, networks) == [
        ("rnn", "rnn_shuffled"),
        ("prior_ridge", "pr"),
        ("rnn", "prior_ridge"),
        ("prior_ridge", "ridge"),
    ]
    assert ladder_pairs({"c": "rnn", "d": "rnn"}, {"c": "shuffled", "d": "prior"}) == [("d", "c")]


@pytest.mark.parametrize(("method", "verdict"), [("jackknife", A_BETTER), ("none", NO_INTERVAL)])
def test_ladder_verdicts_use_the_shared_words_and_an_undefined_interval_reads_no_interval(method, verdict):
    rng = np.random.default_rng(5)
    y = rng.normal(0, 1, (60, 12)) + np.linspace(0, 3, 12)
    predictions = {"rnn": y + rng.normal(0, 0.3, y.shape), "rnn_shuffled": y + rng.normal(0, 1.5, y.shape)}
    settings = replace(DEFAULTS.evaluate.score, interval=method)
    genes, every = [f"g{i}" for i in range(12)], np.ones(12, bool)
    per_gene = {(m, "test"): gene_table(y, p, genes) for m, p in predictions.items()}
    found = {(m, "test"): summary_metrics(y, p, every, settings)[1] for m, p in predictions.items()}
    table = ladder_comparisons(per_gene, found, [("rnn", "rnn_shuffled")], settings)
    assert table[["model_a", "model_b", "split"]].values.tolist() == [["rnn", "rnn_shuffled", "test"]]
    assert table.verdict.tolist() == [verdict] and table.r2_uniform_difference.iloc[0] > 0


def test_truth_breakdown_groups_genes_by_response_family_and_heritability():
    truth = pd.DataFrame(
        {
            "gene": list("abcde"),
            "response": ["linear", "linear", "hill", "tf_copy", "mml"],
            "h2": [0.1, 0.9, 0.6, None, 0],
        }
    )
    table = pd.DataFrame(
        {"gene": list("abcde"), "r2": [0.2, 0.6, -0.1, 0.9, None], "zero_filled": [False] * 4 + [False]}
    )
    out = truth_breakdown({("m", "test"): table}, truth, include_zero_filled=False).set_index(["grouping", "group"])
    assert out.loc[("response", "linear"), "mean_r2"] == pytest.approx(0.4)
    assert out.loc[("response", "linear"), "n_genes"] == 2
    assert out.loc[("response", "mml"), "n_genes"] == 0  # its one gene has no defined R^2
    assert out.loc[("h2", "0-0.25"), "n_genes"] == 1  # a (h2 0.1); e (h2 0) has no R^2
    assert out.loc[("h2", "0.75-1"), "mean_r2"] == pytest.approx(0.6)
    assert "tf_copy" in out.loc["response"].index and out.loc["h2"]["n_genes"].sum() == 3
