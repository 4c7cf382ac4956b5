"""Leakage between the validation cohort and the training data: shared sample IDs and copied rows.

A validation sample is a training sample when it has a training sample's ID, or when its values on the
columns both share equal a training sample's to within `COPY_TOLERANCE` (0.01 on the log scale): an
exact copy, the training file given as the validation cohort, or training rows re-exported with fewer
decimals. Rows with one value on every probed column (failed libraries) are no evidence of a copy.
Candidates are found on a probe of the most variable shared columns (squared distances by one
matrix product) and confirmed on every shared column, so nothing of training size is copied.
"""

from __future__ import annotations

import logging

import numpy as np

from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.tables import LabeledMatrix

LOG = logging.getLogger("lembas_core.data.leakage")

OVERLAP_POLICIES = ("error", "drop")
MIN_SHARED_FOR_IDENTITY = 5  # fewer shared columns: equal rows could be chance (e.g. zeros), not a copy
COPY_TOLERANCE = 0.01  # largest difference per value of a copied row (rounding to 2 decimals: 0.005)
PROBE_COLUMNS = 256  # most variable shared columns used to find candidate copies


def copied_rows(validation: LabeledMatrix, training: list[LabeledMatrix], skip: set[int]) -> tuple[list[int], int]:
    """Indices of validation rows (not in `skip`) that copy a training row on the shared columns, and the
    number of shared columns. The training matrices hold the same samples in the same row order."""
    position = {c: j for j, c in enumerate(validation.columns)}
    pairs = [(m, [(j, position[c]) for j, c in enumerate(m.columns) if c in position]) for m in training]
    shared = [(m, j, k) for m, columns in pairs for j, k in columns]
    if len(shared) < MIN_SHARED_FOR_IDENTITY or not training[0].rows:
        return [], len(shared)
    spread = np.array([float(np.ptp(m.values[:, j])) for m, j, _ in shared])
    probe = [shared[k] for k in np.argsort(-spread, kind="stable")[:PROBE_COLUMNS]]
    train = np.column_stack([m.values[:, j] for m, j, _ in probe]).astype(np.float64)
    held = validation.values[:, [k for _, _, k in probe]].astype(np.float64)
    train_norm = (train**2).sum(1)
    bound = len(probe) * COPY_TOLERANCE**2 + 1e-9 * (1 + train_norm.max())  # float rounding slack

    def copies_a_training_row(i: int, r: int) -> bool:
        return all(
            np.abs(validation.values[i, [k for _, k in columns]] - m.values[r, [j for j, _ in columns]]).max(initial=0)
            <= COPY_TOLERANCE
            for m, columns in pairs
        )

    flat = set(np.flatnonzero(np.ptp(held, axis=1) == 0).tolist())  # e.g. all-zero failed libraries: not copies
    copies = []
    for start in range(0, len(validation.rows), 256):  # squared probe distances, 256 validation rows at a time
        block = held[start : start + 256]
        distance = (block**2).sum(1)[:, None] + train_norm[None, :] - 2 * block @ train.T
        for offset, row in enumerate(distance):
            i = start + offset
            if (
                i not in skip
                and i not in flat
                and any(copies_a_training_row(i, r) for r in np.flatnonzero(row <= bound))
            ):
                copies.append(i)
    return copies, len(shared)


def check_validation_leakage(
    validation: LabeledMatrix, tf: LabeledMatrix, genes: LabeledMatrix, policy: str
) -> tuple[LabeledMatrix, dict]:
    """Validation samples that are training samples (module docstring): `policy` error stops the run,
    drop removes them (all of them being copies stops it too). Returns the kept cohort and a report."""
    if policy not in OVERLAP_POLICIES:
        raise ValueError(f"validation_overlap must be one of {OVERLAP_POLICIES}, got {policy!r}")
    training_ids = set(tf.rows)
    by_id = [i for i, sample in enumerate(validation.rows) if sample in training_ids]
    by_value, n_shared = copied_rows(validation, [tf, genes], set(by_id))
    leaked = sorted(by_id + by_value)
    report = {"policy": policy, "same_sample_id": len(by_id), "identical_values": len(by_value), "dropped": 0}
    if not leaked:
        return validation, report
    names = [validation.rows[i] for i in leaked]
    problem = (
        f"{len(leaked)} of {len(validation.rows)} validation samples are training samples "
        f"({len(by_id)} by sample ID, {len(by_value)} with identical values (to {COPY_TOLERANCE:g}) on the "
        f"{n_shared} shared columns): {preview(names)}; scores on them would measure memory, not generalisation"
    )
    if len(leaked) == len(validation.rows):
        raise InputDataError(
            validation.path,
            problem,
            "give an external cohort as data.files.validation (dropping the training samples would leave none)",
        )
    if policy == "error":
        raise InputDataError(
            validation.path,
            problem,
            "give an external cohort as data.files.validation, or set data.validation_overlap: drop to score "
            f"the {len(validation.rows) - len(leaked)} others",
        )
    LOG.warning("VALIDATION COHORT: %s; dropped (data.validation_overlap: drop)", problem)
    keep = np.setdiff1d(np.arange(len(validation.rows)), leaked)
    kept = LabeledMatrix(
        np.ascontiguousarray(validation.values[keep]),
        [validation.rows[i] for i in keep],
        validation.columns,
        validation.path,
    )
    return kept, {**report, "dropped": len(leaked), "dropped_samples": names}
