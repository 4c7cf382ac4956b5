"""Read access to the preprocessed dataset store that every model, scoring and SHAP job uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lembas_core.common.layout import SPLITS
from lembas_core.io.store import Store


@dataclass
class Dataset:
    """Memory-mapped float32 inputs/targets per split plus names and validation masks."""

    x: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    samples: dict[str, list[str]]
    features: list[str]
    targets: list[str]
    validation_missing_features: np.ndarray
    validation_missing_targets: np.ndarray
    report: dict


def load_dataset(directory: str | Path) -> Dataset:
    """Open the dataset store in `directory`: arrays memory-mapped, names and masks loaded."""
    store = Store(directory, kind="dataset")
    return Dataset(
        x={s: store.array(f"x_{s}") for s in SPLITS},
        y={s: store.array(f"y_{s}") for s in SPLITS},
        samples={s: store.names(f"{s}_samples") for s in SPLITS},
        features=store.names("features"),
        targets=store.names("targets"),
        validation_missing_features=store.array("validation_missing_features", mmap=False),
        validation_missing_targets=store.array("validation_missing_targets", mmap=False),
        report=store.manifest["report"],
    )
