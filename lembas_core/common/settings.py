"""Typed settings of the pipeline's stages, and the one builder that turns config mappings into them.

Every config key has a typed field (`tests/test_settings.py` checks both directions), and the defaults
live in exactly one place, `config/config.yaml`: these classes have none, and library functions take
their values from a settings object or as arguments without defaults. The JSON schema
(`config/config.schema.yaml`) has rejected unknown keys and wrong types before anything is built;
:func:`from_mapping` refuses a missing or unknown key as well, so no setting is dropped silently.
Dataclasses, not pydantic: the Snakefile builds them while it parses, without third-party packages.

A rule passes a settings object to its job as ``dataclasses.asdict(settings)`` in `params` (so that a
change reruns exactly the jobs it affects) and the job rebuilds it with :func:`from_mapping`.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@functools.cache
def _nested_classes(cls: type) -> dict[str, type]:
    """Fields of dataclass `cls` whose type is itself a dataclass (or that one or None), by name."""
    nested = {}
    for name, hint in typing.get_type_hints(cls).items():
        candidates = [h for h in (*typing.get_args(hint), hint) if dataclasses.is_dataclass(h)]
        if candidates:
            nested[name] = candidates[0]
    return nested


def field_names(cls: type) -> list[str]:
    """Names of the fields of dataclass `cls`, in declaration order."""
    return [f.name for f in dataclasses.fields(cls)]


def from_mapping(cls: type[T], values: Mapping[str, Any], where: str) -> T:
    """Build dataclass `cls` from `values`, which must hold exactly its fields; nested dataclass fields
    are built from nested mappings (the inverse of ``dataclasses.asdict``).

    Raises
    ------
    KeyError
        Naming the config key `where` and the missing or unknown settings.
    """
    names = field_names(cls)
    missing, unknown = sorted(set(names) - set(values)), sorted(set(values) - set(names))
    if missing or unknown:
        raise KeyError(f"config {where}: missing {missing}, unknown {unknown}")
    nested = _nested_classes(cls)
    built = {}
    for name in names:
        value = values[name]
        if name in nested and isinstance(value, Mapping):
            value = from_mapping(nested[name], value, f"{where}.{name}")
        built[name] = value
    return cls(**built)


def flat_field_names(cls: type) -> list[str]:
    """The config keys of dataclass `cls` when its nested dataclass fields are written flat (one level)."""
    nested = _nested_classes(cls)
    return [key for name in field_names(cls) for key in (flat_field_names(nested[name]) if name in nested else [name])]


def from_flat_mapping(cls: type[T], values: Mapping[str, Any], where: str) -> T:
    """Build dataclass `cls` from a flat mapping in which the fields of its nested dataclasses stand at
    the top level (how `models.rnn` lists architecture and training settings side by side).

    Raises
    ------
    KeyError
        Naming the config key `where` and the missing or unknown settings.
    """
    unknown = sorted(set(values) - set(flat_field_names(cls)))
    if unknown:
        raise KeyError(f"config {where}: unknown {unknown}")
    nested = _nested_classes(cls)
    grouped = {
        name: {key: values[key] for key in flat_field_names(nested[name]) if key in values}
        if name in nested
        else values.get(name, _MISSING)
        for name in field_names(cls)
    }
    missing = [name for name, value in grouped.items() if value is _MISSING]
    if missing:
        raise KeyError(f"config {where}: missing {missing}, unknown []")
    return from_mapping(cls, grouped, where)


_MISSING = object()


@dataclass(frozen=True)
class SyntheticSettings:
    """The embedded synthetic cohort (config `data.synthetic`)."""

    preset: str  # tiny | small | demo | full
    file_format: str  # tsv | csv | parquet: the format the cohort is written in
    overrides: dict[str, Any]  # generator parameters (lembas_core.synthetic.spec.SyntheticSpec fields)


@dataclass(frozen=True)
class FileSettings:
    """The user's four input files (config `data.files`; paths None unless `data.source: files`)."""

    format: str  # auto | tsv | csv | parquet
    tf_expression: str | None
    gene_expression: str | None
    network: str | None
    validation: str | None


@dataclass(frozen=True)
class DataSettings:
    """Where the cohort comes from and how ingest checks and converts it (config `data`)."""

    source: str  # synthetic | files
    synthetic: SyntheticSettings
    files: FileSettings
    self_loops: str  # keep | drop | error
    validation_overlap: str  # error | drop
    min_name_match: float  # smallest share of matching identifiers (network/TF/gene/validation columns)
    match_case: bool  # False: match names across files ignoring letter case
    transform: str | dict[str, str]  # none | log2p1 | log10p1, or one per expression-matrix role

    @property
    def table_format(self) -> str:
        """Format of the four cohort files: the synthetic cohort's, or `data.files.format` (may be auto)."""
        return self.synthetic.file_format if self.source == "synthetic" else self.files.format

    @property
    def ingest(self) -> IngestSettings:
        """The part that decides what ingest writes (the file locations are the rule's inputs)."""
        return IngestSettings(
            format=self.table_format,
            self_loops=self.self_loops,
            validation_overlap=self.validation_overlap,
            min_name_match=self.min_name_match,
            match_case=self.match_case,
            transform=self.transform,
        )


@dataclass(frozen=True)
class IngestSettings:
    """The `data` settings the ingest job applies (a change reruns ingest and what follows)."""

    format: str  # auto | tsv | csv | parquet
    self_loops: str
    validation_overlap: str
    min_name_match: float
    match_case: bool
    transform: str | dict[str, str]


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
    """Bootstrap intervals and the zero-filled-gene policy of scoring (the `evaluate` keys a score job uses)."""

    bootstrap: int  # resamples of samples (0: no intervals)
    bootstrap_seed: int
    include_zero_filled: bool


@dataclass(frozen=True)
class EvaluateSettings:
    """Which splits are scored and kept, and how (config `evaluate`)."""

    splits: tuple[str, ...]
    keep_predictions: tuple[str, ...]
    bootstrap: int
    bootstrap_seed: int
    include_zero_filled: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "splits", tuple(self.splits))
        object.__setattr__(self, "keep_predictions", tuple(self.keep_predictions))

    @property
    def score(self) -> ScoreSettings:
        """What one score job needs (so that changing the scored splits reruns no score job)."""
        return ScoreSettings(self.bootstrap, self.bootstrap_seed, self.include_zero_filled)


@dataclass(frozen=True)
class GradientExplainerSettings:
    """Expected-gradients settings of the RNN explainer (the `shap` keys a SHAP job uses)."""

    background: int
    nsamples: int
    seed: int


@dataclass(frozen=True)
class ShapSettings:
    """Which genes and model kinds are explained, and how (config `shap`)."""

    genes: str | tuple[str, ...]  # "default" or gene names
    models: tuple[str, ...]  # model kinds (their variants too)
    background: int
    nsamples: int
    seed: int

    def __post_init__(self) -> None:
        if not isinstance(self.genes, str):
            object.__setattr__(self, "genes", tuple(self.genes))
        object.__setattr__(self, "models", tuple(self.models))

    @property
    def gradient(self) -> GradientExplainerSettings:
        """What one SHAP job needs (so that adding a gene or a model reruns no other SHAP job)."""
        return GradientExplainerSettings(self.background, self.nsamples, self.seed)


@dataclass(frozen=True)
class LatencySettings:
    """Inference latency (config `latency`): the job's thread count and the timed calls per mode."""

    threads: int
    repeats: int


@dataclass(frozen=True)
class ResourceSettings:
    """Job resources (config `resources`): scale factors and an explicit cohort size for sizing."""

    memory_scale: float
    runtime_scale: float
    cohort: dict[str, int] | None  # {samples, tfs, genes, edges, validation}
