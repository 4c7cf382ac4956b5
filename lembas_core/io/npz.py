"""Named arrays in one `.npz` file: written atomically, read back as plain arrays only (never pickles).

Every `.npz` the pipeline writes (models, replicates, perturbations, counterfactual states, SHAP values) goes
through :func:`save_arrays` and comes back through :func:`load_arrays`, so all of them share one format
(``np.savez``: uncompressed, arrays in the order given), one atomic write and one damaged-file error.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from lembas_core.io.atomic import atomic_file
from lembas_core.io.errors import InputDataError, preview

REWRITE = "delete it and rerun snakemake (the job that writes it runs again)"


def save_arrays(path: str | Path, /, **arrays: np.ndarray) -> None:
    """Write `arrays` (any shapes and dtypes but object) to `path` as an uncompressed `.npz`, atomically.

    The file is written beside `path` and renamed onto it once complete, so a failed or killed job leaves
    no file (or the previous one) under `path`. An object array raises ValueError: it would need a pickle.
    `path` is positional-only, so that an array may be called ``path``; ``file`` and ``allow_pickle`` are
    the names that cannot be used (np.savez's own parameters).
    """
    with atomic_file(path, "wb") as handle:
        np.savez(handle, allow_pickle=False, **arrays)


def load_arrays(
    path: str | Path, keys: Iterable[str] | None = None, *, what: str = "array file", fix: str = REWRITE
) -> dict[str, np.ndarray]:
    """Every array of the `.npz` at `path`, by name, in the file's order; object arrays are refused.

    `keys` are the arrays the file must hold. A file that is missing, truncated, not an `.npz`, holds an
    object (pickled) array or lacks one of `keys` raises :class:`InputDataError` naming the file, saying it
    is not a readable `what` and why, with `fix` as the remedy.
    """
    try:
        arrays = _read(path)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise InputDataError(path, f"not a readable {what} ({type(error).__name__}: {error})", fix) from None
    absent = [key for key in keys or () if key not in arrays]
    if absent:
        raise InputDataError(
            path, f"not a readable {what}: no array {preview(absent)} (it holds {preview(arrays) or 'none'})", fix
        )
    return arrays


def _read(path: str | Path) -> dict[str, np.ndarray]:
    """Every member of the `.npz` at `path`; ValueError or BadZipFile when one is not a plain array."""
    with open(path, "rb") as handle:
        if not zipfile.is_zipfile(handle):
            raise zipfile.BadZipFile("not an .npz archive: truncated, or another format")
        handle.seek(0)
        with np.load(handle, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    odd = [key for key, value in arrays.items() if not isinstance(value, np.ndarray)]
    if odd:
        raise ValueError(f"member {preview(odd)} is not a .npy array")
    return arrays
