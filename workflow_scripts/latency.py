"""Snakemake script: inference latency of every model on the validation cohort (rule latency)."""

import numpy as np

from lembas_core.atomic import atomic_file
from lembas_core.dataset import load_dataset
from lembas_core.latency import latency_table
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    x = np.asarray(load_dataset(snakemake.input.dataset).x["validation"])
    table = latency_table(dict(zip(snakemake.params.models, snakemake.input.models)), x, snakemake.threads, snakemake.params.repeats)
    with atomic_file(snakemake.output[0]) as handle:
        table.to_csv(handle, sep="\t", index=False, float_format="%.6g")
