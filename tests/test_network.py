"""Network validation: required columns, signs, duplicates, self-loops and the node/edge arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import NETWORK
from lembas_core.io.errors import InputDataError
from lembas_core.io.network import read_network
from lembas_core.io.table_writer import write_table


def _write(tmp_path, frame, fmt="tsv"):
    path = tmp_path / f"net.{fmt}"
    write_table(path, frame, fmt)
    return path


def test_nodes_sorted_and_edges_indexed(tmp_path):
    net = read_network(_write(tmp_path, NETWORK), "tsv", "keep")
    assert net.nodes == sorted(set(NETWORK.TF) | set(NETWORK.Gene))
    assert [net.nodes[i] for i in net.source] == NETWORK.TF.tolist()
    assert [net.nodes[i] for i in net.target] == NETWORK.Gene.tolist()
    assert net.sign.tolist() == NETWORK.Interaction.tolist()
    assert net.report["edges"] == 6 and net.report["regulators"] == 4


def test_missing_interaction_column(tmp_path):
    with pytest.raises(InputDataError, match="lacks column\\(s\\) Interaction") as info:
        read_network(_write(tmp_path, NETWORK.drop(columns="Interaction")), "tsv", "keep")
    assert "net.tsv" in str(info.value) and "TF, Gene, Interaction" in info.value.fix


@pytest.mark.parametrize("bad", [0, 2, "act"])
def test_interaction_outside_plus_minus_one(tmp_path, bad):
    frame = NETWORK.astype({"Interaction": object})
    frame.loc[3, "Interaction"] = bad
    with pytest.raises(InputDataError, match="outside \\{1, -1\\}") as info:
        read_network(_write(tmp_path, frame), "tsv", "keep")
    assert f"line 5: {str(bad)!r}" in info.value.problem


def test_conflicting_duplicate_signs_rejected(tmp_path):
    frame = pd.concat([NETWORK, pd.DataFrame({"TF": ["TFA"], "Gene": ["G1"], "Interaction": [-1]})], ignore_index=True)
    with pytest.raises(InputDataError, match="both signs, e.g. TFA -> G1 at lines \\[2, 8\\]"):
        read_network(_write(tmp_path, frame), "tsv", "keep")


def test_exact_duplicates_collapsed(tmp_path):
    frame = pd.concat([NETWORK, NETWORK.iloc[[0, 2]]], ignore_index=True)
    net = read_network(_write(tmp_path, frame), "tsv", "keep")
    assert net.n_edges == 6 and net.report["duplicate_rows_collapsed"] == 2


@pytest.mark.parametrize("policy, edges", [("keep", 7), ("drop", 6)])
def test_self_loop_policies(tmp_path, policy, edges):
    frame = pd.concat([NETWORK, pd.DataFrame({"TF": ["TFB"], "Gene": ["TFB"], "Interaction": [1]})], ignore_index=True)
    net = read_network(_write(tmp_path, frame), "tsv", self_loops=policy)
    assert net.n_edges == edges and net.report["self_loops"] == 1


def test_self_loop_error_policy(tmp_path):
    frame = pd.concat([NETWORK, pd.DataFrame({"TF": ["TFB"], "Gene": ["TFB"], "Interaction": [1]})], ignore_index=True)
    with pytest.raises(InputDataError, match="1 self-loop\\(s\\).*'TFB'"):
        read_network(_write(tmp_path, frame), "tsv", self_loops="error")


def test_empty_names_rejected(tmp_path):
    frame = NETWORK.copy()
    frame.loc[2, "Gene"] = ""
    with pytest.raises(InputDataError, match="empty Gene name") as info:
        read_network(_write(tmp_path, frame, "csv"), "csv", "keep")
    assert info.value.where == "line 4, column 'Gene'"


def test_parquet_network(tmp_path):
    net = read_network(_write(tmp_path, NETWORK, "parquet"), "parquet", "keep")
    assert net.n_edges == 6 and np.array_equal(net.sign, NETWORK.Interaction.to_numpy(np.int8))
