"""Ingest: cross-file checks, the binary store and its manifest, and no partial output on failure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cohort_helpers import GENE_COLUMNS, INGEST, SAMPLES, TF_COLUMNS, rewrite_lines, write_small_cohort
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.io.errors import InputDataError
from lembas_core.io.store import Store, sha256_file
from lembas_core.io.table_writer import write_matrix
from lembas_core.io.tables import read_matrix


def test_store_contents_and_manifest(small_cohort, tmp_path):
    out = tmp_path / "ingest"
    ingest_cohort(small_cohort, out, INGEST)
    store = Store(out, kind="ingest")
    store.verify()
    assert store.names("tf_columns") == TF_COLUMNS and store.names("samples") == SAMPLES
    tf = store.array("tf_expression")
    assert isinstance(tf, np.memmap) and tf.dtype == np.float32 and tf.shape == (20, 4)
    np.testing.assert_array_equal(tf, read_matrix(small_cohort.tf_expression, "tsv", "tf").values)
    manifest = store.manifest
    assert manifest["sources"]["network"]["sha256"] == sha256_file(small_cohort.network)
    assert manifest["report"]["network"]["network_regulators_absent_from_tf_matrix"] == ["TFD"]
    val = manifest["report"]["validation"]
    assert val["tf_missing_names"] == ["TFC", "NOTNODE"] and val["gene_missing_names"] == ["G3", "ORPHAN"]
    assert val["gene_fraction_missing"] == pytest.approx(2 / 5)
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".npy") == sorted(
        f"{n}.npy"
        for n in ("tf_expression", "gene_expression", "validation", "network_source", "network_target", "network_sign")
    )


def test_auto_format_from_extension(tmp_path):
    files = write_small_cohort(tmp_path / "in", "csv")
    files.format = "auto"
    ingest_cohort(files, tmp_path / "out", INGEST)
    assert Store(tmp_path / "out").manifest["sources"]["tf_expression"]["format"] == "csv"


def test_gene_rows_in_other_order_are_aligned_by_id(small_cohort, tmp_path):
    original = read_matrix(small_cohort.gene_expression, "tsv", "genes")
    order = np.random.default_rng(0).permutation(len(SAMPLES))
    write_matrix(small_cohort.gene_expression, original.values[order], [SAMPLES[i] for i in order], GENE_COLUMNS, "tsv")
    manifest = ingest_cohort(small_cohort, tmp_path / "out", INGEST)
    assert manifest["report"]["samples"]["status"].startswith("reordered")
    np.testing.assert_array_equal(Store(tmp_path / "out").array("gene_expression"), original.values)


def _fails(files: CohortFiles, tmp_path, match: str) -> InputDataError:
    out = tmp_path / "results" / "ingest"
    with pytest.raises(InputDataError, match=match) as info:
        ingest_cohort(files, out, INGEST)
    assert not out.exists(), "a failed ingest must not leave its output directory"
    assert not list((tmp_path / "results").glob(".*")) if (tmp_path / "results").exists() else True
    return info.value


def test_different_sample_sets(small_cohort, tmp_path):
    rewrite_lines(small_cohort.gene_expression, lambda ls: ls[:-1] + [ls[-1].replace("S20", "S99", 1)])
    err = _fails(small_cohort, tmp_path, "hold different samples")
    assert "1 only in the TF matrix ('S20')" in err.problem and "('S99')" in err.problem


def small_cohort_lines(path) -> list[str]:
    return Path(path).read_text().splitlines()


def test_network_without_any_tf_column(small_cohort, tmp_path):
    reversed_tf = [line.split("\t", 1) for line in small_cohort_lines(small_cohort.network)[1:]]
    rewrite_lines(small_cohort.network, lambda ls: [ls[0]] + [f"{tf[::-1]}\t{rest}" for tf, rest in reversed_tf])
    err = _fails(small_cohort, tmp_path, "none of the network's 4 regulators")
    assert err.path == small_cohort.network and "identifiers" in err.fix


def test_validation_without_shared_genes(small_cohort, tmp_path):
    rewrite_lines(
        small_cohort.validation,
        lambda ls: ["\t".join([ls[0].split("\t")[0]] + [c.lower() for c in ls[0].split("\t")[1:]])] + ls[1:],
    )
    err = _fails(small_cohort, tmp_path, "shares no tf column the models use")
    assert "differ only in letter case" in err.problem and err.path == small_cohort.validation


def test_bad_file_leaves_nothing(small_cohort, tmp_path):
    rewrite_lines(
        small_cohort.validation, lambda ls: ls[:2] + [ls[2].replace("\t", "\tabc", 1)[: len(ls[2]) + 3]] + ls[3:]
    )
    _fails(small_cohort, tmp_path, "validation cohort")


def test_unknown_extension(small_cohort, tmp_path):
    files = CohortFiles(
        small_cohort.tf_expression, small_cohort.gene_expression, small_cohort.network, str(tmp_path / "v.xlsx"), "auto"
    )
    with pytest.raises(InputDataError, match="cannot infer the table format"):
        ingest_cohort(files, tmp_path / "out", INGEST)


def test_manifest_is_json_with_shapes(small_cohort, tmp_path):
    ingest_cohort(small_cohort, tmp_path / "out", INGEST)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["arrays"]["gene_expression"]["shape"] == [20, 5]
    assert manifest["arrays"]["network_sign"]["dtype"] == "int8"
