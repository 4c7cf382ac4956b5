"""Preprocessing: feature selection, the train/test split and validation-cohort alignment.

Mirrors the upstream preprocessing (``upstream_spec.md`` section 2) and makes its implicit choices
explicit and reported:
- features: TF-matrix columns that are network nodes, in file order (upstream ``usable_features``);
- targets: gene-matrix columns, in file order; genes that are not network nodes are dropped by
  default (the RNN cannot predict them), and TF genes can be excluded as targets (leakage);
- split: the row assignment *and order* of ``sklearn.model_selection.train_test_split`` with the
  configured test fraction and seed (upstream: 0.2 and 888);
- validation alignment by name with the ``missing`` policy: ``zero`` fills absent TFs/genes with 0
  and flags them (upstream), ``drop`` restricts features and targets of every split to the names
  the validation cohort has, ``error`` refuses to continue.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from lembas_core.common.settings import MOSTLY_MISSING, PreprocessSettings
from lembas_core.data.identifiers import excel_date_note
from lembas_core.data.shap_genes import select_shap_genes
from lembas_core.io.atomic import atomic_directory
from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.store import Store, StoreWriter

LOG = logging.getLogger("lembas_core.data.preprocess")

MISSING_POLICIES = ("zero", "drop", "error")
OUTSIDE_NETWORK_POLICIES = ("drop", "keep")
MIN_SPLIT_SAMPLES = 2  # per split: a per-gene R^2 needs two samples
FEW_SAMPLES = 10  # fewer test or validation samples: warned (scores on them are noise-dominated)
MAX_TF_TARGET_SHARE = 0.5  # targets that are also TF features, at or above this share: refused (upstream: 1 of 16,100)


def split_rows(n_rows: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices, identical (values and order) to sklearn's train_test_split."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}")
    if n_rows < 2:
        raise InputDataError(
            None, f"{n_rows} sample is too few to split", "supply more samples", where="train/test split"
        )
    train, test = train_test_split(np.arange(n_rows), test_size=test_fraction, random_state=seed)
    if len(train) < MIN_SPLIT_SAMPLES or len(test) < MIN_SPLIT_SAMPLES:
        raise InputDataError(
            None,
            f"{n_rows} samples are too few for a test fraction of {test_fraction}: {len(train)} train and "
            f"{len(test)} test samples (per-gene R^2 needs at least {MIN_SPLIT_SAMPLES} in each)",
            _split_fix(n_rows, len(test) < MIN_SPLIT_SAMPLES),
            where="train/test split",
        )
    return train, test


def _split_fix(n_rows: int, test_too_small: bool) -> str:
    """How to get MIN_SPLIT_SAMPLES samples on each side of the split of `n_rows` samples: a test fraction
    that gives them, or more samples when none does."""
    if n_rows < 2 * MIN_SPLIT_SAMPLES:
        return f"supply at least {2 * MIN_SPLIT_SAMPLES} samples ({MIN_SPLIT_SAMPLES} to train and to test)"
    test = MIN_SPLIT_SAMPLES if test_too_small else n_rows - MIN_SPLIT_SAMPLES
    return f"set preprocess.test_fraction: {(test - 0.5) / n_rows:.6g} ({test} test samples), or supply more samples"


def select_features(tf_columns: list[str], nodes: set[str]) -> list[str]:
    """TF columns that are network nodes, in file order."""
    return [c for c in tf_columns if c in nodes]


def select_targets(
    gene_columns: list[str], nodes: set[str], features: list[str], outside_network: str, exclude_tf_targets: bool
) -> tuple[list[str], dict]:
    """Target genes after the network and TF-overlap policies, with a report."""
    if outside_network not in OUTSIDE_NETWORK_POLICIES:
        raise ValueError(f"targets_outside_network must be one of {OUTSIDE_NETWORK_POLICIES}")
    outside = [g for g in gene_columns if g not in nodes]
    targets = [g for g in gene_columns if g in nodes] if outside_network == "drop" else list(gene_columns)
    feature_set = set(features)
    overlap = [g for g in targets if g in feature_set]
    if exclude_tf_targets:
        targets = [g for g in targets if g not in feature_set]
    report = {
        "genes_in_matrix": len(gene_columns),
        "genes_outside_network": len(outside),
        "genes_outside_network_policy": outside_network,
        "genes_outside_network_names": outside,
        "tf_target_overlap": len(overlap),
        "tf_target_overlap_names": overlap,
        "exclude_tf_targets": bool(exclude_tf_targets),
    }
    if overlap and not exclude_tf_targets and len(overlap) >= MAX_TF_TARGET_SHARE * len(targets):
        raise InputDataError(
            None,
            f"{len(overlap)} of the {len(targets)} target genes are also TF features ({preview(overlap, 3)}): each "
            "would be predicted from its own expression (was the same matrix given as TF and gene file?)",
            "give a TF matrix with TF columns only (e.g. the network's regulators), "
            "or set preprocess.exclude_tf_targets: true to drop these targets",
            where="target selection",
        )
    if not targets:
        raise InputDataError(
            None,
            f"no target genes remain after preprocessing: of the gene matrix's {len(gene_columns)} columns "
            f"{len(outside)} are not network nodes (dropped: preprocess.targets_outside_network: {outside_network}), "
            f"and {len(overlap)} of the rest are TF features "
            f"({'excluded' if exclude_tf_targets else 'kept'}: preprocess.exclude_tf_targets: "
            f"{str(bool(exclude_tf_targets)).lower()})",
            "give target genes that are network targets and not TF columns, or set "
            "preprocess.targets_outside_network: keep / preprocess.exclude_tf_targets: false",
            where="target selection",
        )
    return targets, report


def align_validation(
    features: list[str], targets: list[str], columns: list[str], policy: str
) -> tuple[list[str], list[str], dict]:
    """Apply the missing-name policy; return (features, targets, report) for all splits."""
    if policy not in MISSING_POLICIES:
        raise ValueError(f"validation missing policy must be one of {MISSING_POLICIES}")
    available = set(columns)
    missing_f = [f for f in features if f not in available]
    missing_t = [t for t in targets if t not in available]
    report = {
        "policy": policy,
        "missing_features": missing_f,
        "missing_targets": missing_t,
        "n_missing_features": len(missing_f),
        "n_missing_targets": len(missing_t),
        "fraction_missing_features": round(len(missing_f) / len(features), 6),
        "fraction_missing_targets": round(len(missing_t) / len(targets), 6),
    }
    if policy == "error" and (missing_f or missing_t):
        raise InputDataError(
            None,
            f"the validation cohort lacks {len(missing_f)} TF feature(s) ({preview(missing_f)}) "
            f"and {len(missing_t)} target gene(s) ({preview(missing_t)})",
            "add them to the validation cohort, or set preprocess.validation_missing to "
            "'zero' (fill with 0, as upstream) or 'drop' (use only shared names)",
            where="validation alignment",
        )
    if policy == "drop":
        features = [f for f in features if f in available]
        targets = [t for t in targets if t in available]
        if not features or not targets:
            raise InputDataError(
                None,
                f"preprocess.validation_missing: drop leaves {len(features)} TF features and {len(targets)} target "
                f"genes: the validation cohort lacks {len(missing_f)} of {len(features) + len(missing_f)} features "
                f"and {len(missing_t)} of {len(targets) + len(missing_t)} targets",
                "use a validation cohort holding the training genes, or set preprocess.validation_missing: zero",
                where="validation alignment",
            )
    return features, targets, report


def _columns(names: list[str], wanted: list[str]) -> np.ndarray:
    position = {n: i for i, n in enumerate(names)}
    return np.fromiter((position[w] for w in wanted), dtype=np.int64, count=len(wanted))


def _validation_block(values: np.ndarray, columns: list[str], wanted: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Columns `wanted` of the validation matrix; absent ones zero-filled and flagged."""
    position = {n: i for i, n in enumerate(columns)}
    present = np.array([w in position for w in wanted], dtype=bool)
    block = np.zeros((values.shape[0], len(wanted)), dtype=np.float32)
    if present.any():
        src = np.fromiter((position[w] for w in wanted if w in position), dtype=np.int64)
        block[:, present] = values[:, src]
    return block, ~present


def _features_or_fail(tf_columns: list[str], nodes: set[str]) -> list[str]:
    """The TF columns that are network nodes (file order); an error when there are none."""
    features = select_features(tf_columns, nodes)
    if not features:
        raise InputDataError(
            None,
            f"none of the TF matrix's {len(tf_columns)} columns (e.g. {preview(tf_columns, 3)}) is a network node "
            f"(e.g. {preview(sorted(nodes), 3)})",
            "use the network's gene identifiers for the TF columns",
            where="feature selection",
        )
    LOG.info("features: %d of %d TF columns are network nodes (file order kept)", len(features), len(tf_columns))
    return features


def _log_target_report(report: dict, settings: PreprocessSettings) -> None:
    """Warn of target genes outside the network and of targets that are also TF features (`report`: the
    target-selection report)."""
    if report["genes_outside_network"]:
        note = excel_date_note(report["genes_outside_network_names"])
        LOG.warning(
            "%d gene(s) are not network nodes (%s): policy %s%s",
            report["genes_outside_network"],
            preview(report["genes_outside_network_names"]),
            settings.targets_outside_network,
            f"; {note}" if note else "",
        )
    if report["tf_target_overlap"]:
        LOG.warning(
            "%d target gene(s) are also TF features (possible leakage: %s)%s",
            report["tf_target_overlap"],
            preview(report["tf_target_overlap_names"]),
            "; excluded"
            if settings.exclude_tf_targets
            else "; kept (set preprocess.exclude_tf_targets: true to exclude)",
        )


def _log_validation_report(report: dict, totals: dict[str, int], policy: str) -> None:
    """Warn of the TF features and targets the validation cohort lacks (`totals`: how many there were before
    alignment), and when most TF features are zero-filled."""
    for kind, total in totals.items():
        n_missing = report[f"n_missing_{kind}"]
        if n_missing:
            action = {"zero": "zero-filled", "drop": "dropped from every split"}[policy]
            LOG.warning(
                "VALIDATION COHORT: %d of %d %s missing (%.1f%%), %s: %s",
                n_missing,
                total,
                kind,
                100 * n_missing / total,
                action,
                preview(report[f"missing_{kind}"]),
            )
    if policy == "zero" and report["fraction_missing_features"] > MOSTLY_MISSING:
        LOG.warning(
            "VALIDATION COHORT: %.0f%% of the TF features are missing and zero-filled: those inputs lie outside the "
            "training range, so every model's validation predictions suffer; preprocess.validation_missing: drop "
            "scores every split on the shared TFs instead",
            100 * report["fraction_missing_features"],
        )


def _check_validation_size(n_validation: int) -> None:
    """Refuse a validation cohort too small for a per-gene R^2."""
    if n_validation < MIN_SPLIT_SAMPLES:
        raise InputDataError(
            None,
            f"the validation cohort has {n_validation} sample(s) (after dropping leaked ones); per-gene R^2 needs "
            f"at least {MIN_SPLIT_SAMPLES}",
            "give a validation cohort with more samples",
            where="validation cohort",
        )


def _split(n_samples: int, n_validation: int, settings: PreprocessSettings) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices (split_rows), logged, with a warning for a small test or validation split."""
    train, test = split_rows(n_samples, settings.test_fraction, settings.split_seed)
    LOG.info(
        "split: %d train / %d test samples (test_fraction=%s, seed=%d)",
        len(train),
        len(test),
        settings.test_fraction,
        settings.split_seed,
    )
    for split, n in (("test", len(test)), ("validation", n_validation)):
        if n < FEW_SAMPLES:
            LOG.warning("only %d %s samples: its per-gene R^2 and intervals are very noisy", n, split)
    return train, test


@dataclass
class _Selection:
    """What preprocessing keeps of the ingest store: features and targets (names, in order), the train and test
    rows, and the reports of target selection and validation alignment."""

    features: list[str]
    targets: list[str]
    train: np.ndarray
    test: np.ndarray
    target_report: dict
    validation_report: dict


def _write_dataset(src: Store, selection: _Selection, out_dir: str | Path, settings: PreprocessSettings) -> dict:
    """Write the dataset store of `selection` from ingest store `src` (atomically); return its report."""
    features, targets, train, test = selection.features, selection.targets, selection.train, selection.test
    samples = src.names("samples")
    tf_values, gene_values = src.array("tf_expression"), src.array("gene_expression")
    f_idx, t_idx = _columns(src.names("tf_columns"), features), _columns(src.names("gene_columns"), targets)
    val_values, val_columns = src.array("validation"), src.names("validation_columns")
    x_val, missing_f = _validation_block(val_values, val_columns, features)
    y_val, missing_t = _validation_block(val_values, val_columns, targets)

    with atomic_directory(out_dir) as scratch:
        out = StoreWriter(scratch, kind="dataset")
        for split, rows in (("train", train), ("test", test)):
            out.array(f"x_{split}", tf_values[np.ix_(rows, f_idx)])
            out.array(f"y_{split}", gene_values[np.ix_(rows, t_idx)])
            out.name_list(f"{split}_samples", [samples[i] for i in rows])
        out.array("x_validation", x_val)
        out.array("y_validation", y_val)
        out.name_list("validation_samples", src.names("validation_samples"))
        out.array("validation_missing_features", missing_f)
        out.array("validation_missing_targets", missing_t)
        out.name_list("features", features)
        out.name_list("targets", targets)
        out.name_list("network_nodes", src.names("network_nodes"))
        for name in ("network_source", "network_target", "network_sign"):
            out.array(name, src.array(name))
        report = {
            "n_train": len(train),
            "n_test": len(test),
            "n_validation": int(val_values.shape[0]),
            "n_features": len(features),
            "n_targets": len(targets),
            "test_fraction": settings.test_fraction,
            "split_seed": settings.split_seed,
            "targets": selection.target_report,
            "validation": selection.validation_report,
            "ingest_sources": src.manifest["sources"],
        }
        out.finish(report=report)
    return report


def preprocess(
    ingest_dir: str | Path, out_dir: str | Path, settings: PreprocessSettings, shap_genes: str | Sequence[str]
) -> dict:
    """Build the train/test/validation dataset store from an ingest store with the `preprocess` settings.

    `shap_genes` (config shap.genes) is checked against the targets before anything is written
    (lembas_core.data.shap_genes): explicitly listed genes that are not targets stop the run here.
    """
    src = Store(ingest_dir, kind="ingest")
    nodes = set(src.names("network_nodes"))
    features = _features_or_fail(src.names("tf_columns"), nodes)
    targets, target_report = select_targets(
        src.names("gene_columns"), nodes, features, settings.targets_outside_network, settings.exclude_tf_targets
    )
    _log_target_report(target_report, settings)
    totals = {"features": len(features), "targets": len(targets)}
    features, targets, val_report = align_validation(
        features, targets, src.names("validation_columns"), settings.validation_missing
    )
    _log_validation_report(val_report, totals, settings.validation_missing)
    _, shap_warning = select_shap_genes(shap_genes, targets, {"targets": target_report, "validation": val_report})
    if shap_warning:
        LOG.warning(shap_warning)
    n_validation = len(src.names("validation_samples"))
    _check_validation_size(n_validation)
    train, test = _split(len(src.names("samples")), n_validation, settings)
    selection = _Selection(features, targets, train, test, target_report, val_report)
    return _write_dataset(src, selection, out_dir, settings)
