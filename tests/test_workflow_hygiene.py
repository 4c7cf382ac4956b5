"""Workflow hygiene: lint, formatting, per-rule declarations and resources that follow the cohort."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from workflow_helpers import REPO, snakemake, write_config

pytestmark = pytest.mark.workflow

RULE_FILES = sorted((REPO / "rules").glob("*.smk"))
DIRECTIVES = ("threads:", "resources:", "log:", "benchmark:", "conda:")


def rule_blocks() -> dict[str, str]:
    """Source text of every rule/checkpoint in rules/*.smk, by name (`use rule` inherits, so skipped)."""
    blocks = {}
    for path in RULE_FILES:
        parts = re.split(r"^(?:rule|checkpoint) (\w+):\n", path.read_text(), flags=re.M)
        blocks |= dict(zip(parts[1::2], parts[2::2]))
    return blocks


def test_snakemake_lint_passes(tmp_path):
    result = snakemake(tmp_path, "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations" in result.stdout + result.stderr


def test_snakefiles_are_snakefmt_formatted():
    result = subprocess.run(
        [sys.executable, "-m", "snakefmt", "--check", "Snakefile", "rules"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, f"run `snakefmt Snakefile rules` to format:\n{result.stderr}"


@pytest.mark.parametrize("directive", DIRECTIVES)
def test_every_rule_declares(directive):
    blocks = rule_blocks()
    assert len(blocks) >= 14  # fit_mlr, fit_ridge and fit_mean are one rule, fit_linear
    missing = [name for name, text in blocks.items() if f"\n    {directive}" not in "\n" + text.split("\n\n\n")[0]]
    assert not missing, f"rules without {directive}: {missing}"


def requested(stdout: str, rule: str) -> dict[str, int]:
    """mem_mb and runtime of `rule`'s first job in a dry run."""
    start = re.search(rf"^(?:rule|checkpoint) {rule}:$", stdout, flags=re.M)
    assert start, f"no {rule} job in the dry run"
    block = stdout[start.start() :].split("\n[", 1)[0]
    return {key: int(value) for key, value in re.findall(r"\b(mem_mb|runtime)=(\d+)", block)}


def test_memory_and_runtime_follow_the_configured_cohort(tmp_path):
    full = write_config(tmp_path / "full.yaml", {"data": {"synthetic": {"preset": "full"}}})
    small, large = (
        snakemake(tmp_path, "-n", configfiles=files) for files in ((REPO / "config/presets/tiny.yaml",), (full,))
    )
    assert small.returncode == 0 and large.returncode == 0, small.stdout + large.stdout
    for rule in ("synthesize_cohort", "ingest", "preprocess"):
        tiny, upstream_size = requested(small.stdout, rule), requested(large.stdout, rule)
        assert upstream_size["mem_mb"] >= 5 * tiny["mem_mb"], rule
    assert requested(large.stdout, "synthesize_cohort")["mem_mb"] >= 12_200  # measured peak at this size
    scaled = write_config(
        tmp_path / "scaled.yaml", {"data": {"synthetic": {"preset": "full"}}, "resources": {"memory_scale": 2.0}}
    )
    doubled = snakemake(tmp_path, "-n", configfiles=(scaled,))
    assert requested(doubled.stdout, "ingest")["mem_mb"] >= 2 * requested(large.stdout, "ingest")["mem_mb"] - 100
