"""Every typed setting of a run, built once from the schema-validated config.

Dependency-free: the Snakefile builds :class:`Settings` while it parses the workflow. Defaults live
in `config/config.yaml` only (the schema and the settings classes have none); :func:`default_config`
reads that file for library users (tests, benchmarks) who run without Snakemake. The stage settings
classes live in :mod:`lembas_core.common.settings` (the library's layers share them), the model kinds'
in :mod:`lembas_core.models.settings`.

A rule's `params` hold only settings that change its results, so that Snakemake's params trigger
reruns exactly those jobs: a kind's execution settings (e.g. the RNN's device and checkpoint period)
reach their jobs through `params` that the trigger leaves out (rules/common.smk, `rerunning_nothing`),
and the thread counts through `threads`. Jobs get every setting through `params`, never from the config.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lembas_core.common.settings import (
    DataSettings,
    EvaluateSettings,
    InterventionSettings,
    LatencySettings,
    Member,
    PreprocessSettings,
    RegimeMapSettings,
    ResourceSettings,
    ShapSettings,
    from_mapping,
    roster_params,
)
from lembas_core.models.base import REGISTRY
from lembas_core.workflow.models import ModelSpec, resolve_models, variant_definitions

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"


@dataclass(frozen=True)
class Settings:
    """Every typed setting of a run: one field per top-level config section (`models` split in three)."""

    seed: int  # of the synthetic cohort
    data: DataSettings
    preprocess: PreprocessSettings
    evaluate: EvaluateSettings
    shap: ShapSettings
    interventions: InterventionSettings
    regime_map: RegimeMapSettings
    latency: LatencySettings
    resources: ResourceSettings
    include: tuple[str, ...]  # models.include: the kinds trained, in table order
    variants: dict[str, dict[str, Any]]  # models.variants without the switched-off ones
    models: dict[str, Any]  # kind -> its settings (REGISTRY[kind].settings) from models.<kind>
    specs: dict[str, ModelSpec]  # every model the run trains (kinds, variants, replicates) by name

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Build from a config dict that has passed `config/config.schema.yaml`."""
        models = config["models"]
        return cls(
            seed=config["seed"],
            data=from_mapping(DataSettings, config["data"], "data"),
            preprocess=from_mapping(PreprocessSettings, config["preprocess"], "preprocess"),
            evaluate=from_mapping(EvaluateSettings, config["evaluate"], "evaluate"),
            shap=from_mapping(ShapSettings, config["shap"], "shap"),
            interventions=from_mapping(InterventionSettings, config["interventions"], "interventions"),
            regime_map=from_mapping(RegimeMapSettings, config["regime_map"], "regime_map"),
            latency=from_mapping(LatencySettings, config["latency"], "latency"),
            resources=from_mapping(ResourceSettings, config["resources"], "resources"),
            include=tuple(models["include"]),
            variants=variant_definitions(config),
            models={
                kind: entry.from_config(models.get(kind, {}), f"models.{kind}")[0] for kind, entry in REGISTRY.items()
            },
            specs=resolve_models(config),
        )

    def model_params(self, name: str) -> dict[str, Any]:
        """The settings of model `name` (a model of the run, else a kind) as a plain dict for `params`."""
        return asdict(self.specs[name].settings if name in self.specs else self.models[name])

    def execution_params(self, name: str) -> dict[str, Any]:
        """Where model `name`'s jobs run (its kind's execution settings, e.g. a device) as a plain dict for
        `params`; {} for a kind without."""
        execution = self.specs[name].execution
        return asdict(execution) if execution is not None else {}

    def roster(self, names: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Models `names` of the run, in that order, with their kinds, networks and display names (a roster:
        :class:`lembas_core.common.settings.Member`), as plain dicts for a gathering rule's `params`."""
        specs = {name: self.specs[name] for name in names}
        return roster_params({name: Member(spec.kind, spec.network, spec.label) for name, spec in specs.items()})

    def trained_by(self, trainer: str, uses_network: bool | None = None) -> list[str]:
        """Names of the run's models (replicates included), in run order, whose kind is trained by rule
        `trainer` (:data:`lembas_core.models.base.TRAINERS`), optionally only those that do (not) use the network."""
        return [
            name
            for name, spec in self.specs.items()
            if spec.fitted
            and spec.model_kind.trainer == trainer
            and uses_network in (None, spec.model_kind.uses_network)
        ]

    def fitted(self) -> list[str]:
        """The run's fitted models (replicates included), in run order: all but forecast-only variants, which
        forecast interventions with another model's file (:attr:`ModelSpec.fitted_as`)."""
        return [name for name, spec in self.specs.items() if spec.fitted]

    def first_replicates(self, fitted_only: bool = True) -> list[str]:
        """The run's models without their further replicates: what summary, SHAP, latency and figures show
        (the fitted ones), or with `fitted_only` False every forecaster the interventional stage shows."""
        return [name for name, spec in self.specs.items() if spec.replicate == 1 and (spec.fitted or not fitted_only)]


def model_settings(kind: str, params: Mapping[str, Any]) -> Any:
    """Inverse of :meth:`Settings.model_params`: the typed settings inside a job."""
    return REGISTRY[kind].from_params(params)


def execution_settings(kind: str, params: Mapping[str, Any]) -> Any:
    """Inverse of :meth:`Settings.execution_params`: the typed execution settings inside a job."""
    return REGISTRY[kind].execution_from_params(params)


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
