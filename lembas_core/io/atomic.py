"""Atomic writes: outputs appear complete under their final name or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def atomic_directory(final: str | Path) -> Iterator[Path]:
    """Yield a scratch directory that is renamed to `final` only if the block succeeds.

    On any exception the scratch directory is removed, so a failed or killed job never
    leaves a half-written `final` behind. An existing `final` is replaced.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    os.chmod(scratch, 0o777 & ~_umask())
    try:
        yield scratch
        if final.exists():
            shutil.rmtree(final) if final.is_dir() else final.unlink()
        os.replace(scratch, final)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_file(final: str | Path, mode: str = "w") -> Iterator:
    """Open a temporary file next to `final` for writing; rename it to `final` on success."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.tmp-", dir=final.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())
    try:
        with open(tmp, mode) as handle:
            yield handle
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_tsv(frame: pd.DataFrame, path: str | Path, float_format: str = "%.6g") -> None:
    """Write a pandas DataFrame as a tab-separated table without index, atomically."""
    with atomic_file(path) as handle:
        frame.to_csv(handle, sep="\t", index=False, float_format=float_format)
