"""The binary store: float32/int `.npy` arrays, JSON name lists and a manifest.

Text is parsed once (by ingest); every later job memory-maps the `.npy` files of a store
directory. `manifest.json` records each array's shape, dtype and SHA-256, the source files'
checksums, and whatever reports the writer adds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

STORE_FORMAT = "lembas-store/1"


def sha256_file(path: str | Path, chunk: int = 1 << 22) -> str:
    """Hex SHA-256 of a file, read in `chunk`-byte blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def write_json(path: str | Path, obj: Any) -> None:
    """Write `obj` as indented JSON with a trailing newline."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(obj, handle, indent=1, sort_keys=False)
        handle.write("\n")


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


class Store:
    """Read access to a store directory; arrays are memory-mapped read-only by default."""

    def __init__(self, directory: str | Path, kind: str | None = None):
        self.directory = Path(directory)
        manifest_path = self.directory / "manifest.json"
        if not manifest_path.exists():
            raise FileNotFoundError(
                f"{self.directory} is not a lembas store (no manifest.json); rerun the step that writes it"
            )
        with open(manifest_path, encoding="utf-8") as handle:
            self.manifest = json.load(handle)
        if self.manifest.get("format") != STORE_FORMAT:
            raise ValueError(f"{manifest_path}: unsupported store format {self.manifest.get('format')!r}")
        if kind is not None and self.manifest.get("kind") != kind:
            raise ValueError(f"{self.directory} holds a {self.manifest.get('kind')!r} store, expected {kind!r}")

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

    def names(self, name: str) -> list[str]:
        """Name list `name`; its length is checked against the manifest."""
        entry = self.manifest["names"][name]
        with open(self.directory / entry["file"], encoding="utf-8") as handle:
            items = json.load(handle)
        if len(items) != entry["length"]:
            raise ValueError(f"{self.directory / entry['file']}: length differs from the manifest; rerun the step")
        return items

    def verify(self) -> None:
        """Recompute every checksum; raise if any file changed since it was written."""
        for section in ("arrays", "names"):
            for entry in self.manifest[section].values():
                if sha256_file(self.directory / entry["file"]) != entry["sha256"]:
                    raise ValueError(
                        f"{self.directory / entry['file']}: checksum mismatch; the store was modified, rerun the step"
                    )
