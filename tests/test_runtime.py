"""Runtime helpers: thread limits reach BLAS/OpenMP, atomic outputs leave nothing on failure."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_info

from lembas_core.io.atomic import atomic_directory, atomic_file
from lembas_core.steps.runtime import configure_threads


def test_thread_limit_reaches_every_pool():
    import numpy  # noqa: F401  (loads the BLAS pool)

    configure_threads(1)
    pools = threadpool_info()
    assert pools and all(pool["num_threads"] == 1 for pool in pools)


def test_atomic_directory_removes_scratch_on_error(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_directory(tmp_path / "out") as scratch:
            (scratch / "half.npy").write_bytes(b"x")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_atomic_file_appears_only_complete(tmp_path):
    with atomic_file(tmp_path / "f.txt") as handle:
        handle.write("done")
        assert not (tmp_path / "f.txt").exists()
    assert (tmp_path / "f.txt").read_text() == "done"
    with pytest.raises(ValueError):
        with atomic_file(tmp_path / "g.txt") as handle:
            handle.write("partial")
            raise ValueError
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]
