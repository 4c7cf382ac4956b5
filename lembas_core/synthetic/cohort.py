"""Embedded synthetic cohort: presets, generation and writing in the upstream file formats.

The cohort mimics the upstream data (``upstream_spec.md`` section 1): a TF matrix whose columns
are mostly network regulators plus a gene node that is not a regulator (the transferrin gene
``TF``), a few regulators absent from the TF matrix, a target matrix in which most regulators
also appear as targets (identical values: the same measurement), a signed prior network, and a
smaller validation cohort with a program shift, a batch effect, missing TFs/genes and extra
unrelated genes. The ground truth (true edges and per-gene response parameters) is written next
to the data.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from lembas_core.common.layout import cohort_file_names
from lembas_core.common.synthetic_spec import SyntheticSpec
from lembas_core.io.atomic import atomic_directory
from lembas_core.io.table_writer import write_matrix, write_table
from lembas_core.synthetic.expression import (
    FAMILIES,
    BatchEffect,
    TargetMechanism,
    draw_gene_model,
    programs,
    tf_activity,
    to_log10_tpm1,
)
from lembas_core.synthetic.names import gene_symbols, tf_symbols
from lembas_core.synthetic.network import SyntheticNetwork, make_network
from lembas_core.synthetic.tf_cascade import TFLevels

LOG = logging.getLogger("lembas_core.synthetic.cohort")

ANCHOR_GENES = {"ALB": (10.8, 0.4), "AFP": (1.6, 0.9), "TF": (4.2, 0.8)}  # natural-log TPM mean, sd: liver-like levels


@dataclass
class Mechanism:
    """The generator's state for the main cohort, kept to recompute a sample under an intervention
    (:mod:`lembas_core.synthetic.counterfactual`); regenerated from the spec, and written to disk only for the
    chosen individuals (:meth:`Counterfactuals.save`).

    `sample_ids`, `tf_values` (samples x regulators) and `plain_values` (samples x plain genes, measured
    log10(TPM + 1) values, dropout zeros included) are the main cohort's; the TF levels (`tf_levels`) and the
    confounders (`targets.confounders`) also hold the validation samples after them, as the generator draws
    them together (:meth:`restricted` keeps the chosen main-cohort rows only);
    `tf_mu`, `tf_sd` map a regulator's standardised level to natural-log TPM (``tf_mu + tf_sd * level``).
    """

    regulators: list[str]
    plain_genes: list[str]
    sample_ids: list[str]
    tf_levels: TFLevels
    tf_mu: np.ndarray
    tf_sd: np.ndarray
    targets: TargetMechanism
    tf_values: np.ndarray
    plain_values: np.ndarray

    def restricted(self, rows: np.ndarray) -> Mechanism:
        """The same mechanism for samples `rows` only (in that order). Their confounder and noise draws cannot
        be regenerated from it (they come from streams over every sample): take them first
        (:meth:`TargetMechanism.residuals`)."""
        levels = replace(self.tf_levels, base=self.tf_levels.base[rows], activity=self.tf_levels.activity[rows])
        return replace(
            self,
            sample_ids=[self.sample_ids[i] for i in rows],
            tf_levels=levels,
            targets=replace(self.targets, confounders=None),
            tf_values=self.tf_values[rows],
            plain_values=self.plain_values[rows],
        )


@dataclass
class SyntheticCohort:
    """Everything a synthetic run produces, in memory (values already rounded to 4 decimals)."""

    tf_expression: pd.DataFrame
    gene_expression: pd.DataFrame
    network: pd.DataFrame
    validation: pd.DataFrame
    truth_edges: pd.DataFrame
    truth_genes: pd.DataFrame
    summary: dict
    mechanism: Mechanism


def _sample_ids(prefix: str, n: int, digits: int, rng: np.random.Generator) -> list[str]:
    """`n` distinct sorted ids `<prefix><number>` of `digits` digits, or more where `n` needs them."""
    while 10**digits - 10 ** (digits - 1) < n:
        digits += 1
    numbers = np.sort(rng.choice(10**digits - 10 ** (digits - 1), size=n, replace=False)) + 10 ** (digits - 1)
    return [f"{prefix}{x}" for x in numbers]


def _rounded(values: np.ndarray) -> np.ndarray:
    return np.round(values, 4).astype(np.float32)


@dataclass
class _Names:
    """The cohort's gene names (drawn first, from their own stream); index arrays are sorted."""

    regulators: list[str]
    tf_target_idx: np.ndarray  # the regulators that are also targets (the first modelled genes)
    plain_genes: list[str]  # targets that are not regulators
    extra_genes: list[str]  # genes of the validation cohort only
    unmeasured: np.ndarray  # regulators absent from the TF matrix (never the first)

    @property
    def genes(self) -> list[str]:
        """Every target gene in modelled order: the TF-targets first, then the plain genes."""
        return [self.regulators[i] for i in self.tf_target_idx] + self.plain_genes


@dataclass
class _Expression:
    """The drawn expression of the main and validation cohorts: measured values (log10(TPM + 1), rounded)
    `tf_values` (all samples x regulators), `plain_values` (all samples x plain genes) and `extra_values`
    (validation samples x extra genes), with the mechanism's parts that generated them."""

    tf_levels: TFLevels
    tf_mu: np.ndarray
    tf_sd: np.ndarray
    targets: TargetMechanism
    tf_values: np.ndarray
    plain_values: np.ndarray
    extra_values: np.ndarray


@dataclass
class _Validation:
    """The validation cohort's columns (validation samples x names) and the TFs and genes dropped from it."""

    columns: dict[str, np.ndarray]
    dropped_tf: list[str]
    dropped_gene: list[str]


def _draw_names(spec: SyntheticSpec, rng: np.random.Generator) -> _Names:
    """Regulator, target and validation-only gene names, and which regulators are targets or unmeasured."""
    regulators = tf_symbols(spec.n_regulators, rng)
    n_tf_targets = min(int(round(spec.tf_target_fraction * spec.n_regulators)), spec.n_genes - 3)
    tf_target_idx = np.sort(rng.choice(spec.n_regulators, size=n_tf_targets, replace=False))
    n_plain = spec.n_genes - n_tf_targets
    n_extra = int(math.ceil(spec.validation_extra_gene_fraction * spec.n_genes))
    pool = gene_symbols(n_plain + n_extra, rng, exclude=set(regulators))
    unmeasured = np.sort(
        rng.choice(np.setdiff1d(np.arange(spec.n_regulators), [0]), size=spec.n_regulators_unmeasured, replace=False)
    )
    return _Names(regulators, tf_target_idx, pool[:n_plain], pool[n_plain:], unmeasured)


def _draw_network(spec: SyntheticSpec, names: _Names, rng: np.random.Generator) -> SyntheticNetwork:
    """The true and prior networks over the modelled genes; a regulator that is a target never regulates
    its own copy."""
    self_target = np.full(spec.n_regulators, -1)
    self_target[names.tf_target_idx] = np.arange(len(names.tf_target_idx))
    return make_network(spec, rng, self_target=self_target)


def _regulator_of_gene(names: _Names) -> np.ndarray:
    """For each modelled gene (shape (n_genes,)), the regulator it is a copy of; -1 for a plain gene."""
    gene_to_reg = np.full(len(names.genes), -1)
    gene_to_reg[: len(names.tf_target_idx)] = names.tf_target_idx
    return gene_to_reg


def _regulator_levels(
    spec: SyntheticSpec, net: SyntheticNetwork, names: _Names, rng: np.random.Generator
) -> tuple[TFLevels, np.ndarray, np.ndarray]:
    """The regulators' standardised levels over all samples (main, then validation), regulated to the spec's
    TF depth (`tf_steps`, `tf_feedback`), with the natural-log TPM mean and sd of each regulator (shape
    (n_regulators,))."""
    z = programs(
        spec.n_samples,
        spec.n_validation,
        spec.n_programs,
        min(spec.validation_shifted_programs, spec.n_programs),
        spec.validation_shift_sd,
        rng,
    )
    gene_to_reg = _regulator_of_gene(names)
    tt = gene_to_reg[net.true_target] >= 0  # true edges into a regulator's copy
    tf_edges = (net.true_source[tt], gene_to_reg[net.true_target[tt]], net.true_weight[tt])
    tf_levels = tf_activity(z, spec.n_regulators, rng, tf_edges, depth=(spec.tf_steps, spec.tf_feedback))
    tf_mu, tf_sd = rng.normal(2.5, 1.0, spec.n_regulators), rng.uniform(0.4, 1.0, spec.n_regulators)
    return tf_levels, tf_mu, tf_sd


def _target_mechanism(
    spec: SyntheticSpec, net: SyntheticNetwork, names: _Names, tf_sd: np.ndarray, rng: np.random.Generator
) -> TargetMechanism:
    """How the plain genes respond to the regulators: response models (the anchor genes at liver-like
    levels), the true edges into them as a (regulators x plain genes) weight matrix, and the confounders."""
    n_tf_targets, n_plain = len(names.tf_target_idx), len(names.plain_genes)
    model = draw_gene_model(n_plain, spec.n_regulators, rng, spec.null_gene_fraction)
    for name, (mu, sd) in ANCHOR_GENES.items():
        j = names.plain_genes.index(name)
        model.mu[j], model.sd[j] = mu, sd
        model.h2[j] = max(model.h2[j], 0.5)
    plain = _regulator_of_gene(names)[net.true_target] < 0  # true edges into plain genes
    weights = sp.csc_matrix(
        (net.true_weight[plain], (net.true_source[plain], net.true_target[plain] - n_tf_targets)),
        shape=(spec.n_regulators, n_plain),
    )
    confounders = rng.standard_normal((spec.n_samples + spec.n_validation, spec.n_confounders))
    return TargetMechanism(weights, model, tf_sd, confounders, spec.n_samples, seed=int(rng.integers(2**31)))


def _batch_shifted(log_tpm: np.ndarray, mu: np.ndarray, spec: SyntheticSpec, rng: np.random.Generator) -> np.ndarray:
    """Validation rows `log_tpm` (samples x genes, natural-log TPM around `mu`) under a drawn batch effect."""
    return BatchEffect.draw(log_tpm.shape[1], rng, spec.validation_batch_sd).apply(log_tpm, mu)


def _draw_expression(
    spec: SyntheticSpec, names: _Names, net: SyntheticNetwork, rngs: tuple[np.random.Generator, ...]
) -> _Expression:
    """Expression of every sample from streams (regulators, genes, validation): regulator levels, the plain
    genes' responses, extra validation genes, the validation batch effect and the measurement."""
    tf_rng, gene_rng, val_rng = rngs
    n_extra = len(names.extra_genes)
    tf_levels, tf_mu, tf_sd = _regulator_levels(spec, net, names, tf_rng)
    tf_log = tf_mu + tf_sd * tf_levels.activity
    targets = _target_mechanism(spec, net, names, tf_sd, gene_rng)
    gene_log = targets.log_tpm(tf_levels.activity)

    extra_mu, extra_sd = val_rng.normal(1.5, 2.0, n_extra), val_rng.uniform(0.3, 1.0, n_extra)
    extra_log = extra_mu + extra_sd * val_rng.standard_normal((spec.n_validation, n_extra))
    val = slice(spec.n_samples, spec.n_samples + spec.n_validation)
    tf_log[val] = _batch_shifted(tf_log[val], tf_mu, spec, val_rng)
    gene_log[val] = _batch_shifted(gene_log[val], targets.model.mu, spec, val_rng)
    extra_log = _batch_shifted(extra_log, extra_mu, spec, val_rng)
    return _Expression(
        tf_levels=tf_levels,
        tf_mu=tf_mu,
        tf_sd=tf_sd,
        targets=targets,
        tf_values=_rounded(to_log10_tpm1(tf_log, tf_rng)),
        plain_values=_rounded(to_log10_tpm1(gene_log, gene_rng)),
        extra_values=_rounded(to_log10_tpm1(extra_log, val_rng)),
    )


def _matrix_columns(names: _Names, expression: _Expression) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Columns (all samples) of the TF matrix (measured regulators and the gene `TF`, a gene node that is not a
    regulator, as upstream) and of the gene matrix (TF-targets, then plain genes)."""
    tf_values, plain_values = expression.tf_values, expression.plain_values
    unmeasured = set(names.unmeasured.tolist())
    measured = [i for i in range(len(names.regulators)) if i not in unmeasured]
    tf_cols = {names.regulators[i]: tf_values[:, i] for i in measured}
    tf_cols["TF"] = plain_values[:, names.plain_genes.index("TF")]
    gene_cols = {names.regulators[i]: tf_values[:, i] for i in names.tf_target_idx}
    gene_cols.update({g: plain_values[:, j] for j, g in enumerate(names.plain_genes)})
    return tf_cols, gene_cols


def _validation_columns(
    spec: SyntheticSpec,
    names: _Names,
    columns: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
    extra_values: np.ndarray,
    rng: np.random.Generator,
) -> _Validation:
    """The validation cohort's columns: the TF and gene matrices' (`columns`) and the extra genes, less a drawn
    share of TFs and plain genes (never `TF` nor an anchor gene)."""
    tf_cols, gene_cols = columns
    n_drop_tf = max(1, int(math.ceil(spec.validation_missing_tf_fraction * len(tf_cols))))
    n_drop_gene = max(1, int(math.ceil(spec.validation_missing_gene_fraction * spec.n_genes)))
    droppable_tf = sorted(set(tf_cols) - {"TF"})
    droppable_gene = sorted(set(names.plain_genes) - set(ANCHOR_GENES))
    dropped_tf = [droppable_tf[i] for i in np.sort(rng.choice(len(droppable_tf), n_drop_tf, replace=False))]
    dropped_gene = [droppable_gene[i] for i in np.sort(rng.choice(len(droppable_gene), n_drop_gene, replace=False))]
    val_cols = {**tf_cols, **gene_cols, **{g: extra_values[:, j] for j, g in enumerate(names.extra_genes)}}
    for name in dropped_tf + dropped_gene:
        del val_cols[name]
    n_all, val = spec.n_samples + spec.n_validation, slice(spec.n_samples, spec.n_samples + spec.n_validation)
    val_cols = {c: v[val] if v.shape[0] == n_all else v for c, v in val_cols.items()}
    return _Validation(val_cols, dropped_tf, dropped_gene)


def _matrix_frame(columns: dict[str, np.ndarray], rows: slice, ids: list[str]) -> pd.DataFrame:
    """Rows `rows` of `columns` as a (samples x names) frame, names sorted, indexed by sample ID."""
    ordered = sorted(columns)
    return pd.DataFrame({c: columns[c][rows] for c in ordered}, index=pd.Index(ids, name="sample_id"))


def _prior_table(names: _Names, net: SyntheticNetwork) -> pd.DataFrame:
    """The prior network in the upstream layout (TF, Gene, Interaction)."""
    return pd.DataFrame(
        {
            "TF": np.asarray(names.regulators, dtype=object)[net.prior_source],
            "Gene": np.asarray(names.genes, dtype=object)[net.prior_target],
            "Interaction": net.prior_sign.astype(np.int64),
        }
    )


def _truth_edges(names: _Names, net: SyntheticNetwork) -> pd.DataFrame:
    """The true edges with their weight and what the prior says of them."""
    return pd.DataFrame(
        {
            "TF": np.asarray(names.regulators, dtype=object)[net.true_source],
            "Gene": np.asarray(names.genes, dtype=object)[net.true_target],
            "weight": np.round(net.true_weight, 6),
            "in_prior": net.true_in_prior,
            "prior_sign": net.true_prior_sign.astype(np.int64),
        }
    )


def _truth_genes(
    spec: SyntheticSpec, names: _Names, net: SyntheticNetwork, expression: _Expression, dropped_gene: list[str]
) -> pd.DataFrame:
    """Per target gene (sorted by name): its response family and parameters, true regulators and whether the
    validation cohort lacks it."""
    n_tf_targets, model, genes = len(names.tf_target_idx), expression.targets.model, names.genes
    return (
        pd.DataFrame(
            {
                "gene": genes,
                "response": ["tf_copy"] * n_tf_targets + [FAMILIES[f] for f in model.family],
                "h2": np.round(np.concatenate([np.full(n_tf_targets, np.nan), model.h2]), 6),
                "confounding": np.round(np.concatenate([np.full(n_tf_targets, np.nan), model.c2]), 6),
                "log_tpm_mean": np.round(np.concatenate([expression.tf_mu[names.tf_target_idx], model.mu]), 6),
                "n_true_regulators": np.bincount(net.true_target, minlength=spec.n_genes),
                "is_regulator": [True] * n_tf_targets + [False] * len(names.plain_genes),
                "missing_from_validation": [g in set(dropped_gene) for g in genes],
            }
        )
        .sort_values("gene", kind="stable")
        .reset_index(drop=True)
    )


def _summary(
    spec: SyntheticSpec, names: _Names, net: SyntheticNetwork, prior: pd.DataFrame, validation: _Validation, n_tf: int
) -> dict:
    """The cohort's headline numbers (cohort.json); `n_tf`: the TF matrix's columns."""
    return {
        "spec": asdict(spec),
        "tf_columns": n_tf,
        "regulators_absent_from_tf_matrix": [names.regulators[i] for i in names.unmeasured],
        "target_genes": spec.n_genes,
        "regulators_that_are_targets": len(names.tf_target_idx),
        "network_nodes": len(set(prior.TF) | set(prior.Gene)),
        "prior_edges": len(prior),
        "true_edges": len(net.true_source),
        "true_edges_missing_from_prior": int((~net.true_in_prior).sum()),
        "prior_edges_that_are_true": int(net.true_in_prior.sum()),
        "prior_sign_errors": int(
            ((net.true_prior_sign != 0) & (np.sign(net.true_weight) != net.true_prior_sign)).sum()
        ),
        "validation_missing_tfs": validation.dropped_tf,
        "validation_missing_genes": validation.dropped_gene,
        "validation_extra_genes": len(names.extra_genes),
    }


def _mechanism(names: _Names, expression: _Expression, main_ids: list[str]) -> Mechanism:
    """The generator's state for the main cohort (`main_ids`), to recompute a sample under an intervention."""
    n_main = len(main_ids)
    return Mechanism(
        regulators=names.regulators,
        plain_genes=names.plain_genes,
        sample_ids=main_ids,
        tf_levels=expression.tf_levels,
        tf_mu=expression.tf_mu,
        tf_sd=expression.tf_sd,
        targets=expression.targets,
        tf_values=expression.tf_values[:n_main],
        plain_values=expression.plain_values[:n_main],
    )


def generate_cohort(spec: SyntheticSpec) -> SyntheticCohort:
    """Generate a cohort deterministically from `spec` (same spec => identical arrays)."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(spec.seed).spawn(6)]
    names_rng, net_rng, tf_rng, gene_rng, val_rng, id_rng = streams
    names = _draw_names(spec, names_rng)
    net = _draw_network(spec, names, net_rng)
    expression = _draw_expression(spec, names, net, (tf_rng, gene_rng, val_rng))
    main_ids = _sample_ids("GSM", spec.n_samples, 7, id_rng)
    val_ids = _sample_ids("OTW", spec.n_validation, 4, id_rng)
    tf_cols, gene_cols = _matrix_columns(names, expression)
    validation = _validation_columns(spec, names, (tf_cols, gene_cols), expression.extra_values, val_rng)
    prior = _prior_table(names, net)
    main = slice(0, spec.n_samples)
    return SyntheticCohort(
        tf_expression=_matrix_frame(tf_cols, main, main_ids),
        gene_expression=_matrix_frame(gene_cols, main, main_ids),
        network=prior,
        validation=_matrix_frame(validation.columns, slice(None), val_ids),
        truth_edges=_truth_edges(names, net),
        truth_genes=_truth_genes(spec, names, net, expression, validation.dropped_gene),
        summary=_summary(spec, names, net, prior, validation, len(tf_cols)),
        mechanism=_mechanism(names, expression, main_ids),
    )


def write_cohort(cohort: SyntheticCohort, out_dir: str | Path, fmt: str) -> dict[str, Path]:
    """Write the cohort in the upstream layout in table format `fmt`; each file appears complete or not at all."""
    names = cohort_file_names(fmt)
    final = Path(out_dir)
    final.mkdir(parents=True, exist_ok=True)
    with atomic_directory(final / ".staging") as scratch:
        for role in ("tf_expression", "gene_expression", "validation"):
            matrix: pd.DataFrame = getattr(cohort, role)
            write_matrix(scratch / names[role], matrix.to_numpy(), list(matrix.index), list(matrix.columns), fmt)
        for role in ("network", "truth_edges", "truth_genes"):
            write_table(scratch / names[role], getattr(cohort, role), fmt)
        with open(scratch / names["summary"], "w", encoding="utf-8") as handle:
            json.dump(cohort.summary, handle, indent=1)
            handle.write("\n")
        for name in names.values():
            os.replace(scratch / name, final / name)
    shutil.rmtree(final / ".staging", ignore_errors=True)
    return {role: final / name for role, name in names.items()}


def synthesize(spec: SyntheticSpec, out_dir: str | Path, fmt: str) -> dict[str, Path]:
    """Generate and write a cohort in table format `fmt`; log its headline numbers."""
    cohort = generate_cohort(spec)
    s = cohort.summary
    LOG.info(
        "synthetic cohort: %d samples x %d TF columns -> %d genes; %d validation samples; "
        "%d prior edges (%d true), %d true edges missing from the prior",
        spec.n_samples,
        s["tf_columns"],
        spec.n_genes,
        spec.n_validation,
        s["prior_edges"],
        s["prior_edges_that_are_true"],
        s["true_edges_missing_from_prior"],
    )
    return write_cohort(cohort, out_dir, fmt)
