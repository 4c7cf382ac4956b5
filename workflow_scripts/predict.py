"""Snakemake script of rules predict and predict_temporary: unpack, then call lembas_core.steps."""

from lembas_core.models.base import ModelFile
from lembas_core.steps.predict import predict_split
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    w = snakemake.wildcards
    model = ModelFile(w.model, snakemake.params.kind, snakemake.input.model)
    predict_split(model, snakemake.input.dataset, w.split, snakemake.output[0], snakemake.threads)
