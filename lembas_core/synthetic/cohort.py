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
from lembas_core.io.tables import write_matrix, write_table
from lembas_core.synthetic.expression import (
    FAMILIES,
    BatchEffect,
    TargetMechanism,
    TFLevels,
    draw_gene_model,
    programs,
    tf_activity,
    to_log10_tpm1,
)
from lembas_core.synthetic.names import gene_symbols, tf_symbols
from lembas_core.synthetic.network import make_network

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
    numbers = np.sort(rng.choice(10**digits - 10 ** (digits - 1), size=n, replace=False)) + 10 ** (digits - 1)
    return [f"{prefix}{x}" for x in numbers]


def _rounded(values: np.ndarray) -> np.ndarray:
    return np.round(values, 4).astype(np.float32)


def generate_cohort(spec: SyntheticSpec) -> SyntheticCohort:
    """Generate a cohort deterministically from `spec` (same spec => identical arrays)."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(spec.seed).spawn(6)]
    names_rng, net_rng, tf_rng, gene_rng, val_rng, id_rng = streams

    regulators = tf_symbols(spec.n_regulators, names_rng)
    n_tf_targets = min(int(round(spec.tf_target_fraction * spec.n_regulators)), spec.n_genes - 3)
    tf_target_idx = np.sort(names_rng.choice(spec.n_regulators, size=n_tf_targets, replace=False))
    n_plain = spec.n_genes - n_tf_targets
    n_extra = int(math.ceil(spec.validation_extra_gene_fraction * spec.n_genes))
    pool = gene_symbols(n_plain + n_extra, names_rng, exclude=set(regulators))
    plain_genes, extra_genes = pool[:n_plain], pool[n_plain:]
    genes = [regulators[i] for i in tf_target_idx] + plain_genes  # modelled order: TF-targets first
    unmeasured = np.sort(
        names_rng.choice(
            np.setdiff1d(np.arange(spec.n_regulators), [0]), size=spec.n_regulators_unmeasured, replace=False
        )
    )

    self_target = np.full(spec.n_regulators, -1)
    self_target[tf_target_idx] = np.arange(n_tf_targets)
    net = make_network(spec, net_rng, self_target=self_target)

    n_main, n_all = spec.n_samples, spec.n_samples + spec.n_validation
    z = programs(
        n_main,
        spec.n_validation,
        spec.n_programs,
        min(spec.validation_shifted_programs, spec.n_programs),
        spec.validation_shift_sd,
        tf_rng,
    )
    gene_to_reg = np.full(spec.n_genes, -1)
    gene_to_reg[:n_tf_targets] = tf_target_idx
    tt = gene_to_reg[net.true_target] >= 0
    tf_edges = (net.true_source[tt], gene_to_reg[net.true_target[tt]], net.true_weight[tt])
    tf_levels = tf_activity(z, spec.n_regulators, tf_rng, tf_edges)
    activity = tf_levels.activity
    tf_mu, tf_sd = tf_rng.normal(2.5, 1.0, spec.n_regulators), tf_rng.uniform(0.4, 1.0, spec.n_regulators)
    tf_log = tf_mu + tf_sd * activity

    model = draw_gene_model(n_plain, spec.n_regulators, gene_rng, spec.null_gene_fraction)
    for name, (mu, sd) in ANCHOR_GENES.items():
        j = plain_genes.index(name)
        model.mu[j], model.sd[j] = mu, sd
        model.h2[j] = max(model.h2[j], 0.5)
    plain = ~tt
    weights = sp.csc_matrix(
        (net.true_weight[plain], (net.true_source[plain], net.true_target[plain] - n_tf_targets)),
        shape=(spec.n_regulators, n_plain),
    )
    confounders = gene_rng.standard_normal((n_all, spec.n_confounders))
    targets = TargetMechanism(weights, model, tf_sd, confounders, n_main, seed=int(gene_rng.integers(2**31)))
    gene_log = targets.log_tpm(activity)

    extra_mu, extra_sd = val_rng.normal(1.5, 2.0, n_extra), val_rng.uniform(0.3, 1.0, n_extra)
    extra_log = extra_mu + extra_sd * val_rng.standard_normal((spec.n_validation, n_extra))
    val = slice(n_main, n_all)
    tf_log[val] = BatchEffect.draw(spec.n_regulators, val_rng, spec.validation_batch_sd).apply(tf_log[val], tf_mu)
    gene_log[val] = BatchEffect.draw(n_plain, val_rng, spec.validation_batch_sd).apply(gene_log[val], model.mu)
    extra_log = BatchEffect.draw(n_extra, val_rng, spec.validation_batch_sd).apply(extra_log, extra_mu)

    tf_values = _rounded(to_log10_tpm1(tf_log, tf_rng))
    plain_values = _rounded(to_log10_tpm1(gene_log, gene_rng))
    extra_values = _rounded(to_log10_tpm1(extra_log, val_rng))

    main_ids = _sample_ids("GSM", n_main, 7, id_rng)
    val_ids = _sample_ids("OTW", spec.n_validation, 4, id_rng)
    measured = [i for i in range(spec.n_regulators) if i not in set(unmeasured.tolist())]
    tf_cols = {regulators[i]: tf_values[:, i] for i in measured}
    tf_cols["TF"] = plain_values[:, plain_genes.index("TF")]  # a gene node that is not a regulator, as upstream
    gene_cols = {regulators[i]: tf_values[:, i] for i in tf_target_idx}
    gene_cols.update({g: plain_values[:, j] for j, g in enumerate(plain_genes)})

    def frame(columns: dict[str, np.ndarray], rows: slice, ids: list[str]) -> pd.DataFrame:
        ordered = sorted(columns)
        return pd.DataFrame({c: columns[c][rows] for c in ordered}, index=pd.Index(ids, name="sample_id"))

    n_drop_tf = max(1, int(math.ceil(spec.validation_missing_tf_fraction * len(tf_cols))))
    n_drop_gene = max(1, int(math.ceil(spec.validation_missing_gene_fraction * spec.n_genes)))
    droppable_tf = sorted(set(tf_cols) - {"TF"})
    droppable_gene = sorted(set(plain_genes) - set(ANCHOR_GENES))
    dropped_tf = [droppable_tf[i] for i in np.sort(val_rng.choice(len(droppable_tf), n_drop_tf, replace=False))]
    dropped_gene = [droppable_gene[i] for i in np.sort(val_rng.choice(len(droppable_gene), n_drop_gene, replace=False))]
    val_cols = {**tf_cols, **gene_cols, **{g: extra_values[:, j] for j, g in enumerate(extra_genes)}}
    for name in dropped_tf + dropped_gene:
        del val_cols[name]
    val_cols = {c: v[val] if v.shape[0] == n_all else v for c, v in val_cols.items()}

    prior = pd.DataFrame(
        {
            "TF": np.asarray(regulators, dtype=object)[net.prior_source],
            "Gene": np.asarray(genes, dtype=object)[net.prior_target],
            "Interaction": net.prior_sign.astype(np.int64),
        }
    )
    truth_edges = pd.DataFrame(
        {
            "TF": np.asarray(regulators, dtype=object)[net.true_source],
            "Gene": np.asarray(genes, dtype=object)[net.true_target],
            "weight": np.round(net.true_weight, 6),
            "in_prior": net.true_in_prior,
            "prior_sign": net.true_prior_sign.astype(np.int64),
        }
    )
    n_true_regs = np.bincount(net.true_target, minlength=spec.n_genes)
    truth_genes = (
        pd.DataFrame(
            {
                "gene": genes,
                "response": ["tf_copy"] * n_tf_targets + [FAMILIES[f] for f in model.family],
                "h2": np.round(np.concatenate([np.full(n_tf_targets, np.nan), model.h2]), 6),
                "confounding": np.round(np.concatenate([np.full(n_tf_targets, np.nan), model.c2]), 6),
                "log_tpm_mean": np.round(np.concatenate([tf_mu[tf_target_idx], model.mu]), 6),
                "n_true_regulators": n_true_regs,
                "is_regulator": [True] * n_tf_targets + [False] * n_plain,
                "missing_from_validation": [g in set(dropped_gene) for g in genes],
            }
        )
        .sort_values("gene", kind="stable")
        .reset_index(drop=True)
    )

    summary = {
        "spec": asdict(spec),
        "tf_columns": len(tf_cols),
        "regulators_absent_from_tf_matrix": [regulators[i] for i in unmeasured],
        "target_genes": spec.n_genes,
        "regulators_that_are_targets": n_tf_targets,
        "network_nodes": len(set(prior.TF) | set(prior.Gene)),
        "prior_edges": len(prior),
        "true_edges": len(truth_edges),
        "true_edges_missing_from_prior": int((~net.true_in_prior).sum()),
        "prior_edges_that_are_true": int(net.true_in_prior.sum()),
        "prior_sign_errors": int(
            ((net.true_prior_sign != 0) & (np.sign(net.true_weight) != net.true_prior_sign)).sum()
        ),
        "validation_missing_tfs": dropped_tf,
        "validation_missing_genes": dropped_gene,
        "validation_extra_genes": n_extra,
    }
    return SyntheticCohort(
        tf_expression=frame(tf_cols, slice(0, n_main), main_ids),
        gene_expression=frame(gene_cols, slice(0, n_main), main_ids),
        network=prior,
        validation=frame(val_cols, slice(None), val_ids),
        truth_edges=truth_edges,
        truth_genes=truth_genes,
        summary=summary,
        mechanism=Mechanism(
            regulators=regulators,
            plain_genes=plain_genes,
            sample_ids=main_ids,
            tf_levels=tf_levels,
            tf_mu=tf_mu,
            tf_sd=tf_sd,
            targets=targets,
            tf_values=tf_values[:n_main],
            plain_values=plain_values[:n_main],
        ),
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
