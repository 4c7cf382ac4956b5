"""Randomly corrupted cohorts (seeded) through the real ingest and preprocess code: an input error that
names a file or place, or a complete dataset equal to the clean one where the corruption was harmless;
nothing else, nothing half-written."""

from __future__ import annotations

import random
import shutil
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from cohort_helpers import write_small_cohort
from hostile_cases import Case, run_data_stages
from lembas_core.data.dataset import load_dataset
from lembas_core.data.ingest import CohortFiles
from lembas_core.io.errors import InputDataError
from lembas_core.io.store import Store

CORRUPTIONS = (
    "flip a byte",
    "truncate",
    "delete a line",
    "repeat a line",
    "swap two lines",
    "delete a cell",
    "empty a cell",
    "replace a cell",
    "repeat a cell",
    "insert a byte",
)


def corrupt(data: bytes, rng: random.Random) -> bytes:
    """`data` (a small TSV) with one random corruption of the kinds in CORRUPTIONS."""
    kind = rng.choice(CORRUPTIONS)
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    if kind == "flip a byte":
        k = rng.randrange(len(data))
        return data[:k] + bytes([rng.randrange(256)]) + data[k + 1 :]
    if kind == "truncate":
        return data[: rng.randrange(len(data) + 1)]
    if kind == "insert a byte":
        k = rng.randrange(len(data) + 1)
        return data[:k] + rng.choice([b"\r", b"\x00", b'"', b"\t", b"\n", b"\xef\xbb\xbf", b"\xff"]) + data[k:]
    if kind == "delete a line":
        del lines[i]
    elif kind == "repeat a line":
        lines.insert(i, lines[i])
    elif kind == "swap two lines":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        cells = lines[i].split(b"\t")
        j = rng.randrange(len(cells))
        if kind == "delete a cell":
            del cells[j]
        elif kind == "empty a cell":
            cells[j] = b""
        elif kind == "repeat a cell":
            cells.insert(j, cells[j])
        else:
            cells[j] = rng.choice([b"abc", b"1e999", b"-", b"NA", b'"', b"1,5", b" ", b"#x", b"inf", b"1e5", b"-3"])
        lines[i] = b"\t".join(cells)
    return b"\n".join(lines)


MATRICES = ("tf_expression", "gene_expression", "validation")


def content(files: CohortFiles) -> tuple | None:
    """What an independent reader (pandas) finds in the four files, as far as the dataset depends on it: the
    TF and validation matrices with their row order, the gene matrix by sample ID, the network as a set of
    edges. None when pandas cannot read one of them."""
    found = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for role in MATRICES:
                frame = pd.read_csv(getattr(files, role), sep="\t", index_col=0, float_precision="round_trip")
                if role == "gene_expression":
                    frame = frame.sort_index()
                found.append(
                    (
                        tuple(frame.index),
                        tuple(frame.columns),
                        tuple(map(str, frame.dtypes)),
                        frame.to_numpy().tobytes(),
                    )
                )
            network = pd.read_csv(files.network, sep="\t", dtype=str, keep_default_na=False)
            found.append((tuple(network.columns), frozenset(map(tuple, network.to_numpy().tolist()))))
    except Exception:  # noqa: BLE001 - any failure of the independent reader: no judgement on harmlessness
        return None
    return tuple(found)


def assert_same_data(root: Path, clean: Path) -> None:
    """The dataset (splits, names, masks) and the ingested network under `root` equal those under `clean`."""
    got, want = load_dataset(root / "dataset"), load_dataset(clean / "dataset")
    assert (got.features, got.targets, got.samples) == (want.features, want.targets, want.samples)
    for split in want.x:
        np.testing.assert_array_equal(got.x[split], want.x[split])
        np.testing.assert_array_equal(got.y[split], want.y[split])
    np.testing.assert_array_equal(got.validation_missing_features, want.validation_missing_features)
    np.testing.assert_array_equal(got.validation_missing_targets, want.validation_missing_targets)

    def edges(directory: Path) -> list[tuple[str, str, int]]:
        store = Store(directory / "ingest", kind="ingest")
        nodes = store.names("network_nodes")
        arrays = (store.array(name) for name in ("network_source", "network_target", "network_sign"))
        return sorted((nodes[a], nodes[b], int(c)) for a, b, c in zip(*arrays))

    assert edges(root) == edges(clean)


def test_random_corruptions_end_in_an_input_error_or_a_complete_dataset(tmp_path):
    """500 cohorts, each with 1-3 random corruptions (seeded): the data stages either write a complete
    dataset or raise an InputDataError that names a file or a place; no other exception, nothing
    half-written. Where the corruption was harmless (pandas reads the same content from the files), an
    accepted cohort gives exactly the clean dataset."""
    rng = random.Random(13)
    clean_files = replace(write_small_cohort(tmp_path / "clean" / "in", "tsv"), format="auto")
    run_data_stages(Case("clean", lambda f: f), clean_files, tmp_path / "clean")
    clean_content = content(clean_files)
    outcomes = {"accepted": 0, "refused": 0, "harmless and accepted": 0}
    for trial in range(500):
        root = tmp_path / str(trial)
        files = replace(write_small_cohort(root / "in", "tsv"), format="auto")
        for _ in range(rng.randint(1, 3)):
            path = Path(getattr(files, rng.choice(("tf_expression", "gene_expression", "network", "validation"))))
            path.write_bytes(corrupt(path.read_bytes(), rng))
        try:
            run_data_stages(Case("corrupted", lambda f: f), files, root)
        except InputDataError as error:
            outcomes["refused"] += 1
            assert error.path or error.where, str(error)
            assert not (root / "dataset").exists()
        else:
            outcomes["accepted"] += 1
            assert len(load_dataset(root / "dataset").targets) > 0
            if content(files) == clean_content:
                outcomes["harmless and accepted"] += 1
                assert_same_data(root, tmp_path / "clean")
        assert not [p for p in root.glob(".*")]  # no scratch directory left behind
        shutil.rmtree(root)
    assert outcomes["refused"] > 250 and outcomes["accepted"] > 0, outcomes  # the corruptions are real
    assert outcomes["harmless and accepted"] > 10, outcomes  # the comparison with the clean dataset ran
