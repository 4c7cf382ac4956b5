"""Typed settings of every stage and model, built once from the schema-validated config.

Dependency-free: the Snakefile builds :class:`Settings` while it parses the workflow. Defaults live
in `config/config.yaml` only (the schema and these classes have none); :func:`default_config` reads
that file for library users (tests, benchmarks) who run without Snakemake.

A rule's `params` hold only settings that change its results, so that Snakemake's params trigger
reruns exactly those jobs: the RNN's device and checkpoint period (:class:`RNNExecution`) and the
thread counts are not among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lembas_core.models.base import REGISTRY
from lembas_core.models.settings import RNNSettings, from_mapping
from lembas_core.workflow.models import ModelSpec, kind_settings, resolve_models

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"


@dataclass(frozen=True)
class PreprocessSettings:
    """Feature/target selection, the train/test split and validation alignment (config `preprocess`)."""

    test_fraction: float
    split_seed: int
    validation_missing: str  # zero | drop | error
    exclude_tf_targets: bool
    targets_outside_network: str  # drop | keep


@dataclass(frozen=True)
class ScoreSettings:
    """Bootstrap intervals and the zero-filled-gene policy of scoring (config `evaluate`)."""

    bootstrap: int
    bootstrap_seed: int
    include_zero_filled: bool


@dataclass(frozen=True)
class ShapSettings:
    """Expected-gradients settings of the RNN explainer (config `shap`)."""

    background: int
    nsamples: int
    seed: int


@dataclass(frozen=True)
class LatencySettings:
    """Timed calls per mode (config `latency`); the thread count is the job's `threads`."""

    repeats: int


@dataclass(frozen=True)
class Settings:
    """Every typed setting of a run."""

    preprocess: PreprocessSettings
    score: ScoreSettings
    shap: ShapSettings
    latency: LatencySettings
    models: dict[str, Any]  # kind -> its settings dataclass (REGISTRY[kind].settings), from models.<kind>
    specs: dict[str, ModelSpec]  # every model the run trains (kinds, variants, replicates) by name

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Build from a config dict that has passed `config/config.schema.yaml`."""
        evaluate = config["evaluate"]
        models = {kind: kind_settings(kind, config["models"].get(kind, {}), f"models.{kind}")[0] for kind in REGISTRY}
        return cls(
            preprocess=from_mapping(PreprocessSettings, config["preprocess"], "preprocess"),
            score=ScoreSettings(evaluate["bootstrap"], evaluate["bootstrap_seed"], evaluate["include_zero_filled"]),
            shap=ShapSettings(config["shap"]["background"], config["shap"]["nsamples"], config["shap"]["seed"]),
            latency=LatencySettings(config["latency"]["repeats"]),
            models=models,
            specs=resolve_models(config),
        )

    def model_params(self, name: str) -> dict[str, Any]:
        """The settings of model `name` (a model of the run, else a kind) as a plain dict for `params`."""
        return asdict(self.specs[name].settings if name in self.specs else self.models[name])

    def names_of(self, *kinds: str) -> list[str]:
        """Names of the run's models (replicates included) of the given kinds, in run order."""
        return [name for name, spec in self.specs.items() if spec.kind in kinds]

    def first_replicates(self) -> list[str]:
        """The run's models without their further replicates: what summary, SHAP, latency and figures show."""
        return [name for name, spec in self.specs.items() if spec.replicate == 1]


def model_settings(kind: str, params: Mapping[str, Any]) -> Any:
    """Inverse of :meth:`Settings.model_params`: the typed settings inside a job."""
    cls = REGISTRY[kind].settings
    if cls is RNNSettings:
        return RNNSettings.from_params(params)
    return from_mapping(cls, params, f"models.{kind}")


def default_config(*overlays: Mapping[str, Any]) -> dict[str, Any]:
    """`config/config.yaml` with `overlays` merged in (nested keys replace one by one), for library use."""
    import yaml  # noqa: PLC0415 (not stdlib: only for callers outside Snakemake)

    with open(CONFIG_DIR / "config.yaml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    for overlay in overlays:
        config = merged(config, overlay)
    return config


def merged(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `overlay` merged in recursively (dicts merge, any other value replaces)."""
    out = dict(base)
    for key, value in overlay.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) else value
        )
    return out
