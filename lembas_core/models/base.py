"""The model registry: every model kind with everything about it that differs between kinds.

Adding a model kind is one implementation module plus one :data:`REGISTRY` entry: its settings class,
how its config splits into settings and execution, whether it is stochastic and how a replicate is
reseeded, its training rule, model file and training cost, its explainer, and whether it uses the
network. Nothing outside `lembas_core/models/` branches on a kind's name. To be run by the pipeline, the
kind also needs its settings in the config (a `models.<kind>` block in `config/config.yaml` and the
schema, and the kind in the schema's `models.include` and `shap.models` lists; tests check both). Dependency-free: the
workflow reads the registry while Snakemake parses the DAG, and an implementation module (numpy,
xgboost, torch) is imported only by the job that needs it (:func:`implementation`).

An implementation module provides ``load_model(path: str, threads: int) -> Model``; kinds fitted in one
in-process step (``trainer="fit_linear"``) also provide the function named by ``fit`` and
``fit_report(model, name, network_report) -> FitReport``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from lembas_core.common.settings import config_paths, from_mapping
from lembas_core.models.settings import (
    UPSTREAM_RECIPE,
    MeanSettings,
    MLRSettings,
    PriorRidgeSettings,
    RidgeSettings,
    RNNExecution,
    RNNSettings,
    XGBRFExecution,
    XGBRFSettings,
    always,
    never,
    no_reseed,
    on_a_network_control,
    reseed_network,
    reseed_rnn,
    reseed_xgbrf,
)

if TYPE_CHECKING:
    import numpy as np

    from lembas_core.common.sizes import TrainingCost


class Model(Protocol):
    """A trained model as every job sees it."""

    features: list[str]  # input TF names, in the column order `predict` expects
    targets: list[str]  # predicted gene names, in output column order

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predictions, (samples x targets) float32, for inputs `x` (samples x features)."""
        ...


TRAINERS = ("fit_linear", "train_xgbrf_batch", "train_rnn")  # the rules that train a model (rules/*.smk)
REPLICATES_KEY = "replicates"  # a key of every `models.<kind>`: not a setting of the kind (lembas_core.workflow.models)


@dataclass(frozen=True, kw_only=True)
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
        Typed settings class built from `models.<name>` (nested dataclasses are written flat there).
    execution : type or None
        Settings of `models.<name>` that only say where the jobs run (device, checkpoint period): they
        reach the jobs through `params` that Snakemake's params trigger leaves out (rules/common.smk,
        `rerunning_nothing`), so changing them reruns nothing.
    recipes : mapping
        Named overlays of the settings, chosen by a `recipe` setting (rnn: ``upstream``).
    trainer : str
        The rule that trains it (:data:`TRAINERS`): ``fit_linear`` (one in-process fit; those that use the
        network run as ``fit_linear_on_network``), ``train_xgbrf_batch`` (one job per batch of targets,
        then ``assemble_xgbrf``) or ``train_rnn``.
    model_file : str
        The trained-model file under ``results/models/`` that `load_model` reads, with ``{name}`` standing
        for the model's name (the kind itself, a variant or a replicate).
    part_file : str
        For batch-trained kinds, the file of one batch (``{name}``, ``{batch}``); '' for the others.
    fit : str
        Name of the module's fit function, for ``trainer="fit_linear"``.
    forecast_only : tuple of str
        Settings that change only the interventional forecasts, not the fitted model: a variant that differs
        from its kind's own model in these alone is not trained again but forecasts with that model's file
        (:attr:`lembas_core.workflow.models.ModelSpec.fitted_as`).
    forecast : str
        Name of the module's interventional forecast, ``forecast(model, settings, (x_control, x_do),
        propagate)`` -> (rows x targets) effect, for kinds that forecast otherwise than
        ``f(x_do) - f(x_control)`` (:func:`lembas_core.models.forecast.forecast_effect`); '' for the others.
    explainer : str
        SHAP explainer: ``linear``, ``tree`` or ``gradient`` (:mod:`lembas_core.evaluation.shap`).
    uses_network : bool
        Whether the model reads the prior network (and takes the `network` controls); its training job
        writes the network it used next to the model (:func:`network_file`).
    training_curve : bool
        Whether training writes a per-epoch history (``{name}_training.tsv``) that the figures draw.
    edge_weights : bool
        Whether the trained model holds one weight per network edge, which `truth_recovery` scores
        against the synthetic ground truth.
    stochastic : callable
        ``stochastic(settings)``: whether retraining with another seed can give another model.
    reseed : callable
        ``reseed(settings, offset)``: the settings of replicate `offset` + 1.
    cost : str
        ``"module:attribute"`` of its :class:`lembas_core.common.sizes.TrainingCost` (memory and wall
        time of one training job), resolved only when the workflow sizes jobs (:meth:`training_cost`).
    gpu : callable
        ``gpu(execution)``: whether the training jobs ask for a GPU (`resources: gpu=1`).
    """

    name: str
    label: str
    colour: str
    module: str
    settings: type
    execution: type | None = None
    recipes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    trainer: str
    model_file: str
    part_file: str = ""
    fit: str = ""
    forecast: str = ""
    forecast_only: tuple[str, ...] = ()
    explainer: str
    uses_network: bool = False
    training_curve: bool = False
    edge_weights: bool = False
    stochastic: Callable[[Any], bool] = never
    reseed: Callable[[Any, int], Any] = no_reseed
    cost: str
    gpu: Callable[[Any], bool] = never

    def __post_init__(self) -> None:
        problems = []
        if self.trainer not in TRAINERS:
            problems.append(f"trainer {self.trainer!r} is not one of {TRAINERS}")
        if (self.trainer == "fit_linear") != bool(self.fit):
            problems.append("a fit function goes with trainer fit_linear, and only there")
        if (self.trainer == "train_xgbrf_batch") != bool(self.part_file):
            problems.append("a part file goes with trainer train_xgbrf_batch, and only there")
        if self.stochastic is not never and not self.replicable:
            problems.append("a kind that can be stochastic needs a reseed hook")
        if problems:
            raise ValueError(f"model kind {self.name}: {'; '.join(problems)}")

    def training_cost(self) -> TrainingCost:
        """Memory and wall time of one training job (:attr:`cost`, imported on first use)."""
        module, _, attribute = self.cost.partition(":")
        return getattr(importlib.import_module(module), attribute)

    @property
    def replicable(self) -> bool:
        """Whether `models.<name>` takes `replicates` (kinds with a reseed hook)."""
        return self.reseed is not no_reseed

    def config_keys(self) -> list[str]:
        """Every key of `models.<name>`: the settings (flat), the execution settings, `replicates`."""
        execution = [f.name for f in fields(self.execution)] if self.execution else []
        settings = list(dict.fromkeys(path[0] for path in config_paths(self.settings)))
        return [*settings, *execution, *([REPLICATES_KEY] if self.replicable else [])]

    def from_config(self, values: Mapping[str, Any], where: str) -> tuple[Any, Any]:
        """Typed (settings, execution) from the flat `models.<name>` mapping (`replicates` excluded).

        A `recipe` value naming one of :attr:`recipes` replaces the configured values with the recipe's.
        """
        values = {k: v for k, v in values.items() if k != REPLICATES_KEY}
        recipe = self.recipes.get(values.get("recipe"))
        if recipe:
            values = {**values, **recipe}
        execution_keys = {f.name for f in fields(self.execution)} if self.execution else set()
        execution = (
            from_mapping(self.execution, {k: values[k] for k in execution_keys if k in values}, where)
            if self.execution
            else None
        )
        settings = from_mapping(self.settings, {k: v for k, v in values.items() if k not in execution_keys}, where)
        return settings, execution

    def from_params(self, params: Mapping[str, Any]) -> Any:
        """Inverse of ``dataclasses.asdict(settings)``: the typed settings inside a job (a rule's `params`)."""
        return from_mapping(self.settings, params, f"models.{self.name}")

    def execution_from_params(self, params: Mapping[str, Any]) -> Any:
        """Inverse of ``dataclasses.asdict(execution)``: the typed execution settings inside a job (None for a
        kind without)."""
        return from_mapping(self.execution, params, f"models.{self.name}") if self.execution else None

    def replicate(self, settings: Any, offset: int) -> Any:
        """The settings of replicate `offset` + 1 (`offset` 0: `settings` themselves)."""
        return settings if offset == 0 else self.reseed(settings, offset)


def _uses_cuda(execution: XGBRFExecution) -> bool:
    return execution.device == "cuda"


REGISTRY: dict[str, ModelKind] = {
    kind.name: kind
    for kind in (
        ModelKind(
            name="mean",
            label="Training mean",
            colour="#7f7f7f",
            module="lembas_core.models.linear",
            settings=MeanSettings,
            trainer="fit_linear",
            fit="fit_mean",
            model_file="{name}.npz",
            explainer="linear",
            cost="lembas_core.models.resources:MEAN",
        ),
        ModelKind(
            name="ridge",
            label="Ridge (CV)",
            colour="#9467bd",
            module="lembas_core.models.linear",
            settings=RidgeSettings,
            trainer="fit_linear",
            fit="fit_ridge",
            model_file="{name}.npz",
            explainer="linear",
            cost="lembas_core.models.resources:RIDGE",
        ),
        ModelKind(
            name="mlr",
            label="MLR",
            colour="#2ca02c",
            module="lembas_core.models.linear",
            settings=MLRSettings,
            trainer="fit_linear",
            fit="fit_mlr",
            model_file="{name}.npz",
            explainer="linear",
            cost="lembas_core.models.resources:MLR",
        ),
        ModelKind(
            name="prior_ridge",
            label="Prior ridge",
            colour="#8c564b",
            module="lembas_core.models.prior_ridge",
            settings=PriorRidgeSettings,
            trainer="fit_linear",
            fit="fit_prior_ridge",
            forecast="forecast_effect",
            forecast_only=("propagation",),
            model_file="{name}.npz",
            explainer="linear",
            uses_network=True,
            stochastic=on_a_network_control,
            reseed=reseed_network,
            cost="lembas_core.models.resources:PRIOR_RIDGE",
        ),
        ModelKind(
            name="xgbrf",
            label="XGBRF",
            colour="#ff7f0e",
            module="lembas_core.models.xgbrf",
            settings=XGBRFSettings,
            execution=XGBRFExecution,
            trainer="train_xgbrf_batch",
            model_file="{name}/index.json",
            part_file="{name}/batch_{batch}.ubj",
            explainer="tree",
            stochastic=always,
            reseed=reseed_xgbrf,
            cost="lembas_core.models.resources:XGBRF",
            gpu=_uses_cuda,
        ),
        ModelKind(
            name="rnn",
            label="LEMBAS-RNN",
            colour="#1f77b4",
            module="lembas_core.models.rnn.io",
            settings=RNNSettings,
            execution=RNNExecution,
            recipes={"upstream": UPSTREAM_RECIPE},
            trainer="train_rnn",
            model_file="{name}.pt",
            explainer="gradient",
            uses_network=True,
            training_curve=True,
            edge_weights=True,
            stochastic=always,
            reseed=reseed_rnn,
            cost="lembas_core.models.resources:RNN",
            gpu=always,
        ),
    )
}
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


def part_file(kind: str, name: str, batch: str) -> str:
    """The file of batch `batch` (:func:`lembas_core.common.layout.batch_name`) of batch-trained model `name`."""
    return f"{MODELS_DIR}/{model_kind(kind).part_file.format(name=name, batch=batch)}"


def history_file(name: str) -> str:
    """The per-epoch training history of model `name`, for kinds with a training curve."""
    return f"{MODELS_DIR}/{name}_training.tsv"


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
    """Load a trained model of kind `name` from its model file, set to compute on `threads` threads."""
    return implementation(name).load_model(path, threads)


@dataclass(frozen=True)
class ModelFile:
    """A trained model of the run: its name (kind, variant or replicate), its kind, its model file and its display
    name in figures (:mod:`lembas_core.models.labels`; the name when not given)."""

    name: str
    kind: str
    path: str | Path
    label: str = ""

    @property
    def display_name(self) -> str:
        """The label, or the name without one."""
        return self.label or self.name

    def load(self, threads: int) -> Model:
        """The model, set to compute on `threads` threads."""
        return load_model(self.kind, str(self.path), threads)
