"""Snakemake script of rule synthesize_cohort: unpack, then call lembas_core.steps."""

from pathlib import Path

from lembas_core.steps.runtime import job
from lembas_core.steps.synthesize_cohort import synthesize_cohort

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    synthesize_cohort(p.preset, p.overrides, p.seed, p.file_format, Path(snakemake.output.summary).parent)
