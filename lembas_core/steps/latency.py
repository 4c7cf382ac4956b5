"""Step of rule `latency`: single-sample and batch latency of every model on the validation inputs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.data.dataset import load_dataset
from lembas_core.evaluation.latency import measure
from lembas_core.io.atomic import write_tsv
from lembas_core.models.base import ModelFile


def latency_table(
    models: Sequence[ModelFile], dataset_dir: str | Path, out: str | Path, threads: int, repeats: int
) -> pd.DataFrame:
    """Time every model one after the other in this process on `threads` threads (`repeats` timed calls
    per mode); write the TSV."""
    x = np.asarray(load_dataset(dataset_dir).x["validation"])
    rows = []
    for model in models:
        rows.extend(measure(model.name, model.load(threads).predict, x, threads, repeats))
    table = pd.DataFrame(rows)
    write_tsv(table, out)
    return table
