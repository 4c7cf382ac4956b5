"""Files real users bring, through the real ingest and preprocess code: every case of the table in
tests/hostile_cases.py (compressed, foreign, mis-encoded, malformed, mis-scaled or mis-named tables) states
its exact outcome, accepted with the cohort's shapes or an InputDataError naming the file, the line or cell
and the fix, with nothing written by the failing stage; and the input paths and data.files settings that
the Snakefile checks at parse time, before any job.
"""

from __future__ import annotations

import ast
import logging
import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from cohort_helpers import write_small_cohort
from hostile_cases import CASES, CONFIG_CASES, Case, files_settings, run_data_stages
from lembas_core.common.settings import IngestSettings
from lembas_core.data.dataset import load_dataset
from lembas_core.data.scale import transforms_by_role
from lembas_core.io.errors import InputDataError
from lembas_core.io.store import Store
from lembas_core.workflow.config_errors import describe_validation_error, input_file_problem
from lembas_core.workflow.settings import default_config

SHAPES = {"samples": 20, "tf_columns": 4, "gene_columns": 5, "validation_samples": 6}


def _keys(mapping: dict, prefix: str) -> list[str]:
    """Dotted paths of every key of a config mapping (`data.files.format`, `data.transform`, ...)."""
    paths = []
    for key, value in mapping.items():
        paths.append(f"{prefix}.{key}")
        if isinstance(value, dict):
            paths += _keys(value, f"{prefix}.{key}")
    return paths


_CONFIG = default_config()
SETTINGS = sorted(_keys(_CONFIG["data"], "data") + _keys(_CONFIG["preprocess"], "preprocess"), key=len, reverse=True)
NAMES_A_SETTING = re.compile(r"\b(" + "|".join(map(re.escape, SETTINGS)) + r")\b")
_CASE_FIELDS = {"validation_overlap": "overlap", "transform": "transform", "match_case": "match_case"}


def with_fix(case: Case) -> Case:
    """`case` with the settings its fix names (Case.apply) applied; the files are changed by the caller."""
    ingest, preprocess, own = dict(case.ingest or {}), dict(case.preprocess or {}), {}
    for key, value in case.apply.items():
        if key in _CASE_FIELDS:
            own[_CASE_FIELDS[key]] = value
        elif key in {f.name for f in fields(IngestSettings)}:
            ingest[key] = value
        elif key != "files":
            preprocess[key] = value
    return replace(case, ingest=ingest, preprocess=preprocess, **own)


# a setting as a message writes it: `data.transform: {validation: log2p1}`, `preprocess.test_fraction: 0.5`
SETTING_IN_MESSAGE = re.compile(r"\b(?:data|preprocess)\.(\w+): (\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|[^\s,;()]+)")


def settings_in(message: str) -> dict[str, list]:
    """The values each setting takes where the message writes one (parsed as YAML, as a user pastes them)."""
    found: dict[str, list] = {}
    for key, value in SETTING_IN_MESSAGE.findall(message):
        if key != "files":  # data.files.<role>: a path, applied by Case.apply["files"]
            found.setdefault(key, []).append(yaml.safe_load(value))
    return found


def assert_fix_works(case: Case, files, original, message: str, tmp_path: Path) -> None:
    """Apply the fix the refusal named: the run then passes, or stops with a different error (Case.after).
    A setting the case applies that the message writes out must be one the message offers."""
    offered = settings_in(message)
    if "transform" in offered:
        offered["transform"] = [transforms_by_role(v) for v in offered["transform"]]
    for key, value in case.apply.items():
        value = transforms_by_role(value) if key == "transform" else value
        assert key not in offered or value in offered[key], f"the message offers {key}: {offered[key]}, not {value}"
    fixed_files = case.apply["files"](files, original) if "files" in case.apply else files
    if not case.after:
        run_data_stages(with_fix(case), fixed_files, tmp_path)
        return
    with pytest.raises(InputDataError) as error:
        run_data_stages(with_fix(case), fixed_files, tmp_path)
    assert case.after in str(error.value) and str(error.value) != message, str(error.value)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="lembas_core")
    original = write_small_cohort(tmp_path / "original", "tsv")
    files = case.change(write_small_cohort(tmp_path / "in", "tsv"))
    files = replace(files, format="auto")
    if not case.problem:
        run_data_stages(case, files, tmp_path)
        store = Store(tmp_path / "ingest", kind="ingest")
        assert {name: len(store.names(name)) for name in SHAPES} == SHAPES
        assert store.names("tf_columns")[0] == "TFB"  # no byte-order mark left on a name
        assert "S01" in store.names("samples") and "TFA" in store.names("network_nodes")  # names cleaned
        dataset = load_dataset(tmp_path / "dataset")
        assert dataset.features == ["TFB", "TFA", "TFC"] and dataset.targets == list(case.targets)
        if case.check:
            case.check(original, tmp_path / "ingest")
        assert case.log in caplog.text, caplog.text
        return
    with pytest.raises(InputDataError) as error:
        run_data_stages(case, files, tmp_path)
    message = str(error.value)
    assert case.problem in message and case.file in message and case.fix in error.value.fix, message
    assert case.where in (error.value.where or ""), message
    assert not case.absent or case.absent not in message, message
    assert (tmp_path / "ingest").exists() == (case.stage == "preprocess"), message  # raised by the right stage
    assert not (tmp_path / "dataset").exists() and not [p for p in tmp_path.glob(".*")]
    named = NAMES_A_SETTING.findall(message)
    assert not named or case.apply, f"the message names {named}: the case must apply that fix (Case.apply)"
    if case.apply:
        assert_fix_works(case, files, original, message, tmp_path / "fixed")


def test_input_paths_are_checked_at_parse_time_with_key_resolved_path_and_fix(tmp_path, monkeypatch):
    files = write_small_cohort(tmp_path / "in", "tsv")
    monkeypatch.chdir(tmp_path)

    def problem(**paths) -> str | None:
        roles = ("tf_expression", "gene_expression", "network", "validation")
        settings = {role: paths.get(role, str(getattr(files, role))) for role in roles}
        return input_file_problem({"data": {"source": "files", "files": settings}})

    assert problem() is None
    missing = problem(network="in/network.tvs")
    assert "data.files.network = 'in/network.tvs'" in missing and str(tmp_path / "in/network.tvs") in missing
    assert "working directory" in missing
    assert "'~' is not expanded" in problem(validation="~/cohort/validation.tsv")
    assert "is a folder, not a file" in problem(tf_expression="in")
    (tmp_path / "empty.tsv").write_text("")
    assert "data.files.gene_expression" in problem(gene_expression="empty.tsv") and "is empty" in problem(
        gene_expression="empty.tsv"
    )


def config_problem(config: dict) -> str | None:
    """What the Snakefile says about `config` before any job: the schema check, then the input paths."""
    try:
        validate(config, str(Path(__file__).resolve().parent.parent / "config" / "config.schema.yaml"))
    except WorkflowError as error:
        return describe_validation_error(error)
    return input_file_problem(config)


@pytest.mark.parametrize("case", CONFIG_CASES, ids=[c.name for c in CONFIG_CASES])
def test_config_problem_names_the_key_and_the_fix(case, tmp_path):
    config = default_config()
    config["data"].update(source="files", files=files_settings(case, tmp_path))
    message = config_problem(config)
    assert message and case.problem in message and f"How to fix: {case.fix}" in message, message
    assert case.absent not in message, message


def _message_strings(path: Path) -> list[str]:
    """The string constants of a module that are not docstrings: its messages."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node) is not None
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_every_setting_the_input_messages_name_is_applied_by_a_case():
    """Every data or preprocess setting that an input check's message names (lembas_core/data, lembas_core/io)
    is applied by at least one case of tests/hostile_cases.py (Case.apply; `files` for data.files.*), which
    asserts what the run does then."""
    package = Path(__file__).resolve().parent.parent / "lembas_core"
    named = {
        "files" if setting.startswith("data.files") else setting.split(".")[1]
        for module in [*package.joinpath("data").glob("*.py"), *package.joinpath("io").glob("*.py")]
        for text in _message_strings(module)
        for setting in NAMES_A_SETTING.findall(text)
    }
    applied = {key for case in CASES if case.apply for key in case.apply}
    assert named and not named - applied, f"no case applies {sorted(named - applied)}"
