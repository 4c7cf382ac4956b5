"""Snakemake script of rule train_rnn: unpack, then call lembas_core.steps.

The device and checkpoint period come from the config, not from `params`: changing them reruns nothing.
"""

from lembas_core.models.settings import RNNSettings, split_rnn_config
from lembas_core.steps.runtime import job
from lembas_core.steps.train_rnn import train_rnn

with job(snakemake.log[0], snakemake.threads):
    settings = RNNSettings.from_params(snakemake.params.settings)
    _, execution = split_rnn_config(snakemake.config["models"]["rnn"])
    out = snakemake.output
    checkpoint = snakemake.params.checkpoint
    train_rnn(snakemake.input.dataset, settings, execution, out.model, out.history, out.report, checkpoint)
