"""Step of rule `shap`: SHAP values of one (model, gene) on the validation cohort, plus two plots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lembas_core.common.settings import GradientExplainerSettings
from lembas_core.data.dataset import load_dataset
from lembas_core.evaluation.shap import ExplainedSamples, explain_gene
from lembas_core.io.errors import InputDataError
from lembas_core.models.base import ModelFile
from lembas_core.reporting.figures import shap_plots
from lembas_core.reporting.palette import Palette


@dataclass(frozen=True)
class ShapOutputs:
    """Files a SHAP job writes: the values (`.npz`) and the waterfall and beeswarm plots (`.png`)."""

    npz: str | Path
    waterfall: str | Path
    beeswarm: str | Path


def explain(
    model: ModelFile,
    gene: str,
    dataset_dir: str | Path,
    outputs: ShapOutputs,
    settings: GradientExplainerSettings,
    threads: int,
) -> None:
    """Explain `gene` with `model` on the validation cohort; write the `.npz` and its two plots.

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
    data = ExplainedSamples(np.asarray(ds.x["validation"]), ds.features, ds.samples["validation"])
    explain_gene(model, gene, data, outputs.npz, settings, threads)
    observed = np.asarray(ds.y["validation"][:, j])
    sample = 0 if ds.validation_missing_targets[j] else int(np.argmax(observed))
    titles = Palette({}, {model.name: model.display_name})
    shap_plots(outputs.npz, sample, outputs.waterfall, outputs.beeswarm, palette=titles)
