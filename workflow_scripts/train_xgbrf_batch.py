"""Snakemake script of rule train_xgbrf_batch: unpack, then call lembas_core.steps.

The execution settings (device) come in `params` that rerun nothing (rules/common.smk).
"""

from lembas_core.steps.runtime import job
from lembas_core.steps.train_xgbrf import train_xgbrf_batch
from lembas_core.workflow.settings import execution_settings, model_settings

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    settings, execution = model_settings(p.kind, p.settings), execution_settings(p.kind, p.execution)
    batch = int(snakemake.wildcards.batch)
    rows = snakemake.input.get("perturbation_rows") or None  # interventional training rows, when the run has them
    out = snakemake.output[0]
    train_xgbrf_batch(snakemake.input.dataset, batch, settings, execution, snakemake.threads, out, rows)
