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
  quantile far beyond what a log scale reaches.)
- a single value with |x| > 1,000 is impossible on a log scale and is reported with its cell;
- columns of the training matrices that are constant (all-zero ones counted apart) are reported in a
  warning: they carry no information and break some explainers; a training matrix whose every column
  is constant is an error; samples with one value in every column (a failed library) are warned about;
- the validation cohort's spread (1st to 99th percentile) on the columns it shares with training must be
  within a factor of 2.5 of the training spread: log2 vs log10 differ by 3.3, z-scores vs log-TPM by ~3.
"""

from __future__ import annotations

import logging
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
SPREAD_RATIO = 2.5  # validation vs training spread (q99 - q01) beyond this factor: another scale
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


def _first(mask: np.ndarray, offset: int) -> tuple[int, int] | None:
    rows, cols = np.nonzero(mask)  # row-major: the first is the first in file order
    return (int(rows[0]), int(cols[0]) + offset) if rows.size else None


def scan(values: np.ndarray) -> ScaleScan:
    """One pass over `values` (samples x columns, float32) in blocks of columns."""
    n_rows, n_cols = values.shape
    above_per_column = np.empty(n_cols, dtype=np.int64)
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
        if first_negative is None:
            first_negative = _first(block < 0, start)
        flat = np.flatnonzero(block.min(axis=0) == block.max(axis=0))
        constant += [start + int(j) for j in flat]
        all_zero += [start + int(j) for j in flat if block[0, j] == 0]
        np.minimum(row_min, block.min(axis=1), out=row_min)
        np.maximum(row_max, block.max(axis=1), out=row_max)
    return ScaleScan(
        minimum=float(row_min.min()) if values.size else 0.0,  # from the per-sample extremes: no second pass
        maximum=float(row_max.max()) if values.size else 0.0,
        above_per_column=above_per_column,
        share_above=n_above / max(values.size, 1),
        samples_above=int(above_rows.sum()),
        first_negative=first_negative,
        first_implausible=first_implausible,
        n_implausible=n_implausible,
        constant=constant,
        all_zero=all_zero,
        constant_samples=np.flatnonzero(row_min == row_max).tolist() if n_cols > 1 else [],
    )


def _transform_fix(role: str, transform: str) -> str:
    return f"set data.transform: {transform} (all matrices) or data.transform: {{{role}: {transform}}} (this file)"


def _unlogged_error(matrix: LabeledMatrix, role: str, label: str, found: ScaleScan, after: str) -> InputDataError:
    top = np.argsort(-found.above_per_column, kind="stable")[:3]
    examples = ", ".join(f"{matrix.columns[j]!r} in {found.above_per_column[j]}" for j in top)
    return InputDataError(
        matrix.path,
        f"{label} looks unlogged{after}: values above {UNLOGGED_VALUE:g} in {found.samples_above} of "
        f"{len(matrix.rows)} samples ({100 * found.share_above:.1f}% of all values; max {found.maximum:.4g}; most "
        f"often in columns {examples} samples), while log-scale expression stays below ~20",
        f"if it holds raw TPM or counts, {_transform_fix(role, 'log2p1')} (or log10p1) to log-transform it at "
        "ingest; if it is log-scale already, correct the values",
    )


def apply_transform(matrix: LabeledMatrix, role: str, label: str, transform: str) -> LabeledMatrix:
    """Log-transform `matrix` in place (`transform` log2p1 | log10p1; none returns it unchanged).

    Refuses matrices with negative values, and ones whose values all lie within [0, 30] (a second log:
    raw TPM or counts of a whole matrix always exceed 30 somewhere).
    """
    if transform == "none":
        return matrix
    found = scan(matrix.values)
    if found.first_negative is not None:
        row, column = found.first_negative
        value = matrix.values[row, column]
        raise InputDataError(
            matrix.path,
            f"data.transform {transform} needs raw, non-negative values, but {label} has {value:g}: "
            "it looks log-scale already",
            f"{_transform_fix(role, 'none')} to use the values as they are",
            where=cell_where(matrix, row, column),
        )
    if found.maximum <= UNLOGGED_VALUE:
        raise InputDataError(
            matrix.path,
            f"data.transform {transform} would log {label} a second time: its values already look log-scale "
            f"(all within [{found.minimum:.4g}, {found.maximum:.4g}])",
            f"{_transform_fix(role, 'none')}, or give the raw values",
        )
    for start in range(0, matrix.values.shape[1], _CHUNK):
        block = matrix.values[:, start : start + _CHUNK]
        np.log1p(block, out=block)
        block *= np.float32(1 / np.log(2.0) if transform == "log2p1" else 1 / np.log(10.0))
    LOG.info("%s %s: values transformed with %s", label, matrix.path, transform)
    return matrix


def check_log_scale(matrix: LabeledMatrix, role: str, label: str, transform: str) -> dict:
    """Require log-scale values in `matrix` (after its transform); return a report for the manifest.

    Unlogged-looking matrices and cells with |x| > 1,000 are errors; constant columns are warnings.
    """
    found = scan(matrix.values)
    after = f" after data.transform {transform}" if transform != "none" else ""
    if found.looks_unlogged(len(matrix.rows)):
        raise _unlogged_error(matrix, role, label, found, after)
    if found.first_implausible is not None:
        row, column = found.first_implausible
        raise InputDataError(
            matrix.path,
            f"{label} has the value {matrix.values[row, column]:g}, impossible for log-scale expression "
            f"(|x| > {LOG_SCALE_BOUND:g}; {found.n_implausible} such value(s))",
            "correct the cell; if the matrix holds raw counts or TPM, set data.transform: log2p1",
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


def check_validation_scale(
    validation: LabeledMatrix, training: list[LabeledMatrix], transforms: Mapping[str, str]
) -> dict:
    """Require the validation cohort on the training scale, on the columns they share."""
    position = {c: j for j, c in enumerate(validation.columns)}
    pairs = [(m, j, position[c]) for m in training for j, c in enumerate(m.columns) if c in position]
    if not pairs:
        return {}
    pairs = pairs[:: max(1, len(pairs) // _SPREAD_COLUMNS)]  # spread evenly over TF and gene columns
    train_cols = np.column_stack([m.values[:, j] for m, j, _ in pairs])
    held_cols = validation.values[:, [k for _, _, k in pairs]]
    train_spread, held_spread = spread(train_cols), spread(held_cols)
    report = {"training_spread": round(train_spread, 6), "validation_spread": round(held_spread, 6)}
    ratio = max(train_spread, held_spread) / max(min(train_spread, held_spread), 1e-12)
    if ratio > SPREAD_RATIO:
        raise InputDataError(
            validation.path,
            f"the validation cohort is on another scale than the training matrices: on {len(pairs)} "
            f"shared columns its values span {held_spread:.3g} (1st to 99th percentile), the training values "
            f"{train_spread:.3g} (a factor of {ratio:.1f}; transforms: {dict(transforms)})",
            "give all matrices in the same units and log base (log2 vs log10 differ by 3.3); "
            "data.transform can log-transform each file at ingest",
        )
    return report
