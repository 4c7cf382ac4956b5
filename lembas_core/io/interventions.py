"""The perturbations of one level and their true effects: what every forecast job reads (`.npz`, no pickles).

Written by the truth job (synthetic counterfactuals, :mod:`lembas_core.steps.intervention_truth`) or from
the user's perturbation data (:mod:`lembas_core.data.interventions`). Shapes: P perturbations, N forecast rows
(individuals or perturbed samples, each belonging to one perturbation), C control rows, F features
(TF inputs), T targets.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from lembas_core.io.npz import load_arrays, save_arrays

NAME_FIELDS = ("level", "features", "targets", "tfs")  # stored as unicode arrays
NOT_SCORED = -1  # hops value of the perturbed TF's own target column: never scored
OPTIONAL_FIELDS = ("x_oracle", "hops", "seen")  # None (left out of the file): no oracle, true network, training TFs


CONTROL = "control"  # the design-table label of an unperturbed sample
DETECTION_FLOOR = 0.0  # log10(TPM + 1) of an undetected transcript (a dropout): the TF "off"


def detected(x_train: np.ndarray) -> np.ndarray:
    """(samples, features) float64 training inputs with the undetected values as NaN: the levels each TF
    really took. On a column of log(TPM + 1)-like values (none below 0) a value at the detection floor is a
    dropout; a column with negative values (log TPM without a pseudocount, data already centred) has no
    floor, and every value counts."""
    x = np.asarray(x_train, dtype=np.float64)
    floored = x.min(axis=0, initial=np.inf) >= DETECTION_FLOOR
    return np.where(floored[None, :] & (x <= DETECTION_FLOOR), np.nan, x)


def detected_range(x_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(features,) lowest and highest detected training value of each input (:func:`detected`); NaN for one
    never detected, so that no level is within it. A perturbation level is "in range" within it: a dropout
    zero is no level the TF took."""
    x = detected(x_train)
    seen = ~np.isnan(x).all(axis=0)
    filled = np.where(seen[None, :], x, 0.0)  # no all-NaN column reaches nanmin / nanmax
    low = np.where(seen, np.nanmin(filled, axis=0), np.nan)
    high = np.where(seen, np.nanmax(filled, axis=0), np.nan)
    return low, high


@dataclass
class PerturbationSet:
    """One level's perturbations.

    Attributes
    ----------
    level : str
        The level's name (`interventions.levels`, or ``observed`` for the user's data).
    in_range : (P,) bool
        Whether each perturbation's values lie within its TF's training range.
    features, targets : list of str
        Input and output names, in the dataset's order.
    tfs : (P,) str
        The perturbed TF of each perturbation (a feature).
    perturbation : (N,) int
        The perturbation of each forecast row.
    control : (N,) int
        The control row (into `x_control`) each forecast row is compared with.
    value : (N,) float32
        The perturbed TF's input value in each row (regime A: the control row with only that input changed).
    x_control : (C, F) float32
        Control inputs: the individuals' observed TFs, or the mean of the control samples.
    x_oracle : (N, F) float32 or None
        Regime B inputs: the true post-intervention TF vector of each row (synthetic cohort only).
    effect : (P, T) float64
        True (or observed) effect, averaged over the perturbation's rows.
    hops : (P, T) int8 or None
        Per target: for the true descendants the number of hops (1 or 2 with the synthetic generator's
        default single TF -> TF step, up to its tf_steps + 1, or more with feedback), 0 for the others,
        NOT_SCORED for the perturbed TF's own target column; None without a true network (the user's data:
        there the own column is dropped by `scored`).
    seen : (P,) bool or None
        Whether the models trained on perturbations of each TF (at other levels or in other individuals);
        None when they trained on none (every TF unseen).
    """

    level: str
    in_range: np.ndarray
    features: list[str]
    targets: list[str]
    tfs: list[str]
    perturbation: np.ndarray
    control: np.ndarray
    value: np.ndarray
    x_control: np.ndarray
    x_oracle: np.ndarray | None
    effect: np.ndarray
    hops: np.ndarray | None
    seen: np.ndarray | None = None

    def x_regime_a(self) -> np.ndarray:
        """(N, F) regime A inputs: each row's control inputs with only the perturbed TF set to its value."""
        x = np.array(self.x_control[self.control], dtype=np.float32)
        column = {name: j for j, name in enumerate(self.features)}
        x[np.arange(x.shape[0]), [column[self.tfs[p]] for p in self.perturbation]] = self.value
        return x

    def scored(self, p: int) -> np.ndarray:
        """(T,) bool: the targets scored for perturbation `p`: all but the perturbed TF's own column and those
        without an observed effect (targets the user's perturbation data lack)."""
        known = np.isfinite(self.effect[p])
        if self.hops is not None:
            return known & (self.hops[p] != NOT_SCORED)
        return known & (np.asarray(self.targets, dtype=object) != self.tfs[p])

    def save(self, path: str | Path) -> None:
        """Write as `.npz` (arrays only; absent optional arrays are left out), atomically."""
        arrays = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            arrays[f.name] = np.asarray(value, dtype=str) if f.name in NAME_FIELDS else value
        save_arrays(path, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> PerturbationSet:
        """Read a file written by :meth:`save`; a damaged file raises InputDataError."""
        required = [f.name for f in fields(cls) if f.name not in OPTIONAL_FIELDS]
        arrays = load_arrays(path, required, what="perturbation file")
        return cls(
            level=str(arrays["level"]),
            in_range=arrays["in_range"].astype(bool),
            features=arrays["features"].tolist(),
            targets=arrays["targets"].tolist(),
            tfs=arrays["tfs"].tolist(),
            perturbation=arrays["perturbation"],
            control=arrays["control"],
            value=arrays["value"],
            x_control=arrays["x_control"],
            x_oracle=arrays.get("x_oracle"),
            effect=arrays["effect"],
            hops=arrays.get("hops"),
            seen=arrays["seen"].astype(bool) if "seen" in arrays else None,
        )

    def seen_labels(self) -> list[str]:
        """(P,) ``seen`` or ``unseen`` per perturbation: whether the models trained on perturbations of its TF."""
        seen = self.seen if self.seen is not None else np.zeros(len(self.tfs), dtype=bool)
        return ["seen" if s else "unseen" for s in seen]


def save_effects(path: str | Path, effects: dict[str, np.ndarray]) -> None:
    """Write a forecast job's mean effects (regime -> (P, T): perturbations x targets; A, then B) to `path`
    (`.npz`), atomically."""
    save_arrays(path, **effects)


def read_effects(path: str | Path) -> dict[str, np.ndarray]:
    """The mean effects that :func:`save_effects` wrote: regime -> (P, T), in the order written (A, then B); a
    damaged file raises InputDataError."""
    return load_arrays(path, ("A",), what="forecast effects file")
