"""The network layouts public TF-target resources publish (tests/data/corpus/networks, provenance in its
README.md), written with the small cohort's node names: each is read into the standard network's edges and
signs with a log line naming the layout, or refused with the diagnosis; every error that suggests
`data.ambiguous_signs: drop` is followed by a run of the real ingest that applies it.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cohort_helpers import INGEST, NETWORK, write_small_cohort
from lembas_core.data.ingest import format_from_extension, ingest_cohort
from lembas_core.io.errors import InputDataError
from lembas_core.io.network import Network, network_from_frame, read_network
from lembas_core.io.store import Store

CORPUS = Path(__file__).parent / "data" / "corpus" / "networks"
STANDARD = network_from_frame(NETWORK.copy(), "standard network", "keep", ambiguous_signs="error")
DROP = "set data.ambiguous_signs: drop"


def _read(name: str, ambiguous_signs: str = "error") -> Network:
    path = CORPUS / name
    return read_network(path, format_from_extension(path), "keep", None, ambiguous_signs=ambiguous_signs)


def _edges(nodes, source, target, sign) -> list[tuple[str, str, int]]:
    """The edges as sorted (TF, Gene, sign) names: the resources list them in their own order."""
    return sorted((nodes[a], nodes[b], int(c)) for a, b, c in zip(source, target, sign))


def assert_standard(net: Network) -> None:
    """`net` holds exactly the standard network: the same nodes, edges and signs."""
    assert net.nodes == STANDARD.nodes
    assert _edges(net.nodes, net.source, net.target, net.sign) == _edges(
        STANDARD.nodes, STANDARD.source, STANDARD.target, STANDARD.sign
    )
    assert net.source.dtype == np.int32 and net.sign.dtype == np.int8


@pytest.mark.parametrize(
    "name, log",
    [
        ("collectri_decoupler1.csv", "decoupler CollecTRI layout: column(s) 'source', 'target', 'weight' read as TF"),
        ("collectri_decoupler2.tsv", "decoupler CollecTRI layout: column(s) 'source', 'target', 'weight' read as TF"),
        ("dorothea_decoupler.tsv", "decoupler DoRothEA layout: column(s) 'source', 'target', 'weight' read as TF"),
        ("dorothea_decoupleR.tsv", "decoupleR (R) DoRothEA layout: column(s) 'source', 'target', 'mor' read as TF"),
        ("dorothea_hs.tsv", "dorothea R package layout: column(s) 'tf', 'target', 'mor' read as TF, Gene"),
        ("trrust_rawdata.tsv", "no header line: read as TF, Gene, Interaction (TRRUST layout)"),
    ],
)
def test_published_layout_read_as_the_standard_network(name, log, caplog):
    caplog.set_level(logging.INFO, logger="lembas_core")
    net = _read(name)
    assert_standard(net)
    assert log in caplog.text, caplog.text
    assert net.report["ambiguous_signs_dropped"] == 0 and net.report["rows"] == 6


@pytest.mark.parametrize(
    "name, ignored",
    [
        ("collectri_decoupler1.csv", "1 other column(s) ignored: 'PMID'"),
        ("collectri_decoupler2.tsv", "2 other column(s) ignored: 'resources', 'references'"),
        ("dorothea_decoupler.tsv", "1 other column(s) ignored: 'confidence'"),
        ("trrust_rawdata.tsv", "1 other column(s) ignored: 'PMIDs'"),
    ],
)
def test_extra_columns_are_logged(name, ignored, caplog):
    caplog.set_level(logging.INFO, logger="lembas_core")
    _read(name)
    assert ignored in caplog.text, caplog.text


@pytest.mark.parametrize("name", ["dorothea_decoupler.tsv", "dorothea_decoupleR.tsv"])
def test_dorothea_weights_are_read_by_their_sign_logged_once(name, caplog):
    caplog.set_level(logging.INFO, logger="lembas_core")
    _read(name)
    weights = [r.message for r in caplog.records if "are weights" in r.message]
    assert len(weights) == 1 and "4 Interaction value(s) are weights, not 1 / -1 (e.g. line 4: '-0.5')" in weights[0]


def test_trrust_first_line_is_the_first_edge_and_later_lines_keep_their_numbers():
    with pytest.raises(InputDataError) as info:
        _read("trrust_dual.tsv")  # TFC -> G3 on lines 6 and 7: the header-less first line counts as line 1
    assert "TFC -> G3 at lines [6, 7]" in info.value.problem
    with pytest.raises(InputDataError) as info:
        _read("trrust_unknown.tsv")
    assert info.value.where == "line 6, column 'Interaction'"


@pytest.mark.parametrize("name, where", [("regnetwork_human_source.tsv", "line 1"), ("regnetwork_export.csv", None)])
def test_regnetwork_refused_it_has_no_sign(name, where):
    with pytest.raises(InputDataError) as info:
        _read(name, "drop")  # no policy reads an unsigned network
    error = info.value
    assert error.path.endswith(name) and error.where == where
    assert "looks like a RegNetwork download" in error.problem and "has no sign column" in error.problem
    assert "the network must be signed" in error.fix
    assert all(resource in error.fix for resource in ("CollecTRI", "DoRothEA", "TRRUST"))


def test_trrust_unknown_refused_with_count_line_value_and_the_choice():
    with pytest.raises(InputDataError) as info:
        _read("trrust_unknown.tsv")
    assert "1 edge(s) of ambiguous sign" in info.value.problem and "line 6: 'Unknown'" in info.value.problem
    assert info.value.fix == (
        "give each a sign (1 or -1), or set data.ambiguous_signs: drop to drop these edges (counted in a warning)"
    )


def test_trrust_dual_regulation_refused_offering_drop():
    with pytest.raises(InputDataError) as info:
        _read("trrust_dual.tsv")
    assert "1 TF -> Gene pair(s) with both signs" in info.value.problem and DROP in info.value.fix


# The suggestion applied: the real ingest of the small cohort with the corpus file as its network.


def _cohort(tmp_path: Path, network: Path):
    files = write_small_cohort(tmp_path / "in")
    target = tmp_path / "in" / network.name
    shutil.copy(network, target)
    Path(files.network).unlink()
    return replace(files, network=str(target), format="auto")


def _ingested_edges(out: Path) -> list[tuple[str, str, int]]:
    store = Store(out, kind="ingest")
    arrays = (store.array(name) for name in ("network_source", "network_target", "network_sign"))
    return _edges(store.names("network_nodes"), *arrays)


@pytest.mark.parametrize(
    "name, dropped, pairs, warning",
    [
        ("trrust_unknown.tsv", 1, 0, "1 edge(s) of ambiguous sign dropped (data.ambiguous_signs: drop)"),
        ("trrust_dual.tsv", 2, 1, "1 TF -> Gene pair(s) listed with both signs dropped (2 rows"),
    ],
)
def test_ingest_refuses_then_passes_with_ambiguous_signs_drop(name, dropped, pairs, warning, tmp_path, caplog):
    files = _cohort(tmp_path, CORPUS / name)
    with pytest.raises(InputDataError) as info:
        ingest_cohort(files, tmp_path / "refused", INGEST)
    assert DROP in info.value.fix and not (tmp_path / "refused").exists()
    caplog.set_level(logging.INFO, logger="lembas_core")
    manifest = ingest_cohort(files, tmp_path / "ingest", replace(INGEST, ambiguous_signs="drop"))
    report = manifest["report"]["network"]
    assert report["ambiguous_signs_dropped"] == dropped and report["both_signs_pairs_dropped"] == pairs
    assert report["ambiguous_sign_policy"] == "drop" and report["edges"] == 6
    assert _ingested_edges(tmp_path / "ingest") == _edges(
        STANDARD.nodes, STANDARD.source, STANDARD.target, STANDARD.sign
    )
    assert any(r.levelno == logging.WARNING and warning in r.message for r in caplog.records), caplog.text


def test_ingest_with_drop_of_an_all_unknown_network_fails_more_specifically(tmp_path):
    unknown = tmp_path / "trrust_all_unknown.tsv"
    unknown.write_text("TFA\tG1\tUnknown\t1\nTFB\tG3\tunknown\t2\n")
    files = _cohort(tmp_path, unknown)
    with pytest.raises(InputDataError) as info:
        ingest_cohort(files, tmp_path / "refused", INGEST)
    assert "2 edge(s) of ambiguous sign" in info.value.problem and DROP in info.value.fix
    with pytest.raises(InputDataError) as info:
        ingest_cohort(files, tmp_path / "ingest", replace(INGEST, ambiguous_signs="drop"))
    assert "no edge of known sign: all 2 edge(s) were dropped as ambiguous" in info.value.problem
    assert DROP not in info.value.fix and "the network must be signed" in info.value.fix
    assert not (tmp_path / "ingest").exists()


def test_ingest_reads_a_published_layout_as_the_standard_network(tmp_path):
    manifest = ingest_cohort(_cohort(tmp_path, CORPUS / "dorothea_decoupler.tsv"), tmp_path / "ingest", INGEST)
    assert manifest["report"]["network"]["edges"] == 6
    assert _ingested_edges(tmp_path / "ingest") == _edges(
        STANDARD.nodes, STANDARD.source, STANDARD.target, STANDARD.sign
    )


def test_corpus_readme_names_every_file():
    readme = (CORPUS / "README.md").read_text()
    files = sorted(p.name for p in CORPUS.iterdir() if p.name != "README.md")
    assert files and all(f"`{name}`" in readme for name in files), files
