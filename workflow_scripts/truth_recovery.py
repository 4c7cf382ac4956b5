"""Snakemake script: explanations and RNN weights scored against the synthetic ground truth (rule truth_recovery)."""

from lembas_core.runtime import job
from lembas_core.truth import truth_recovery

with job(snakemake.log[0], snakemake.threads):
    rnn = snakemake.input.rnn[0] if snakemake.input.rnn else None
    truth_recovery(snakemake.input.truth, list(snakemake.input.shap), rnn, snakemake.output[0])
