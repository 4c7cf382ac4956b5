"""The model registry: every model kind, its settings, files, implementation and SHAP explainer.

Adding a model kind is one implementation module plus one :data:`REGISTRY` entry; the rules derive
model files from it, and prediction, latency and SHAP dispatch through it. Dependency-free: the
workflow reads the registry while Snakemake parses the DAG, and an implementation module (numpy,
xgboost, torch) is imported only by the job that needs it (:func:`implementation`).

An implementation module provides ``load_model(path: str, threads: int) -> Model``; fitting differs
between families (one in-process fit, per-batch jobs, iterative training) and lives in their steps.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from lembas_core.models.settings import MeanSettings, MLRSettings, RidgeSettings, RNNSettings, XGBRFSettings

if TYPE_CHECKING:
    import numpy as np


class Model(Protocol):
    """A trained model as every job sees it."""

    features: list[str]  # input TF names, in the column order `predict` expects
    targets: list[str]  # predicted gene names, in output column order

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predictions, (samples x targets) float32, for inputs `x` (samples x features)."""
        ...


@dataclass(frozen=True)
class ModelKind:
    """One registered model kind.

    Attributes
    ----------
    name : str
        Config and file name (`models.include`, `results/models/<model_file>`).
    label, colour : str
        Display name and colour in every figure.
    module : str
        Implementation module, imported lazily; it provides ``load_model``.
    settings : type
        Typed settings class built from `models.<name>`.
    explainer : str
        SHAP explainer: ``linear``, ``tree`` or ``gradient`` (:mod:`lembas_core.evaluation.shap`).
    model_file : str
        The trained-model file under ``results/models/`` that `load_model` reads.
    fit : str
        Name of the module's fit function for kinds fitted in one in-process step (linear family).
    """

    name: str
    label: str
    colour: str
    module: str
    settings: type
    explainer: str
    model_file: str
    fit: str = ""


REGISTRY: dict[str, ModelKind] = {
    kind.name: kind
    for kind in (
        ModelKind("mlr", "MLR", "#2ca02c", "lembas_core.models.linear", MLRSettings, "linear", "mlr.npz", "fit_mlr"),
        ModelKind(
            "ridge",
            "Ridge (CV)",
            "#9467bd",
            "lembas_core.models.linear",
            RidgeSettings,
            "linear",
            "ridge.npz",
            "fit_ridge",
        ),
        ModelKind(
            "mean",
            "Training mean",
            "#7f7f7f",
            "lembas_core.models.linear",
            MeanSettings,
            "linear",
            "mean.npz",
            "fit_mean",
        ),
        ModelKind("xgbrf", "XGBRF", "#ff7f0e", "lembas_core.models.xgbrf", XGBRFSettings, "tree", "xgbrf/index.json"),
        ModelKind("rnn", "LEMBAS-RNN", "#1f77b4", "lembas_core.models.rnn.io", RNNSettings, "gradient", "rnn.pt"),
    )
}
MODEL_KINDS = tuple(REGISTRY)
LINEAR_FITS = tuple(name for name, kind in REGISTRY.items() if kind.fit)  # kinds fitted by rule fit_linear
MODELS_DIR = "results/models"


def model_kind(name: str) -> ModelKind:
    """The registry entry of `name`; a clear error for an unknown kind."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown model kind {name!r}; choose one of {', '.join(REGISTRY)}") from None


def model_file(name: str) -> str:
    """The trained-model file of model kind `name`, relative to the working directory."""
    return f"{MODELS_DIR}/{model_kind(name).model_file}"


def fit_report_file(name: str) -> str:
    """The fit report (:mod:`lembas_core.models.fit_report`) written next to model kind `name`'s model."""
    return f"{MODELS_DIR}/{name}.fit.json"


def implementation(name: str) -> ModuleType:
    """Import (once) and return the implementation module of model kind `name`."""
    return importlib.import_module(model_kind(name).module)


def load_model(name: str, path: str, threads: int = 1) -> Model:
    """Load a trained model of kind `name` from its model file."""
    return implementation(name).load_model(path, threads)
