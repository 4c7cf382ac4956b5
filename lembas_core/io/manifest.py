"""A store's manifest and name lists, read with the standard library only.

The workflow reads a store's names and reports while Snakemake builds the DAG (the SHAP genes after the
preprocess checkpoint, rules/common.smk), where importing numpy would add seconds to every start:
:class:`StoreIndex` reads them; :class:`lembas_core.io.store.Store` adds the arrays.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

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


class StoreIndex:
    """Read access to a store directory's manifest (with its reports) and name lists."""

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
