"""Code dependencies of the rules: derived from imports, checked against an independent import walk.

The independent walk is the standard library's `modulefinder`, which scans compiled bytecode (imports
inside functions too) instead of the syntax tree that `lembas_core.workflow.code_deps` reads.
"""

from __future__ import annotations

import re
import subprocess
import sys
from modulefinder import ModuleFinder
from pathlib import Path

import pytest

from lembas_core.models.base import REGISTRY
from lembas_core.workflow.code_deps import code_inputs, module_file
from workflow_helpers import REPO, TINY, model_kinds_of_job, rule_scripts, snakemake

SCRIPTS = sorted((REPO / "workflow_scripts").glob("*.py"))


def modulefinder_closure(path: Path) -> set[str]:
    """lembas_core files that running `path` imports, found by `modulefinder` restricted to this checkout."""
    finder = ModuleFinder(path=[str(REPO)])
    finder.run_script(str(path))
    return {module.__file__ for name, module in finder.modules.items() if name.split(".")[0] == "lembas_core"}


def expected_code(script: Path, *modules: str) -> set[str]:
    """What a rule running `script` (and dispatching to the dotted `modules`) must declare as code inputs."""
    files = modulefinder_closure(script)
    for module in modules:
        files |= {str(module_file(module))} | modulefinder_closure(module_file(module))
    files |= {str(data) for f in files for data in Path(f).parent.glob(f"{Path(f).stem}_data/*")}  # a module's data
    return files - {str(script)}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_closure_equals_modulefinder(script):
    assert set(code_inputs(script)) == expected_code(script)


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_model_dispatch_adds_the_kind_implementation(kind):
    script = REPO / "workflow_scripts" / "predict.py"
    declared = set(code_inputs(script, REGISTRY[kind].module))
    assert declared == expected_code(script, REGISTRY[kind].module)
    assert str(module_file(REGISTRY[kind].module)) in declared


@pytest.mark.parametrize("script", ["summarize_metrics", "ladder", "summarize_interventions", "verdict"])
def test_the_measured_calibration_is_code_of_the_jobs_that_give_verdicts(script):
    """Every job whose tables or page name a winner reads the calibration tables: a new measurement reruns it."""
    declared = set(code_inputs(REPO / "workflow_scripts" / f"{script}.py"))
    tables = {str(p) for p in (REPO / "lembas_core/evaluation/calibration_data").glob("*.tsv")}
    assert tables and tables <= declared


def test_walk_sees_imports_inside_functions(tmp_path):
    script = tmp_path / "lazy.py"
    script.write_text("def later():\n    from lembas_core.models.rnn import dense\n")
    declared = set(code_inputs(script))
    assert str(REPO / "lembas_core/models/rnn/dense.py") in declared
    assert str(REPO / "lembas_core/models/rnn/__init__.py") in declared  # packages run on import
    assert str(REPO / "lembas_core/models/rnn/model.py") in declared  # dense imports it


PARSE_TIME_FILES = [REPO / "Snakefile", *sorted((REPO / "rules").glob("*.smk"))]
LEMBAS_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(lembas_core[\w.]*)[ \t]+import\b|import[ \t]+(lembas_core[\w.]*))", re.MULTILINE
)
HEAVY = ("numpy", "pandas", "torch", "xgboost", "yaml", "pyarrow", "scipy", "sklearn", "shap", "matplotlib")


def imported_modules(text: str) -> list[str]:
    """Dotted lembas_core modules that `text` (a Snakefile or rule file) imports, from its import lines."""
    return sorted({a or b for a, b in LEMBAS_IMPORT.findall(text)})


def test_the_import_lines_are_read():
    text = "import os\nfrom lembas_core.a import (\n    x,\n)\n    import lembas_core.b.c as d\n# from numpy import e\n"
    assert imported_modules(text) == ["lembas_core.a", "lembas_core.b.c"]


def test_parsing_the_workflow_imports_no_third_party_module():
    """Every lembas_core module that the Snakefile and rules/*.smk import, in a fresh interpreter: the standard
    library only (the workflow parses in every cluster job too, and DESIGN.md promises it)."""
    modules = {path.name: imported_modules(path.read_text()) for path in PARSE_TIME_FILES}
    assert modules["Snakefile"] and modules["common.smk"]
    every = sorted(set().union(*modules.values()))
    code = (
        "import importlib, sys; sys.path.insert(0, sys.argv[1]); "
        "[importlib.import_module(m) for m in sys.argv[3:]]; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[2].split(',')))"
    )
    command = [sys.executable, "-c", code, str(REPO), ",".join(HEAVY), *every]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", every


@pytest.mark.workflow
def test_every_job_declares_exactly_its_imports(tiny_run):
    """`snakemake --detailed-summary` lists each output's input files: its lembas_core ones must be the walk's."""
    result = snakemake(tiny_run, "--detailed-summary", configfiles=(TINY,))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout[result.stdout.index("output_file\tdate\trule") :].splitlines()
    header = lines[0].split("\t")
    scripts, checked = rule_scripts(), set()
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        if row.get("rule") not in scripts:
            continue
        declared = {f for f in row["input-file(s)"].split(",") if "/lembas_core/" in f}
        script = REPO / "workflow_scripts" / f"{scripts[row['rule']]}.py"
        modules = [REGISTRY[kind].module for kind in model_kinds_of_job(row["rule"], row["output_file"])]
        assert declared == expected_code(script, *modules), row["output_file"]
        checked.add(row["rule"])
    # the user perturbation data's rules are not in the synthetic tiny run (tests/test_workflow_data.py runs them),
    # nor the regime map's, outside the default run (tests/test_workflow_regime_map.py runs them)
    outside = {"predict_temporary", "ingest_interventions", "observed_interventions", "regime_map_cell", "regime_map"}
    assert checked >= set(scripts) - outside
