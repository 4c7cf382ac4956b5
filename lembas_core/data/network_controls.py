"""Network controls: the prior network, a degree- and sign-preserving shuffle of it, or a random network.

Every model that uses the network (LEMBAS-RNN, prior_ridge and their variants) takes a setting
`network: prior | shuffled | random` with a `network_seed`; the perturbed network is derived here from
the preprocessed dataset store (the network is ingested and validated once).

- ``shuffled``: edge swaps exchange the targets of two edges while each keeps its regulator and sign,
  so every regulator keeps its out-degree *and* its numbers of activating and inhibiting edges, and
  every target keeps its in-degree; no swap creates a duplicate edge, a self-loop or an edge where the
  prior has one, and swaps continue until (nearly) every edge has left the prior's positions (edges of
  a regulator of most genes may have nowhere else to go). The classic degree-preserving null of network biology
  (Maslov & Sneppen, *Science* 2002); here it is the control "same model, same degrees, wrong wiring"
  (for bio-wired recurrent networks see Goulas et al., *Neural Netw* 2021).
- ``random``: the same number of edges placed uniformly over (prior regulator, prior target) pairs,
  without duplicates or self-loops, with the prior's signs in a random order.

Both are deterministic under their seed. The report says how many edges moved (``moved_fraction``: the
share of edges whose (regulator, target) pair is not a prior edge).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.io.atomic import write_tsv
from lembas_core.io.network import Network
from lembas_core.io.store import Store

LOG = logging.getLogger("lembas_core.data.network_controls")

NETWORK_MODES = ("prior", "shuffled", "random")
MIX_ROUNDS = 20  # rounds in which every edge is offered one swap with a random other edge
REPAIR_ROUNDS = 1000  # most rounds of swaps for the edges still on prior edges
PATIENCE = 10  # the last PATIENCE rounds must move at least MIN_PROGRESS of the edges off the prior, else
MIN_PROGRESS = 1e-4  # the edges left on the prior are taken as immovable


def dataset_network(dataset_dir: str | Path) -> Network:
    """The prior network stored in a preprocessed dataset (nodes sorted, edges as index arrays)."""
    store = Store(dataset_dir, kind="dataset")
    return Network(
        nodes=store.names("network_nodes"),
        source=np.asarray(store.array("network_source")).astype(np.int64),
        target=np.asarray(store.array("network_target")).astype(np.int64),
        sign=np.asarray(store.array("network_sign")).astype(np.int8),
    )


def _keys(source: np.ndarray, target: np.ndarray, n_nodes: int) -> np.ndarray:
    """One int64 key per (source, target) pair."""
    return source.astype(np.int64) * n_nodes + target.astype(np.int64)


def _member(queries: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Whether each query key is in `sorted_keys` (ascending); a binary search, faster than np.isin here."""
    if sorted_keys.size == 0:
        return np.zeros(queries.shape, dtype=bool)
    position = np.minimum(np.searchsorted(sorted_keys, queries), sorted_keys.size - 1)
    return sorted_keys[position] == queries


def moved_fraction(prior: Network, other: Network) -> float:
    """Share of `other`'s edges whose (regulator, target) pair is not an edge of `prior` (same node list)."""
    n = len(prior.nodes)
    if other.n_edges == 0:
        return 0.0
    return float(np.mean(~_member(_keys(other.source, other.target, n), np.sort(_keys(prior.source, prior.target, n)))))


def _swap(source: np.ndarray, target: np.ndarray, a: np.ndarray, b: np.ndarray, forbidden: np.ndarray, n: int) -> int:
    """Swap the targets of edge pairs (a[i], b[i]) in place where that keeps the graph simple; return the count.

    A swap (s -> x, r -> y) => (s -> y, r -> x) is applied only if neither new edge is a self-loop, an
    existing edge or one of the `forbidden` keys (sorted), and no other swap creates the same edge. The
    pairs must be disjoint. Signs stay with the regulator's edges, so out-degrees, sign counts and
    in-degrees never change, and a simple graph stays simple.
    """
    new_a, new_b = _keys(source[a], target[b], n), _keys(source[b], target[a], n)
    current = np.sort(_keys(source, target, n))
    accept = (source[a] != target[b]) & (source[b] != target[a]) & (new_a != new_b)
    for blocked in (current, forbidden):
        accept &= ~_member(new_a, blocked) & ~_member(new_b, blocked)
    created = np.concatenate([new_a[accept], new_b[accept]])
    _, index, counts = np.unique(created, return_index=True, return_counts=True)
    single = np.zeros(created.size, dtype=bool)
    single[index[counts == 1]] = True
    k = int(accept.sum())
    keep = np.zeros(accept.size, dtype=bool)
    keep[np.flatnonzero(accept)] = single[:k] & single[k:]
    a, b = a[keep], b[keep]
    target[a], target[b] = target[b], target[a].copy()
    return int(keep.sum())


def shuffled_network(prior: Network, seed: int) -> Network:
    """Degree- and sign-preserving rewiring of `prior` (see the module docstring).

    Edge swaps (Maslov & Sneppen) starting from the prior itself, so that the graph stays simple (no
    duplicate edge, no new self-loop) at every step. First MIX_ROUNDS rounds pair every edge with a
    random other; then rounds pair each edge still on a prior edge with a random other, until none is
    left or PATIENCE rounds together move fewer than MIN_PROGRESS of the edges. No swap ever puts an
    edge onto a prior edge, so the number of edges left on the prior only falls.
    """
    rng = np.random.default_rng(seed)
    n = len(prior.nodes)
    source, sign, target = prior.source.copy(), prior.sign.copy(), prior.target.copy()
    prior_keys = np.unique(_keys(prior.source, prior.target, n))
    half = source.size // 2
    for _ in range(MIX_ROUNDS):
        order = rng.permutation(source.size)
        _swap(source, target, order[:half], order[half : 2 * half], prior_keys, n)
    history: list[int] = []
    for _ in range(REPAIR_ROUNDS):
        left = np.flatnonzero(_member(_keys(source, target, n), prior_keys))
        history.append(left.size)
        if left.size == 0 or (
            len(history) > PATIENCE and history[-PATIENCE - 1] - left.size < MIN_PROGRESS * source.size
        ):
            break
        partner = rng.integers(0, source.size, left.size)
        used = np.concatenate([left, partner])
        first = np.zeros(used.size, dtype=bool)
        first[np.unique(used, return_index=True)[1]] = True  # each edge in at most one swap per round
        ok = first[: left.size] & first[left.size :]
        _swap(source, target, left[ok], partner[ok], prior_keys, n)
    order = np.lexsort((target, source))
    return Network(list(prior.nodes), source[order], target[order], sign[order])


def random_network(prior: Network, seed: int) -> Network:
    """`prior`'s number of edges placed uniformly over (prior regulator, prior target) pairs, no self-loops."""
    rng = np.random.default_rng(seed)
    n = len(prior.nodes)
    regulators, targets = np.unique(prior.source), np.unique(prior.target)
    n_pairs = regulators.size * targets.size
    n_self = np.intersect1d(regulators, targets).size
    if prior.n_edges > n_pairs - n_self:
        raise ValueError(f"{prior.n_edges} edges do not fit on {n_pairs - n_self} regulator-target pairs")
    chosen = np.empty(0, dtype=np.int64)
    while chosen.size < prior.n_edges:  # draw more than needed, drop self-loops, repeat if short
        draw = rng.choice(n_pairs, size=min(n_pairs, 2 * (prior.n_edges - chosen.size) + 16), replace=False)
        source, target = regulators[draw // targets.size], targets[draw % targets.size]
        keys = _keys(source, target, n)[source != target]
        fresh = keys[~_member(keys, np.sort(chosen))]
        fresh = fresh[np.sort(np.unique(fresh, return_index=True)[1])]
        chosen = np.concatenate([chosen, fresh[: prior.n_edges - chosen.size]])
    chosen = np.sort(chosen)
    return Network(list(prior.nodes), chosen // n, chosen % n, rng.permutation(prior.sign))


def network_for(dataset_dir: str | Path, mode: str, seed: int) -> tuple[Network, dict]:
    """The network a model uses: the dataset's prior, or a control derived from it; with a report.

    The report holds the mode, seed, numbers of edges and regulators, and ``moved_fraction``.
    """
    if mode not in NETWORK_MODES:
        raise ValueError(f"network must be one of {', '.join(NETWORK_MODES)}, got {mode!r}")
    prior = dataset_network(dataset_dir)
    network = {
        "prior": lambda: prior,
        "shuffled": lambda: shuffled_network(prior, seed),
        "random": lambda: random_network(prior, seed),
    }[mode]()
    report = {
        "network": mode,
        "network_seed": int(seed) if mode != "prior" else None,
        "edges": network.n_edges,
        "regulators": int(np.unique(network.source).size),
        "moved_fraction": round(moved_fraction(prior, network), 6),
    }
    if mode != "prior":
        LOG.info(
            "network %s (seed %d): %d edges, %.1f%% moved off the prior's edges",
            mode,
            seed,
            network.n_edges,
            100 * report["moved_fraction"],
        )
        if mode == "shuffled" and report["moved_fraction"] < 0.95:
            LOG.warning(
                "only %.1f%% of the edges could move: a few regulators regulate most targets",
                100 * report["moved_fraction"],
            )
    return network, report


def write_network(network: Network, path: str | Path) -> None:
    """Write the network as the input format (TF, Gene, Interaction), tab-separated, atomically."""
    nodes = np.asarray(network.nodes, dtype=object)
    frame = pd.DataFrame(
        {"TF": nodes[network.source], "Gene": nodes[network.target], "Interaction": network.sign.astype(np.int64)}
    )
    write_tsv(frame, path)
