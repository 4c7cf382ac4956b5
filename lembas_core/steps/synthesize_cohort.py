"""Step of rule `synthesize_cohort`: write the embedded synthetic cohort and its ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lembas_core.synthetic.cohort import synthesize
from lembas_core.synthetic.spec import spec_from_config


def synthesize_cohort(preset: str, overrides: dict[str, Any], seed: int, file_format: str, out_dir: str | Path) -> None:
    """Generate preset `preset` (with generator `overrides`) under `seed`; write it to `out_dir`."""
    synthesize(spec_from_config(preset, overrides, seed=seed), out_dir, file_format)
