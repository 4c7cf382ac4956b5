"""Network validation: required columns, signs, duplicates, self-loops and the node/edge arrays."""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import NETWORK
from lembas_core.io.errors import InputDataError
from lembas_core.io.network import NEGATIVE_WORDS, POSITIVE_WORDS, read_network
from lembas_core.io.table_writer import write_table


def _write(tmp_path, frame, fmt="tsv"):
    path = tmp_path / f"net.{fmt}"
    write_table(path, frame, fmt)
    return path


def test_nodes_sorted_and_edges_indexed(tmp_path):
    net = read_network(_write(tmp_path, NETWORK), "tsv", "keep", ambiguous_signs="error")
    assert net.nodes == sorted(set(NETWORK.TF) | set(NETWORK.Gene))
    assert [net.nodes[i] for i in net.source] == NETWORK.TF.tolist()
    assert [net.nodes[i] for i in net.target] == NETWORK.Gene.tolist()
    assert net.sign.tolist() == NETWORK.Interaction.tolist()
    assert net.report["edges"] == 6 and net.report["regulators"] == 4


def test_missing_interaction_column(tmp_path):
    with pytest.raises(InputDataError, match="lacks column\\(s\\) Interaction") as info:
        read_network(_write(tmp_path, NETWORK.drop(columns="Interaction")), "tsv", "keep", ambiguous_signs="error")
    assert "net.tsv" in str(info.value) and "TF, Gene, Interaction" in info.value.fix


def _with_signs(values) -> pd.DataFrame:
    frame = NETWORK.astype({"Interaction": object})
    frame["Interaction"] = values
    return frame


@pytest.mark.parametrize("word", [*POSITIVE_WORDS, *NEGATIVE_WORDS])
def test_sign_words_in_any_case_and_space(tmp_path, word):
    sign = 1 if word in POSITIVE_WORDS else -1
    values = [f" {word.upper()} ", word.title(), "+", "-", "+1", "-1.0"]
    net = read_network(_write(tmp_path, _with_signs(values)), "tsv", "keep", ambiguous_signs="error")
    assert net.sign.tolist() == [sign, sign, 1, -1, 1, -1]


def test_sign_words_logged(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="lembas_core")
    read_network(
        _write(tmp_path, _with_signs(["Activation", "Repression", "up", "down", "1", "-1"])),
        "tsv",
        "keep",
        ambiguous_signs="error",
    )
    assert "Interaction words read as signs: 'activation' -> +1, 'down' -> -1, 'repression' -> -1, 'up' -> +1" in (
        caplog.text
    )


def test_weights_read_by_their_sign_and_logged_once(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="lembas_core")
    net = read_network(
        _write(tmp_path, _with_signs([2, -0.25, 0.5, 1e-3, 1, -3])), "tsv", "keep", ambiguous_signs="error"
    )
    assert net.sign.tolist() == [1, -1, 1, 1, 1, -1]
    logged = [r.message for r in caplog.records if "weights" in r.message]
    assert len(logged) == 1 and "5 Interaction value(s) are weights, not 1 / -1 (e.g. line 2: '2.0')" in logged[0]


@pytest.mark.parametrize("ambiguous", ["Unknown", "DUAL", "both", "0", "0.0", "-0", "?", "", "NA", " nan "])
def test_ambiguous_sign_refused_with_the_choice(tmp_path, ambiguous):
    frame = _with_signs([1, ambiguous, 1, 1, ambiguous, -1])
    with pytest.raises(InputDataError) as info:
        read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="error")
    error = info.value
    assert "network has 2 edge(s) of ambiguous sign" in error.problem
    assert re.search(r"\): line 3: '[^']*', line 6: '[^']*'$", error.problem), error.problem
    assert error.where == "line 3, column 'Interaction'"
    assert error.fix == (
        "give each a sign (1 or -1), or set data.ambiguous_signs: drop to drop these edges (counted in a warning)"
    )


def test_ambiguous_examples_name_five_lines_and_values(tmp_path):
    frame = pd.concat([NETWORK] + [NETWORK.assign(Interaction="unknown")] * 2, ignore_index=True)
    with pytest.raises(InputDataError) as info:
        read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="error")
    assert "12 edge(s) of ambiguous sign" in info.value.problem
    assert info.value.problem.endswith(
        "line 8: 'unknown', line 9: 'unknown', line 10: 'unknown', line 11: 'unknown', line 12: 'unknown'"
    )


def test_ambiguous_signs_dropped_and_counted(tmp_path, caplog):
    frame = pd.concat([NETWORK, NETWORK.assign(Gene="G3", Interaction=["Unknown", "0", "", "dual", "?", "both"])])
    with caplog.at_level(logging.WARNING, logger="lembas_core"):
        net = read_network(_write(tmp_path, frame.reset_index(drop=True)), "tsv", "keep", ambiguous_signs="drop")
    assert net.n_edges == 6 and net.sign.tolist() == NETWORK.Interaction.tolist()
    assert net.report["ambiguous_signs_dropped"] == 6 and net.report["rows"] == 12
    assert "6 edge(s) of ambiguous sign dropped (data.ambiguous_signs: drop), e.g. line 8: 'Unknown'" in caplog.text


@pytest.mark.parametrize("bad", ["activates", "x", "inf", "1,5", "true"])
def test_unrecognised_sign_refused_naming_values_lines_and_vocabularies(tmp_path, bad):
    frame = _with_signs([1, -1, bad, 1, "x" if bad != "x" else "y", -1])
    with pytest.raises(InputDataError) as info:
        read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="error")
    error = info.value
    assert f"network has 2 Interaction value(s) that name no sign (line 4: {bad!r}, line 6: " in error.problem
    assert error.where == "line 4, column 'Interaction'"
    assert "activation" in error.fix and "repression" in error.fix and "unknown, dual, both, 0" in error.fix
    assert "data.ambiguous_signs" not in error.fix  # no policy reads an unknown word


def test_invalid_ambiguous_signs_policy(tmp_path):
    with pytest.raises(ValueError, match="ambiguous_signs must be one of"):
        read_network(_write(tmp_path, NETWORK), "tsv", "keep", ambiguous_signs="warn")


def test_conflicting_signs_dropped_under_drop(tmp_path, caplog):
    frame = pd.concat([NETWORK, pd.DataFrame({"TF": ["TFA"], "Gene": ["G1"], "Interaction": [-1]})], ignore_index=True)
    with caplog.at_level(logging.WARNING, logger="lembas_core"):
        net = read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="drop")
    assert net.n_edges == 5 and ("TFA", "G1") not in {
        (net.nodes[a], net.nodes[b]) for a, b in zip(net.source, net.target)
    }
    assert net.report["ambiguous_signs_dropped"] == 2 and net.report["both_signs_pairs_dropped"] == 1
    assert "e.g. TFA -> G1 at lines [2, 8]" in caplog.text


@pytest.mark.parametrize(
    "columns, read",
    [
        (["source", "target", "weight"], "column(s) 'source', 'target', 'weight' read as TF, Gene, Interaction"),
        (["TF", "target_gene", "SIGN"], "column(s) 'target_gene', 'SIGN' read as Gene, Interaction"),
        (["regulator", "Gene", "Interaction", "weight"], "column(s) 'regulator' read as TF"),
    ],
)
def test_one_alias_per_missing_role_is_read(tmp_path, caplog, columns, read):
    caplog.set_level(logging.INFO, logger="lembas_core")
    frame = NETWORK.copy()
    if len(columns) == 4:
        frame["weight"] = 0.5  # Interaction is there: the weight column is another column, ignored
    frame.columns = columns
    net = read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="error")
    assert net.sign.tolist() == NETWORK.Interaction.tolist() and read in caplog.text


def test_two_candidate_sign_columns_refused(tmp_path):
    frame = NETWORK.rename(columns={"TF": "source", "Gene": "target", "Interaction": "mor"}).assign(weight=1.0)
    with pytest.raises(InputDataError) as info:
        read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="error")
    assert "lacks column(s) Interaction" in info.value.problem
    assert "'mor' and 'weight' could each be the Interaction column" in info.value.problem
    assert info.value.fix.startswith("rename the one that holds the Interaction to Interaction")


def test_unsigned_edge_list_refused_as_unsigned(tmp_path):
    frame = NETWORK.rename(columns={"TF": "source", "Gene": "target"}).drop(columns="Interaction")
    with pytest.raises(InputDataError) as info:
        read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="error")
    assert "lacks column(s) Interaction; found 'source', 'target'" in info.value.problem
    assert "the network must be signed" in info.value.fix and "TRRUST" in info.value.fix


def test_conflicting_duplicate_signs_rejected(tmp_path):
    frame = pd.concat([NETWORK, pd.DataFrame({"TF": ["TFA"], "Gene": ["G1"], "Interaction": [-1]})], ignore_index=True)
    with pytest.raises(InputDataError, match="both signs, e.g. TFA -> G1 at lines \\[2, 8\\]"):
        read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="error")


def test_exact_duplicates_collapsed(tmp_path):
    frame = pd.concat([NETWORK, NETWORK.iloc[[0, 2]]], ignore_index=True)
    net = read_network(_write(tmp_path, frame), "tsv", "keep", ambiguous_signs="error")
    assert net.n_edges == 6 and net.report["duplicate_rows_collapsed"] == 2


@pytest.mark.parametrize("policy, edges", [("keep", 7), ("drop", 6)])
def test_self_loop_policies(tmp_path, policy, edges):
    frame = pd.concat([NETWORK, pd.DataFrame({"TF": ["TFB"], "Gene": ["TFB"], "Interaction": [1]})], ignore_index=True)
    net = read_network(_write(tmp_path, frame), "tsv", self_loops=policy, ambiguous_signs="error")
    assert net.n_edges == edges and net.report["self_loops"] == 1


def test_self_loop_error_policy(tmp_path):
    frame = pd.concat([NETWORK, pd.DataFrame({"TF": ["TFB"], "Gene": ["TFB"], "Interaction": [1]})], ignore_index=True)
    with pytest.raises(InputDataError, match="1 self-loop\\(s\\).*'TFB'"):
        read_network(_write(tmp_path, frame), "tsv", self_loops="error", ambiguous_signs="error")


def test_empty_names_rejected(tmp_path):
    frame = NETWORK.copy()
    frame.loc[2, "Gene"] = ""
    with pytest.raises(InputDataError, match="empty Gene name") as info:
        read_network(_write(tmp_path, frame, "csv"), "csv", "keep", ambiguous_signs="error")
    assert info.value.where == "line 4, column 'Gene'"


def test_parquet_network(tmp_path):
    net = read_network(_write(tmp_path, NETWORK, "parquet"), "parquet", "keep", ambiguous_signs="error")
    assert net.n_edges == 6 and np.array_equal(net.sign, NETWORK.Interaction.to_numpy(np.int8))


def test_header_less_three_columns_with_word_signs(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="lembas_core")
    path = tmp_path / "net.tsv"
    path.write_text("".join(f"{tf}\t{gene}\t{'up' if s > 0 else 'down'}\n" for tf, gene, s in NETWORK.to_numpy()))
    net = read_network(path, "tsv", "keep", ambiguous_signs="error")
    assert [net.nodes[i] for i in net.source] == NETWORK.TF.tolist()
    assert net.sign.tolist() == NETWORK.Interaction.tolist()
    assert "no header line: read as TF, Gene, Interaction (columns in that order)" in caplog.text


def test_only_positive_non_unit_weights_are_refused_as_scores_not_signs(tmp_path):
    with pytest.raises(InputDataError, match="only positive weights other than 1") as error:
        read_network(
            _write(tmp_path, _with_signs([0.9, 0.75, 0.5, 0.33, 0.8, 0.61])), "tsv", "keep", ambiguous_signs="error"
        )
    assert "would make every edge an activation" in error.value.problem
    net = read_network(
        _write(tmp_path, _with_signs([0.9, -0.75, 0.5, 0.33, 0.8, 0.61])), "tsv", "keep", ambiguous_signs="error"
    )
    assert (net.sign == -1).sum() == 1  # one negative weight: the column holds signed weights
