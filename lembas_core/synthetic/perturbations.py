"""Which TFs of the synthetic cohort are perturbed, and the true effects of perturbing them.

A perturbed TF must be a model input and move at least `min_descendants` of the benchmark's targets in the
true network (:class:`lembas_core.synthetic.counterfactual.Descendants`). TFs are chosen seeded and stratified
by their number of true TF -> TF out-edges (strata 0, 1, 2-3, 4-7, 8+), so that multi-hop effects exist:
round-robin over the strata, each in its own seeded order, until enough are chosen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lembas_core.io.interventions import DETECTION_FLOOR, NOT_SCORED, PerturbationSet, detected, detected_range
from lembas_core.synthetic.cohort import Mechanism
from lembas_core.synthetic.counterfactual import Counterfactuals, Descendants, level_of

DESIGN_COLUMNS = ["tf", "tf_children", "stratum", "descendants_1hop", "descendants_2hop"]


def _stratum(children: int) -> str:
    """Out-degree stratum among TFs: 0, 1, 2-3, 4-7, 8+."""
    if children < 2:
        return str(children)
    low = 2 ** int(np.log2(children))
    return "8+" if low >= 8 else f"{low}-{2 * low - 1}"


HOP_CAP = int(np.iinfo(np.int8).max)  # hops are stored as int8: a deeper descendant is labelled HOP_CAP


class TargetHops:
    """Per regulator, (T,) int8 over the benchmark's `targets`: for its descendants the number of hops
    (:class:`Descendants`: 1 and 2 with one TF -> TF step, up to tf_steps + 1 with deeper regulation, capped
    at HOP_CAP), 0 for the others, NOT_SCORED for its own target column."""

    def __init__(self, mechanism: Mechanism, targets: list[str]):
        position = {name: i for i, name in enumerate(targets)}
        self.descendants = Descendants.of(mechanism)
        self.plain = np.array([position.get(g, -1) for g in mechanism.plain_genes], dtype=np.int64)
        self.tf = np.array([position.get(g, -1) for g in mechanism.regulators], dtype=np.int64)
        self.n_targets = len(targets)

    def __call__(self, regulator: int) -> np.ndarray:
        """The hops of every target from `regulator`."""
        hops = np.zeros(self.n_targets, dtype=np.int8)
        d = self.descendants
        for columns, (found, value) in ((self.plain, d.genes(regulator)), (self.tf, d.tfs(regulator))):
            at = columns[found]
            hops[at[at >= 0]] = np.minimum(value[at >= 0], HOP_CAP)
        own = self.tf[regulator]
        if own >= 0:
            hops[own] = NOT_SCORED
        return hops


def eligible_tfs(mechanism: Mechanism, features: list[str], targets: list[str], min_descendants: int) -> pd.DataFrame:
    """DESIGN_COLUMNS for every regulator that is a feature with >= `min_descendants` descendant targets (at
    any number of hops), in regulator order; `descendants_1hop` / `descendants_2hop` count those at 1 / 2 hops."""
    features_set = set(features)
    hops_of = TargetHops(mechanism, targets)
    rows = []
    for r, name in enumerate(mechanism.regulators):
        if name not in features_set:
            continue
        hops = hops_of(r)
        if int((hops > 0).sum()) >= min_descendants:
            children = int(hops_of.descendants.children(r).size)
            rows.append((name, children, _stratum(children), int((hops == 1).sum()), int((hops == 2).sum())))
    return pd.DataFrame(rows, columns=DESIGN_COLUMNS)


def choose_tfs(eligible: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """`n` rows of `eligible` (all when fewer), stratified by `stratum`; sorted by TF name."""
    rng = np.random.default_rng(seed)
    queues = [
        list(rng.permutation(group.index.to_numpy()))
        for _, group in sorted(eligible.groupby("stratum"), key=lambda item: item[0])
    ]
    chosen: list[int] = []
    while len(chosen) < min(n, len(eligible)):
        for queue in queues:
            if queue and len(chosen) < n:
                chosen.append(int(queue.pop(0)))
    return eligible.loc[chosen].sort_values("tf").reset_index(drop=True)


def choose_individuals(n_test: int, n: int, seed: int) -> np.ndarray:
    """Sorted test-split row indices of the `n` individuals perturbed (all when fewer), seeded."""
    if n >= n_test:
        return np.arange(n_test)
    return np.sort(np.random.default_rng([seed, 1]).choice(n_test, size=n, replace=False))


def level_values(x_train: np.ndarray, quantile: float, shift_sd: float) -> tuple[np.ndarray, np.ndarray]:
    """(features,) perturbed value of each TF input, and (features,) bool: whether it lies within the input's
    detected training range (:func:`lembas_core.io.interventions.detected_range`).

    The value is the `quantile` of the TF's detected training values (above the detection floor: a dropout
    zero is no level the TF took, and a quantile that lands on one would clamp the TF off) plus `shift_sd`
    standard deviations of them, clamped at the detection floor: a level below it is the TF off (measured 0).
    """
    low, high = detected_range(x_train)
    seen = ~np.isnan(low)
    filled = np.where(seen[None, :], detected(x_train), DETECTION_FLOOR)  # a TF never detected stays at the floor
    values = np.nanquantile(filled, quantile, axis=0) + shift_sd * np.nanstd(filled, axis=0)
    values = np.maximum(values, DETECTION_FLOOR)
    with np.errstate(invalid="ignore"):
        return values, seen & (values >= low) & (values <= high)


def generator_columns(mechanism: Mechanism, names: list[str]) -> list[tuple[bool, int]]:
    """Per name: (True, regulator index) or (False, plain-gene index): where the generator keeps its values."""
    regulator = {name: r for r, name in enumerate(mechanism.regulators)}
    plain = {name: j for j, name in enumerate(mechanism.plain_genes)}
    return [(True, regulator[n]) if n in regulator else (False, plain[n]) for n in names]


def gather(values: tuple[np.ndarray, np.ndarray], columns: list[tuple[bool, int]]) -> np.ndarray:
    """(rows x names) from the generator's (TF values, plain-gene values), both rows x their genes."""
    tf, plain = values
    return np.stack([tf[:, i] if is_tf else plain[:, i] for is_tf, i in columns], axis=1)


def perturbation_truth(
    counterfactuals: Counterfactuals,
    x_control: np.ndarray,
    names: tuple[list[str], list[str]],
    perturbed: dict[str, tuple[float, bool]],
    level: str,
) -> PerturbationSet:
    """The PerturbationSet of level `level`: every TF of `perturbed` (name -> (value on the input scale,
    whether it lies in the TF's training range)) set in every individual of `counterfactuals`, whose
    observed inputs are `x_control` (individuals x features).

    Regime B's inputs are `x_control` with every input the intervention moves replaced by its measured
    counterfactual (:meth:`Counterfactuals.measured`) and the perturbed TF at its value. `names` = (features,
    targets) of the dataset.
    """
    features, targets = names
    mechanism = counterfactuals.mechanism
    feature_columns, target_columns = generator_columns(mechanism, features), generator_columns(mechanism, targets)
    hops_of = TargetHops(mechanism, targets)
    observed = gather((mechanism.tf_values, mechanism.plain_values), feature_columns)
    oracle, effects, hops = [], [], []
    for name, (value, _) in perturbed.items():
        r = mechanism.regulators.index(name)
        activity = counterfactuals.clamp(r, level_of(mechanism, r, value))
        measured = gather(counterfactuals.measured(activity), feature_columns)
        x = np.where(measured != observed, measured, x_control).astype(np.float32)
        x[:, features.index(name)] = value
        oracle.append(x)
        effects.append(gather(counterfactuals.effect(activity), target_columns).mean(axis=0))
        hops.append(hops_of(r))
    n, n_individuals = len(perturbed), x_control.shape[0]
    return PerturbationSet(
        level=level,
        in_range=np.array([in_range for _, in_range in perturbed.values()], dtype=bool),
        features=list(features),
        targets=list(targets),
        tfs=list(perturbed),
        perturbation=np.repeat(np.arange(n), n_individuals),
        control=np.tile(np.arange(n_individuals), n),
        value=np.repeat(np.array([value for value, _ in perturbed.values()], dtype=np.float32), n_individuals),
        x_control=np.asarray(x_control, dtype=np.float32),
        x_oracle=np.concatenate(oracle) if oracle else np.zeros((0, len(features)), np.float32),
        effect=np.array(effects).reshape(n, len(targets)),
        hops=np.array(hops, dtype=np.int8).reshape(n, len(targets)),
    )
