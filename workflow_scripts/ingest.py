"""Snakemake script: validate the cohort files and convert them to the binary store (rule ingest)."""

from lembas_core.ingest import CohortFiles, ingest_cohort
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    files = CohortFiles(
        tf_expression=snakemake.input.tf_expression,
        gene_expression=snakemake.input.gene_expression,
        network=snakemake.input.network,
        validation=snakemake.input.validation,
        format=snakemake.params.format,
    )
    ingest_cohort(files, snakemake.output[0], self_loops=snakemake.params.self_loops)
