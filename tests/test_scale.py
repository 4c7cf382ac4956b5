"""The value-scale checks on realistic expression distributions: raw TPM vs log-TPM, outliers, transforms."""

from __future__ import annotations

import numpy as np
import pytest

from lembas_core.data.scale import (
    apply_transform,
    check_log_scale,
    check_validation_scale,
    scan,
    transforms_by_role,
)
from lembas_core.io.errors import InputDataError
from lembas_core.io.tables import LabeledMatrix


def raw_tpm(
    samples: int, genes: int, seed: int, mean_log: float = 1.5, level_sd: float = 2.0, noise_sd: float = 0.5
) -> np.ndarray:
    """TPM-like values: per-gene log-normal levels (some genes high, many low), per-sample noise, zeros."""
    rng = np.random.default_rng(seed)
    level = rng.normal(mean_log, level_sd, genes)
    values = np.exp(level + rng.normal(0, noise_sd, (samples, genes)))
    values[rng.random((samples, genes)) < 0.1] = 0.0  # dropouts
    return values.astype(np.float32)


def matrix(values: np.ndarray, path: str = "m.tsv") -> LabeledMatrix:
    rows, cols = values.shape
    return LabeledMatrix(
        np.array(values, dtype=np.float32), [f"S{i}" for i in range(rows)], [f"G{j}" for j in range(cols)], path
    )


def test_transform_setting_by_role():
    assert transforms_by_role("log2p1") == dict.fromkeys(("tf_expression", "gene_expression", "validation"), "log2p1")
    assert transforms_by_role({"validation": "log10p1"}) == {
        "tf_expression": "none",
        "gene_expression": "none",
        "validation": "log10p1",
    }
    with pytest.raises(ValueError, match="unknown file role"):
        transforms_by_role({"network": "log2p1"})
    with pytest.raises(ValueError, match="must be one of"):
        transforms_by_role("log")


def test_raw_tpm_looks_unlogged_and_its_log_does_not():
    raw = raw_tpm(200, 300, seed=1)
    assert scan(raw).looks_unlogged(200)
    assert not scan(np.log2(raw + 1)).looks_unlogged(200)
    with pytest.raises(InputDataError, match="looks unlogged") as error:
        check_log_scale(matrix(raw), "gene_expression", "gene expression matrix", "none")
    assert "data.transform: {tf_expression: none, gene_expression: log2p1, validation: none}" in error.value.fix
    with pytest.raises(InputDataError, match="looks unlogged") as error:
        check_log_scale(matrix(raw), "gene_expression", "gene expression matrix", "log2p1")  # all three logged
    assert "data.transform" not in error.value.fix and "exceed 30 after log2p1" in error.value.fix


def test_lowly_expressed_raw_tfs_look_unlogged_by_their_upper_tail():
    """Under 1% of the values exceed 30 (every column's median is below 10), but most samples have one."""
    raw = raw_tpm(150, 400, seed=2, mean_log=-0.5, level_sd=1.0, noise_sd=1.2)
    found = scan(raw)
    assert float(np.median(raw, axis=0).max()) < 10 and found.share_above < 0.01 and found.maximum < 1e3
    assert found.looks_unlogged(150)


def test_a_few_outliers_do_not_make_a_log_matrix_look_unlogged_but_are_named():
    logged = np.log2(raw_tpm(60, 50, seed=3) + 1)
    logged[4, 7] = logged[9, 2] = 1e30
    found = scan(logged)
    assert not found.looks_unlogged(60) and found.n_implausible == 2
    with pytest.raises(InputDataError, match="impossible for log-scale expression") as error:
        check_log_scale(matrix(logged), "tf_expression", "TF matrix", "none")
    assert error.value.where == "line 6, sample 'S4', column 'G7'"  # first in file order (row 4 before row 9)


def test_log_transforms_and_their_refusals():
    raw = raw_tpm(40, 30, seed=4)
    for transform, log in (("log2p1", np.log2), ("log10p1", np.log10)):
        m = apply_transform(matrix(raw), "gene_expression", "genes", transform)
        np.testing.assert_allclose(m.values, log(raw.astype(np.float64) + 1), rtol=2e-6, atol=1e-6)
    with pytest.raises(InputDataError, match="a second time"):
        apply_transform(matrix(np.log2(raw + 1)), "gene_expression", "genes", "log2p1")
    centred = np.log2(raw + 1) - 3
    with pytest.raises(InputDataError, match="non-negative") as error:
        apply_transform(matrix(centred, "m.parquet"), "validation", "validation", "log2p1")
    assert error.value.where.startswith("sample ")  # a Parquet file has no lines
    assert "data.transform: {tf_expression: log2p1, gene_expression: log2p1, validation: none}" in error.value.fix


def test_constant_and_all_zero_columns_are_reported():
    values = np.log2(raw_tpm(30, 6, seed=5) + 1)
    values[:, 1] = 0.0
    values[:, 4] = 2.5
    report = check_log_scale(matrix(values), "tf_expression", "TF matrix", "none")
    assert report["constant_columns"] == ["G1", "G4"] and report["all_zero_columns"] == ["G1"]


def test_validation_on_another_log_base_is_refused_a_batch_shift_is_not():
    raw = raw_tpm(120, 80, seed=6)
    training = matrix(np.log2(raw[:100] + 1))
    transforms = transforms_by_role("none")
    shifted = matrix(np.log2(raw[100:] + 1) + 0.7)
    assert check_validation_scale(shifted, [training], transforms)["TF"]["validation_spread"] > 0
    log10 = matrix(np.log10(raw[100:] + 1))
    with pytest.raises(InputDataError, match="another scale"):
        check_validation_scale(log10, [training], transforms)


def test_validation_centred_or_partly_offset_is_refused_by_location():
    raw = raw_tpm(140, 80, seed=7)
    training = matrix(np.log2(raw[:100] + 1))
    held = np.log2(raw[100:] + 1)
    transforms = transforms_by_role("none")
    report = check_validation_scale(matrix(held), [training], transforms)["TF"]
    assert abs(report["median_shift_sd"]) < 0.5 and report["columns_shifted"] == 0
    with pytest.raises(InputDataError, match="shifted against the training data.*near 0, as after centring"):
        check_validation_scale(matrix(held - held.mean(axis=0)), [training], transforms)
    offset = held.copy()
    offset[:, :30] += 6 * training.values[:, :30].std(axis=0)  # 30 of 80 columns from another source
    with pytest.raises(InputDataError, match=r"and 3\d% of the columns lie more than 4 off"):
        check_validation_scale(matrix(offset), [training], transforms)


def test_columns_on_two_scales_are_named_not_logged_a_second_time():
    logged = np.log2(raw_tpm(60, 40, seed=8) + 1)
    mixed = logged.copy()
    mixed[:, ::2] = 2.0 ** logged[:, ::2] - 1  # every other column from a raw source
    with pytest.raises(InputDataError, match="mixes scales: .* look log-scale already") as error:
        check_log_scale(matrix(mixed), "gene_expression", "gene matrix", "none")
    assert "G1" in error.value.problem and "data.transform" not in error.value.fix
    with pytest.raises(InputDataError, match=r"mixes scales \(data.transform log2p1 was asked"):
        apply_transform(matrix(mixed), "gene_expression", "gene matrix", "log2p1")
    whole = apply_transform(matrix(2.0**logged - 1), "gene_expression", "gene matrix", "log2p1")
    np.testing.assert_allclose(whole.values, logged, atol=1e-4)  # a whole raw matrix is logged as asked


def test_integer_counts_are_diagnosed_as_counts_with_normalisation_as_the_fix():
    counts = np.round(raw_tpm(30, 12, seed=9) * 20)
    for call in (
        lambda: check_log_scale(matrix(counts), "gene_expression", "gene matrix", "none"),
        lambda: apply_transform(matrix(counts), "gene_expression", "gene matrix", "log2p1"),
    ):
        with pytest.raises(InputDataError, match="holds integer counts") as error:
            call()
        assert "CPM" in error.value.fix and "sequencing" in error.value.problem


def test_a_column_raw_for_certain_stops_the_run_when_the_file_does_not_look_unlogged():
    rng = np.random.default_rng(10)
    values = rng.uniform(0, 3, (40, 20))
    values[:, 7] = rng.uniform(10, 40, 40)  # above 30 in a third of the samples: raw, but only this column
    found = matrix(values)
    with pytest.raises(InputDataError, match="looks unlogged") as error:
        check_log_scale(found, "tf_expression", "TF matrix", "none")
    assert "'G7' in" in error.value.problem
    assert "if only those columns are raw (columns from two sources), log them before ingest" in error.value.fix
