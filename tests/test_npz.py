"""The one `.npz` format: arrays written atomically, read back as plain arrays, damaged files named."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

from lembas_core.io.errors import InputDataError
from lembas_core.io.npz import REWRITE, load_arrays, save_arrays

TRIPPED: list[str] = []


def _trip() -> str:
    """Run only if a pickle in a loaded file were executed."""
    TRIPPED.append("unpickled")
    return "unpickled"


class Tripwire:
    """An object whose unpickling calls `_trip`."""

    def __reduce__(self):
        return _trip, ()


def _arrays() -> dict[str, np.ndarray]:
    """One array of each kind the pipeline stores, in a deliberate (non-alphabetical) order."""
    return {
        "values": np.arange(12, dtype=np.float32).reshape(3, 4),
        "kind": np.array("mlr"),
        "names": np.array(["TP53", "MYC", "ALB"], dtype=str),
        "hops": np.array([[1, 0, -1]], dtype=np.int8),
        "in_range": np.array([True, False]),
        "n": np.array(30),
        "path": np.array("data/perturbations.tsv"),  # a name equal to save_arrays' first parameter
        "empty": np.zeros((0, 5)),
    }


def test_arrays_come_back_with_their_names_order_dtypes_and_values(tmp_path):
    save_arrays(tmp_path / "a.npz", **_arrays())
    back = load_arrays(tmp_path / "a.npz", ["values", "path"])
    assert list(back) == list(_arrays())
    for name, array in _arrays().items():
        assert type(back[name]) is np.ndarray and back[name].dtype == array.dtype
        np.testing.assert_array_equal(back[name], array)
    assert str(back["kind"]) == "mlr" and back["names"].tolist() == ["TP53", "MYC", "ALB"]
    assert os.listdir(tmp_path) == ["a.npz"]  # no scratch file left beside it


def test_the_file_is_the_uncompressed_npz_of_np_savez(tmp_path):
    """The format every caller wrote before: np.savez's bytes, members stored (not compressed) in order."""
    save_arrays(tmp_path / "a.npz", **_arrays())
    np.savez(tmp_path / "direct.npz", **_arrays())
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "direct.npz").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.npz") as archive:
        assert [i.filename for i in archive.infolist()] == [f"{k}.npy" for k in _arrays()]
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}


def test_a_write_that_fails_midway_leaves_no_file_and_keeps_the_previous_one(tmp_path):
    big = np.ones((200, 300))
    unsaveable = np.array([Tripwire()], dtype=object)  # written after `big`: the failure comes midway
    with pytest.raises(ValueError, match="allow_pickle"):
        save_arrays(tmp_path / "new.npz", big=big, bad=unsaveable)
    assert os.listdir(tmp_path) == []
    save_arrays(tmp_path / "old.npz", big=big)
    before = (tmp_path / "old.npz").read_bytes()
    with pytest.raises(ValueError, match="allow_pickle"):
        save_arrays(tmp_path / "old.npz", big=2 * big, bad=unsaveable)
    assert (tmp_path / "old.npz").read_bytes() == before and os.listdir(tmp_path) == ["old.npz"]


def _truncated(path):
    save_arrays(path, values=np.arange(1000.0), names=np.array(["a", "b"]))
    path.write_bytes(path.read_bytes()[:700])


def _corrupted(path):
    save_arrays(path, values=np.arange(1000.0))
    data = bytearray(path.read_bytes())
    data[400] ^= 0xFF  # inside the array's bytes: the member's checksum no longer matches
    path.write_bytes(bytes(data))


def _text(path):
    path.write_text("sample_id\tperturbed\nS1\tcontrol\n")


def _empty(path):
    path.write_bytes(b"")


def _npy(path):
    with open(path, "wb") as handle:
        np.save(handle, np.arange(3))


def _foreign_zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("values.npy", "not an array")


def _missing(path):
    pass


DAMAGE = {
    "truncated": (_truncated, "BadZipFile"),
    "corrupted": (_corrupted, "CRC"),
    "text": (_text, "not an .npz archive"),
    "empty": (_empty, "not an .npz archive"),
    "npy": (_npy, "not an .npz archive"),
    "foreign zip": (_foreign_zip, "'values' is not a .npy array"),
    "missing": (_missing, "No such file"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_file_is_a_clear_error_naming_it(tmp_path, damage):
    make, why = DAMAGE[damage]
    path = tmp_path / "model.npz"
    make(path)
    with pytest.raises(InputDataError, match="not a readable linear model file") as info:
        load_arrays(path, what="linear model file")
    assert info.value.path == str(path) and why in info.value.problem
    assert info.value.fix == REWRITE and "rerun snakemake" in str(info.value)


def test_a_missing_array_is_named_with_what_the_file_holds(tmp_path):
    save_arrays(tmp_path / "p.npz", level=np.array("knockdown"), effect=np.zeros((2, 3)))
    with pytest.raises(InputDataError, match="not a readable perturbation file") as info:
        load_arrays(tmp_path / "p.npz", ["level", "tfs", "hops"], what="perturbation file", fix="refit it")
    assert "no array 'tfs', 'hops'" in info.value.problem and "'level', 'effect'" in info.value.problem
    assert info.value.fix == "refit it" and str(tmp_path / "p.npz") in str(info.value)


def test_a_pickled_object_array_is_refused_without_running_it(tmp_path):
    np.savez(tmp_path / "pickled.npz", values=np.arange(3.0), trap=np.array([Tripwire()], dtype=object))
    TRIPPED.clear()
    with pytest.raises(InputDataError, match="Object arrays cannot be loaded") as info:
        load_arrays(tmp_path / "pickled.npz", what="SHAP file")
    assert TRIPPED == [] and info.value.path == str(tmp_path / "pickled.npz")
    assert np.load(tmp_path / "pickled.npz", allow_pickle=True)["trap"][0] == "unpickled" and TRIPPED  # the trap works
