"""Typed settings of every model kind (config `models.<kind>`) and the kind-specific hooks the registry
(:mod:`lembas_core.models.base`) attaches to them: which of a kind's settings change results and which only
say where its jobs run, whether retraining can give another model, and how a replicate is reseeded.

Dependency-free (dataclasses only): the workflow builds these while Snakemake parses the DAG. The
defaults live in exactly one place, `config/config.yaml`; these classes have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from lembas_core.common.settings import FLAT


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
    (:mod:`lembas_core.data.network_controls`); `propagation` how its interventional forecasts feed predicted
    TF changes back (:mod:`lembas_core.models.propagation`)."""

    alphas: tuple[float, ...]
    network: str
    network_seed: int
    propagation: int | str  # interventional forecasts: feedback steps of TF changes, or "steady"

    def __post_init__(self) -> None:
        object.__setattr__(self, "alphas", tuple(float(a) for a in self.alphas))


@dataclass(frozen=True)
class MeanSettings:
    """The training-mean floor has no settings."""


XGBRF_DEFAULT_TREES = 100  # XGBRFRegressor's own n_estimators when `params` leaves it unset


@dataclass(frozen=True)
class XGBRFSettings:
    """`params` go to `XGBRFRegressor` as they are; `batch_size` targets are trained per job."""

    batch_size: int
    params: dict[str, Any]


@dataclass(frozen=True)
class XGBRFExecution:
    """Where the XGBRF batch jobs run: `auto` (CUDA when XGBoost can use a visible GPU), `cpu` or `cuda`."""

    device: str


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

    epochs: int  # epochs of the reference schedule (warm-up, resets, patience are in its epochs)
    steps: int  # optimizer updates of the schedule at every cohort size (0: `epochs` as given)
    convergence_check: float  # reference run's share of the budget (0: no check); schedule.reference_budget
    validation_fraction: float  # training samples held out for early stopping (0: none, fixed budget)
    patience: int  # epochs without inner-validation improvement before stopping, once the rate is back at lr_start
    min_delta: float  # relative MSE decrease that counts as an improvement
    readout_init: str  # fit (least-squares readout on the initial state) | upstream (w_out 1.2, b_out 0)
    batch_size: int
    lr_peak: float
    lr_start: float | None  # None: lr_peak / 10 (LEMBAS)
    lr_end: float
    lr_per_update: bool  # the schedule's learning rate at every update (False: once an epoch, as upstream)
    lr_fan_in: int  # edges into a node with more regulators learn at lr x lr_fan_in / its regulators (0: off)
    lr_bias: float  # the node biases' learning rate, in multiples of the schedule's
    lr_readout: float  # the readout's (w_out, b_out) learning rate, in multiples of the schedule's
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
    spectral_every: int  # optimizer updates between spectral-radius estimates (the barrier x this on those)
    seed: int


@dataclass(frozen=True)
class RNNExecution:
    """Where and how the RNN job runs; none of it changes the trained weights' meaning or reruns a job."""

    device: str  # auto | cpu | cuda
    checkpoint_every: int  # epochs between checkpoints


# `recipe: upstream` restores the upstream training (upstream_spec.md 3.4: 600 epochs, lr 2e-3 peak, batch
# 25, the LEMBAS cosine schedule with a 20% warm-up, Adam reset every 200 epochs, b_out = 0) and switches off
# this project's deviations: the step budget, early stopping, the convergence check, the learning rate
# set at every update and the learning rates by parameter.
UPSTREAM_RECIPE: dict[str, Any] = {
    "epochs": 600,
    "batch_size": 25,
    "lr_peak": 2.0e-3,
    "lr_start": None,
    "lr_end": 1.0e-6,
    "lr_per_update": False,
    "warmup_epochs": 120,
    "reset_epochs": 200,
    "steps": 0,
    "validation_fraction": 0.0,
    "readout_init": "upstream",
    "spectral_every": 1,
    "lr_fan_in": 0,
    "lr_bias": 1.0,
    "lr_readout": 1.0,
}


@dataclass(frozen=True)
class RNNSettings:
    """Everything that determines a trained (or imported) LEMBAS-RNN: recipe, architecture, training, import."""

    recipe: str
    architecture: RNNArchitecture = field(metadata=FLAT)  # written flat in `models.rnn`, as training is
    training: RNNTraining = field(metadata=FLAT)
    import_checkpoint: str | None
    network: str  # prior | shuffled | random (lembas_core.data.network_controls)
    network_seed: int


# Hooks of the registry entries (lembas_core.models.base.ModelKind): whether retraining with another seed
# can give another model, and the settings of replicate number `offset` + 1 (every seed advanced by `offset`).


def always(settings: object) -> bool:
    """Retraining with another seed gives another model (RNN: initialisation, batches; XGBRF: row and
    column sampling)."""
    return True


def never(settings: object) -> bool:
    """Same data, same model: the kind is deterministic."""
    return False


def on_a_network_control(settings: object) -> bool:
    """Stochastic only when trained on a shuffled or random network (its seed draws the network)."""
    return settings.network != "prior"


def reseed_rnn(settings: RNNSettings, offset: int) -> RNNSettings:
    """The training seed (initialisation, batches, inner split) and the network-control seed + `offset`."""
    training = replace(settings.training, seed=settings.training.seed + offset)
    return replace(settings, training=training, network_seed=settings.network_seed + offset)


def reseed_xgbrf(settings: XGBRFSettings, offset: int) -> XGBRFSettings:
    """`random_state` + `offset` (XGBoost's default 0 when unset)."""
    params = {**settings.params, "random_state": int(settings.params.get("random_state", 0)) + offset}
    return replace(settings, params=params)


def reseed_network(settings: PriorRidgeSettings, offset: int) -> PriorRidgeSettings:
    """The network-control seed + `offset`."""
    return replace(settings, network_seed=settings.network_seed + offset)


def no_reseed(settings: object, offset: int) -> object:
    """A deterministic kind has no replicates."""
    raise ValueError(f"{type(settings).__name__}: a deterministic model has no replicates")
