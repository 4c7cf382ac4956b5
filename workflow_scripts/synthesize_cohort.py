"""Snakemake script of rule synthesize_cohort: unpack, then call lembas_core.steps."""

from pathlib import Path

from lembas_core.common.settings import SyntheticSettings, from_mapping
from lembas_core.steps.runtime import job
from lembas_core.steps.synthesize_cohort import synthesize_cohort

with job(snakemake.log[0], snakemake.threads):
    settings = from_mapping(SyntheticSettings, snakemake.params.settings, "data.synthetic")
    synthesize_cohort(settings, snakemake.params.seed, Path(snakemake.output.summary).parent)
