"""Snakemake script of rule ingest: unpack, then call lembas_core.steps."""

from lembas_core.steps.ingest import ingest
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    roles = ("tf_expression", "gene_expression", "network", "validation")
    files = {role: snakemake.input[role] for role in roles}
    p = snakemake.params
    ingest(
        files,
        p.format,
        p.self_loops,
        snakemake.output[0],
        p.validation_overlap,
        p.min_name_match,
        p.transform,
        p.match_case,
    )
