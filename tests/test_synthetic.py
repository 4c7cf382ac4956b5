"""The embedded synthetic cohort: determinism, upstream-like structure, and that ingest accepts it."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pytest

from cohort_helpers import DEFAULTS, INGEST
from lembas_core.common.synthetic_spec import PRESETS, spec_from_config
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.data.preprocess import preprocess
from lembas_core.io.store import Store
from lembas_core.synthetic.cohort import generate_cohort, synthesize


@pytest.fixture(scope="module")
def tiny():
    return generate_cohort(PRESETS["tiny"])


@pytest.fixture(scope="module")
def demo(demo_cohort):
    return demo_cohort


def _digest(cohort) -> str:
    h = hashlib.sha256()
    for frame in (cohort.tf_expression, cohort.gene_expression, cohort.validation):
        h.update(frame.to_numpy().tobytes())
        h.update("|".join(frame.columns).encode() + "|".join(frame.index).encode())
    h.update(cohort.network.to_csv().encode())
    return h.hexdigest()


def test_same_spec_gives_identical_cohort(tiny, demo):
    assert _digest(generate_cohort(PRESETS["demo"])) == _digest(demo)
    assert _digest(generate_cohort(replace(PRESETS["tiny"], seed=1))) != _digest(tiny)


def test_upstream_like_names_and_structure(demo):
    s = demo.summary
    tf_cols, genes = set(demo.tf_expression.columns), set(demo.gene_expression.columns)
    regulators = set(demo.network.TF)
    assert {"ALB", "AFP"} <= genes and "TF" in tf_cols and "TF" not in regulators
    assert len(tf_cols) == 200 - 2 + 1 and len(regulators - tf_cols) == 2
    overlap = tf_cols & genes
    assert len(overlap) >= 50  # regulators that are also targets (plus the gene TF)
    for name in sorted(overlap)[:5]:
        np.testing.assert_array_equal(demo.tf_expression[name], demo.gene_expression[name])
    tf_tf = demo.network[demo.network.Gene.isin(regulators)]
    assert len(tf_tf) > 100, "the recurrent core needs TF -> TF edges"
    assert set(demo.network.Interaction) == {1, -1}
    assert 0.8 < (demo.network.Interaction == 1).mean() < 0.92
    assert s["true_edges_missing_from_prior"] > 0 and s["prior_sign_errors"] > 0
    assert s["prior_edges_that_are_true"] < 0.5 * s["prior_edges"], "most prior edges are decoys"


def test_heavy_tailed_out_degree(demo):
    degree = demo.network.TF.value_counts()
    assert degree.max() > 4 * degree.median()


def test_value_scale_like_log_tpm(demo):
    values = demo.gene_expression.to_numpy()
    assert values.min() == 0 and 4.5 < values.max() < 7
    assert 0.02 < (values == 0).mean() < 0.3
    assert demo.gene_expression.ALB.mean() > 4 and demo.gene_expression.AFP.mean() < 1.5


def test_responses_mixed_with_spread_heritability(demo):
    genes = demo.truth_genes
    assert set(genes.response) == {"linear", "hill", "mml", "tf_copy"}
    modelled = genes[genes.response != "tf_copy"]
    assert (modelled.h2 == 0).sum() > 10 and modelled.h2.quantile(0.9) > 0.7
    truth = demo.truth_edges
    assert not (truth.TF == truth.Gene).any()
    assert (~truth.in_prior).sum() == demo.summary["true_edges_missing_from_prior"]


def test_validation_cohort_shifted_with_missing_columns(demo):
    val, main = demo.validation, demo.tf_expression
    missing_tf = set(main.columns) - set(val.columns)
    assert missing_tf and missing_tf == set(demo.summary["validation_missing_tfs"])
    assert set(demo.summary["validation_missing_genes"]).isdisjoint(val.columns)
    assert len(set(val.columns) - set(main.columns) - set(demo.gene_expression.columns)) > 0  # extra genes
    shared = [c for c in main.columns if c in val.columns]
    shift = np.abs(val[shared].mean() - main[shared].mean())
    assert shift.median() > 0.05, "the validation cohort should be shifted"


def test_overrides_and_unknown_parameter():
    assert spec_from_config("tiny", {"n_samples": 99}).n_samples == 99
    assert spec_from_config("tiny", seed=5).seed == 5
    with pytest.raises(ValueError, match="unknown synthetic parameter"):
        spec_from_config("tiny", {"n_sample": 3})
    with pytest.raises(ValueError, match="unknown synthetic preset"):
        spec_from_config("huge")


@pytest.mark.parametrize("fmt", ["tsv", "parquet"])
def test_written_cohort_ingests_to_identical_arrays(tiny, tmp_path, fmt):
    paths = synthesize(PRESETS["tiny"], tmp_path / "cohort", fmt)
    files = CohortFiles(
        paths["tf_expression"], paths["gene_expression"], paths["network"], paths["validation"], format=fmt
    )
    manifest = ingest_cohort(files, tmp_path / "ingest", INGEST)
    store = Store(tmp_path / "ingest")
    np.testing.assert_array_equal(store.array("tf_expression"), tiny.tf_expression.to_numpy())
    np.testing.assert_array_equal(store.array("gene_expression"), tiny.gene_expression.to_numpy())
    assert manifest["report"]["validation"]["tf_columns_missing"] == len(tiny.summary["validation_missing_tfs"])
    report = preprocess(tmp_path / "ingest", tmp_path / "ds", DEFAULTS.preprocess, "default")
    assert report["n_targets"] == 150 and report["targets"]["tf_target_overlap"] == 12
    assert not [p for p in (tmp_path / "cohort").iterdir() if p.name.startswith(".")]


def test_small_preset_is_a_small_real_cohort():
    """85 samples for ~420 TFs (more TFs than training samples), a sparse prior, validation without most TFs."""
    cohort = generate_cohort(PRESETS["small"])
    n_tfs = cohort.tf_expression.shape[1]
    assert cohort.tf_expression.shape[0] == 85 and n_tfs > 0.8 * 85 and 400 <= n_tfs <= 440
    assert cohort.gene_expression.shape[1] == 2500
    out_degree = cohort.network.groupby("TF").size()
    assert 14_000 <= len(cohort.network) <= 16_000 and 6 <= out_degree.median() <= 10
    assert len(cohort.summary["validation_missing_tfs"]) > 0.5 * n_tfs
