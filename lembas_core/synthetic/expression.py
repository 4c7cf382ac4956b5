"""Synthetic expression on a log10(TPM + 1) scale (``synthetic_data.md`` section 3b, steps 2-5).

TF expression follows a low-rank log-normal model (latent "programs", as in factor analysis),
plus one step of regulation along the true TF -> TF edges. Each target gene responds to its true
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
) -> np.ndarray:
    """Standardised log-TF levels: program loadings + idiosyncratic noise, then one regulation step.

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
    if src.size == 0:
        return base
    coupling = sp.csc_matrix((w, (src, tgt)), shape=(n_regulators, n_regulators))
    norm = np.sqrt(np.asarray(coupling.multiply(coupling).sum(axis=0))).ravel()
    driven = norm > 0
    signal = np.asarray((coupling.T @ base.T).T)[:, driven] / norm[driven]
    out = base.copy()
    out[:, driven] = np.sqrt(1 - tf_h2) * base[:, driven] + np.sqrt(tf_h2) * signal
    return out


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


def gene_log_tpm(
    regulators: tuple[np.ndarray, np.ndarray],
    weights: sp.csc_matrix,
    model: GeneModel,
    confounders: np.ndarray,
    n_main: int,
    seed: int,
) -> np.ndarray:
    """Natural-log TPM (samples x genes) of every modelled gene (before batch effects), in gene blocks.

    `regulators` = (activity, tf_sd): the standardised log-TF levels (samples x regulators) and their
    log-scale sd (regulators,), which sets the Hill steepness. `weights` is the true (regulators x genes)
    weight matrix, `confounders` the hidden confounder scores (samples x confounders); the first `n_main`
    rows are the main cohort, which alone sets the per-gene standardisation. `seed` roots the per-block
    random streams.
    """
    activity, tf_sd = regulators
    n, n_genes = activity.shape[0], weights.shape[1]
    hill_input = np.tanh(0.5 * model.hill_n * tf_sd * activity)
    out = np.empty((n, n_genes))
    for b0 in range(0, n_genes, GENE_BLOCK):
        cols = np.arange(b0, min(b0 + GENE_BLOCK, n_genes))
        rng = np.random.default_rng([seed, b0 // GENE_BLOCK])
        block_w = weights[:, cols]
        norm = np.sqrt(np.asarray(block_w.multiply(block_w).sum(axis=0))).ravel()
        norm[norm == 0] = 1.0
        linear = np.asarray((block_w.T @ activity.T).T) / norm
        hill = np.asarray((block_w.T @ hill_input.T).T) / norm
        family = model.family[cols]
        signal = np.where(family == 0, linear, np.where(family == 1, hill, mml(0.6 * linear + model.mml_bias[cols])))
        mean, sd = signal[:n_main].mean(axis=0), signal[:n_main].std(axis=0)
        signal = (signal - mean) / np.where(sd > 0, sd, 1.0)
        loadings = rng.standard_normal((confounders.shape[1], cols.size))
        loadings /= np.linalg.norm(loadings, axis=0)
        h2, c2 = model.h2[cols], model.c2[cols]
        noise = rng.standard_normal((n, cols.size))
        latent = (
            np.sqrt(h2) * signal
            + np.sqrt(c2) * (confounders @ loadings)
            + np.sqrt(np.maximum(1.0 - h2 - c2, 0.0)) * noise
        )
        out[:, cols] = model.mu[cols] + model.sd[cols] * latent
    return out
