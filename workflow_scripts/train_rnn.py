"""Snakemake script of rule train_rnn: unpack, then call lembas_core.steps.

The execution settings (device, checkpoint period) come from the config, not from `params`: changing
them reruns nothing.
"""

from lembas_core.steps.runtime import job
from lembas_core.steps.train_rnn import RNNOutputs, train_rnn
from lembas_core.workflow.settings import Settings, model_settings

with job(snakemake.log[0], snakemake.threads):
    spec = Settings.from_config(snakemake.config).specs[snakemake.wildcards.model]
    settings = model_settings(spec.kind, snakemake.params.settings)
    outputs = RNNOutputs(**dict(snakemake.output.items()), checkpoint=snakemake.params.checkpoint)
    train_rnn(spec.name, settings, spec.execution, snakemake.input.dataset, outputs)
