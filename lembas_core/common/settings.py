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
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


FLAT = {"flat": True}  # field metadata: the nested settings' keys stand at this level of the config


@functools.cache
def _nested_classes(cls: type) -> dict[str, type]:
    """Fields of dataclass `cls` whose type is itself a dataclass (or that one or None), by name; a mapping
    of dataclasses (e.g. named levels) is a value, built by the class itself."""
    nested = {}
    for name, hint in typing.get_type_hints(cls).items():
        union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        candidates = [h for h in (*(typing.get_args(hint) if union else ()), hint) if dataclasses.is_dataclass(h)]
        if candidates:
            nested[name] = candidates[0]
    return nested


def _flat(cls: type) -> dict[str, type]:
    """The nested dataclass fields of `cls` declared FLAT, by name."""
    nested = _nested_classes(cls)
    return {f.name: nested[f.name] for f in dataclasses.fields(cls) if f.name in nested and f.metadata.get("flat")}


def field_names(cls: type) -> list[str]:
    """Names of the fields of dataclass `cls`, in declaration order."""
    return [f.name for f in dataclasses.fields(cls)]


def config_paths(cls: type) -> list[tuple[str, ...]]:
    """Paths of the config keys that dataclass `cls` is built from, relative to its own mapping: a FLAT
    nested dataclass contributes its keys at this level, another nested one a mapping under its name."""
    nested, flat = _nested_classes(cls), _flat(cls)
    paths: list[tuple[str, ...]] = []
    for name in field_names(cls):
        if name in flat:
            paths += config_paths(flat[name])
        elif name in nested:
            paths += [(name, *path) for path in config_paths(nested[name])]
        else:
            paths.append((name,))
    return paths


def from_mapping(cls: type[T], values: Mapping[str, Any], where: str) -> T:
    """Build dataclass `cls` from its config mapping `values` (:func:`config_paths`), or from
    ``dataclasses.asdict`` of one (a rule's `params`), refusing a missing or unknown key.

    A nested dataclass field is built from the mapping under its name; one declared FLAT, from its keys at
    this level (how `models.rnn` lists architecture and training settings side by side).

    Raises
    ------
    KeyError
        Naming the config key `where` and the missing or unknown settings.
    """
    nested, flat = _nested_classes(cls), _flat(cls)
    built: dict[str, Any] = {}
    used: set[str] = set()
    missing: list[str] = []
    for name in field_names(cls):
        if name in nested and isinstance(values.get(name), Mapping):
            built[name] = from_mapping(nested[name], values[name], where if name in flat else f"{where}.{name}")
            used.add(name)
        elif name in flat:
            keys = {path[0] for path in config_paths(flat[name])}
            built[name] = from_mapping(flat[name], {k: v for k, v in values.items() if k in keys}, where)
            used |= keys
        elif name in values:
            built[name] = values[name]
            used.add(name)
        else:
            missing.append(name)
    unknown = sorted(set(values) - used)
    if missing or unknown:
        raise KeyError(f"config {where}: missing {sorted(missing)}, unknown {unknown}")
    return cls(**built)


@dataclass(frozen=True)
class SyntheticSettings:
    """The embedded synthetic cohort (config `data.synthetic`)."""

    preset: str  # tiny | small | demo | full
    file_format: str  # tsv | csv | parquet: the format the cohort is written in
    overrides: dict[str, Any]  # generator parameters (lembas_core.common.synthetic_spec.SyntheticSpec fields)


@dataclass(frozen=True)
class FileSettings:
    """The user's four input files (config `data.files`; paths None unless `data.source: files`)."""

    format: str  # auto | tsv | csv | parquet
    tf_expression: str | None
    gene_expression: str | None
    network: str | None
    validation: str | None
    interventions: str | None  # optional perturbation data: samples x genes, as the validation cohort
    intervention_design: str | None  # its design table: sample ID -> perturbed gene or `control`


@dataclass(frozen=True)
class IngestSettings:
    """The `data` settings the ingest job applies (a change reruns ingest and what follows)."""

    self_loops: str  # keep | drop | error: network edges X -> X
    validation_overlap: str  # error | drop: validation samples that are training samples
    min_name_match: float  # smallest share of matching identifiers (network/TF/gene/validation columns)
    match_case: bool  # False: match names across files ignoring letter case
    transform: str | dict[str, str]  # none | log2p1 | log10p1, or one per expression-matrix role
    excel_dates: str  # error | warn: gene names Excel turned into dates that stand for network genes
    ambiguous_signs: str  # error | drop: network edges whose sign is unknown, dual or 0
    strip_names: dict[str, dict[str, str]]  # file role -> {samples | genes: regular expression deleted from names}


@dataclass(frozen=True)
class DataSettings:
    """Where the cohort comes from and how ingest checks and converts it (config `data`)."""

    source: str  # synthetic | files
    synthetic: SyntheticSettings
    files: FileSettings
    ingest: IngestSettings = field(metadata=FLAT)

    @property
    def table_format(self) -> str:
        """Format of the four cohort files: the synthetic cohort's, or `data.files.format` (may be auto)."""
        return self.synthetic.file_format if self.source == "synthetic" else self.files.format


MOSTLY_MISSING = 0.5  # above this share of zero-filled TF features, validation scores are flagged (log, verdict)


@dataclass(frozen=True)
class PreprocessSettings:
    """Feature/target selection, the train/test split and validation alignment (config `preprocess`)."""

    test_fraction: float
    split_seed: int
    validation_missing: str  # zero | drop | error
    exclude_tf_targets: bool
    targets_outside_network: str  # drop | keep


# The replicates each interval method (`evaluate.interval`, lembas_core.evaluation.intervals) reads: bootstrap
# resamples (drawn with `evaluate.bootstrap` and `bootstrap_seed`) and leave-one-out (jackknife) replicates.
INTERVAL_REPLICATES: dict[str, tuple[str, ...]] = {
    "jackknife": ("jackknife",),
    "bca": ("bootstrap", "jackknife"),
    "percentile": ("bootstrap",),
    "none": (),
}
RESAMPLING = ("bootstrap", "bootstrap_seed")  # the ScoreSettings that only the bootstrap methods read


@dataclass(frozen=True)
class ScoreSettings:
    """Intervals and the zero-filled-gene policy: what one score job uses of `evaluate`.

    A rule passes :meth:`params` (only what the interval method reads, so that changing a setting it does
    not read reruns nothing) and the job rebuilds the settings with :meth:`from_params`.
    """

    interval: str  # jackknife | bca | percentile | none (lembas_core.evaluation.intervals)
    bootstrap: int | None  # resamples of samples for the bootstrap methods (None in a job of another method)
    bootstrap_seed: int | None
    include_zero_filled: bool

    @property
    def resamples(self) -> bool:
        """Whether the interval method reads bootstrap resamples (and so `bootstrap` and `bootstrap_seed`)."""
        return "bootstrap" in INTERVAL_REPLICATES[self.interval]

    @property
    def leaves_one_out(self) -> bool:
        """Whether the interval method reads leave-one-out (jackknife) replicates."""
        return "jackknife" in INTERVAL_REPLICATES[self.interval]

    def draws(self) -> tuple[int, int]:
        """(bootstrap resamples, their seed) that the interval method draws; (0, 0), nothing drawn, for the
        methods without resamples."""
        if not self.resamples:
            return 0, 0
        if self.bootstrap is None or self.bootstrap_seed is None:
            raise ValueError(f"evaluate.interval {self.interval!r} resamples: it needs bootstrap and bootstrap_seed")
        return self.bootstrap, self.bootstrap_seed

    def params(self) -> dict[str, Any]:
        """The settings the interval method reads as a plain dict, for a rule's `params`: the bootstrap's
        resamples and seed for the bootstrap methods only."""
        values = dataclasses.asdict(self)
        return values if self.resamples else {k: v for k, v in values.items() if k not in RESAMPLING}

    @classmethod
    def from_params(cls, values: Mapping[str, Any]) -> ScoreSettings:
        """Inverse of :meth:`params`, inside a job: the settings the method does not read are None."""
        return from_mapping(cls, {**dict.fromkeys(RESAMPLING), **values}, "evaluate")


@dataclass(frozen=True)
class EvaluateSettings:
    """Which splits are scored and kept, and how (config `evaluate`)."""

    splits: tuple[str, ...]
    keep_predictions: tuple[str, ...]
    score: ScoreSettings = field(metadata=FLAT)

    def __post_init__(self) -> None:
        object.__setattr__(self, "splits", tuple(self.splits))
        object.__setattr__(self, "keep_predictions", tuple(self.keep_predictions))


@dataclass(frozen=True)
class GradientExplainerSettings:
    """Expected-gradients settings of the RNN explainer: what one SHAP job uses of `shap`."""

    background: int
    nsamples: int
    seed: int


@dataclass(frozen=True)
class ShapSettings:
    """Which genes and model kinds are explained, and how (config `shap`)."""

    genes: str | tuple[str, ...]  # "default" or gene names
    models: tuple[str, ...]  # model kinds (their variants too)
    gradient: GradientExplainerSettings = field(metadata=FLAT)

    def __post_init__(self) -> None:
        if not isinstance(self.genes, str):
            object.__setattr__(self, "genes", tuple(self.genes))
        object.__setattr__(self, "models", tuple(self.models))


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


@dataclass(frozen=True)
class InterventionLevel:
    """One perturbation level: each TF set to its training `quantile` plus `shift_sd` times its training sd
    (a value beyond the TF's training range is reported apart)."""

    quantile: float
    shift_sd: float


@dataclass(frozen=True)
class PerturbationChoice:
    """Which TFs and individuals of the synthetic cohort are perturbed: what the design job uses."""

    tfs: int  # TFs perturbed
    min_descendants: int  # target genes a perturbed TF must move in the true network
    individuals: int  # test-split individuals per perturbation
    seed: int


@dataclass(frozen=True)
class PerturbationTraining:
    """Interventional training data (config `interventions.train_*`): which perturbed TFs the models also train
    on (:mod:`lembas_core.data.perturbation_training`). None by default: the models see observational data only.

    Of the TFs that can be perturbed (the synthetic cohort's eligible TFs; the TFs the user's perturbation data
    perturb), a seeded `train_fraction` share, or the TFs named in `train_tfs`, are training TFs; the others
    are held out. On the synthetic cohort the generator perturbs `train_individuals` training-split individuals
    per training TF at each of `train_quantiles` (quantiles of the TF's detected training values).
    """

    train_fraction: float  # share of the perturbable TFs that are training TFs (0: none)
    train_tfs: tuple[str, ...]  # or the training TFs by name
    train_individuals: int  # synthetic cohort: training individuals perturbed per training TF and quantile
    train_quantiles: tuple[float, ...]  # synthetic cohort: the training levels, as quantiles of detected values

    def __post_init__(self) -> None:
        object.__setattr__(self, "train_tfs", tuple(str(tf) for tf in self.train_tfs or ()))
        object.__setattr__(self, "train_quantiles", tuple(float(q) for q in self.train_quantiles))

    @property
    def named(self) -> bool:
        """Whether the training TFs are named (train_tfs) rather than drawn (train_fraction)."""
        return bool(self.train_tfs)

    @property
    def enabled(self) -> bool:
        """Whether the settings ask for training TFs at all."""
        return self.train_fraction > 0 or self.named


@dataclass(frozen=True)
class InterventionSettings:
    """The interventional test (config `interventions`): which TFs, individuals and levels, and the scoring."""

    choice: PerturbationChoice = field(metadata=FLAT)
    training: PerturbationTraining = field(metadata=FLAT)
    levels: dict[str, InterventionLevel]  # a level set to None in the config is switched off
    top_genes: int  # genes with the largest true |effect| for the top-k MSE and sign agreement

    def __post_init__(self) -> None:
        levels = {
            name: level if isinstance(level, InterventionLevel) else InterventionLevel(**level)
            for name, level in self.levels.items()
            if level is not None
        }
        object.__setattr__(self, "levels", levels)


@dataclass(frozen=True)
class RegimeMapSettings:
    """The regime map (config `regime_map`, target `regime_map`): the same comparison on synthetic worlds of
    every TF -> TF depth in `depths`, trained on observational data and on observational + interventional
    data, and with feedback at depth `feedback_depth`, on the `preset` cohort (:mod:`lembas_core.steps.regime_map`)."""

    preset: str  # synthetic preset of every cell
    depths: tuple[int, ...]  # synthetic.tf_steps of the cells
    feedback_depth: int | None  # tf_steps of the cells with feedback (None: none)
    train_fraction: float  # interventions.train_fraction of the interventional cells
    train_individuals: int  # interventions.train_individuals of the interventional cells

    def __post_init__(self) -> None:
        object.__setattr__(self, "depths", tuple(int(d) for d in self.depths))


# The roster of a job that gathers several models: their names in table order, each with its kind and network.
# A rule passes it in `params` as one mapping (:func:`roster_params`), not as parallel lists of names, kinds and
# networks that must stay aligned; the job reads it back typed (:func:`roster_from_params`).


@dataclass(frozen=True)
class Member:
    """One model of a roster: its kind (its family and colour), the network it was trained on (prior,
    shuffled or random; '' for kinds that use none) and its display name
    (:func:`lembas_core.models.labels.display_name`)."""

    kind: str
    network: str
    label: str


Roster = Mapping[str, Member]  # model name -> its kind and network, in table order


def roster_params(roster: Roster) -> dict[str, dict[str, Any]]:
    """`roster` as plain dicts, for a rule's `params` (a change reruns its jobs)."""
    return {name: dataclasses.asdict(member) for name, member in roster.items()}


def roster_from_params(params: Mapping[str, Mapping[str, Any]]) -> dict[str, Member]:
    """Inverse of :func:`roster_params`, inside a job."""
    return {name: from_mapping(Member, values, f"roster.{name}") for name, values in params.items()}


def kinds_of(roster: Roster) -> dict[str, str]:
    """Model name -> kind, in roster order."""
    return {name: member.kind for name, member in roster.items()}


def labels_of(roster: Roster) -> dict[str, str]:
    """Model name -> display name, in roster order."""
    return {name: member.label for name, member in roster.items()}


def networks_of(roster: Roster) -> dict[str, str]:
    """Model name -> network ('' for kinds that use none), in roster order."""
    return {name: member.network for name, member in roster.items()}
