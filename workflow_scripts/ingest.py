"""Snakemake script of rule ingest: unpack, then call lembas_core.steps."""

from lembas_core.common.layout import COHORT_FILES
from lembas_core.common.settings import IngestSettings, from_mapping
from lembas_core.steps.ingest import ingest
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    settings = from_mapping(IngestSettings, snakemake.params.settings, "data")
    files = {role: snakemake.input[role] for role in COHORT_FILES}
    ingest(files, snakemake.params.format, snakemake.output[0], settings)
