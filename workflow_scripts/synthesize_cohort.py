"""Snakemake script: write the embedded synthetic cohort (rule synthesize_cohort)."""

from pathlib import Path

from lembas_core.runtime import job
from lembas_core.synthetic import spec_from_config, synthesize

with job(snakemake.log[0], snakemake.threads):
    spec = spec_from_config(snakemake.params.preset, snakemake.params.overrides, seed=snakemake.params.seed)
    synthesize(spec, Path(snakemake.output.summary).parent, snakemake.params.file_format)
