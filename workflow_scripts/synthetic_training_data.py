"""Snakemake script of rule synthetic_training_data: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import PerturbationChoice, PerturbationTraining, SyntheticSettings, from_mapping
from lembas_core.common.synthetic_spec import spec_from_config
from lembas_core.steps.perturbation_training import synthetic_training_data
from lembas_core.steps.runtime import job
from lembas_core.synthetic.training_perturbations import TrainingFiles

with job(snakemake.log[0], snakemake.threads):
    p, o = snakemake.params, snakemake.output
    synthetic = from_mapping(SyntheticSettings, p.synthetic, "data.synthetic")
    spec = spec_from_config(synthetic.preset, synthetic.overrides, seed=p.seed)
    choice = from_mapping(PerturbationChoice, p.choice, "interventions")
    training = from_mapping(PerturbationTraining, p.training, "interventions")
    out = TrainingFiles(o.matrix, o.design, o.split, synthetic.file_format)
    synthetic_training_data(spec, snakemake.input.dataset, (choice, training), out)
