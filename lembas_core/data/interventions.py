"""The user's perturbation data: an expression matrix (`data.files.interventions`, samples x genes in the
validation cohort's format and scale) and its design table (`data.files.intervention_design`: columns
`sample_id` and `perturbed`, the perturbed TF or ``control``; optional `control`, a perturbed sample's paired
control sample (the same individual or culture unperturbed), and `split`, ``train`` or ``held_out`` per
perturbed sample: whether the models train on it, :mod:`lembas_core.data.perturbation_training`).

Read and checked right after ingest, before any model trains: every design row names a sample of the
matrix, every sample of the matrix has exactly one design row, a perturbed gene is a TF input of the
benchmark (a column of the TF matrix that regulates in the network) measured in the matrix, and at least
one sample is a control; each failure names the file, the line and a fix. Once the dataset exists the data
become a :class:`lembas_core.io.interventions.PerturbationSet` with PEREGGRN's conventions (Kernfeld et al.,
*Genome Biol* 2025): one perturbation per perturbed TF; the observed effect is the mean of its samples
minus the mean of the controls; regime A's input is the controls' mean TF vector with the perturbed TF set
to the sample's measured value (with a design that pairs samples with controls: the paired control's TF
vector, and the effect is the mean of sample minus paired control); a perturbation is in range when all its
samples' values lie within the TF's training range. A TF input the matrix lacks is held at its training mean
in every input (it then cancels from every forecast effect); a target it lacks is not scored; a perturbed TF
that preprocessing removed from the inputs is left out, with a warning. The same inputs are the models'
training rows for the perturbed samples they train on (:mod:`lembas_core.data.perturbation_training`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lembas_core.data.ingest import table_format
from lembas_core.data.scale import apply_transform, check_log_scale, check_validation_scale
from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.interventions import CONTROL, PerturbationSet, detected_range
from lembas_core.io.npz import load_arrays, save_arrays
from lembas_core.io.tables import LabeledMatrix, read_matrix, read_table

LOG = logging.getLogger("lembas_core.data.interventions")
DESIGN_TABLE_COLUMNS = ("sample_id", "perturbed")
OPTIONAL_DESIGN_COLUMNS = ("control", "split")  # a perturbed sample's paired control; train | held_out
SPLITS = ("train", "held_out")
MATRIX_LABEL = "perturbation data"
DESIGN_LABEL = "intervention design"


@dataclass
class PerturbationData:
    """The checked perturbation data: `matrix` (samples x genes), each sample's perturbed TF or CONTROL, and
    from the design's optional columns each sample's paired control sample (`control_of`, '' for none) and
    split (`split`: ``train``, ``held_out`` or '' for a control); None where the design has no such column."""

    matrix: LabeledMatrix
    perturbed: list[str]
    control_of: list[str] | None = None
    split: list[str] | None = None

    def save(self, path: str | Path) -> None:
        """Write as `.npz` (no pickles), atomically."""
        optional = {name: np.asarray(getattr(self, name), dtype=str) for name in ("control_of", "split")}
        save_arrays(
            path,
            values=self.matrix.values,
            rows=np.asarray(self.matrix.rows, dtype=str),
            columns=np.asarray(self.matrix.columns, dtype=str),
            perturbed=np.asarray(self.perturbed, dtype=str),
            path=np.asarray(self.matrix.path),
            **{name: values for name, values in optional.items() if getattr(self, name) is not None},
        )

    @classmethod
    def load(cls, path: str | Path) -> PerturbationData:
        """Read a file written by :meth:`save`; a damaged file raises InputDataError."""
        data = load_arrays(path, ("values", "rows", "columns", "perturbed", "path"), what="perturbation data file")
        matrix = LabeledMatrix(data["values"], data["rows"].tolist(), data["columns"].tolist(), str(data["path"]))
        optional = {name: data[name].tolist() if name in data else None for name in ("control_of", "split")}
        return cls(matrix, data["perturbed"].tolist(), **optional)

    def is_control(self) -> np.ndarray:
        """(samples,) bool: the control samples."""
        return np.array([label == CONTROL for label in self.perturbed], dtype=bool)

    def paired_control(self) -> np.ndarray | None:
        """(samples,) int: each sample's paired control row (-1 for a control), or None when unpaired."""
        if self.control_of is None:
            return None
        row = {sample: i for i, sample in enumerate(self.matrix.rows)}
        return np.array([row[c] if c else -1 for c in self.control_of], dtype=np.int64)


def _design(path: str | Path, fmt: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """(sample IDs, perturbed, {optional column: values} for those present) of the design table, with a
    clear error when a required column is missing."""
    table = read_table(path, fmt, DESIGN_LABEL, string_columns=DESIGN_TABLE_COLUMNS + OPTIONAL_DESIGN_COLUMNS)
    by_name = {str(c).casefold(): c for c in table.columns}
    missing = [c for c in DESIGN_TABLE_COLUMNS if c not in by_name]
    if missing:
        raise InputDataError(
            path,
            f"has no column {' or '.join(repr(c) for c in missing)} (columns: {preview(table.columns)})",
            "give the design table two columns, sample_id (a sample of the perturbation matrix) and perturbed "
            "(the perturbed TF, or control)",
            where="header, line 1",
        )
    optional = {
        name: [
            "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip() for v in table[by_name[name]]
        ]
        for name in OPTIONAL_DESIGN_COLUMNS
        if name in by_name
    }
    return (
        [str(v) for v in table[by_name["sample_id"]]],
        [str(v).strip() for v in table[by_name["perturbed"]]],
        optional,
    )


def _check_pairs(paths: tuple[str | Path, str | Path], labels: dict[str, str], control_of: dict[str, str]) -> None:
    """Every perturbed sample of the design's `control` column names a control sample of the matrix."""
    for i, (sample, pair) in enumerate(control_of.items()):
        if labels[sample] == CONTROL or not pair:
            continue
        if labels.get(pair) != CONTROL:
            what = "is not a sample of the matrix" if pair not in labels else f"is not a control (it is {labels[pair]})"
            raise InputDataError(
                paths[1],
                f"the paired control {pair!r} of sample {sample!r} {what}",
                "name in the control column a sample marked control (the same individual unperturbed), or leave "
                "the cell empty to compare the sample with the mean of the controls",
                where=f"line {i + 2}",
            )


def _check_split(paths: tuple[str | Path, str | Path], labels: dict[str, str], split: dict[str, str]) -> None:
    """The design's `split` column: train or held_out on every perturbed sample, one set per TF."""
    sets: dict[str, dict[str, int]] = {}
    for i, (sample, value) in enumerate(split.items()):
        if labels[sample] == CONTROL:
            continue
        if value not in SPLITS:
            raise InputDataError(
                paths[1],
                f"split {value!r} of sample {sample!r} is neither train nor held_out",
                "write train (the models train on this perturbed sample) or held_out (scored as unseen) in the "
                "split column of every perturbed sample",
                where=f"line {i + 2}",
            )
        sets.setdefault(labels[sample], {}).setdefault(value, i + 2)
    both = {tf: lines for tf, lines in sets.items() if len(lines) == 2}
    if both:
        tf, lines = next(iter(both.items()))
        raise InputDataError(
            paths[1],
            f"{len(both)} perturbed TF(s) are in both the training and the held-out set ({preview(sorted(both))}; "
            f"{tf}: train on line {lines['train']}, held_out on line {lines['held_out']})",
            "give all samples of one TF the same split: a held-out TF must be one the models never saw perturbed",
            where=f"line {max(lines.values())}",
        )


def read_perturbation_data(
    paths: tuple[str | Path, str | Path], file_format: str, tf_inputs: set[str], transforms: str | Mapping[str, str]
) -> PerturbationData:
    """Read and check the matrix and design table `paths` in `file_format` (data.files.format; auto: from each
    extension); `tf_inputs` are the TFs that can be perturbed (TF-matrix columns that regulate in the
    network); the validation cohort's transform of `transforms` (the data.transform setting) is applied to
    the matrix, whose scale is then checked as every expression matrix's."""
    formats = [table_format(path, file_format) for path in paths]
    matrix = read_matrix(paths[0], formats[0], MATRIX_LABEL)
    apply_transform(matrix, "validation", MATRIX_LABEL, transforms)
    check_log_scale(matrix, "validation", MATRIX_LABEL, transforms)
    samples, perturbed, optional = _design(paths[1], formats[1])
    row_of = {sample: i for i, sample in enumerate(matrix.rows)}
    seen: dict[str, int] = {}
    for i, (sample, gene) in enumerate(zip(samples, perturbed)):
        line = f"line {i + 2}"
        if sample in seen:
            raise InputDataError(
                paths[1], f"sample {sample!r} is listed twice (lines {seen[sample]} and {i + 2})",
                "list every sample once", where=line,
            )  # fmt: skip
        seen[sample] = i + 2
        if sample not in row_of:
            raise InputDataError(
                paths[1],
                f"sample {sample!r} is not a sample of the perturbation matrix {paths[0]}",
                "use the matrix's sample IDs (its first column) in sample_id, or remove the row",
                where=line,
            )
        if gene.casefold() == CONTROL:
            continue
        if gene not in tf_inputs:
            raise InputDataError(
                paths[1],
                f"perturbed gene {gene!r} (sample {sample!r}) is not a TF input of the benchmark: it must be a "
                "column of the TF matrix that regulates genes in the network",
                "name a TF of the TF matrix, or write control for an unperturbed sample",
                where=line,
            )
        if gene not in matrix.columns:
            raise InputDataError(
                paths[1],
                f"perturbed TF {gene!r} (sample {sample!r}) is not measured in the perturbation matrix {paths[0]}",
                "add the perturbed TF's measured expression to the matrix: its level is the forecast's input",
                where=line,
            )
    unlisted = [s for s in matrix.rows if s not in seen]
    if unlisted:
        raise InputDataError(
            paths[0],
            f"{len(unlisted)} sample(s) have no row in the design table {paths[1]} ({preview(unlisted)})",
            "give every sample of the perturbation matrix a design row (perturbed TF, or control)",
        )
    design = dict(zip(samples, perturbed))
    labels = [CONTROL if design[s].casefold() == CONTROL else design[s] for s in matrix.rows]
    label_of = dict(zip(matrix.rows, labels))
    by_sample = {name: dict(zip(samples, values)) for name, values in optional.items()}
    if "control" in by_sample:
        _check_pairs(paths, label_of, by_sample["control"])
    if "split" in by_sample:
        _check_split(paths, label_of, by_sample["split"])
    if CONTROL not in labels:
        raise InputDataError(
            paths[1],
            "no sample is a control: an observed effect is a perturbed sample minus the mean of the controls",
            "add unperturbed samples to the matrix and mark them control in the perturbed column",
        )
    n_tfs = len(set(labels) - {CONTROL})
    LOG.info("%s %s: %d samples (%d controls), %d TFs perturbed", MATRIX_LABEL, paths[0], len(labels),
             labels.count(CONTROL), n_tfs)  # fmt: skip
    extra = {  # a control has no paired control and no split: what its cells hold is ignored
        "control_of" if name == "control" else name: ["" if label == CONTROL else values[s] for s, label in
                                                       zip(matrix.rows, labels)]
        for name, values in by_sample.items()
    }  # fmt: skip
    return PerturbationData(matrix, labels, **extra)


def check_control_scale(data: PerturbationData, training: list[LabeledMatrix], transforms: Mapping[str, str]) -> dict:
    """Require the control samples of `data` on the scale and location of the `training` matrices (TF, gene),
    as the validation cohort is (:func:`lembas_core.data.scale.check_validation_scale`): the forecasts start
    from them, so a shifted or rescaled matrix moves every forecast. Returns the report by column group."""
    rows = [i for i, label in enumerate(data.perturbed) if label.casefold() == CONTROL]
    controls = LabeledMatrix(
        data.matrix.values[rows], [data.matrix.rows[i] for i in rows], data.matrix.columns, data.matrix.path
    )
    return check_validation_scale(controls, training, transforms, "the perturbation data (its controls)")


def _columns(matrix: LabeledMatrix, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(column index into `matrix` or -1, present mask) for each of `names`."""
    position = {c: j for j, c in enumerate(matrix.columns)}
    index = np.array([position.get(n, -1) for n in names], dtype=np.int64)
    return index, index >= 0


@dataclass(frozen=True)
class AlignedPerturbations:
    """Perturbation data on a dataset's inputs and targets: `x` (samples x features; an input the matrix
    lacks at its training mean), `y` (samples x targets; NaN where the matrix lacks the target, those False
    in `measured_targets` (targets,)), and per
    sample its control row into `x_control` / `y_control` (-1 for a control sample): its paired control, or
    the last row, the controls' mean, for a sample the design pairs with none (the only row when it pairs
    none at all)."""

    x: np.ndarray
    y: np.ndarray
    measured_targets: np.ndarray
    x_control: np.ndarray
    y_control: np.ndarray
    control: np.ndarray


def aligned(data: PerturbationData, names: tuple[list[str], list[str]], x_train: np.ndarray) -> AlignedPerturbations:
    """`data` on the inputs and targets `names` = (features, targets) of a dataset with training inputs
    `x_train` (samples x features)."""
    features, targets = names
    values = np.asarray(data.matrix.values, dtype=np.float64)
    f_index, f_present = _columns(data.matrix, features)
    t_index, t_present = _columns(data.matrix, targets)
    train_mean = np.asarray(x_train, dtype=np.float64).mean(axis=0)
    x = np.where(f_present[None, :], values[:, np.maximum(f_index, 0)], train_mean[None, :])
    y = np.where(t_present[None, :], values[:, np.maximum(t_index, 0)], np.nan)
    is_control = data.is_control()
    means = x[is_control].mean(axis=0, keepdims=True), y[is_control].mean(axis=0, keepdims=True)
    pairs = data.paired_control()
    if pairs is None or (pairs[~is_control] < 0).all():
        return AlignedPerturbations(x, y, t_present, *means, np.where(is_control, -1, 0))
    rows = np.flatnonzero(is_control)
    position = np.full(len(is_control) + 1, rows.size, dtype=np.int64)  # -1 (unpaired) reads the mean's row
    position[rows] = np.arange(rows.size)
    x_control, y_control = np.concatenate([x[rows], means[0]]), np.concatenate([y[rows], means[1]])
    return AlignedPerturbations(x, y, t_present, x_control, y_control, np.where(is_control, -1, position[pairs]))


def observed_perturbations(
    data: PerturbationData, names: tuple[list[str], list[str]], x_train: np.ndarray, held_out: set[str] | None = None
) -> PerturbationSet:
    """The PerturbationSet (level ``observed``) of `data` for a dataset with `names` = (features, targets) and
    training inputs `x_train` (samples x features); only the TFs of `held_out` when given (the others are
    the models' training perturbations: :mod:`lembas_core.data.perturbation_training`), every one unseen."""
    features, targets = names
    found = aligned(data, names, x_train)
    labels = np.asarray(data.perturbed, dtype=object)
    control = data.is_control()
    column = {f: j for j, f in enumerate(features)}
    perturbed = sorted(set(labels[~control]) & (held_out if held_out is not None else set(labels[~control])))
    tfs = [tf for tf in perturbed if tf in column]
    if len(tfs) < len(perturbed):
        LOG.warning(
            "perturbed TF(s) %s are not model inputs after preprocessing (e.g. preprocess.validation_missing: "
            "drop removed them): their samples are not scored",
            sorted(set(perturbed) - set(tfs)),
        )
    rows = [np.flatnonzero(labels == tf) for tf in tfs]
    value = np.concatenate([found.x[r, column[tf]] for tf, r in zip(tfs, rows)]) if tfs else np.zeros(0)
    low, high = detected_range(x_train)  # a dropout zero is no level a TF took: measured 0 is off, not in range
    in_range = [bool(((found.x[r, column[tf]] >= low[column[tf]]) & (found.x[r, column[tf]] <= high[column[tf]])).all())
                for tf, r in zip(tfs, rows)]  # fmt: skip
    absent = int((~found.measured_targets).sum())
    if absent:
        LOG.warning("%d of %d targets are not in the perturbation matrix: not scored", absent, len(targets))
    row_control = np.concatenate([found.control[r] for r in rows] or [[]]).astype(np.int64)
    one = found.y_control.shape[0] == 1  # unpaired: every sample against the controls' mean
    effect = [found.y[r].mean(axis=0) - (found.y_control[0] if one else found.y_control[found.control[r]].mean(axis=0))
              for r in rows]  # fmt: skip
    return PerturbationSet(
        level="observed",
        in_range=np.array(in_range, dtype=bool),
        features=list(features),
        targets=list(targets),
        tfs=tfs,
        perturbation=np.concatenate([np.full(r.size, p) for p, r in enumerate(rows)] or [[]]).astype(np.int64),
        control=row_control,
        value=value.astype(np.float32),
        x_control=found.x_control.astype(np.float32),
        x_oracle=None,
        effect=np.array(effect).reshape(len(tfs), len(targets)),
        hops=None,
        seen=None,
    )
