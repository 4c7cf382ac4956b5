"""Step of rule `synthesize_cohort`: write the embedded synthetic cohort and its ground truth."""

from __future__ import annotations

from pathlib import Path

from lembas_core.common.settings import SyntheticSettings
from lembas_core.common.synthetic_spec import spec_from_config
from lembas_core.synthetic.cohort import synthesize


def synthesize_cohort(settings: SyntheticSettings, seed: int, out_dir: str | Path) -> None:
    """Generate the preset of `settings` (with its generator overrides) under `seed`; write it to `out_dir`
    in `settings.file_format`."""
    synthesize(spec_from_config(settings.preset, settings.overrides, seed=seed), out_dir, settings.file_format)
