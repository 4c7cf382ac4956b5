"""True counterfactuals of the synthetic cohort: an individual's expression under do(TF_k = v).

The generator (:mod:`lembas_core.synthetic.expression`) draws per individual latent programs,
idiosyncratic TF noise, hidden confounders and target noise, then computes (1) each TF's standardised
level from its programs and noise, (2) regulation along the true TF -> TF edges (`tf_steps` steps, or the
steady state of the feedback: :mod:`lembas_core.synthetic.tf_cascade`), and (3) every target's response to
the TF levels. An intervention do(TF_k = a) recomputes (2) and (3) with every draw of the individual held
fixed:

- TF_k's level is clamped at `a`: its whole trajectory through (2) moves by a minus its observed level, and
  that change travels linearly along the TF -> TF edges (so a clamp at the individual's own level changes
  nothing); only the TFs TF_k reaches within `tf_steps` steps (any number with feedback) change;
- every target's response is recomputed from the new TF levels with its per-gene standardisation fixed at
  its observational value and its confounder and noise terms unchanged.

A measured level v on the log10(TPM + 1) scale maps to the standardised level
``(ln(10**v - 1) - tf_mu) / tf_sd``, floored at :data:`FLOOR` (a TF clamped at or below its detection
floor is "off"). Dropout is measurement, not biology: the true effect of an intervention is computed on
dropout-free values (log10(TPM + 1) of the counterfactual minus that of the observed sample, unrounded),
so an entry that happened to drop out still has its true effect; :meth:`Counterfactuals.measured` gives
what a measurement of the counterfactual would record (the individual's dropout zeros held, 4 decimals),
which at a clamp on the individual's own level is exactly the observed sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from lembas_core.io.npz import load_arrays, save_arrays
from lembas_core.synthetic.cohort import Mechanism
from lembas_core.synthetic.expression import GeneModel, TargetMechanism
from lembas_core.synthetic.tf_cascade import TFLevels, tf_distances

FLOOR = -5.0  # standardised level of a TF clamped at or below detection: 5 sd under its mean
STATE_ARRAYS = (  # what Counterfactuals.save writes (the sparse matrices as their CSR/CSC parts)
    "regulators",
    "plain_genes",
    "sample_ids",
    "activity",
    "tf_h2",
    "tf_norm",
    "tf_steps",
    "tf_feedback",
    "tf_scale",
    *(f"{m}_{k}" for m in ("coupling", "weights") for k in ("data", "indices", "indptr")),
    "weights_shape",
    "tf_mu",
    "tf_sd",
    *(f"gene_{f.name}" for f in fields(GeneModel)),
    "mean",
    "sd",
    "confounding",
    "noise",
    "tf_values",
    "plain_values",
)


def dropout_free(log_tpm: np.ndarray) -> np.ndarray:
    """log10(TPM + 1) of natural-log TPM values, without dropout or rounding (the generator's measurement map)."""
    return np.log10(np.exp(np.minimum(log_tpm, 30.0)) + 1.0)


def level_of(mechanism: Mechanism, regulator: int, value: float | np.ndarray) -> np.ndarray:
    """Standardised level(s) of regulator `regulator` measured at `value` (log10(TPM + 1)), floored at FLOOR."""
    tpm = np.power(10.0, np.asarray(value, dtype=np.float64)) - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        level = (np.log(np.where(tpm > 0, tpm, np.nan)) - mechanism.tf_mu[regulator]) / mechanism.tf_sd[regulator]
    return np.where(np.isnan(level), FLOOR, np.maximum(level, FLOOR))


@dataclass(frozen=True)
class Descendants:
    """What do(TF) can move in the true network, for every regulator: `tf_distance` (regulators x regulators,
    :func:`lembas_core.synthetic.tf_cascade.tf_distances` at the generator's depth) and `targets`, the
    (regulators x plain genes) CSR pattern of the true edges into plain genes.

    A TF at distance d from the perturbed TF is a d-hop descendant (its own measurement, a target gene too,
    is d-hop); a plain gene is (1 + d)-hop where d is the fewest TF -> TF steps to a TF that regulates it
    (0 for the perturbed TF itself: its direct targets are 1-hop), so at most tf_steps + 1 hops without feedback."""

    tf_distance: np.ndarray
    targets: sp.csr_matrix

    @classmethod
    def of(cls, mechanism: Mechanism) -> Descendants:
        """The descendants in `mechanism`'s true network."""
        levels = mechanism.tf_levels
        targets = sp.csr_matrix((mechanism.targets.weights != 0).astype(np.int8))
        return cls(tf_distances(levels.coupling, levels.depth), targets)

    def tfs(self, regulator: int) -> tuple[np.ndarray, np.ndarray]:
        """(indices, hops) of the TFs regulator `regulator` moves (itself excluded), in index order."""
        found = np.flatnonzero(self.tf_distance[regulator])
        return found, self.tf_distance[regulator, found]

    def children(self, regulator: int) -> np.ndarray:
        """Indices of the TFs regulator `regulator` regulates directly (its TF -> TF out-edges)."""
        return np.flatnonzero(self.tf_distance[regulator] == 1)

    def genes(self, regulator: int) -> tuple[np.ndarray, np.ndarray]:
        """(indices, hops) of the plain genes regulator `regulator` can move, in index order."""
        distance = self.tf_distance[regulator]
        hops = np.zeros(self.targets.shape[1], dtype=np.int32)
        for d in range(int(distance.max()) + 1):
            sources = [regulator] if d == 0 else np.flatnonzero(distance == d)
            reached = self.targets[sources].indices
            hops[reached[hops[reached] == 0]] = d + 1
        found = np.flatnonzero(hops)
        return found, hops[found]


@dataclass
class Counterfactuals:
    """Counterfactuals of some main-cohort samples: `mechanism` restricted to them (:meth:`Mechanism.restricted`)
    and their confounder and noise draws per gene block (`residuals`). Build with :meth:`of`; :meth:`save`
    and :meth:`load` keep them between jobs, so that the cohort is regenerated once.

    Attributes set on construction: `activity` (samples x regulators) observed standardised TF levels,
    `tf_log` / `gene_log` the natural-log TPM of TFs and plain genes recomputed at them.
    """

    mechanism: Mechanism
    residuals: list[tuple[np.ndarray, np.ndarray]]
    activity: np.ndarray = field(init=False)
    tf_log: np.ndarray = field(init=False)
    gene_log: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.activity = self.mechanism.tf_levels.activity
        self.tf_log, self.gene_log = self.log_tpm(self.activity)

    @classmethod
    def of(cls, mechanism: Mechanism, rows: np.ndarray) -> Counterfactuals:
        """The counterfactuals of samples `rows` (indices into `mechanism.sample_ids`)."""
        rows = np.asarray(rows, dtype=np.int64)
        return cls(mechanism.restricted(rows), mechanism.targets.residuals(rows))

    def subset(self, rows: np.ndarray) -> Counterfactuals:
        """The counterfactuals of rows `rows` (indices into this object's samples) only."""
        rows = np.asarray(rows, dtype=np.int64)
        return Counterfactuals(self.mechanism.restricted(rows), [(c[rows], n[rows]) for c, n in self.residuals])

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return len(self.mechanism.sample_ids)

    def clamp(self, regulator: int, level: float | np.ndarray) -> np.ndarray:
        """TF levels (samples x regulators) under do(TF `regulator` = `level`), `level` a scalar or one per sample."""
        moved = np.broadcast_to(np.asarray(level, dtype=np.float64), (self.n_samples,)) - self.activity[:, regulator]
        activity = self.activity + moved[:, None] * self.mechanism.tf_levels.response(regulator)[None, :]
        activity[:, regulator] = level
        return activity

    def log_tpm(self, activity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Natural-log TPM (TFs samples x regulators, plain genes samples x genes) at TF levels `activity`."""
        m = self.mechanism
        return m.tf_mu + m.tf_sd * activity, m.targets.response(activity, self.residuals)

    def effect(self, activity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """True effect (counterfactual minus observed, dropout-free log10(TPM + 1)) of moving the TF levels to
        `activity`: (samples x regulators, samples x plain genes)."""
        tf_log, gene_log = self.log_tpm(activity)
        return dropout_free(tf_log) - dropout_free(self.tf_log), dropout_free(gene_log) - dropout_free(self.gene_log)

    def measured(self, activity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What a measurement of the counterfactual records: float32 log10(TPM + 1) rounded to 4 decimals,
        zero where the sample's observed value is a dropout zero (TFs, plain genes)."""
        tf_log, gene_log = self.log_tpm(activity)
        m = self.mechanism
        tf = np.where(m.tf_values == 0, 0.0, np.round(dropout_free(tf_log), 4)).astype(np.float32)
        plain = np.where(m.plain_values == 0, 0.0, np.round(dropout_free(gene_log), 4)).astype(np.float32)
        return tf, plain

    def save(self, path: str | Path) -> None:
        """Write everything the counterfactuals need as `.npz` (arrays only, no pickles), atomically."""
        m, t = self.mechanism, self.mechanism.targets
        coupling, weights = m.tf_levels.coupling.tocsr(), t.weights.tocsc()
        arrays = {
            "regulators": np.asarray(m.regulators, dtype=str),
            "plain_genes": np.asarray(m.plain_genes, dtype=str),
            "sample_ids": np.asarray(m.sample_ids, dtype=str),
            "activity": m.tf_levels.activity,
            "tf_h2": np.asarray(m.tf_levels.h2),
            "tf_norm": m.tf_levels.norm,
            "tf_steps": np.asarray(m.tf_levels.steps),
            "tf_feedback": np.asarray(m.tf_levels.feedback),
            "tf_scale": np.asarray(m.tf_levels.scale),
            **{f"coupling_{k}": getattr(coupling, k) for k in ("data", "indices", "indptr")},
            **{f"weights_{k}": getattr(weights, k) for k in ("data", "indices", "indptr")},
            "weights_shape": np.asarray(weights.shape),
            "tf_mu": m.tf_mu,
            "tf_sd": m.tf_sd,
            **{f"gene_{f.name}": getattr(t.model, f.name) for f in fields(GeneModel)},
            "mean": t.mean,
            "sd": t.sd,
            "confounding": np.concatenate([c for c, _ in self.residuals], axis=1),
            "noise": np.concatenate([n for _, n in self.residuals], axis=1),
            "tf_values": m.tf_values,
            "plain_values": m.plain_values,
        }
        save_arrays(path, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> Counterfactuals:
        """Read a file written by :meth:`save`; a damaged file raises InputDataError."""
        a = load_arrays(path, STATE_ARRAYS, what="counterfactual state file")
        n_regulators = a["regulators"].size
        coupling = sp.csr_matrix(
            (a["coupling_data"], a["coupling_indices"], a["coupling_indptr"]), shape=(n_regulators, n_regulators)
        )
        weights = sp.csc_matrix(
            (a["weights_data"], a["weights_indices"], a["weights_indptr"]), shape=tuple(a["weights_shape"])
        )
        model = GeneModel(**{f.name: a[f"gene_{f.name}"] for f in fields(GeneModel)})
        targets = TargetMechanism(weights, model, a["tf_sd"], None, 0, 0, mean=a["mean"], sd=a["sd"])
        activity = a["activity"]
        depth = (int(a["tf_steps"]), bool(a["tf_feedback"]), float(a["tf_scale"]))
        mechanism = Mechanism(
            regulators=a["regulators"].tolist(),
            plain_genes=a["plain_genes"].tolist(),
            sample_ids=a["sample_ids"].tolist(),
            tf_levels=TFLevels(activity, activity, coupling, a["tf_norm"], float(a["tf_h2"]), *depth),
            tf_mu=a["tf_mu"],
            tf_sd=a["tf_sd"],
            targets=targets,
            tf_values=a["tf_values"],
            plain_values=a["plain_values"],
        )
        blocks = targets.blocks()
        residuals = [(a["confounding"][:, cols], a["noise"][:, cols]) for cols in blocks]
        return cls(mechanism, residuals)
