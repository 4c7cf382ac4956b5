"""Step of rules `fit_linear` and `fit_linear_on_network`: fit one model of a kind fitted in one step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lembas_core.data.dataset import load_dataset
from lembas_core.data.network_controls import network_for, write_network
from lembas_core.data.perturbation_training import training_data
from lembas_core.models.base import Model, implementation, model_kind


@dataclass(frozen=True)
class FitOutputs:
    """Files a fit job writes: the model, its fit report and (kinds that use the network) that network."""

    model: str | Path
    report: str | Path
    network: str | Path | None = None


def fit_linear(
    name: str,
    kind: str,
    settings: Any,
    dataset_dir: str | Path,
    outputs: FitOutputs,
    perturbation_rows: str | Path | None = None,
) -> Model:
    """Fit model `name` of `kind` with its typed `settings` on the training split (and the interventional
    training rows `perturbation_rows`, :func:`lembas_core.data.perturbation_training.training_data`); save it
    and its fit report.

    Kinds that use the network (prior_ridge) get the network of `settings.network` (the prior or a
    seeded control, :mod:`lembas_core.data.network_controls`), written to `outputs.network`.
    """
    module = implementation(kind)
    fit = getattr(module, model_kind(kind).fit)
    ds = load_dataset(dataset_dir)
    x, y = training_data(ds, perturbation_rows)
    network_report = None
    if model_kind(kind).uses_network:
        network, network_report = network_for(dataset_dir, settings.network, settings.network_seed)
        if outputs.network:
            write_network(network, outputs.network)
        model = fit(x, y, ds.features, ds.targets, settings, network=network)
    else:
        model = fit(x, y, ds.features, ds.targets, settings)
    model.save(outputs.model)
    module.fit_report(model, name, network_report).write(outputs.report)
    return model
