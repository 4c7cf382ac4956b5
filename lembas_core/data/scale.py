"""The value scale of the expression matrices: the optional log transform and the checks around it.

The models expect log-scale expression (upstream: log-TPM). Ingest applies `data.transform` once per
matrix and then checks that the result looks log-scale:

- `log2p1` is log2(x + 1), `log10p1` log10(x + 1) (raw TPM or counts in, log-scale out), `none` keeps
  the values; a transform of a matrix with negative values, or of one whose values all lie in [0, 30]
  (log-scale already), is an error: logging twice is silently wrong;
- a matrix looks *unlogged* when values above 30 occur in at least half of its samples: log2 TPM tops
  out near 20 (log2 of 10^6) and log2 counts near 27, while raw TPM or counts put some gene of almost
  every sample above 30. A few stray cells do not make a matrix look unlogged; they are caught by the
  cell bound below. (GEO2R's auto-detection of unlogged arrays rests on the same idea: an upper
  quantile far beyond what a log scale reaches.) A column with values above 30 in 5% or more of its
  samples (and two) is raw for certain, and stops the run too;
- *integer counts*: whole numbers only, above 30 somewhere: read counts, which grow with sequencing depth,
  are refused with or without a transform (normalise to CPM or TPM first);
- *mixed scales*: next to columns raw for certain, columns that look log-scale already are named and the
  transform is refused (it logs every column). A column looks log-scale when log2(1 + x) of its values
  above 0 spreads less than a third as much as the raw columns' (median), a second log compressing it,
  and at least 12% of the expressed not-raw columns (and three) do so; or when it holds negative values
  (benchmarks/mixed_scales.py measures the rule);
- a single value with |x| > 1,000 is impossible on a log scale and is reported with its cell;
- columns of the training matrices that are constant (all-zero ones counted apart) are reported in a
  warning: they carry no information and break some explainers; a training matrix whose every column
  is constant is an error; samples with one value in every column (a failed library) are warned about;
- the validation cohort (and the controls of the user's perturbation data), on the columns it shares with
  the TF matrix and, apart, the gene matrix: its spread (1st to 99th percentile) must be within a factor
  of 2.5 of the training spread (log2 vs log10 differ by 3.3, z-scores vs log-TPM by ~3), and its column
  means within a median 1.5 training sd of the training means with at most 25% of the columns 4 sd off
  (centred, z-scored or offset cohorts; columns from another source).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.tables import LabeledMatrix

LOG = logging.getLogger("lembas_core.data.scale")

TRANSFORMS = ("none", "log2p1", "log10p1")
EXPRESSION_ROLES = ("tf_expression", "gene_expression", "validation")
LOG_SCALE_BOUND = 1e3  # |value| above this cannot be log-scale expression
UNLOGGED_VALUE = 30.0  # log2 TPM stays below ~20; raw TPM/counts of expressed genes exceed 30
UNLOGGED_SAMPLES = 0.5  # share of the samples with a value above UNLOGGED_VALUE
UNLOGGED_COLUMN_SHARE = 0.05  # a column with values above UNLOGGED_VALUE in this share of the samples is raw
SPREAD_RATIO = 2.5  # validation vs training spread (q99 - q01) beyond this factor: another scale
SHIFT_SD = 1.5  # median shift of the validation column means, in training sd, beyond this: another location
COLUMN_SHIFT_SD = 4.0  # a validation column whose mean lies this many training sd off ...
COLUMN_SHIFT_SHARE = 0.25  # ... in more than this share of the shared columns: columns from another source
MIN_LOCATION_COLUMNS = 10  # shared columns needed to compare locations (fewer: pooled, spread only)
MIN_LOCATION_SAMPLES = 10  # training samples needed to compare locations
MIXED_SPREAD_RATIO = 3.0  # a log-scale column logged again keeps a third or less of a raw column's log spread
MIXED_MIN_SHARE = 0.12  # share of the expressed, not-unlogged columns that must look logged for "mixed scales"
MIXED_MIN_COLUMNS = 3  # and at least this many columns
_CHUNK = 512  # columns per block of the scan (bounds the temporary memory)
_SAMPLE = 1_000_000  # values kept for quantiles
_SPREAD_COLUMNS = 500  # shared columns compared between validation and training


def transforms_by_role(setting: str | Mapping[str, str]) -> dict[str, str]:
    """`data.transform` as one transform per expression matrix: a name applies to all three, a mapping
    names some of them (the others: none)."""
    if isinstance(setting, str):
        by_role = dict.fromkeys(EXPRESSION_ROLES, setting)
    else:
        unknown = sorted(set(setting) - set(EXPRESSION_ROLES))
        if unknown:
            raise ValueError(f"data.transform: unknown file role(s) {unknown}; use {EXPRESSION_ROLES}")
        by_role = {role: setting.get(role, "none") for role in EXPRESSION_ROLES}
    bad = {role: t for role, t in by_role.items() if t not in TRANSFORMS}
    if bad:
        raise ValueError(f"data.transform must be one of {TRANSFORMS}, got {bad}")
    return by_role


def cell_where(matrix: LabeledMatrix, row: int, column: int) -> str:
    """Where a cell is, for an error message: the line (text files), the sample and the column."""
    line = "" if Path(matrix.path).suffix.lower() == ".parquet" else f"line {matrix.line(row)}, "
    return f"{line}sample {matrix.rows[row]!r}, column {matrix.columns[column]!r}"


@dataclass
class ScaleScan:
    """What one pass over a samples x columns matrix found (every figure over all cells)."""

    minimum: float
    maximum: float
    above_per_column: np.ndarray  # (columns,) samples with a value above UNLOGGED_VALUE
    negative_columns: np.ndarray  # (columns,) bool: a value below 0
    share_above: float  # share of values above UNLOGGED_VALUE
    samples_above: int  # samples with at least one value above UNLOGGED_VALUE
    first_negative: tuple[int, int] | None  # (row, column)
    first_implausible: tuple[int, int] | None  # (row, column) of a value with |x| > LOG_SCALE_BOUND
    n_implausible: int
    constant: list[int] = field(default_factory=list)  # column indices with a single value
    all_zero: list[int] = field(default_factory=list)
    constant_samples: list[int] = field(default_factory=list)  # row indices with a single value (e.g. all zero)

    def looks_unlogged(self, n_samples: int) -> bool:
        """Raw TPM/counts: values above 30 in at least half of the samples (see the module docstring)."""
        return self.samples_above > 0 and self.samples_above >= UNLOGGED_SAMPLES * n_samples

    def unlogged_columns(self, n_samples: int) -> np.ndarray:
        """Indices of the columns with values above 30 in at least 5% of the samples (and two): raw for
        certain, as no log-scale column reaches 30 more than by a stray cell."""
        return np.flatnonzero(self.above_per_column >= max(min(2, n_samples), UNLOGGED_COLUMN_SHARE * n_samples))


def _first(mask: np.ndarray, offset: int) -> tuple[int, int] | None:
    rows, cols = np.nonzero(mask)  # row-major: the first is the first in file order
    return (int(rows[0]), int(cols[0]) + offset) if rows.size else None


def scan(values: np.ndarray) -> ScaleScan:
    """One pass over `values` (samples x columns, float32) in blocks of columns."""
    n_rows, n_cols = values.shape
    above_per_column = np.empty(n_cols, dtype=np.int64)
    negative_columns = np.zeros(n_cols, dtype=bool)
    above_rows = np.zeros(n_rows, dtype=bool)
    n_above = n_implausible = 0
    first_negative = first_implausible = None
    constant: list[int] = []
    all_zero: list[int] = []
    row_min = np.full(n_rows, np.inf, dtype=np.float32)
    row_max = np.full(n_rows, -np.inf, dtype=np.float32)
    for start in range(0, n_cols, _CHUNK):
        block = values[:, start : start + _CHUNK]
        above = block > UNLOGGED_VALUE
        above_per_column[start : start + block.shape[1]] = above.sum(axis=0)
        n_above += int(above_per_column[start : start + block.shape[1]].sum())
        above_rows |= above.any(axis=1)
        implausible = np.abs(block) > LOG_SCALE_BOUND
        n_implausible += int(implausible.sum())
        if first_implausible is None:
            first_implausible = _first(implausible, start)
        below = block < 0
        negative_columns[start : start + block.shape[1]] = below.any(axis=0)
        if first_negative is None:
            first_negative = _first(below, start)
        flat = np.flatnonzero(block.min(axis=0) == block.max(axis=0))
        constant += [start + int(j) for j in flat]
        all_zero += [start + int(j) for j in flat if block[0, j] == 0]
        np.minimum(row_min, block.min(axis=1), out=row_min)
        np.maximum(row_max, block.max(axis=1), out=row_max)
    return ScaleScan(
        minimum=float(row_min.min()) if values.size else 0.0,  # from the per-sample extremes: no second pass
        maximum=float(row_max.max()) if values.size else 0.0,
        above_per_column=above_per_column,
        negative_columns=negative_columns,
        share_above=n_above / max(values.size, 1),
        samples_above=int(above_rows.sum()),
        first_negative=first_negative,
        first_implausible=first_implausible,
        n_implausible=n_implausible,
        constant=constant,
        all_zero=all_zero,
        constant_samples=np.flatnonzero(row_min == row_max).tolist() if n_cols > 1 else [],
    )


def log_spread(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column of `values` (samples x columns), the mean and standard deviation of log2(1 + x) over its
    values above 0 (sd 0 with fewer than 3 of them), in blocks of columns."""
    n_cols = values.shape[1]
    mean, sd = np.zeros(n_cols), np.zeros(n_cols)
    for start in range(0, n_cols, _CHUNK):
        block = values[:, start : start + _CHUNK]
        detected = block > 0
        count = detected.sum(axis=0)
        logged = np.where(detected, np.log2(1.0 + np.maximum(block, 0, dtype=np.float64)), 0.0)
        block_mean = logged.sum(axis=0) / np.maximum(count, 1)
        square = np.where(detected, (logged - block_mean) ** 2, 0.0).sum(axis=0) / np.maximum(count - 1, 1)
        mean[start : start + block.shape[1]] = block_mean
        sd[start : start + block.shape[1]] = np.where(count >= 3, np.sqrt(square), 0.0)
    return mean, sd


def compressed_columns(values: np.ndarray, found: ScaleScan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(columns,) bool masks of `values`: raw for certain, expressed and not raw, and of those the ones whose
    log spread is under a third of the raw columns' median (the per-column test of "mixed scales", before
    the rule on how many must pass). Needs at least one raw column."""
    unlogged = np.zeros(values.shape[1], dtype=bool)
    unlogged[found.unlogged_columns(values.shape[0])] = True
    log_mean, log_sd = log_spread(values)
    reference = float(np.median(log_sd[unlogged]))
    expressed = ~unlogged & (log_mean >= 1.0) & (log_sd > 0)
    return unlogged, expressed, expressed & (log_sd * MIXED_SPREAD_RATIO < reference)


def logged_columns(values: np.ndarray, found: ScaleScan) -> np.ndarray:
    """Indices of the columns of `values` that look log-scale already next to raw ones (module docstring,
    "mixed scales"): none when no column, or every column, looks raw for certain, or when too few look
    compressed (columns with negative values always count)."""
    n_raw = found.unlogged_columns(values.shape[0]).size
    if n_raw in (0, values.shape[1]):
        return np.array([], dtype=np.int64)
    unlogged, expressed, compressed = compressed_columns(values, found)
    if compressed.sum() < max(MIXED_MIN_COLUMNS, MIXED_MIN_SHARE * expressed.sum()):
        compressed[:] = False
    return np.flatnonzero(compressed | (~unlogged & found.negative_columns))


def whole_numbers(values: np.ndarray) -> bool:
    """Whether every value is a whole number (read counts), checked in blocks of columns."""
    return values.size > 0 and all(
        np.array_equal(block, np.round(block))
        for block in (values[:, s : s + _CHUNK] for s in range(0, values.shape[1], _CHUNK))
    )


def transform_setting(transforms: str | Mapping[str, str], role: str, transform: str) -> str:
    """`data.transform` as it reads once file `role`'s transform is `transform`, the others' unchanged: one
    name when all three agree, else the mapping of all three (a mapping sets the roles it omits to none)."""
    by_role = {**transforms_by_role(transforms), role: transform}
    if len(set(by_role.values())) == 1:
        return f"data.transform: {transform}"
    return "data.transform: {" + ", ".join(f"{r}: {t}" for r, t in by_role.items()) + "}"


def _transform_fix(transforms: str | Mapping[str, str], role: str, transform: str) -> str:
    """'set <the data.transform setting with file `role` at `transform`>'."""
    return f"set {transform_setting(transforms, role, transform)}"


def _unlogged_error(
    matrix: LabeledMatrix, role: str, label: str, found: ScaleScan, transforms: str | Mapping[str, str]
) -> InputDataError:
    """The error for a matrix with raw columns and no log-scale ones next to them: log it at ingest. When
    less than half of the samples exceed 30 (some columns raw, the others unclear) the fix also names the
    other reading: columns from two sources."""
    n = len(matrix.rows)
    top = np.argsort(-found.above_per_column, kind="stable")[:3]
    examples = ", ".join(f"{matrix.columns[j]!r} in {found.above_per_column[j]} of {n} samples" for j in top)
    n_raw = found.unlogged_columns(n).size
    transform = transforms_by_role(transforms)[role]
    after = f" after data.transform {transform}" if transform != "none" else ""
    partly = (
        ""
        if found.looks_unlogged(n)
        else ("; if only those columns are raw (columns from two sources), log them before ingest instead")
    )
    fix = (
        f"if it holds raw TPM (or CPM), {_transform_fix(transforms, role, 'log2p1')} (or "
        f"{transform_setting(transforms, role, 'log10p1')}) to log-transform it at ingest{partly}; if it is "
        "log-scale already, correct the values"
        if transform == "none"
        else f"check what the file holds: one log of TPM or CPM stays below ~20, these exceed {UNLOGGED_VALUE:g} "
        f"after {transform} (values exponentiated twice, or not expression)"
    )
    return InputDataError(
        matrix.path,
        f"{label} looks unlogged{after}: values above {UNLOGGED_VALUE:g} in {found.samples_above} of {n} samples "
        f"({100 * found.share_above:.1f}% of all values; max {found.maximum:.4g}); {n_raw} of its "
        f"{len(matrix.columns)} columns have them in {UNLOGGED_COLUMN_SHARE:.0%} or more of the samples (most "
        f"often {examples}), while log-scale expression stays below ~20",
        fix,
    )


def _normalise(transforms: str | Mapping[str, str], role: str) -> str:
    """The fix for integer counts in file `role`: normalise the whole table, then log (or let ingest log)."""
    return (
        "normalise the whole count table (every gene, before it is split into TF and target matrices) for "
        "sequencing depth, then log it: in R, edgeR::cpm(counts, log = TRUE); in pandas, with samples as rows, "
        "cpm = counts.div(counts.sum(axis=1), axis=0) * 1e6, then give np.log2(cpm + 1), or give the CPM values "
        f"and {_transform_fix(transforms, role, 'log2p1')}"
    )


def _counts_error(
    matrix: LabeledMatrix, role: str, label: str, found: ScaleScan, transforms: str | Mapping[str, str], problem: str
) -> InputDataError:
    """The error for a matrix of integer counts: `problem` says what was asked of it."""
    return InputDataError(
        matrix.path,
        f"{label} holds integer counts{problem}: every value is a whole number and {found.samples_above} of "
        f"{len(matrix.rows)} samples have values above {UNLOGGED_VALUE:g} (max {found.maximum:.4g}); read counts "
        "grow with each sample's sequencing depth, so they are not expression levels, logged or not",
        _normalise(transforms, role),
    )


def _mixed_error(matrix: LabeledMatrix, label: str, found: ScaleScan, problem: str) -> InputDataError:
    """The error for a matrix whose columns are on two scales (raw and log): `problem` says what was asked."""
    raw = found.unlogged_columns(len(matrix.rows))
    logged = logged_columns(matrix.values, found)
    negative = int(found.negative_columns[logged].sum())
    why = [f"{len(logged) - negative} keep less than a third of the raw columns' spread once logged"] * (
        len(logged) > negative
    ) + [f"{negative} hold negative values, which raw expression never does"] * (negative > 0)
    return InputDataError(
        matrix.path,
        f"{label} mixes scales{problem}: {len(raw)} of its {len(matrix.columns)} columns look raw (values above "
        f"{UNLOGGED_VALUE:g} in {UNLOGGED_COLUMN_SHARE:.0%} or more of the samples: "
        f"{preview([matrix.columns[j] for j in raw], 3)}), while {len(logged)} "
        f"look log-scale already ({preview([matrix.columns[j] for j in logged], 3)}: {' and '.join(why)}); "
        "data.transform logs every column of a file, so it would log those a second time",
        "log the columns that came from the raw source before ingest, in the base of the others (pandas: "
        "m[raw_columns] = np.log2(m[raw_columns] + 1)), or export every column from one source",
    )


def apply_transform(matrix: LabeledMatrix, role: str, label: str, transforms: str | Mapping[str, str]) -> LabeledMatrix:
    """Log-transform `matrix`, the file of `role`, in place with its transform in `transforms` (the
    `data.transform` setting: log2p1 | log10p1; none returns it unchanged).

    Refuses integer counts (not normalised for sequencing depth), matrices whose columns are on two scales
    (some log-scale already), with negative values, and ones whose values all lie within [0, 30] (a second
    log: raw TPM or counts of a whole matrix always exceed 30 somewhere).
    """
    transform = transforms_by_role(transforms)[role]
    if transform == "none":
        return matrix
    found = scan(matrix.values)
    asked = f" (data.transform {transform} was asked to log it)"
    if found.maximum > UNLOGGED_VALUE and whole_numbers(matrix.values):
        raise _counts_error(matrix, role, label, found, transforms, asked)
    if logged_columns(matrix.values, found).size:
        raise _mixed_error(matrix, label, found, asked)
    if found.first_negative is not None:
        row, column = found.first_negative
        value = matrix.values[row, column]
        raise InputDataError(
            matrix.path,
            f"data.transform {transform} needs raw, non-negative values, but {label} has {value:g}: "
            "it looks log-scale already",
            f"{_transform_fix(transforms, role, 'none')} to use the values as they are",
            where=cell_where(matrix, row, column),
        )
    if found.maximum <= UNLOGGED_VALUE:
        raise InputDataError(
            matrix.path,
            f"data.transform {transform} would log {label} a second time: its values already look log-scale "
            f"(all within [{found.minimum:.4g}, {found.maximum:.4g}])",
            f"{_transform_fix(transforms, role, 'none')}, or give the raw values",
        )
    for start in range(0, matrix.values.shape[1], _CHUNK):
        block = matrix.values[:, start : start + _CHUNK]
        np.log1p(block, out=block)
        block *= np.float32(1 / np.log(2.0) if transform == "log2p1" else 1 / np.log(10.0))
    LOG.info("%s %s: values transformed with %s", label, matrix.path, transform)
    return matrix


def check_log_scale(matrix: LabeledMatrix, role: str, label: str, transforms: str | Mapping[str, str]) -> dict:
    """Require log-scale values in `matrix`, the file of `role`, after its transform in `transforms` (the
    `data.transform` setting); return a report for the manifest.

    A matrix that looks unlogged, or holds a column raw for certain, is an error (integer counts, mixed
    scales or unlogged, in that order), as are cells with |x| > 1,000; constant columns are warnings.
    """
    transform = transforms_by_role(transforms)[role]
    found = scan(matrix.values)
    after = f" after data.transform {transform}" if transform != "none" else ""
    if found.looks_unlogged(len(matrix.rows)) or found.unlogged_columns(len(matrix.rows)).size:
        if whole_numbers(matrix.values):
            raise _counts_error(matrix, role, label, found, transforms, after)
        if logged_columns(matrix.values, found).size:
            raise _mixed_error(matrix, label, found, after)
        raise _unlogged_error(matrix, role, label, found, transforms)
    if found.first_implausible is not None:
        row, column = found.first_implausible
        raise InputDataError(
            matrix.path,
            f"{label} has the value {matrix.values[row, column]:g}, impossible for log-scale expression "
            f"(|x| > {LOG_SCALE_BOUND:g}; {found.n_implausible} such value(s))",
            "correct the cell: a log-scale value lies within [-1,000, 1,000] (a whole matrix of raw values is "
            "diagnosed as unlogged)",
            where=cell_where(matrix, row, column),
        )
    constant = [matrix.columns[j] for j in found.constant]
    zero = [matrix.columns[j] for j in found.all_zero]
    if role != "validation" and len(constant) == len(matrix.columns):
        raise InputDataError(
            matrix.path,
            f"every column of {label} is constant ({len(zero)} of {len(constant)} all zero): it carries no information",
            "check the export (an empty or placeholder matrix?) and give the measured values",
        )
    if constant:
        LOG.log(
            logging.INFO if role == "validation" else logging.WARNING,  # validation: unexpressed genes are common
            "%s %s: %d constant column(s) (%d all zero): %s; they carry no information for any model",
            label,
            matrix.path,
            len(constant),
            len(zero),
            preview(constant),
        )
    flat_samples = [matrix.rows[i] for i in found.constant_samples]
    if flat_samples:
        LOG.warning(
            "%s %s: %d sample(s) with the same value in every column (a failed or empty library?): %s",
            label,
            matrix.path,
            len(flat_samples),
            preview(flat_samples),
        )
    return {
        "transform": transform,
        "min": round(found.minimum, 6),
        "max": round(found.maximum, 6),
        "constant_columns": constant,
        "all_zero_columns": zero,
        "constant_samples": flat_samples,
    }


def spread(values: np.ndarray) -> float:
    """99th minus 1st percentile of `values` (a deterministic subsample of at most 1e6 cells)."""
    flat = values.reshape(-1)
    step = max(1, flat.size // _SAMPLE)
    low, high = np.quantile(flat[::step], [0.01, 0.99])
    return float(high - low)


def _shift(train: np.ndarray, held: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Per column, the validation mean minus the training mean in training standard deviations `sd` (columns
    constant in training left out). `train`, `held`: (samples, columns) on the same columns."""
    varying = sd > 0
    return (held.mean(axis=0)[varying] - train.mean(axis=0)[varying]) / sd[varying]


@dataclass
class _SharedColumns:
    """The columns a training matrix (or several) shares with the validation cohort."""

    label: str  # "TF", "gene" or "shared"
    train: np.ndarray  # (training samples, columns) float64
    held: np.ndarray  # (validation samples, columns) float64
    names: list[str]


def _shared(validation: LabeledMatrix, matrix: LabeledMatrix, label: str) -> _SharedColumns:
    """The columns of `matrix` in the validation cohort, evenly spaced, at most _SPREAD_COLUMNS."""
    position = {c: j for j, c in enumerate(validation.columns)}
    pairs = [(j, position[c]) for j, c in enumerate(matrix.columns) if c in position]
    pairs = pairs[:: max(1, math.ceil(len(pairs) / _SPREAD_COLUMNS))]
    return _SharedColumns(
        label,
        matrix.values[:, [j for j, _ in pairs]].astype(np.float64),
        validation.values[:, [k for _, k in pairs]].astype(np.float64),
        [matrix.columns[j] for j, _ in pairs],
    )


_CENTRED = "; its column means are near 0, as after centring or z-scoring per gene"


def _check_group(group: _SharedColumns, validation: LabeledMatrix, transforms: Mapping[str, str], label: str) -> dict:
    """Spread and location of the validation cohort against training on one group of shared columns; an
    InputDataError when either differs (module docstring). Locations are compared only with at least
    MIN_LOCATION_COLUMNS columns and MIN_LOCATION_SAMPLES training samples."""
    train, held = group.train, group.held
    train_spread, held_spread = spread(train), spread(held)
    ratio = max(train_spread, held_spread) / max(min(train_spread, held_spread), 1e-12)
    where = f"{len(group.names)} {group.label} columns"
    if ratio > SPREAD_RATIO:
        raise InputDataError(
            validation.path,
            f"{label} is on another scale than the training matrices: on {where} its values span "
            f"{held_spread:.3g} (1st to 99th percentile), the training values {train_spread:.3g} (a factor of "
            f"{ratio:.1f}; transforms: {dict(transforms)})",
            "give all matrices in the same units and log base (log2 vs log10 differ by 3.3: multiply log10 "
            "values by 3.32 for log2)",
        )
    report = {
        "columns": len(group.names),
        "training_spread": round(train_spread, 6),
        "validation_spread": round(held_spread, 6),
    }
    if len(group.names) < MIN_LOCATION_COLUMNS or len(train) < MIN_LOCATION_SAMPLES:
        return report
    sd = train.std(axis=0)
    shift = _shift(train, held, sd)
    typical = float(np.median(shift)) if shift.size else 0.0
    far = float(np.mean(np.abs(shift) > COLUMN_SHIFT_SD)) if shift.size else 0.0
    report.update(median_shift_sd=round(typical, 6), columns_shifted=round(far, 6))
    if abs(typical) > SHIFT_SD or far > COLUMN_SHIFT_SHARE:
        means, train_means = held.mean(axis=0), train.mean(axis=0)
        centred = bool(np.median(np.abs(means)) < 0.1 * np.median(sd))
        j = int(np.argmax(np.where(sd > 0, np.abs(means - train_means) / np.where(sd > 0, sd, 1), -1)))
        raise InputDataError(
            validation.path,
            f"{label} is shifted against the training data: on {where} its column means lie a median "
            f"{typical:+.2f} training standard deviations from the training means, and {100 * far:.0f}% of the "
            f"columns lie more than {COLUMN_SHIFT_SD:g} off (e.g. {group.names[j]!r}: mean {means[j]:.3g} against "
            f"{train_means[j]:.3g})" + (_CENTRED if centred else ""),
            f"give {label} in the training data's units, neither centred nor scaled per gene, nor "
            "offset (the models add no offset of their own: a shifted input moves every prediction)",
        )
    return report


def check_validation_scale(
    validation: LabeledMatrix,
    training: list[LabeledMatrix],
    transforms: Mapping[str, str],
    label: str = "the validation cohort",
) -> dict:
    """Require the validation cohort on the training scale and location (module docstring): on the columns it
    shares with each training matrix (TF and gene columns apart, as their sources can differ), the groups of
    fewer than MIN_LOCATION_COLUMNS columns pooled; `label` names the cohort in messages (the perturbation
    data's controls are checked the same way). Returns a report by group."""
    groups = [_shared(validation, m, label) for m, label in zip(training, ("TF", "gene"))]
    small = [g for g in groups if 0 < len(g.names) < MIN_LOCATION_COLUMNS]
    groups = [g for g in groups if len(g.names) >= MIN_LOCATION_COLUMNS]
    if small:
        groups.append(
            _SharedColumns(
                "shared",
                np.hstack([g.train for g in small]),
                np.hstack([g.held for g in small]),
                [n for g in small for n in g.names],
            )
        )
    return {group.label: _check_group(group, validation, transforms, label) for group in groups}
