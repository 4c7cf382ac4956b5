"""Snakemake script of rule train_rnn: unpack, then call lembas_core.steps.

The device and checkpoint period come from the config, not from `params`: changing them reruns nothing.
"""

from lembas_core.models.settings import RNNSettings
from lembas_core.steps.runtime import job
from lembas_core.steps.train_rnn import train_rnn
from lembas_core.workflow.models import resolve_models

with job(snakemake.log[0], snakemake.threads):
    name, out = snakemake.wildcards.model, snakemake.output
    settings = RNNSettings.from_params(snakemake.params.settings)
    execution = resolve_models(snakemake.config)[name].execution
    outputs = (out.model, out.history, out.report, out.network)
    train_rnn(snakemake.input.dataset, settings, execution, *outputs, snakemake.params.checkpoint, name)
