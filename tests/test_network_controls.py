"""Network controls: degree- and sign-preserving shuffles and random networks of the demo network."""

from __future__ import annotations

import numpy as np
import pytest

from lembas_core.data.network_controls import moved_fraction, random_network, shuffled_network
from lembas_core.io.network import Network, network_from_frame


@pytest.fixture(scope="module")
def demo_network(demo_cohort) -> Network:
    """The prior network of the default (demo) synthetic cohort: 30,002 edges, hubs of up to 969 targets."""
    return network_from_frame(demo_cohort.network, "demo network", "keep", ambiguous_signs="error")


def signed_out_degrees(network: Network) -> np.ndarray:
    """(nodes x 2): activating and inhibiting out-degree of every node."""
    n = len(network.nodes)
    return np.stack([np.bincount(network.source[network.sign == s], minlength=n) for s in (1, -1)], axis=1)


def pairs(network: Network) -> set[tuple[int, int]]:
    return set(zip(network.source.tolist(), network.target.tolist()))


def test_shuffle_keeps_degrees_and_signs_and_moves_over_95_percent_of_the_demo_edges(demo_network):
    shuffled = shuffled_network(demo_network, seed=888)
    n = len(demo_network.nodes)
    np.testing.assert_array_equal(signed_out_degrees(shuffled), signed_out_degrees(demo_network))
    np.testing.assert_array_equal(
        np.bincount(shuffled.target, minlength=n), np.bincount(demo_network.target, minlength=n)
    )
    assert len(pairs(shuffled)) == shuffled.n_edges == demo_network.n_edges  # no duplicate edge
    loops = {(s, t) for s, t in pairs(shuffled) if s == t}
    assert loops <= {(s, t) for s, t in pairs(demo_network) if s == t}  # no new self-loop
    assert len(pairs(shuffled) - pairs(demo_network)) / shuffled.n_edges > 0.95
    assert moved_fraction(demo_network, shuffled) == len(pairs(shuffled) - pairs(demo_network)) / shuffled.n_edges


def test_shuffle_is_deterministic_under_its_seed_and_differs_between_seeds(demo_network):
    first, again, other = (shuffled_network(demo_network, seed) for seed in (7, 7, 8))
    for a, b in ((first.source, again.source), (first.target, again.target), (first.sign, again.sign)):
        np.testing.assert_array_equal(a, b)
    assert len(pairs(first) ^ pairs(other)) > 0.5 * first.n_edges


def test_random_network_has_the_same_size_and_signs_and_no_duplicates(demo_network):
    control = random_network(demo_network, seed=888)
    assert control.n_edges == len(pairs(control)) == demo_network.n_edges
    assert not (control.source == control.target).any()
    assert set(control.source.tolist()) <= set(demo_network.source.tolist())
    assert set(control.target.tolist()) <= set(demo_network.target.tolist())
    assert (control.sign == 1).sum() == (demo_network.sign == 1).sum()
    np.testing.assert_array_equal(random_network(demo_network, seed=888).target, control.target)
    # uniform placement: the overlap with the prior is about its density (30,002 of 200 x 1,600 pairs)
    assert 0.85 < moved_fraction(demo_network, control) < 0.95
