"""Snakemake script of rule intervention_truth: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import InterventionLevel, from_mapping
from lembas_core.steps.intervention_truth import DesignOutputs, TruthInputs, synthetic_truth
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p, i, name = snakemake.params, snakemake.input, snakemake.wildcards.level
    inputs = TruthInputs(DesignOutputs(i.design, i.state), i.dataset, i.get("split") or None)
    level = from_mapping(InterventionLevel, p.level, f"interventions.levels.{name}")
    synthetic_truth(inputs, (name, level), snakemake.output[0])
