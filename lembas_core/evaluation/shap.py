"""SHAP explanations of one gene's prediction on the validation cohort (upstream section 5).

The explainer of each model kind comes from the registry (:attr:`ModelKind.explainer`):

- ``linear`` (MLR, ridge, mean): `shap.LinearExplainer` with an independent masker on the validation
  inputs (exact for a linear model);
- ``tree`` (XGBRF): `shap.TreeExplainer` on that gene's own booster, cut out of its batch (only that
  batch file is read);
- ``gradient`` (LEMBAS-RNN): `shap.GradientExplainer` (expected gradients) with a sampled background,
  at the model's own step count (upstream patched 100 steps into a 10-step model for SHAP; here the
  trained model is used as is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lembas_core.common.settings import GradientExplainerSettings
from lembas_core.io.npz import save_arrays
from lembas_core.models.base import Model, ModelFile, model_kind


def linear_values(
    model: Any, gene: str, x: np.ndarray, settings: GradientExplainerSettings
) -> tuple[np.ndarray, float]:
    """Exact SHAP values (samples x features) and expected value of a linear model's `gene` output."""
    import shap  # noqa: PLC0415 (heavy: numba; SHAP jobs only)

    j = model.targets.index(gene)
    masker = shap.maskers.Independent(x, max_samples=len(x))
    explainer = shap.LinearExplainer((model.coef[j], model.intercept[j]), masker)
    return np.asarray(explainer.shap_values(x)), float(explainer.expected_value)


def tree_values(model: Any, gene: str, x: np.ndarray, settings: GradientExplainerSettings) -> tuple[np.ndarray, float]:
    """TreeSHAP values (samples x features) of `gene`'s own booster (`model.booster_for(gene)`)."""
    import shap  # noqa: PLC0415 (heavy: numba; SHAP jobs only)

    explainer = shap.TreeExplainer(model.booster_for(gene))
    return np.asarray(explainer.shap_values(x, check_additivity=False)), float(np.ravel(explainer.expected_value)[0])


def gradient_values(
    model: Any, gene: str, x: np.ndarray, settings: GradientExplainerSettings
) -> tuple[np.ndarray, float]:
    """Expected-gradients values (samples x features) of a torch model's `gene` output (`model.network`)."""
    import shap  # noqa: PLC0415 (heavy: numba; SHAP jobs only)
    import torch  # noqa: PLC0415 (heavy; the RNN's explainer only)

    network = model.network
    network.eval()
    j = model.targets.index(gene)

    class OneGene(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = network

        def forward(self, inputs):
            return self.inner(inputs)[:, j : j + 1]

    wrapper = OneGene()
    rng = np.random.default_rng(settings.seed)
    bg = x[np.sort(rng.choice(len(x), size=min(settings.background, len(x)), replace=False))]
    torch.manual_seed(settings.seed)
    np.random.seed(settings.seed)  # GradientExplainer draws its background samples and interpolation points from numpy

    def as_tensor(array: np.ndarray) -> torch.Tensor:  # on the network's device (CPU or CUDA)
        return torch.as_tensor(array, dtype=network.w.dtype, device=network.w.device)

    explainer = shap.GradientExplainer(wrapper, as_tensor(bg))
    values = explainer.shap_values(as_tensor(x), nsamples=settings.nsamples)
    values = np.asarray(values).reshape(len(x), x.shape[1])
    with torch.no_grad():
        expected = float(wrapper(as_tensor(bg)).mean())
    return values, expected


EXPLAINERS: dict[str, Callable[[Model, str, np.ndarray, GradientExplainerSettings], tuple[np.ndarray, float]]] = {
    "linear": linear_values,
    "tree": tree_values,
    "gradient": gradient_values,
}


@dataclass(frozen=True)
class ExplainedSamples:
    """The samples a model is explained on: inputs `x` (samples x features) with their names and IDs."""

    x: np.ndarray
    features: list[str]
    samples: list[str]


def explain_gene(
    model: ModelFile,
    gene: str,
    data: ExplainedSamples,
    out: str | Path,
    settings: GradientExplainerSettings,
    threads: int = 1,
) -> dict:
    """SHAP values of `model` for `gene` on `data`, with the explainer of its kind; saved as `.npz` to
    `out` with the model's name and kind. `settings` are used by the gradient explainer only."""
    x = np.ascontiguousarray(data.x, dtype=np.float32)
    loaded = model.load(threads)
    values, expected = EXPLAINERS[model_kind(model.kind).explainer](loaded, gene, x, settings)
    result = {
        "values": np.asarray(values, dtype=np.float32),
        "expected_value": np.float64(expected),
        "feature_names": np.array(data.features, dtype=str),
        "sample_ids": np.array(data.samples, dtype=str),
        "inputs": x,
        "model": np.array(model.name),
        "kind": np.array(model.kind),
        "gene": np.array(gene),
    }
    save_arrays(out, **result)
    return result
