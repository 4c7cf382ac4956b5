"""SHAP explanations of one gene's prediction, per model, on the validation cohort (upstream section 5).

- linear models (MLR, ridge): `shap.LinearExplainer` with an independent masker on the validation
  inputs (exact for a linear model);
- XGBRF: `shap.TreeExplainer` on that gene's own booster, cut out of its batch (only that batch file is
  read);
- LEMBAS-RNN: `shap.GradientExplainer` (expected gradients) with a sampled background, at the model's
  own step count (upstream patched 100 steps into a 10-step model for SHAP; here the trained model is
  used as is).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .atomic import atomic_file
from .layout import LINEAR_KINDS


def _linear_values(model_path: Path, gene: str, x: np.ndarray) -> tuple[np.ndarray, float]:
    import shap

    from .linear import LinearModel

    model = LinearModel.load(model_path)
    j = model.targets.index(gene)
    explainer = shap.LinearExplainer((model.coef[j], model.intercept[j]), shap.maskers.Independent(x, max_samples=len(x)))
    return np.asarray(explainer.shap_values(x)), float(explainer.expected_value)


def _xgbrf_values(index_path: Path, gene: str, x: np.ndarray, threads: int) -> tuple[np.ndarray, float]:
    import shap

    from .xgbrf import index_batches, load_batch, single_target_booster

    batch = next((path for path, targets in index_batches(index_path) if gene in targets), None)  # reads no model file
    if batch is None:
        raise KeyError(f"gene {gene!r} is not a target of the XGBRF model")
    booster, targets = load_batch(batch, threads)
    explainer = shap.TreeExplainer(single_target_booster(booster, targets, gene))
    return np.asarray(explainer.shap_values(x, check_additivity=False)), float(np.ravel(explainer.expected_value)[0])


def _rnn_values(model_path: Path, gene: str, x: np.ndarray, background: int, nsamples: int, seed: int) -> tuple[np.ndarray, float]:
    import shap
    import torch

    from .rnn_io import load_rnn

    model, _, targets = load_rnn(model_path)
    model.eval()
    j = targets.index(gene)

    class OneGene(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = model

        def forward(self, inputs):
            return self.inner(inputs)[:, j : j + 1]

    wrapper = OneGene()
    rng = np.random.default_rng(seed)
    bg = x[np.sort(rng.choice(len(x), size=min(background, len(x)), replace=False))]
    torch.manual_seed(seed)
    np.random.seed(seed)  # GradientExplainer draws its background samples and interpolation points from numpy
    explainer = shap.GradientExplainer(wrapper, torch.as_tensor(bg, dtype=model.w.dtype))
    values = explainer.shap_values(torch.as_tensor(x, dtype=model.w.dtype), nsamples=nsamples)
    values = np.asarray(values).reshape(len(x), x.shape[1])
    with torch.no_grad():
        expected = float(wrapper(torch.as_tensor(bg, dtype=model.w.dtype)).mean())
    return values, expected


def explain_gene(model: str, model_path: str | Path, gene: str, x: np.ndarray, features: list[str], samples: list[str], out: str | Path,
                 threads: int = 1, background: int = 50, nsamples: int = 25, seed: int = 888) -> dict:
    """Compute SHAP values of `model` for `gene` on inputs `x` and save them as `.npz`."""
    model_path = Path(model_path)
    x = np.ascontiguousarray(x, dtype=np.float32)
    if model in LINEAR_KINDS:
        values, expected = _linear_values(model_path, gene, x)
    elif model == "xgbrf":
        values, expected = _xgbrf_values(model_path, gene, x, threads)
    elif model == "rnn":
        values, expected = _rnn_values(model_path, gene, x, background, nsamples, seed)
    else:
        raise ValueError(f"no SHAP explainer for model {model!r}")
    result = {
        "values": np.asarray(values, dtype=np.float32),
        "expected_value": np.float64(expected),
        "feature_names": np.array(features, dtype=str),
        "sample_ids": np.array(samples, dtype=str),
        "inputs": x,
        "model": np.array(model),
        "gene": np.array(gene),
    }
    with atomic_file(out, "wb") as handle:
        np.savez(handle, **result)
    return result


def explain_for_pipeline(model: str, model_path: str | Path, gene: str, dataset_dir: str | Path, out: str | Path, waterfall: str | Path, beeswarm: str | Path,
                         threads: int = 1, background: int = 50, nsamples: int = 25, seed: int = 888) -> None:
    """SHAP values of one (model, gene) on the validation cohort, plus its waterfall and beeswarm plots.

    The waterfall shows the validation sample with the highest observed expression of the gene (the
    same sample for every model), or the first sample when the gene was zero-filled.
    """
    from .dataset import load_dataset
    from .errors import InputDataError
    from .figures import shap_plots

    ds = load_dataset(dataset_dir)
    if gene not in ds.targets:
        raise InputDataError(None, f"SHAP gene {gene!r} is not among the {len(ds.targets)} target genes", "change shap.genes in the config to target gene names", where="config shap.genes")
    j = ds.targets.index(gene)
    explain_gene(model, model_path, gene, np.asarray(ds.x["validation"]), ds.features, ds.samples["validation"], out, threads, background, nsamples, seed)
    observed = np.asarray(ds.y["validation"][:, j])
    sample = 0 if ds.validation_missing_targets[j] else int(np.argmax(observed))
    shap_plots(out, sample, waterfall, beeswarm)
