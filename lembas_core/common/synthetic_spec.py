"""Synthetic cohort specification: sizes, generative parameters and the named presets.

In the bottom layer (standard library only): the generator (:mod:`lembas_core.synthetic`) reads it, and
the workflow sizes job resources from a preset without importing the generator.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class SyntheticSpec:
    """Size and generative parameters of a synthetic cohort."""

    n_samples: int
    n_validation: int
    n_regulators: int
    n_genes: int
    n_edges: int
    n_regulators_unmeasured: int = 2
    tf_target_fraction: float = 0.5
    n_programs: int = 10
    n_confounders: int = 5
    active_edge_fraction: float = 0.3
    missing_edge_fraction: float = 0.08
    sign_error_fraction: float = 0.05
    activating_fraction: float = 0.86
    out_degree_sd: float = 1.2  # log-normal spread of regulator out-degrees
    null_gene_fraction: float = 0.05
    validation_shifted_programs: int = 3
    validation_shift_sd: float = 1.0
    validation_batch_sd: float = 0.3
    validation_missing_tf_fraction: float = 0.002
    validation_missing_gene_fraction: float = 0.004
    validation_extra_gene_fraction: float = 0.05
    tf_steps: int = 1  # depth of TF -> TF regulation: steps along the true TF -> TF edges (1..MAX_TF_STEPS)
    tf_feedback: bool = False  # TF -> TF cycles iterated to their steady state (then tf_steps is unused)
    seed: int = 888

    def __post_init__(self) -> None:
        if self.n_regulators_unmeasured >= self.n_regulators:
            raise ValueError("n_regulators_unmeasured must be smaller than n_regulators")
        if self.n_genes < 4 or self.n_samples < 10 or self.n_validation < 2:
            raise ValueError("a synthetic cohort needs at least 10 samples, 2 validation samples and 4 genes")
        _check_tf_depth(self.tf_steps, self.tf_feedback)


MAX_TF_STEPS = 8


def _check_tf_depth(steps: object, feedback: object) -> None:
    """ValueError unless `steps` is a whole number in 1..MAX_TF_STEPS and `feedback` a boolean."""
    where = "data.synthetic.overrides"
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_TF_STEPS:
        raise ValueError(
            f"synthetic parameter tf_steps (the depth of TF -> TF regulation, {where}.tf_steps) is {steps!r}: "
            f"it must be a whole number from 1 to {MAX_TF_STEPS}; set e.g. tf_steps: 2, or leave it out for "
            "the default 1 (one regulation step)"
        )
    if not isinstance(feedback, bool):
        raise ValueError(
            f"synthetic parameter tf_feedback ({where}.tf_feedback) is {feedback!r}: it must be true (TF -> TF "
            "cycles iterated to their steady state) or false (tf_steps regulation steps); write it unquoted, "
            "true or false, or leave it out for the default false"
        )


# `full` reproduces the upstream dimensions: 1,200 regulators, 4 absent from the TF matrix plus the
# gene `TF` => 1,197 TF columns; 929 regulators are also targets => 16,371 nodes; 1,153,904 edges.
PRESETS: dict[str, SyntheticSpec] = {
    "tiny": SyntheticSpec(
        n_samples=240,
        n_validation=40,
        n_regulators=24,
        n_genes=150,
        n_edges=900,
        n_regulators_unmeasured=1,
        n_programs=5,
    ),
    "demo": SyntheticSpec(n_samples=1500, n_validation=150, n_regulators=200, n_genes=1600, n_edges=30000),
    # a small real cohort: 85 samples (68 training) for ~420 TFs (p > n), a sparse prior (median out-degree
    # ~8, ~15,000 edges) and a validation cohort that lacks most TFs
    "small": SyntheticSpec(
        n_samples=85,
        n_validation=40,
        n_regulators=420,
        n_genes=2500,
        n_edges=15000,
        n_programs=8,
        out_degree_sd=1.75,
        validation_missing_tf_fraction=0.6,
    ),
    "full": SyntheticSpec(
        n_samples=15935,
        n_validation=262,
        n_regulators=1200,
        n_genes=16100,
        n_edges=1153904,
        n_regulators_unmeasured=4,
        tf_target_fraction=929 / 1200,
        n_programs=20,
    ),
}


def spec_from_config(preset: str, overrides: dict | None = None, seed: int | None = None) -> SyntheticSpec:
    """The named preset with explicit field overrides (config `data.synthetic`)."""
    if preset not in PRESETS:
        raise ValueError(f"unknown synthetic preset {preset!r}; choose one of {', '.join(PRESETS)}")
    overrides = dict(overrides or {})
    known = {f.name for f in fields(SyntheticSpec)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"unknown synthetic parameter(s) {sorted(unknown)}; known: {sorted(known)}")
    if seed is not None:
        overrides.setdefault("seed", seed)
    return replace(PRESETS[preset], **overrides)
