"""Snakemake script: train (or import) the LEMBAS-RNN (rule train_rnn)."""

from lembas_core.rnn_fit import fit_rnn
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    fit_rnn(snakemake.input.dataset, snakemake.output.model, snakemake.output.history, dict(snakemake.params.options), snakemake.params.checkpoint)
