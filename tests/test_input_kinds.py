"""Property tests at the level of the kinds of input problem, on a realistic cohort (the tiny synthetic
preset: 240 samples, 23 TF columns, 150 genes, a 40-sample validation cohort): every sample name of one
file decorated, every gene name of one file decorated, the validation cohort shifted or centred, raw and
log-scale columns mixed at random, counts given for log-expression. Each draw ends in a correct read or in
an error naming its kind, never in a silently different dataset; where the error names a setting, applying
that setting gives back the original dataset.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from cohort_helpers import INGEST
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.io.errors import InputDataError
from lembas_core.io.store import Store
from lembas_core.synthetic.cohort import generate_cohort, write_cohort

ROLES = ("tf_expression", "gene_expression", "network", "validation")
STRIP_FIX = re.compile(r"set (data\.strip_names: \{.*\}) to delete it")
# (what a tool adds, given the sample or gene name and a draw)
DECORATIONS = {
    "file extension": lambda name, k: f"{name}.bam",
    "lane tag": lambda name, k: f"{name}_L00{k % 4 + 1}",
    "replicate tag": lambda name, k: f"{name}_rep{k % 3 + 1}",
    "version": lambda name, k: f"{name}.{k % 17 + 1}",
    "prefix": lambda name, k: f"Sample_{name}",
    "tool path": lambda name, k: f"/data/run1/{name}",
}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> tuple[Path, dict[str, np.ndarray]]:
    """The tiny preset's files (TSV) and the arrays its ingest writes."""
    directory = tmp_path_factory.mktemp("tiny_cohort")
    write_cohort(generate_cohort(PRESETS["tiny"]), directory, "tsv")
    ingest_cohort(files(directory), directory / "ingest", INGEST)
    return directory, arrays(directory / "ingest")


def files(directory: Path) -> CohortFiles:
    """The four TSV files of a cohort folder."""
    return CohortFiles(*(str(directory / f"{role}.tsv") for role in ROLES), format="auto")


def arrays(ingest_dir: Path) -> dict[str, object]:
    """What an ingest store holds: its name lists and arrays, by name."""
    store = Store(ingest_dir, kind="ingest")
    names = ("samples", "tf_columns", "gene_columns", "validation_columns", "network_nodes")
    values = ("tf_expression", "gene_expression", "validation", "network_source", "network_sign")
    return {**{n: store.names(n) for n in names}, **{v: np.array(store.array(v)) for v in values}}


def copy_of(cohort_dir: Path, tmp_path: Path) -> Path:
    """A copy of the cohort's four files in `tmp_path` (created)."""
    tmp_path.mkdir(parents=True)
    for role in ROLES:
        (tmp_path / f"{role}.tsv").write_bytes((cohort_dir / f"{role}.tsv").read_bytes())
    return tmp_path


def read(path: Path) -> pd.DataFrame:
    """A matrix file as a DataFrame (sample IDs as the index)."""
    return pd.read_csv(path, sep="\t", index_col=0)


def write(frame: pd.DataFrame, path: Path) -> None:
    """A DataFrame as a matrix file (6 significant digits)."""
    frame.to_csv(path, sep="\t", float_format="%.6g")


def ingest(directory: Path, tmp_path: Path, **settings) -> dict[str, object]:
    """Ingest the cohort folder with the default data settings but `settings`; what the store holds."""
    out = tmp_path / f"ingest_{len(list(tmp_path.glob('ingest_*')))}"
    ingest_cohort(files(directory), out, replace(INGEST, **settings))
    return arrays(out)


def assert_same_dataset(found: dict[str, object], expected: dict[str, object], tolerance: float = 0.0) -> None:
    """The same names and, within `tolerance`, the same values."""
    for key, value in expected.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_allclose(found[key], value, atol=tolerance, err_msg=key)
        else:
            assert found[key] == value, key


def refused(directory: Path, tmp_path: Path, kind: str, **settings) -> InputDataError:
    """The ingest's error, which must name `kind` (a regular expression)."""
    with pytest.raises(InputDataError) as error:
        ingest(directory, tmp_path, **settings)
    assert re.search(kind, str(error.value)), str(error.value)
    return error.value


def apply_strip_fix(error: InputDataError) -> dict:
    """The data.strip_names setting an error's fix names, parsed as the user would paste it into the config."""
    found = STRIP_FIX.search(error.fix)
    assert found, error.fix
    return yaml.safe_load(found.group(1).removeprefix("data.strip_names: "))


@pytest.mark.parametrize("seed", range(8))
def test_decorated_names_are_named_and_the_named_setting_restores_the_dataset(cohort, tmp_path, seed):
    cohort_dir, expected = cohort
    draw = random.Random(seed)
    decoration = DECORATIONS[draw.choice(sorted(DECORATIONS))]
    directory = copy_of(cohort_dir, tmp_path / "in")
    kind, role = draw.choice(
        [("samples", "tf_expression"), ("samples", "gene_expression")] + [("genes", r) for r in ROLES]
    )
    path = directory / f"{role}.tsv"
    if role == "network":
        table = pd.read_csv(path, sep="\t")
        table[["TF", "Gene"]] = table[["TF", "Gene"]].map(lambda n: decoration(n, len(n)))
        table.to_csv(path, sep="\t", index=False)
    else:
        frame = read(path)
        rename = {"index" if kind == "samples" else "columns": lambda n: decoration(n, len(n))}
        write(frame.rename(**rename), path)
    error = refused(directory, tmp_path, r"carry a (prefix|suffix) that")
    setting = apply_strip_fix(error)
    assert role in setting, setting  # the decorated file is named (others carrying the affix may be too)
    assert_same_dataset(ingest(directory, tmp_path, strip_names=setting), expected, tolerance=1e-5)


@pytest.mark.parametrize("seed", range(6))
def test_shifted_or_centred_validation_is_refused_a_batch_effect_is_not(cohort, tmp_path, seed):
    cohort_dir, expected = cohort
    draw = np.random.default_rng(seed)
    directory = copy_of(cohort_dir, tmp_path / "in")
    training = pd.concat([read(directory / "tf_expression.tsv"), read(directory / "gene_expression.tsv")], axis=1)
    training = training.loc[:, ~training.columns.duplicated()]
    validation = read(directory / "validation.tsv")
    sd = training.std().reindex(validation.columns).fillna(1.0)
    batch = validation + draw.normal(0, 0.3, validation.shape[1]) * sd  # per-gene batch effects within 0.3 sd
    write(batch, directory / "validation.tsv")
    ingest(directory, tmp_path)  # a batch effect passes
    shifted = {
        "offset": validation + draw.choice([-1, 1]) * draw.uniform(2, 5) * sd,
        "centred": validation - validation.mean(),
        "z-scored": (validation - validation.mean()) / validation.std().replace(0, 1),
    }
    for frame in shifted.values():
        write(frame, directory / "validation.tsv")
        refused(directory, tmp_path, r"validation cohort is (shifted against|on another scale than) the training")


@pytest.mark.parametrize("seed", range(6))
def test_raw_and_log_columns_mixed_at_random_are_named_as_mixed(cohort, tmp_path, seed):
    cohort_dir, expected = cohort
    draw = np.random.default_rng(seed)
    directory = copy_of(cohort_dir, tmp_path / "in")
    role = ("tf_expression", "gene_expression")[seed % 2]
    frame = read(directory / f"{role}.tsv")
    raw = draw.random(frame.shape[1]) < draw.uniform(0.25, 0.75)
    mixed = frame.copy()
    mixed.loc[:, raw] = 10 ** frame.loc[:, raw] - 1  # the cohort is log10(x + 1)
    write(mixed, directory / f"{role}.tsv")
    refused(directory, tmp_path, "mixes scales")
    refused(directory, tmp_path, r"mixes scales \(data.transform log2p1 was asked", transform={role: "log2p1"})
    fixed = mixed.copy()
    fixed.loc[:, raw] = np.log10(mixed.loc[:, raw] + 1)  # the fix: log the raw source's columns, in the others' base
    write(fixed, directory / f"{role}.tsv")
    assert_same_dataset(ingest(directory, tmp_path), expected, tolerance=2e-4)


def test_whole_raw_matrix_and_counts_get_their_own_diagnosis_and_their_fixes_work(cohort, tmp_path):
    cohort_dir, expected = cohort
    directory = copy_of(cohort_dir, tmp_path / "in")
    frame = read(directory / "gene_expression.tsv")
    write(10**frame - 1, directory / "gene_expression.tsv")
    error = refused(directory, tmp_path, "gene expression matrix looks unlogged")
    assert "log10p1" in error.fix
    assert_same_dataset(ingest(directory, tmp_path, transform={"gene_expression": "log10p1"}), expected, 2e-4)
    counts = np.round(10 ** (frame + 2))  # whole numbers
    write(counts, directory / "gene_expression.tsv")
    refused(directory, tmp_path, "holds integer counts: every value is a whole number")
    refused(
        directory, tmp_path, r"holds integer counts \(data.transform log2p1", transform={"gene_expression": "log2p1"}
    )
