"""Snakemake script of rule truth_recovery: unpack, then call lembas_core.steps."""

from lembas_core.steps.runtime import job
from lembas_core.steps.truth_recovery import truth_recovery

with job(snakemake.log[0], snakemake.threads):
    rnn = dict(zip(snakemake.params.rnn_models, snakemake.input.rnn))
    truth_recovery(snakemake.input.truth, list(snakemake.input.shap), rnn, snakemake.output[0])
