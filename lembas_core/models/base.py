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

from lembas_core.models.settings import (
    MeanSettings,
    MLRSettings,
    PriorRidgeSettings,
    RidgeSettings,
    RNNSettings,
    XGBRFSettings,
)

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
        Config name (`models.include`, `models.variants.<name>.model`).
    label, colour : str
        Display name and colour in every figure.
    module : str
        Implementation module, imported lazily; it provides ``load_model``.
    settings : type
        Typed settings class built from `models.<name>`.
    explainer : str
        SHAP explainer: ``linear``, ``tree`` or ``gradient`` (:mod:`lembas_core.evaluation.shap`).
    model_file : str
        The trained-model file under ``results/models/`` that `load_model` reads, with ``{name}`` standing
        for the model's name (the kind itself, a variant or a replicate).
    fit : str
        Name of the module's fit function for kinds fitted in one in-process step (linear family).
    uses_network : bool
        Whether the model reads the prior network (and takes the `network` controls); its training job
        writes the network it used next to the model (:func:`network_file`).
    """

    name: str
    label: str
    colour: str
    module: str
    settings: type
    explainer: str
    model_file: str
    fit: str = ""
    uses_network: bool = False


REGISTRY: dict[str, ModelKind] = {
    kind.name: kind
    for kind in (
        ModelKind(
            "mean",
            "Training mean",
            "#7f7f7f",
            "lembas_core.models.linear",
            MeanSettings,
            "linear",
            "{name}.npz",
            "fit_mean",
        ),
        ModelKind(
            "ridge",
            "Ridge (CV)",
            "#9467bd",
            "lembas_core.models.linear",
            RidgeSettings,
            "linear",
            "{name}.npz",
            "fit_ridge",
        ),
        ModelKind("mlr", "MLR", "#2ca02c", "lembas_core.models.linear", MLRSettings, "linear", "{name}.npz", "fit_mlr"),
        ModelKind(
            "prior_ridge",
            "Prior ridge",
            "#8c564b",
            "lembas_core.models.prior_ridge",
            PriorRidgeSettings,
            "linear",
            "{name}.npz",
            "fit_prior_ridge",
            uses_network=True,
        ),
        ModelKind("xgbrf", "XGBRF", "#ff7f0e", "lembas_core.models.xgbrf", XGBRFSettings, "tree", "{name}/index.json"),
        ModelKind(
            "rnn",
            "LEMBAS-RNN",
            "#1f77b4",
            "lembas_core.models.rnn.io",
            RNNSettings,
            "gradient",
            "{name}.pt",
            uses_network=True,
        ),
    )
}
LINEAR_FITS = tuple(name for name, kind in REGISTRY.items() if kind.fit)  # fitted in one step (rules fit_linear*)
MODELS_DIR = "results/models"


def model_kind(name: str) -> ModelKind:
    """The registry entry of `name`; a clear error for an unknown kind."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown model kind {name!r}; choose one of {', '.join(REGISTRY)}") from None


def model_file(kind: str, name: str | None = None) -> str:
    """The trained-model file of model `name` (default: the kind's own model) of kind `kind`."""
    return f"{MODELS_DIR}/{model_kind(kind).model_file.format(name=name or kind)}"


def fit_report_file(name: str) -> str:
    """The fit report (:mod:`lembas_core.models.fit_report`) written next to model `name`'s model."""
    return f"{MODELS_DIR}/{name}.fit.json"


def network_file(name: str) -> str:
    """The network (TF, Gene, Interaction) that model `name` was trained with, for kinds that use one."""
    return f"{MODELS_DIR}/{name}.network.tsv"


def implementation(name: str) -> ModuleType:
    """Import (once) and return the implementation module of model kind `name`."""
    return importlib.import_module(model_kind(name).module)


def load_model(name: str, path: str, threads: int = 1) -> Model:
    """Load a trained model of kind `name` from its model file."""
    return implementation(name).load_model(path, threads)
