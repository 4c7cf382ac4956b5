"""Snakemake script of rules predict and predict_temporary: unpack, then call lembas_core.steps."""

from lembas_core.steps.predict import predict_split
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    w = snakemake.wildcards
    predict_split(
        snakemake.params.kind,
        snakemake.input.model,
        snakemake.input.dataset,
        w.split,
        snakemake.output[0],
        snakemake.threads,
    )
