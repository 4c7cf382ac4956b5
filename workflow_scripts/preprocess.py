"""Snakemake script: features, train/test split and validation alignment (checkpoint preprocess)."""

from lembas_core.preprocess import preprocess
from lembas_core.runtime import job

with job(snakemake.log[0], snakemake.threads):
    p = snakemake.params
    preprocess(
        snakemake.input.ingest,
        snakemake.output[0],
        test_fraction=p.test_fraction,
        split_seed=p.split_seed,
        validation_missing=p.validation_missing,
        exclude_tf_targets=p.exclude_tf_targets,
        targets_outside_network=p.targets_outside_network,
    )
