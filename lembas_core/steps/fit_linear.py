"""Step of rules `fit_linear` and `fit_linear_on_network`: fit one linear-family model on the training split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lembas_core.data.dataset import load_dataset
from lembas_core.data.network_controls import network_for, write_network
from lembas_core.models.base import implementation, model_kind
from lembas_core.models.linear import LinearModel, fit_report


def fit_linear(
    kind: str,
    dataset_dir: str | Path,
    settings: Any,
    out: str | Path,
    report_out: str | Path,
    name: str | None = None,
    network_out: str | Path | None = None,
) -> LinearModel:
    """Fit model `name` (default: `kind`) of `kind` with its typed `settings`; save it and its fit report.

    Kinds that use the network (prior_ridge) get the network of `settings.network` (the prior or a
    seeded control, :mod:`lembas_core.data.network_controls`), written to `network_out`.
    """
    fit = getattr(implementation(kind), model_kind(kind).fit)
    ds = load_dataset(dataset_dir)
    network_report = None
    if model_kind(kind).uses_network:
        network, network_report = network_for(dataset_dir, settings.network, settings.network_seed)
        if network_out:
            write_network(network, network_out)
        model = fit(ds.x["train"], ds.y["train"], ds.features, ds.targets, settings, network=network)
    else:
        model = fit(ds.x["train"], ds.y["train"], ds.features, ds.targets, settings)
    model.save(out)
    fit_report(model, name or kind, network_report).write(report_out)
    return model
