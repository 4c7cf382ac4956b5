"""The binary store: float32/int `.npy` arrays, JSON name lists and a manifest.

Text is parsed once (by ingest); every later job memory-maps the `.npy` files of a store
directory. `manifest.json` records each array's shape, dtype and SHA-256, the source files'
checksums, and whatever reports the writer adds (read without numpy by :mod:`lembas_core.io.manifest`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lembas_core.io.manifest import STORE_FORMAT, StoreIndex, sha256_file, write_json


class StoreWriter:
    """Write arrays and name lists into `directory`, then a manifest describing them."""

    def __init__(self, directory: str | Path, kind: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.kind = kind
        self.arrays: dict[str, dict] = {}
        self.names: dict[str, dict] = {}

    def array(self, name: str, values: np.ndarray) -> None:
        """Save `values` (any shape and dtype) as `<name>.npy` and record shape, dtype and checksum."""
        values = np.ascontiguousarray(values)
        path = self.directory / f"{name}.npy"
        np.save(path, values, allow_pickle=False)
        self.arrays[name] = {
            "file": path.name,
            "shape": list(values.shape),
            "dtype": str(values.dtype),
            "sha256": sha256_file(path),
        }

    def name_list(self, name: str, items: list[str]) -> None:
        """Save `items` as the JSON list `<name>.json` and record its length and checksum."""
        path = self.directory / f"{name}.json"
        write_json(path, [str(x) for x in items])
        self.names[name] = {"file": path.name, "length": len(items), "sha256": sha256_file(path)}

    def finish(self, **extra: Any) -> dict:
        """Write `manifest.json` (arrays, name lists and the `extra` reports); return it."""
        manifest = {"format": STORE_FORMAT, "kind": self.kind, "arrays": self.arrays, "names": self.names, **extra}
        write_json(self.directory / "manifest.json", manifest)
        return manifest


class Store(StoreIndex):
    """Read access to a store directory; arrays are memory-mapped read-only by default."""

    def array(self, name: str, mmap: bool = True) -> np.ndarray:
        """Array `name`, memory-mapped read-only by default; shape and dtype are checked against the manifest."""
        entry = self.manifest["arrays"][name]
        values = np.load(self.directory / entry["file"], mmap_mode="r" if mmap else None, allow_pickle=False)
        if list(values.shape) != entry["shape"] or str(values.dtype) != entry["dtype"]:
            raise ValueError(
                f"{self.directory / entry['file']}: shape/dtype {values.shape}/{values.dtype} differ from "
                "the manifest; the store is corrupt, rerun the step"
            )
        return values
