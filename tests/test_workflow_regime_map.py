"""The regime map target through real snakemake: outside the default run, one cell per world, each a whole run
of the workflow in its own folder, gathered into the table and figure, which the verdict reads without ever
rebuilding them."""

from __future__ import annotations

import pandas as pd
import pytest

from lembas_core.evaluation.regime_map import COLUMNS
from workflow_helpers import TINY, snakemake, write_config

pytestmark = pytest.mark.workflow


def test_the_regime_map_is_not_in_the_default_run_and_plans_every_cell(tmp_path):
    default = snakemake(tmp_path, "-n", configfiles=(TINY,))
    assert default.returncode == 0 and "rule regime_map" not in default.stdout
    planned = snakemake(tmp_path, "-n", "regime_map", configfiles=(TINY,))
    assert planned.returncode == 0, planned.stdout + planned.stderr
    stats = planned.stdout[planned.stdout.index("Job stats") :]
    assert "regime_map_cell        8" in stats and "regime_map             1" in stats


def test_a_tiny_regime_map_runs_its_cells_and_a_plain_run_leaves_it_alone(tmp_path):
    overlay = {"regime_map": {"preset": "tiny", "depths": [2], "feedback_depth": None, "train_individuals": 3}}
    configs = (TINY, write_config(tmp_path / "map.yaml", overlay))
    result = snakemake(tmp_path, "regime_map", configfiles=configs)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = pd.read_csv(tmp_path / "results/regime_map/regime_map.tsv", sep="\t")
    assert list(table.columns) == COLUMNS
    assert list(table["cell"].unique()) == ["depth2_acyclic_observational", "depth2_acyclic_interventional"]
    assert set(table["rival"]) <= {"ridge", "mlr", "xgbrf", "prior_ridge_3steps", "prior_ridge_steady"}
    assert (table["n_tfs"] > 0).all() and table["mean_abs_tf_tf"].notna().all()
    cells = tmp_path / "results/regime_map/cells"
    assert (cells / "depth2_acyclic_interventional/results/interventions/training_rows.npz").exists()
    assert not (cells / "depth2_acyclic_observational/results/interventions/split.tsv").exists()
    assert (tmp_path / "results/regime_map/regime_map.png").stat().st_size > 10_000
    rerun = snakemake(tmp_path, "-n", "regime_map", configfiles=configs)
    assert "Nothing to be done" in rerun.stdout + rerun.stderr
    plain = snakemake(tmp_path, "-n", configfiles=configs)  # the default run reads the map but never rebuilds it
    assert plain.returncode == 0 and "rule verdict:" in plain.stdout and "rule regime_map" not in plain.stdout
