"""Hostile inputs and settings through the real workflow (snakemake): the message printed once with its
file, line and fix, no traceback, no retry, nothing left in results/. The cases are tests/hostile_cases.py's.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from cohort_helpers import rewrite_lines, write_small_cohort
from hostile_cases import CASES, CONFIG_CASES, files_settings, folder
from workflow_helpers import DEFAULT_PROFILE, TINY, files_config, snakemake, write_config


@pytest.mark.workflow
@pytest.mark.parametrize("case", CONFIG_CASES[::2], ids=[c.name for c in CONFIG_CASES[::2]])
def test_config_problem_through_snakemake(case, tmp_path):
    overlay = write_config(
        tmp_path / "files.yaml", {"data": {"source": "files", "files": files_settings(case, tmp_path)}}
    )
    result = snakemake(tmp_path, "results/dataset", configfiles=(TINY, overlay))
    output = result.stdout + result.stderr
    assert result.returncode != 0 and output.count(case.problem) == 1 and case.fix in output, output
    assert case.absent not in output and "Traceback" not in output, output
    assert not (tmp_path / "results").exists()


@pytest.mark.workflow
def test_a_folder_given_as_a_file_stops_the_run_before_any_job(tmp_path):
    files = folder(write_small_cohort(tmp_path / "in", "tsv"))
    result = snakemake(tmp_path, "results/dataset", configfiles=(TINY, files_config(tmp_path, files, "auto")))
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "data.files.network" in output and "is a folder, not a file" in output
    assert not (tmp_path / "results").exists() and "mem_mb" not in output


@pytest.mark.workflow
def test_an_input_error_in_a_job_is_not_retried_has_no_traceback_and_leaves_nothing(tmp_path):
    files = write_small_cohort(tmp_path / "in", "tsv")
    rewrite_lines(files.tf_expression, lambda lines: ["#" + lines[0], *lines[1:]])  # the header commented out
    relative = os.path.relpath(files.tf_expression, tmp_path)  # resolved against the working directory
    files = replace(files, tf_expression=relative)
    result = snakemake(tmp_path, "results/dataset", configfiles=(TINY, files_config(tmp_path, files, "auto")))
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "the header looks commented out" in output
    assert "Trying to restart job" not in output  # deterministic input errors are not retried
    assert "Traceback" not in output  # the message says what, where and how to fix
    assert not (tmp_path / "results/ingest").exists()


THROUGH_SNAKEMAKE = (
    "gene names turned into dates by Excel (SEPTIN7 -> 7-Sep, MARCHF1 -> 1-Mar)",
    "1e39 cell (finite, beyond float32)",
    "network genes as Ensembl IDs",
    "gzip named tsv",
    "cp1252 byte on line 13",
    "decimal comma",
    "1e30 cell",
    "trailing tab",
    "validation shares a sample ID",
    "unlogged TPM matrix",
    "validation columns in lower case",
)


@pytest.mark.workflow
@pytest.mark.parametrize("case", [c for c in CASES if c.name in THROUGH_SNAKEMAKE], ids=lambda c: c.name)
def test_hostile_input_through_snakemake(case, tmp_path):
    """The same files through the real workflow (ingest job): the message printed once, no traceback,
    no retry, nothing in results/."""
    files = case.change(write_small_cohort(tmp_path / "in", "tsv"))
    result = snakemake(tmp_path, "results/ingest", configfiles=(TINY, files_config(tmp_path, files, "auto")))
    output = result.stdout + result.stderr
    assert result.returncode != 0 and output.count(case.problem) == 1, output
    assert case.fix in output and case.file in output
    assert "Traceback" not in output and "Trying to restart job" not in output
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())


PRINTED_ONCE = ("ragged row", "gene names turned into dates by Excel (SEPTIN7 -> 7-Sep, MARCHF1 -> 1-Mar)")


@pytest.mark.workflow
@pytest.mark.parametrize("case", [c for c in CASES if c.name in PRINTED_ONCE], ids=lambda c: c.name)
def test_an_input_error_is_printed_once_with_the_default_profile(case, tmp_path):
    """As users run it (profiles/default, loaded automatically): the job's message once on the console,
    with its file, line and fix; no traceback, no retry."""
    files = case.change(write_small_cohort(tmp_path / "in", "tsv"))
    config = (TINY, files_config(tmp_path, files, "auto"))
    result = snakemake(tmp_path, "results/ingest", configfiles=config, profile=DEFAULT_PROFILE)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and output.count(case.problem) == 1 and output.count(case.fix) == 1, output
    assert case.file in output and case.where in output
    assert "Traceback" not in output and "Trying to restart job" not in output


@pytest.mark.workflow
def test_absent_explicit_shap_genes_stop_the_run_at_preprocessing(tmp_path):
    """Listed SHAP genes the cohort lacks: the preprocess job fails, with close matches, before any model."""
    files = write_small_cohort(tmp_path / "in", "tsv")
    genes = write_config(tmp_path / "genes.yaml", {"shap": {"genes": ["G1", "g2"]}})
    result = snakemake(tmp_path, configfiles=(TINY, files_config(tmp_path, files, "auto"), genes))
    output = result.stdout + result.stderr
    assert result.returncode != 0 and output.count("'g2': close matches: 'G2'") == 1, output
    assert "Traceback" not in output and "Trying to restart job" not in output
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["ingest"]  # no dataset, no model


@pytest.mark.workflow
def test_absent_default_shap_genes_are_skipped_with_a_warning(tmp_path):
    """A cohort without ALB and AFP runs through: no SHAP job, a warning naming them; a list edited after
    preprocessing is still checked against the dataset when the workflow is built."""
    files = files_config(tmp_path, write_small_cohort(tmp_path / "in", "tsv"), "auto")
    assert snakemake(tmp_path, "results/dataset", configfiles=(TINY, files)).returncode == 0
    plan = snakemake(tmp_path, "--dry-run", configfiles=(TINY, files))
    output = plan.stdout + plan.stderr
    assert plan.returncode == 0 and "default gene(s) 'ALB', 'AFP' are not target genes" in output, output
    assert "results/shap/" not in output and "train_rnn" in output
    edited = write_config(tmp_path / "genes.yaml", {"shap": {"genes": ["ALB"]}})
    plan = snakemake(tmp_path, "--dry-run", configfiles=(TINY, files, edited))
    output = plan.stdout + plan.stderr
    assert plan.returncode != 0 and "'ALB': no target gene has a similar name" in output, output
