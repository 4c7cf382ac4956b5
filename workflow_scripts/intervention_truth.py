"""Snakemake script of rule intervention_truth: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import InterventionLevel
from lembas_core.steps.intervention_truth import DesignOutputs, TruthInputs, synthetic_truth
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    inputs = TruthInputs(DesignOutputs(i.design, i.state), i.dataset)
    synthetic_truth(inputs, (snakemake.wildcards.level, InterventionLevel(**p.level)), snakemake.output[0])
