"""Packaging consistency: conda env files agree with pyproject; config presets validate; CI calls the README command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from snakemake.utils import update_config, validate

REPO = Path(__file__).resolve().parent.parent
CONDA_TO_PYPI = {"pytorch": "torch", "pygments": "snakemake[reports]"}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject_names() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return {_name(r).split("[")[0] for r in project["dependencies"]}


def _conda_names(path: Path) -> set[str]:
    deps = yaml.safe_load(path.read_text())["dependencies"]
    names = {_name(d) for d in deps if isinstance(d, str)}
    names.discard("python")
    return {CONDA_TO_PYPI.get(n, n).split("[")[0] for n in names}


@pytest.mark.parametrize("env", sorted((REPO / "envs").glob("*.yaml")), ids=lambda p: p.name)
def test_conda_env_matches_pyproject(env):
    assert _conda_names(env) == _pyproject_names()


def test_torch_pinned_to_cpu_build_for_setup():
    assert "torch==2.13.0" in (REPO / "constraints.txt").read_text()
    assert "-c constraints.txt" in (REPO / "Makefile").read_text()


@pytest.mark.parametrize("preset", sorted((REPO / "config" / "presets").glob("*.yaml")), ids=lambda p: p.stem)
def test_presets_validate_against_schema(preset):
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    overlay = yaml.safe_load(preset.read_text())
    update_config(config, overlay)
    validate(config, str(REPO / "config" / "config.schema.yaml"))


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in readme and "make test" in ci


def test_the_contributing_development_tree_names_every_library_module():
    """CONTRIBUTING.md: every module of lembas_core (but the steps, one per rule) is named under its package."""
    readme = (REPO / "CONTRIBUTING.md").read_text()
    tree = readme[readme.index("## Layout") :]
    tree = tree[tree.index("```") + 3 :]
    tree = tree[: tree.index("```")]
    package = REPO / "lembas_core"
    modules = [p for p in package.rglob("*.py") if p.name != "__init__.py" and p.parent.name != "steps"]
    unnamed = [str(p.relative_to(package)) for p in modules if not re.search(rf"\b{p.stem}\b", tree)]
    assert not unnamed, f"name these modules in CONTRIBUTING.md's development tree: {unnamed}"
