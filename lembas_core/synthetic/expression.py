"""Synthetic expression on a log10(TPM + 1) scale (``synthetic_data.md`` section 3b, steps 2-5).

TF expression follows a low-rank log-normal model (latent "programs", as in factor analysis),
plus regulation along the true TF -> TF edges (one step by default; deeper cascades or feedback to a
steady state: :mod:`lembas_core.synthetic.tf_cascade`). Each target gene responds to its true
regulators through one of three families, so no model wins by construction:
linear in log-TF, additive Hill (a logistic in log space), or the MML activation used by LEMBAS
(Nilsson et al. 2022). Per-gene heritability h2 ~ Beta(2, 2) (some genes h2 = 0), hidden
confounders that act on targets only, iid noise and dropout zeros complete the model.
The validation cohort shifts a few programs and adds a ComBat-type batch effect (additive and
multiplicative per gene; Johnson, Li & Rabinovic 2007) to both TFs and targets.

Main and validation samples are generated together; every per-gene standardisation uses the
main cohort only, so validation shifts propagate honestly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from lembas_core.synthetic.tf_cascade import TFLevels, regulate

FAMILIES = ("linear", "hill", "mml")
GENE_BLOCK = 1024  # fixed: per-block random streams make results independent of memory settings


RESPONSE_LEAK = 0.01  # slope of the generator's MML response below 0 (LEMBAS' value)


def mml(z: np.ndarray, leak: float = RESPONSE_LEAK) -> np.ndarray:
    """LEMBAS' Michaelis-Menten-like activation: leak*z (z<0), z (0<=z<=0.5), 1 - 1/(4z) (z>0.5)."""
    return np.where(z < 0, leak * z, np.where(z <= 0.5, z, 1.0 - 0.25 / np.maximum(z, 0.5)))


def to_log10_tpm1(log_tpm: np.ndarray, rng: np.random.Generator, zero_scale: float = 0.5) -> np.ndarray:
    """log10(TPM + 1) with dropout: a value is 0 with probability exp(-TPM / zero_scale)."""
    tpm = np.exp(np.minimum(log_tpm, 30.0))
    values = np.log10(tpm + 1.0)
    values[rng.random(values.shape) < np.exp(-tpm / zero_scale)] = 0.0
    return values


@dataclass
class BatchEffect:
    """Per-column additive (gamma) and multiplicative (delta) shift on the natural-log scale."""

    gamma: np.ndarray
    delta: np.ndarray

    @classmethod
    def draw(cls, n: int, rng: np.random.Generator, sd: float) -> BatchEffect:
        """Random per-gene offsets and scales for `n` genes, of spread `sd`."""
        # inverse-gamma with shape 10, scale 9 has mean 1
        return cls(rng.normal(0.0, sd, n), 9.0 / rng.gamma(10.0, 1.0, n))

    def apply(self, log_tpm: np.ndarray, mu: np.ndarray) -> np.ndarray:
        """The shifted (samples x genes) values: scaled around the gene means `mu`, then offset."""
        return mu + self.gamma + self.delta * (log_tpm - mu)


def programs(
    n_main: int, n_validation: int, k: int, n_shifted: int, shift: float, rng: np.random.Generator
) -> np.ndarray:
    """Latent program scores; the validation rows have `n_shifted` programs shifted by `shift` sd."""
    z = rng.standard_normal((n_main + n_validation, k))
    z[n_main:, :n_shifted] += shift
    return z


def tf_activity(
    z_programs: np.ndarray,
    n_regulators: int,
    rng: np.random.Generator,
    tf_edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    tf_h2: float = 0.3,
    depth: tuple[int, bool] = (1, False),
) -> TFLevels:
    """Standardised log-TF levels (samples x regulators): program loadings + idiosyncratic noise, then
    regulation along the true TF -> TF edges, `depth` = (steps, feedback) (:mod:`lembas_core.synthetic.tf_cascade`).

    `tf_edges` = (source regulator, target regulator, weight) for true TF -> TF edges.
    """
    n, k = z_programs.shape
    loadings = np.zeros((k, n_regulators))
    for r in range(n_regulators):
        chosen = rng.choice(k, size=int(rng.integers(1, 4)), replace=False)
        loadings[chosen, r] = rng.normal(0.0, 1.0, chosen.size)
    psi = rng.uniform(0.4, 1.0, n_regulators)
    base = z_programs @ loadings + psi * rng.standard_normal((n, n_regulators))
    base /= np.sqrt((loadings**2).sum(axis=0) + psi**2)
    src, tgt, w = tf_edges
    coupling = sp.csc_matrix((w, (src, tgt)), shape=(n_regulators, n_regulators))
    return regulate(base, coupling, tf_h2, *depth)


@dataclass
class GeneModel:
    """Per-gene response parameters (index = target column among the modelled genes)."""

    family: np.ndarray  # int8 index into FAMILIES
    h2: np.ndarray
    c2: np.ndarray
    mu: np.ndarray  # natural-log TPM mean
    sd: np.ndarray
    mml_bias: np.ndarray
    hill_n: np.ndarray  # Hill coefficient per regulator


def draw_gene_model(
    n_genes: int, n_regulators: int, rng: np.random.Generator, null_fraction: float, family_weights=(0.35, 0.35, 0.3)
) -> GeneModel:
    """Draw the response parameters of `n_genes` genes (families, heritability, levels) from `rng`."""
    h2 = rng.beta(2.0, 2.0, n_genes)
    h2[rng.random(n_genes) < null_fraction] = 0.0
    return GeneModel(
        family=rng.choice(len(FAMILIES), size=n_genes, p=np.asarray(family_weights) / sum(family_weights)).astype(
            np.int8
        ),
        h2=h2,
        c2=rng.uniform(0.05, 0.25, n_genes) * (1.0 - h2),
        mu=np.clip(rng.normal(1.5, 2.0, n_genes), -4.0, 10.5),
        sd=rng.uniform(0.3, 1.0, n_genes),
        mml_bias=rng.uniform(0.1, 0.6, n_genes),
        hill_n=rng.uniform(1.0, 3.0, n_regulators),
    )


def _block_draws(seed: int, block: int, n_rows: int, n_confounders: int, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """The random draws of gene block `block`: confounder loadings (confounders x genes, unit columns)
    and iid noise (rows x genes), from that block's own stream."""
    rng = np.random.default_rng([seed, block])
    loadings = rng.standard_normal((n_confounders, n_cols))
    loadings /= np.linalg.norm(loadings, axis=0)
    return loadings, rng.standard_normal((n_rows, n_cols))


@dataclass
class TargetMechanism:
    """How every modelled (non-TF) gene responds to the TF layer: the gene-level half of the generator.

    `weights` is the true (regulators x genes) weight matrix, `tf_sd` the regulators' log-scale sd (it sets
    the Hill steepness), `confounders` the hidden confounder scores (samples x confounders), `n_main` the
    number of main-cohort rows (they alone set the per-gene standardisation), `seed` the root of the
    per-block random streams. :meth:`log_tpm` fills `mean` and `sd` (genes,), the standardisation of each
    gene's signal, so that a counterfactual (:meth:`response`) reuses them.
    """

    weights: sp.csc_matrix
    model: GeneModel
    tf_sd: np.ndarray
    confounders: np.ndarray | None  # None in a mechanism restricted to some samples (Mechanism.restricted)
    n_main: int
    seed: int
    mean: np.ndarray | None = None
    sd: np.ndarray | None = None

    def _hill_input(self, activity: np.ndarray) -> np.ndarray:
        """The regulators' Hill-transformed levels (rows x regulators), shared by every gene block."""
        return np.tanh(0.5 * self.model.hill_n * self.tf_sd * activity)

    def _signal(self, activity: tuple[np.ndarray, np.ndarray], cols: np.ndarray) -> np.ndarray:
        """Unstandardised response signal (rows x genes `cols`) to the TF `activity` = (levels, Hill input),
        both rows x regulators."""
        activity, hill_input = activity
        block_w = self.weights[:, cols]
        norm = np.sqrt(np.asarray(block_w.multiply(block_w).sum(axis=0))).ravel()
        norm[norm == 0] = 1.0
        linear = np.asarray((block_w.T @ activity.T).T) / norm
        hill = np.asarray((block_w.T @ hill_input.T).T) / norm
        family = self.model.family[cols]
        return np.where(family == 0, linear, np.where(family == 1, hill, mml(0.6 * linear + self.model.mml_bias[cols])))

    def _combine(self, signal: np.ndarray, residual: tuple[np.ndarray, np.ndarray], cols: np.ndarray) -> np.ndarray:
        """Natural-log TPM from the standardised signal and the (confounding, noise) draws of genes `cols`."""
        confounding, noise = residual
        h2, c2 = self.model.h2[cols], self.model.c2[cols]
        latent = np.sqrt(h2) * signal + np.sqrt(c2) * confounding + np.sqrt(np.maximum(1.0 - h2 - c2, 0.0)) * noise
        return self.model.mu[cols] + self.model.sd[cols] * latent

    def blocks(self) -> list[np.ndarray]:
        """Gene indices of each block of GENE_BLOCK genes (each has its own random stream)."""
        n_genes = self.weights.shape[1]
        return [np.arange(b0, min(b0 + GENE_BLOCK, n_genes)) for b0 in range(0, n_genes, GENE_BLOCK)]

    def _residual(self, block: int, rows: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
        """The (confounding, noise) terms of gene block `block` for samples `rows`."""
        if self.confounders is None:
            raise RuntimeError("the draws come from streams over every sample: take them before restricting")
        cols = self.blocks()[block]
        loadings, noise = _block_draws(
            self.seed, block, self.confounders.shape[0], self.confounders.shape[1], cols.size
        )
        return (self.confounders @ loadings)[rows], noise[rows]

    def residuals(self, rows: np.ndarray | slice) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per block, the (confounding, noise) terms of samples `rows`: the draws a counterfactual keeps."""
        return [self._residual(b, rows) for b in range(len(self.blocks()))]

    def log_tpm(self, activity: np.ndarray) -> np.ndarray:
        """Natural-log TPM (samples x genes) of every sample of the cohort, whose TF activity is `activity`
        (all samples x regulators); sets the standardisation from the first `n_main` rows. Draws one gene
        block at a time."""
        n_genes = self.weights.shape[1]
        out = np.empty((activity.shape[0], n_genes))
        self.mean, self.sd = np.empty(n_genes), np.empty(n_genes)
        levels = (activity, self._hill_input(activity))
        for b, cols in enumerate(self.blocks()):
            residual = self._residual(b, slice(None))
            signal = self._signal(levels, cols)
            mean, sd = signal[: self.n_main].mean(axis=0), signal[: self.n_main].std(axis=0)
            self.mean[cols], self.sd[cols] = mean, np.where(sd > 0, sd, 1.0)
            out[:, cols] = self._combine((signal - mean) / self.sd[cols], residual, cols)
        return out

    def response(self, activity: np.ndarray, residuals: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Natural-log TPM (rows x genes) of samples whose draws are `residuals` (:meth:`residuals`) at TF
        activity `activity` (rows x regulators), with the observational standardisation (after :meth:`log_tpm`)."""
        if self.mean is None or self.sd is None:
            raise RuntimeError("the standardisation is set by log_tpm on the observational cohort first")
        out = np.empty((activity.shape[0], self.weights.shape[1]))
        levels = (activity, self._hill_input(activity))
        for cols, residual in zip(self.blocks(), residuals):
            signal = (self._signal(levels, cols) - self.mean[cols]) / self.sd[cols]
            out[:, cols] = self._combine(signal, residual, cols)
        return out
