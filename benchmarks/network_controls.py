"""prior_ridge fit and the network controls (shuffle, random) at a preset's shape, on 2 threads.

Timing depends on the shapes and the network's degrees, not on the values: the inputs are random
normal matrices of the preset's training size and the network is the preset's synthetic prior
(`lembas_core.synthetic.network.make_network`, same degrees as the cohort generator draws).

Usage: python benchmarks/network_controls.py [--preset demo|full] [--threads 2]
Writes benchmarks/results/network_controls_<preset>.tsv.
"""

from __future__ import annotations

import argparse

import numpy as np
from common import timed, write_table

from lembas_core.common.synthetic_spec import spec_from_config
from lembas_core.data.network_controls import moved_fraction, random_network, shuffled_network
from lembas_core.io.network import Network
from lembas_core.models.prior_ridge import fit_prior_ridge
from lembas_core.steps.runtime import configure_threads
from lembas_core.synthetic.network import make_network
from lembas_core.workflow.settings import Settings, default_config


def preset_problem(preset: str, seed: int = 888):
    """(x, y, features, targets, network) of the preset's training shape: TFs are regulators 0..p-1."""
    spec = spec_from_config(preset, seed=seed)
    rng = np.random.default_rng(seed)
    prior = make_network(spec, rng)
    regulators = [f"TF{i}" for i in range(spec.n_regulators)]
    genes = [f"G{i}" for i in range(spec.n_genes)]
    nodes = sorted(regulators + genes)
    index = {name: i for i, name in enumerate(nodes)}
    network = Network(
        nodes,
        np.array([index[regulators[s]] for s in prior.prior_source], dtype=np.int64),
        np.array([index[genes[t]] for t in prior.prior_target], dtype=np.int64),
        prior.prior_sign.astype(np.int8),
    )
    n_train = int(spec.n_samples * 0.8)
    x = rng.standard_normal((n_train, spec.n_regulators), dtype=np.float32)
    y = rng.standard_normal((n_train, spec.n_genes), dtype=np.float32)
    return x, y, regulators, genes, network


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    configure_threads(args.threads)
    x, y, features, targets, network = preset_problem(args.preset)
    print(f"{args.preset}: train {x.shape} -> {y.shape[1]} targets, {network.n_edges} edges")
    settings = Settings.from_config(default_config()).models["prior_ridge"]
    t_fit, model = timed(lambda: fit_prior_ridge(x, y, features, targets, settings, network))
    t_shuffle, shuffled = timed(lambda: shuffled_network(network, 888))
    t_random, rand = timed(lambda: random_network(network, 888))
    rows = [
        ("step", "seconds", "note"),
        ("prior_ridge fit", f"{t_fit:.2f}", f"{int((model.extras['n_regulators'] > 0).sum())} genes with regulators"),
        ("shuffled network", f"{t_shuffle:.2f}", f"{100 * moved_fraction(network, shuffled):.1f}% of edges moved"),
        ("random network", f"{t_random:.2f}", f"{100 * moved_fraction(network, rand):.1f}% of edges off the prior"),
    ]
    command = f"python benchmarks/network_controls.py --preset {args.preset} --threads {args.threads}"
    write_table(f"network_controls_{args.preset}", command, args.threads, rows)


if __name__ == "__main__":
    main()
