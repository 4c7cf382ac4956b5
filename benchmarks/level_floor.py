"""Do in-range perturbation levels ever map to the "off" clamp? The default levels of `interventions.levels`
on a preset's synthetic cohort, under today's rule (quantiles of the values each TF took when detected,
`lembas_core.synthetic.perturbations.level_values`) and the rule before it (quantiles of all training values,
dropout zeros included), counted over the TF inputs that are true regulators: how many levels are in range,
how many in-range levels map to the floor (`lembas_core.synthetic.counterfactual.FLOOR`, the TF off), and how
many are clamped at the detection floor (0) or, before, negative. The cohort's whole TF matrix stands in for
the training split (the pipeline uses the split's 80%).

Usage: python benchmarks/level_floor.py --preset demo  (small, demo, full; full needs about 12 GB)
Writes benchmarks/results/level_floor_<preset>.tsv.
"""

from __future__ import annotations

import argparse

import numpy as np
from common import write_table

from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.synthetic.cohort import generate_cohort
from lembas_core.synthetic.counterfactual import FLOOR, level_of
from lembas_core.synthetic.perturbations import level_values
from lembas_core.workflow.settings import Settings, default_config

LEVELS = Settings.from_config(default_config()).interventions.levels


def all_values_rule(x: np.ndarray, quantile: float, shift_sd: float) -> tuple[np.ndarray, np.ndarray]:
    """The rule before: the quantile of every training value (dropout zeros included) plus shift_sd sd; in
    range within the training minimum and maximum."""
    values = np.quantile(x, quantile, axis=0) + shift_sd * x.std(axis=0)
    return values, (values >= x.min(axis=0)) & (values <= x.max(axis=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="demo", choices=sorted(PRESETS))
    preset = parser.parse_args().preset
    cohort = generate_cohort(PRESETS[preset])
    mechanism, frame = cohort.mechanism, cohort.tf_expression
    x = frame.to_numpy(dtype=np.float64)
    regulators = [
        (j, mechanism.regulators.index(tf)) for j, tf in enumerate(frame.columns) if tf in mechanism.regulators
    ]
    rows = [("level", "rule", "TFs", "in range", "in range at the off clamp", "clamped off (0)", "negative inputs")]
    for name, level in LEVELS.items():
        for rule, compute in (("detected values", level_values), ("all values (before)", all_values_rule)):
            values, in_range = compute(x, level.quantile, level.shift_sd)
            at_floor = sum(
                bool(in_range[j]) and float(level_of(mechanism, r, values[j])) <= FLOOR for j, r in regulators
            )
            rows.append((
                name, rule, len(regulators), int(sum(in_range[j] for j, _ in regulators)), at_floor,
                int(sum(values[j] == 0.0 for j, _ in regulators)), int(sum(values[j] < 0 for j, _ in regulators)),
            ))  # fmt: skip
    write_table(f"level_floor_{preset}", f"python benchmarks/level_floor.py --preset {preset}", 1, rows)


if __name__ == "__main__":
    main()
