"""Snakemake script of rule intervention_design: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import PerturbationChoice, SyntheticSettings, from_mapping
from lembas_core.common.synthetic_spec import spec_from_config
from lembas_core.steps.intervention_truth import DesignOutputs, design
from lembas_core.steps.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    synthetic = from_mapping(SyntheticSettings, p.synthetic, "data.synthetic")
    spec = spec_from_config(synthetic.preset, synthetic.overrides, seed=p.seed)
    choice = from_mapping(PerturbationChoice, p.choice, "interventions")
    outputs = DesignOutputs(snakemake.output.design, snakemake.output.state)
    design(spec, snakemake.input.dataset, choice, outputs)
