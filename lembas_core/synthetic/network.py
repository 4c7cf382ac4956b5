"""Synthetic prior network and ground truth (``synthetic_data.md`` section 3b, mode B).

The prior is a bipartite Chung-Lu graph (Chung & Lu 2002): regulator out-degree weights are
log-normal (heavy-tailed hubs), target in-degree weights log-normal. Targets include the
regulators that are also target genes, so TF -> TF edges (and cycles) exist. The ground truth
marks a fraction of prior edges active, flips the prior's sign on some of them, and adds true
edges the prior does not list: the prior is deliberately imperfect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lembas_core.common.synthetic_spec import SyntheticSpec


@dataclass
class SyntheticNetwork:
    """Prior edges (what the user sees) and true edges (what generated the data).

    Edge endpoints are indices: sources into the regulator list, targets into the gene list.
    """

    prior_source: np.ndarray
    prior_target: np.ndarray
    prior_sign: np.ndarray  # int8 as written in the prior (possibly wrong)
    true_source: np.ndarray
    true_target: np.ndarray
    true_weight: np.ndarray  # float64, signed
    true_in_prior: np.ndarray  # bool
    true_prior_sign: np.ndarray  # int8: the prior's sign for the edge, 0 when absent from the prior


def _sample_pairs(
    n_edges: int, out_w: np.ndarray, in_w: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Chung-Lu sampling: unique (source, target) pairs with P ~ out_w[i] * in_w[j], in draw order."""
    n_targets = in_w.size
    p_out, p_in = out_w / out_w.sum(), in_w / in_w.sum()
    keys = np.empty(0, dtype=np.int64)
    capacity = out_w.size * n_targets
    n_edges = min(n_edges, capacity)
    while keys.size < n_edges:
        draw = max(1024, int(1.3 * (n_edges - keys.size)))
        new = rng.choice(out_w.size, size=draw, p=p_out).astype(np.int64) * n_targets + rng.choice(
            n_targets, size=draw, p=p_in
        )
        merged = np.concatenate([keys, new])
        _, first = np.unique(merged, return_index=True)
        keys = merged[np.sort(first)]
    keys = keys[:n_edges]
    return (keys // n_targets).astype(np.int32), (keys % n_targets).astype(np.int32)


def _ensure_covered(
    source: np.ndarray, target: np.ndarray, n_sources: int, n_targets: int, out_w: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Give every target at least one regulator and every regulator at least one target."""
    lonely_targets = np.setdiff1d(np.arange(n_targets), target)
    extra_src = rng.choice(n_sources, size=lonely_targets.size, p=out_w / out_w.sum()).astype(np.int32)
    source, target = np.concatenate([source, extra_src]), np.concatenate([target, lonely_targets.astype(np.int32)])
    lonely_sources = np.setdiff1d(np.arange(n_sources), source)
    extra_tgt = rng.choice(n_targets, size=lonely_sources.size).astype(np.int32)
    source, target = np.concatenate([source, lonely_sources.astype(np.int32)]), np.concatenate([target, extra_tgt])
    keys = source.astype(np.int64) * n_targets + target
    _, first = np.unique(keys, return_index=True)
    keep = np.sort(first)
    return source[keep], target[keep]


def make_network(
    spec: SyntheticSpec, rng: np.random.Generator, self_target: np.ndarray | None = None
) -> SyntheticNetwork:
    """Build the prior and the truth from the sizes and network fractions of `spec`.

    Uses `spec.n_regulators` sources, `spec.n_genes` targets, about `spec.n_edges` prior edges, and the
    fractions `spec.activating_fraction`, `spec.active_edge_fraction`, `spec.sign_error_fraction`,
    `spec.missing_edge_fraction`; `spec.out_degree_sd` is the log-normal spread of the regulators'
    out-degree weights (larger: more hubs, a smaller median out-degree).
    `self_target` (shape (n_regulators,)): `self_target[i]` is the target index of regulator i when that
    regulator is also a target gene (else -1); true self-loops are excluded so the truth never lets a TF
    drive itself. None: no regulator is a target.
    """
    n_regulators, n_targets = spec.n_regulators, spec.n_genes
    out_w = rng.lognormal(0.0, spec.out_degree_sd, n_regulators)
    in_w = rng.lognormal(0.0, 0.8, n_targets)
    source, target = _sample_pairs(spec.n_edges, out_w, in_w, rng)
    source, target = _ensure_covered(source, target, n_regulators, n_targets, out_w, rng)
    true_sign = np.where(rng.random(source.size) < spec.activating_fraction, 1, -1).astype(np.int8)

    self_loop = np.zeros(source.size, dtype=bool) if self_target is None else self_target[source] == target
    active = (rng.random(source.size) < spec.active_edge_fraction) & ~self_loop
    flipped = active & (rng.random(source.size) < spec.sign_error_fraction)
    prior_sign = np.where(flipped, -true_sign, true_sign).astype(np.int8)

    n_missing = int(round(spec.missing_edge_fraction * active.sum()))
    taken = source.astype(np.int64) * n_targets + target
    missing = np.empty(0, dtype=np.int64)
    while missing.size < n_missing:
        need = n_missing - missing.size
        s = rng.choice(n_regulators, size=2 * need + 16, p=out_w / out_w.sum()).astype(np.int64)
        t = rng.integers(n_targets, size=s.size)
        ok = np.ones(s.size, bool) if self_target is None else self_target[s] != t
        keys = (s * n_targets + t)[ok]
        keys = keys[~np.isin(keys, taken)]
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)][:need]
        missing = np.concatenate([missing, keys])
        taken = np.concatenate([taken, keys])
    miss_src, miss_tgt = missing // n_targets, missing % n_targets
    miss_sign = np.where(rng.random(n_missing) < spec.activating_fraction, 1, -1)

    t_source = np.concatenate([source[active], np.asarray(miss_src, dtype=np.int32)])
    t_target = np.concatenate([target[active], np.asarray(miss_tgt, dtype=np.int32)])
    t_sign = np.concatenate([true_sign[active], miss_sign]).astype(np.float64)
    magnitude = rng.lognormal(0.0, 0.75, t_sign.size)
    return SyntheticNetwork(
        prior_source=source,
        prior_target=target,
        prior_sign=prior_sign,
        true_source=t_source,
        true_target=t_target,
        true_weight=t_sign * magnitude,
        true_in_prior=np.concatenate([np.ones(int(active.sum()), bool), np.zeros(n_missing, bool)]),
        true_prior_sign=np.concatenate([prior_sign[active], np.zeros(n_missing, np.int8)]).astype(np.int8),
    )
