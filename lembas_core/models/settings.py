"""Typed settings of every model kind, built from the schema-validated config (`models.<kind>`).

Dependency-free (dataclasses only): the workflow builds these while Snakemake parses the DAG.

The defaults live in exactly one place, `config/config.yaml`; these classes have none. The JSON schema
(`config/config.schema.yaml`) has already rejected unknown keys and wrong types by the time they are
built, and :func:`from_mapping` refuses a missing or unknown key as well, so no setting is ever dropped
silently. Dataclasses rather than pydantic: the schema already validates, and the workflow must import
these at parse time without third-party packages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

T = TypeVar("T")


def from_mapping(cls: type[T], values: Mapping[str, Any], where: str) -> T:
    """Build dataclass `cls` from `values`, which must hold exactly its fields.

    Raises
    ------
    KeyError
        Naming the config key `where` and the missing or unknown settings.
    """
    names = {f.name for f in fields(cls)}
    missing, unknown = sorted(names - set(values)), sorted(set(values) - names)
    if missing or unknown:
        raise KeyError(f"config {where}: missing {missing}, unknown {unknown}")
    return cls(**{name: values[name] for name in names})


@dataclass(frozen=True)
class MLRSettings:
    """Exact OLS: below `rcond_limit` (reciprocal condition number of X^T X) the min-norm solver runs."""

    rcond_limit: float


@dataclass(frozen=True)
class RidgeSettings:
    """Per-gene ridge penalty chosen by leave-one-out CV from `alphas`."""

    alphas: tuple[float, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "alphas", tuple(float(a) for a in self.alphas))


@dataclass(frozen=True)
class PriorRidgeSettings:
    """Ridge per gene on its network regulators; `network` prior | shuffled | random, a seeded control
    (:mod:`lembas_core.data.network_controls`)."""

    alphas: tuple[float, ...]
    network: str
    network_seed: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "alphas", tuple(float(a) for a in self.alphas))


@dataclass(frozen=True)
class MeanSettings:
    """The training-mean floor has no settings."""


@dataclass(frozen=True)
class XGBRFSettings:
    """`params` go to `XGBRFRegressor` as they are; `batch_size` targets are trained per job."""

    batch_size: int
    params: dict[str, Any]


@dataclass(frozen=True)
class XGBRFExecution:
    """Where the XGBRF batch jobs run: `auto` (CUDA when XGBoost can use a visible GPU), `cpu` or `cuda`."""

    device: str


def split_xgbrf_config(values: Mapping[str, Any]) -> tuple[XGBRFSettings, XGBRFExecution]:
    """Partition `models.xgbrf` into the result-defining settings and the device."""
    settings = {k: v for k, v in values.items() if k != "device"}
    return from_mapping(XGBRFSettings, settings, "models.xgbrf"), XGBRFExecution(values["device"])


@dataclass(frozen=True)
class RNNArchitecture:
    """LEMBAS-RNN structure (upstream values in `config/presets/full.yaml`).

    `spectral_init` is the spectral radius W is scaled to at initialisation; it is unrelated to the
    spectral barrier of the loss (:attr:`RNNTraining.target_steps`).
    """

    max_steps: int
    tolerance: float
    leak: float
    projection_amplitude_in: float
    projection_amplitude_out: float
    spectral_init: float


@dataclass(frozen=True)
class RNNTraining:
    """Optimisation, budget, early stopping, readout initialisation and every loss coefficient.

    The loss's spectral barrier pushes the radius below ``tolerance ** (1 / target_steps)``. See
    :mod:`lembas_core.models.rnn.training` for the budget rule and early stopping.
    """

    epochs: int  # epoch cap (raised for small cohorts to reach min_steps optimizer updates)
    min_steps: int  # optimizer updates the budget must allow (0: epochs as given)
    validation_fraction: float  # training samples held out for early stopping (0: none, fixed budget)
    patience: int  # epochs without inner-validation improvement before stopping
    min_delta: float  # relative MSE decrease that counts as an improvement
    readout_init: str  # fit (least-squares readout on the initial state) | upstream (w_out 1.2, b_out 0)
    batch_size: int
    lr_peak: float
    lr_start: float | None  # None: lr_peak / 10 (LEMBAS)
    lr_end: float
    warmup_epochs: int
    reset_epochs: int
    noise_level: float
    moa_lambda: float
    l2_lambda: float
    uniform_lambda: float
    uniform_max: float
    spectral_factor: float
    exp_factor: float
    target_steps: int
    spectral_samples: int
    spectral_probes: int
    spectral_power_steps: int
    seed: int


@dataclass(frozen=True)
class RNNExecution:
    """Where and how the RNN job runs; none of it changes the trained weights' meaning or reruns a job."""

    device: str  # auto | cpu | cuda
    checkpoint_every: int  # epochs between checkpoints


# `recipe: upstream` restores the upstream training (upstream_spec.md 3.4: 600 epochs, lr 2e-3 peak, batch
# 25, the LEMBAS cosine schedule with a 20% warm-up, Adam reset every 200 epochs, b_out = 0) and switches off
# this project's two deviations: the step budget and early stopping.
UPSTREAM_RECIPE: dict[str, Any] = {
    "epochs": 600,
    "batch_size": 25,
    "lr_peak": 2.0e-3,
    "lr_start": None,
    "lr_end": 1.0e-6,
    "warmup_epochs": 120,
    "reset_epochs": 200,
    "min_steps": 0,
    "validation_fraction": 0.0,
    "readout_init": "upstream",
}


@dataclass(frozen=True)
class RNNSettings:
    """Everything that determines a trained (or imported) LEMBAS-RNN: recipe, architecture, training, import."""

    recipe: str
    architecture: RNNArchitecture
    training: RNNTraining
    import_checkpoint: str | None
    network: str  # prior | shuffled | random (lembas_core.data.network_controls)
    network_seed: int

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RNNSettings:
        """Inverse of ``dataclasses.asdict`` (a rule's `params` hold the nested plain dict)."""
        return cls(
            recipe=params["recipe"],
            architecture=from_mapping(RNNArchitecture, params["architecture"], "models.rnn"),
            training=from_mapping(RNNTraining, params["training"], "models.rnn"),
            import_checkpoint=params["import_checkpoint"],
            network=params["network"],
            network_seed=params["network_seed"],
        )


def split_rnn_config(values: Mapping[str, Any]) -> tuple[RNNSettings, RNNExecution]:
    """Partition the flat `models.rnn` config into result-defining settings and execution settings.

    With ``recipe: upstream`` the values of :data:`UPSTREAM_RECIPE` replace the configured ones.
    """
    if values.get("recipe") == "upstream":
        values = {**values, **UPSTREAM_RECIPE}
    groups = {cls: {f.name for f in fields(cls)} for cls in (RNNArchitecture, RNNTraining, RNNExecution)}
    known = set().union(*groups.values(), {"import_checkpoint", "recipe", "network", "network_seed"})
    unknown = sorted(set(values) - known)
    if unknown:
        raise KeyError(f"config models.rnn: unknown {unknown}")
    part = {cls: {k: v for k, v in values.items() if k in names} for cls, names in groups.items()}
    settings = RNNSettings(
        recipe=values["recipe"],
        architecture=from_mapping(RNNArchitecture, part[RNNArchitecture], "models.rnn"),
        training=from_mapping(RNNTraining, part[RNNTraining], "models.rnn"),
        import_checkpoint=values["import_checkpoint"],
        network=values["network"],
        network_seed=values["network_seed"],
    )
    return settings, from_mapping(RNNExecution, part[RNNExecution], "models.rnn")


def is_stochastic(settings: object) -> bool:
    """Whether retraining with another seed can give another model (so that replicates make sense):
    RNN and XGBRF always, any other model on a shuffled or random network."""
    if isinstance(settings, (RNNSettings, XGBRFSettings)):
        return True
    return getattr(settings, "network", "prior") != "prior"


def replicate_settings(settings: T, offset: int) -> T:
    """`settings` of replicate number `offset` + 1: every seed of the model advanced by `offset`.

    RNN: the training seed (initialisation, batches, inner split) and the network-control seed;
    XGBRF: `random_state` (XGBoost's default 0 when unset); prior_ridge: the network-control seed.
    """
    if offset == 0:
        return settings
    if isinstance(settings, RNNSettings):
        training = replace(settings.training, seed=settings.training.seed + offset)
        return replace(settings, training=training, network_seed=settings.network_seed + offset)
    if isinstance(settings, XGBRFSettings):
        params = {**settings.params, "random_state": int(settings.params.get("random_state", 0)) + offset}
        return replace(settings, params=params)
    if isinstance(settings, PriorRidgeSettings) and is_stochastic(settings):
        return replace(settings, network_seed=settings.network_seed + offset)
    raise ValueError(f"{type(settings).__name__}: a deterministic model has no replicates")
