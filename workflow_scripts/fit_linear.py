"""Snakemake script of rules fit_linear and fit_linear_on_network: unpack, then call lembas_core.steps."""

from lembas_core.models.base import model_kind
from lembas_core.steps.fit_linear import FitOutputs, fit_linear
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    kind = snakemake.params.kind
    settings = model_kind(kind).from_params(snakemake.params.settings)
    outputs = FitOutputs(**dict(snakemake.output.items()))
    rows = snakemake.input.get("perturbation_rows") or None  # interventional training rows, when the run has them
    fit_linear(snakemake.wildcards.model, kind, settings, snakemake.input.dataset, outputs, rows)
