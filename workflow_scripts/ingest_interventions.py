"""Snakemake script of rule ingest_interventions: unpack, then call lembas_core.steps."""

from pathlib import Path

from lembas_core.common.settings import IngestSettings, from_mapping
from lembas_core.steps.intervention_truth import ingest_perturbations
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    i, p = snakemake.input, snakemake.params
    settings = from_mapping(IngestSettings, p.settings, "data")
    ingest_perturbations((i.matrix, i.design), p.format, i.ingest, settings, Path(snakemake.output[0]))
