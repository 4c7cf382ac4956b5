"""Snakemake script of rule shap: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import GradientExplainerSettings, from_mapping
from lembas_core.models.base import ModelFile
from lembas_core.steps.runtime import job
from lembas_core.steps.shap import ShapOutputs, explain

with job(snakemake.log[0], snakemake.threads):
    w, i = snakemake.wildcards, snakemake.input
    settings = from_mapping(GradientExplainerSettings, snakemake.params.settings, "shap")
    model = ModelFile(w.model, snakemake.params.kind, i.model, snakemake.params.label)
    explain(model, w.gene, i.dataset, ShapOutputs(**dict(snakemake.output.items())), settings, snakemake.threads)
