"""Step of rule `shap`: SHAP values of one (model, gene) on the validation cohort, plus two plots."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lembas_core.data.dataset import load_dataset
from lembas_core.evaluation.shap import explain_gene
from lembas_core.io.errors import InputDataError
from lembas_core.reporting.figures import shap_plots
from lembas_core.workflow.settings import ShapSettings


def explain(
    kind: str,
    model_path: str | Path,
    gene: str,
    dataset_dir: str | Path,
    out: str | Path,
    waterfall: str | Path,
    beeswarm: str | Path,
    settings: ShapSettings,
    threads: int,
    name: str | None = None,
) -> None:
    """Explain `gene` with model `name` (default: `kind`) of `kind`; write the `.npz` and its two plots.

    The waterfall shows the validation sample with the highest observed expression of the gene (the
    same sample for every model), or the first sample when the gene was zero-filled.
    """
    ds = load_dataset(dataset_dir)
    if gene not in ds.targets:
        raise InputDataError(
            None,
            f"SHAP gene {gene!r} is not among the {len(ds.targets)} target genes",
            "change shap.genes in the config to target gene names",
            where="config shap.genes",
        )
    j = ds.targets.index(gene)
    explain_gene(
        kind,
        model_path,
        gene,
        np.asarray(ds.x["validation"]),
        ds.features,
        ds.samples["validation"],
        out,
        settings,
        threads,
        name,
    )
    observed = np.asarray(ds.y["validation"][:, j])
    sample = 0 if ds.validation_missing_targets[j] else int(np.argmax(observed))
    shap_plots(out, sample, waterfall, beeswarm)
