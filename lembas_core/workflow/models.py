"""The models a run trains: the included kinds, the configured variants, and every replicate of them.

A *model* is a named, fully configured instance of a registered model kind. Three sources:

- `models.include`: each kind with its settings from `models.<kind>`;
- `models.variants`: ``{NAME: {model: KIND, <any setting of KIND>: value, ...}}``, the kind's settings
  with the listed ones overridden (e.g. ``rnn_shuffled: {model: rnn, network: shuffled}``); a variant
  set to null is switched off (how an overlay removes one);
- `replicates: N` (on `models.rnn`, `models.xgbrf`, `models.prior_ridge` or a variant): replicates
  2..N are further models named ``<name>.rep<k>`` whose seeds are advanced by k - 1
  (the kind's :attr:`~lembas_core.models.base.ModelKind.reseed`). The dot keeps them apart from every
  configurable name.

Every model gets its own jobs and files (`results/models/<name>...`); replicates are trained, predicted
and scored, while SHAP, latency and figures use the first replicate. A variant that differs from its kind's
own model only in settings that change interventional forecasts alone (the kind's
:attr:`~lembas_core.models.base.ModelKind.forecast_only`, e.g. prior_ridge's `propagation`) is the same
fitted model: it is not trained, predicted or scored again, and forecasts interventions with that model's
file (:attr:`ModelSpec.fitted_as`). Dependency-free: the Snakefile
resolves the models while it parses, so a bad variant stops the run before any job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from lembas_core.models.base import REGISTRY, REPLICATES_KEY, ModelKind
from lembas_core.models.labels import display_name

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
REPLICATE_MARK = ".rep"
VARIANT_KEYS = ("model", REPLICATES_KEY)  # keys of a variant that are not settings of its kind


class ConfigError(ValueError):
    """A configuration mistake found while the workflow is parsed (before any job); names the key."""


@dataclass(frozen=True)
class ModelSpec:
    """One model of the run.

    `settings` are the kind's typed settings (overrides and replicate seeds applied); `execution` where
    its jobs run (the kind's execution settings, e.g. a device; None for kinds without), which reruns nothing.
    """

    name: str
    kind: str
    settings: Any
    execution: Any
    replicate: int  # 1 for the model itself, k for `<name>.rep<k>`
    replicate_of: str  # name of replicate 1
    replicates: int
    fitted_as: str  # the model whose fitted file it uses: itself, or its kind's own for a forecast-only variant
    overrides: Mapping[str, Any] | None  # the settings a variant sets (None for a kind's own model)

    @property
    def fitted(self) -> bool:
        """Whether the model is fitted (trained, predicted and scored) under its own name."""
        return self.fitted_as == self.name

    @property
    def label(self) -> str:
        """Display name (:func:`lembas_core.models.labels.display_name`): the kind's label, the variant's
        overrides in words, the replicate past the first."""
        return display_name(self.model_kind.label, self.replicate_of, self.overrides, self.replicate)

    @property
    def model_kind(self) -> ModelKind:
        """The registry entry of the model's kind."""
        return REGISTRY[self.kind]

    @property
    def network(self) -> str:
        """prior, shuffled or random for models that use the network; '' for the others."""
        return self.settings.network if self.model_kind.uses_network else ""


def variant_definitions(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The active variants (`models.variants` without the null ones) in name order, checked: name, kind, keys.

    Raises
    ------
    ConfigError
        For a name that clashes with a model kind or is not a safe file name, an unknown kind, or a
        setting the kind does not have; the message names the key.
    """
    variants = config["models"].get("variants") or {}
    active: dict[str, dict[str, Any]] = {}
    for name, definition in variants.items():
        where = f"models.variants.{name}"
        if definition is None:
            continue
        if name in REGISTRY:
            raise ConfigError(f"{where}: the name clashes with the model kind {name!r}; rename the variant")
        if not NAME_PATTERN.fullmatch(str(name)):
            raise ConfigError(
                f"{where}: a variant name must start with a letter and hold only letters, digits and '_' "
                "(at most 64); it names files and jobs"
            )
        if not isinstance(definition, Mapping) or "model" not in definition:
            raise ConfigError(f"{where}: give the model kind, e.g. {{model: rnn, network: shuffled}}")
        kind = definition["model"]
        if kind not in REGISTRY:
            raise ConfigError(f"{where}.model: unknown model kind {kind!r}; choose one of {', '.join(REGISTRY)}")
        known = set(config["models"].get(kind, {})) | set(VARIANT_KEYS)
        unknown = sorted(set(definition) - known)
        if unknown:
            settable = ", ".join(sorted(known - {"model"})) or "none"
            raise ConfigError(
                f"{where}.{unknown[0]}: model kind {kind!r} has no setting {unknown[0]!r} (settable: {settable})"
            )
        active[str(name)] = dict(definition)
    return dict(sorted(active.items()))  # by name: an overlay that edits one variant must not reorder them


def variant_config(config: Mapping[str, Any], definition: Mapping[str, Any]) -> dict[str, Any]:
    """The flat settings of a variant: its kind's `models.<kind>` with the variant's overrides."""
    kind = definition["model"]
    return {**config["models"].get(kind, {}), **{k: v for k, v in definition.items() if k != "model"}}


def resolve_models(config: Mapping[str, Any]) -> dict[str, ModelSpec]:
    """Every model of the run by name: first replicates (include order, then variants), then the others.

    Raises
    ------
    ConfigError
        See :func:`variant_definitions`; also for replicates of a deterministic model.
    """
    sources: dict[str, tuple[str, dict[str, Any], str, dict[str, Any] | None]] = {
        kind: (kind, dict(config["models"].get(kind, {})), f"models.{kind}", None)
        for kind in config["models"]["include"]
    }
    for name, definition in variant_definitions(config).items():
        overrides = {key: value for key, value in definition.items() if key not in VARIANT_KEYS}
        sources[name] = (definition["model"], variant_config(config, definition), f"models.variants.{name}", overrides)
    firsts: dict[str, ModelSpec] = {}
    further: dict[str, ModelSpec] = {}
    for name, (kind, values, where, overrides) in sources.items():
        try:
            settings, execution = REGISTRY[kind].from_config(values, where)
        except (KeyError, TypeError, ValueError) as error:
            raise ConfigError(f"{where}: {error}") from None
        replicates = int(values.get(REPLICATES_KEY, 1))
        if replicates > 1 and not REGISTRY[kind].stochastic(settings):
            raise ConfigError(
                f"{where}.replicates: {name} is deterministic (same data, same model), so replicates "
                "would be identical; set replicates: 1"
            )
        fitted_as = _same_fitted_model(name, kind, settings, firsts) if replicates == 1 else name
        for k in range(1, replicates + 1):
            spec = ModelSpec(
                name=spec_name(name, k),
                kind=kind,
                settings=REGISTRY[kind].replicate(settings, k - 1),
                execution=execution,
                replicate=k,
                replicate_of=name,
                replicates=replicates,
                fitted_as=fitted_as if k == 1 else spec_name(name, k),
                overrides=overrides,
            )
            (firsts if k == 1 else further)[spec.name] = spec
    return {**firsts, **further}


def spec_name(name: str, replicate: int) -> str:
    """The name of replicate `replicate` of model `name` (the name itself for the first)."""
    return name if replicate == 1 else f"{name}{REPLICATE_MARK}{replicate}"


def _same_fitted_model(name: str, kind: str, settings: Any, models: Mapping[str, ModelSpec]) -> str:
    """`kind` when model `name` is a variant whose settings differ from the kind's own model (in `models`) only
    in the kind's forecast-only settings; else `name`."""
    own = models.get(kind)
    forecast_only = REGISTRY[kind].forecast_only
    if name == kind or own is None or not forecast_only:
        return name
    same = replace(settings, **{field: getattr(own.settings, field) for field in forecast_only})
    return kind if same == own.settings else name
