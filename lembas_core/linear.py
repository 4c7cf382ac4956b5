"""Linear predictors (MLR, ridge, mean baseline): y = x @ coef.T + intercept, stored as `.npz`.

The file holds plain arrays only (loaded with ``allow_pickle=False``): `coef` (targets x features,
float64), `intercept` (targets), `features`, `targets`, `kind`, and model-specific extras.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .atomic import atomic_file
from .errors import InputDataError


@dataclass
class LinearModel:
    kind: str
    coef: np.ndarray  # (n_targets, n_features) float64
    intercept: np.ndarray  # (n_targets,) float64
    features: list[str]
    targets: list[str]
    extras: dict[str, np.ndarray] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predictions (samples x targets), float32; computed in float64."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape[1] != self.coef.shape[1]:
            raise ValueError(f"{self.kind} model expects {self.coef.shape[1]} features, got {x.shape[1]}")
        return (x @ self.coef.T + self.intercept).astype(np.float32)

    def save(self, path: str | Path) -> None:
        arrays = {
            "kind": np.array(self.kind),
            "coef": self.coef,
            "intercept": self.intercept,
            "features": np.array(self.features, dtype=str),
            "targets": np.array(self.targets, dtype=str),
            **{f"extra_{k}": v for k, v in self.extras.items()},
        }
        with atomic_file(path, "wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> "LinearModel":
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            model = cls(
                kind=str(arrays.pop("kind")),
                coef=arrays.pop("coef"),
                intercept=arrays.pop("intercept"),
                features=arrays.pop("features").tolist(),
                targets=arrays.pop("targets").tolist(),
                extras={k.removeprefix("extra_"): v for k, v in arrays.items()},
            )
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            raise InputDataError(path, f"not a readable linear model file ({type(exc).__name__}: {exc})", "delete the file and rerun snakemake to refit the model") from None
        if model.coef.shape != (len(model.targets), len(model.features)) or model.intercept.shape != (len(model.targets),):
            raise InputDataError(path, "linear model arrays have inconsistent shapes", "delete the file and rerun snakemake to refit the model")
        return model
