"""Snakemake script of rule train_rnn: unpack, then call lembas_core.steps.

The execution settings (device, checkpoint period) come in `params` that rerun nothing (rules/common.smk).
"""

from lembas_core.steps.runtime import job
from lembas_core.steps.train_rnn import RNNOutputs, train_rnn
from lembas_core.workflow.settings import execution_settings, model_settings

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    settings, execution = model_settings(p.kind, p.settings), execution_settings(p.kind, p.execution)
    outputs = RNNOutputs(**dict(snakemake.output.items()), checkpoint=p.checkpoint)
    rows = snakemake.input.get("perturbation_rows") or None  # interventional training rows, when the run has them
    train_rnn(snakemake.wildcards.model, settings, execution, snakemake.input.dataset, outputs, rows)
