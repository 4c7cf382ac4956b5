"""The signed TF -> gene prior network: validation and a compact edge-list form.

Input columns (upstream format): `TF` (source), `Gene` (target), `Interaction` (1 activation,
-1 inhibition). Nodes are the sorted union of TF and Gene names, as in the upstream
`parse_network`; edges are kept as integer index arrays into that node list.

Decisions (documented in the README):
- exact duplicate rows (same TF, Gene and sign) are collapsed to one edge and counted;
- the same TF -> Gene pair with both signs is an error (upstream silently summed them to 0);
- self-loops (a node regulating itself) are legal in LEMBAS (a diagonal weight of W); the
  `self_loops` policy keeps them (default), drops them, or rejects the file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.tables import read_table

LOG = logging.getLogger("lembas_core.io.network")

REQUIRED_COLUMNS = ("TF", "Gene", "Interaction")
SELF_LOOP_POLICIES = ("keep", "drop", "error")
# Column names other tools use (DoRothEA / decoupler: source, target, mor): suggested, never guessed.
ALIASES = {
    "source": "TF",
    "regulator": "TF",
    "tf_name": "TF",
    "target": "Gene",
    "target_gene": "Gene",
    "gene_name": "Gene",
    "mor": "Interaction",
    "sign": "Interaction",
    "mode": "Interaction",
    "effect": "Interaction",
}


@dataclass
class Network:
    """Signed edges `source -> target` as indices into `nodes` (sorted, unique)."""

    nodes: list[str]
    source: np.ndarray  # int32, index into nodes
    target: np.ndarray  # int32
    sign: np.ndarray  # int8, +1 activation / -1 inhibition
    report: dict = field(default_factory=dict)

    @property
    def n_edges(self) -> int:
        """Number of signed edges."""
        return int(self.source.size)

    def source_names(self) -> set[str]:
        """Names of the regulators (nodes with at least one outgoing edge)."""
        return {self.nodes[i] for i in np.unique(self.source)}


def read_network(
    path: str | Path,
    fmt: str,
    self_loops: str,
    rename: Callable[[str], str] | None = None,
    ambiguous_signs: str = "error",
) -> Network:
    """Read and validate a network file; see the module docstring for the rules and `network_from_frame`
    for `rename` and `ambiguous_signs`."""
    frame = read_table(path, fmt, "network", string_columns=("TF", "Gene"))
    return network_from_frame(frame, path, self_loops, rename, ambiguous_signs)


def _standard_columns(frame: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """`frame` with its TF, Gene and Interaction columns named so whatever their letter case (`tf`, `GENE`)."""
    by_case = {str(c).casefold(): c for c in frame.columns}
    renamed = {by_case[c.casefold()]: c for c in REQUIRED_COLUMNS if c not in frame.columns and c.casefold() in by_case}
    if renamed:
        LOG.info("network %s: columns %s read as %s", path, list(renamed), list(renamed.values()))
    return frame.rename(columns=renamed) if renamed else frame


def _check_columns(frame: pd.DataFrame, path: str | Path) -> None:
    """Refuse a network without the TF, Gene and Interaction columns (suggesting renames of known aliases) or
    without rows."""
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        renames = [
            f"{c!r} to {ALIASES[str(c).casefold()]}" for c in frame.columns if ALIASES.get(str(c).casefold()) in missing
        ]
        raise InputDataError(
            path,
            f"network lacks column(s) {', '.join(missing)}; found {preview(frame.columns)}",
            (f"rename {', '.join(renames)}; " if renames else "")
            + "the network needs the columns TF, Gene, Interaction (any letter case), one edge per row",
        )
    if len(frame) == 0:
        raise InputDataError(path, "network has a header but no edges", "export at least one TF -> Gene edge")


def _check_names(names: dict[str, pd.Series], path: str | Path, line: Callable[[int], int]) -> None:
    """Refuse an empty TF or Gene name (`names`: the two columns as text; `line`: a row's line in the file)."""
    for name, col in names.items():
        blank = np.flatnonzero((col.isna() | (col.str.strip() == "")).to_numpy())
        if blank.size:
            raise InputDataError(
                path,
                f"network has {blank.size} empty {name} name(s)",
                "every edge needs a TF and a Gene name",
                where=f"line {line(int(blank[0]))}, column {name!r}",
            )


def _signs(raw: pd.Series, path: str | Path, line: Callable[[int], int]) -> np.ndarray:
    """The Interaction column as float64 (shape (rows,)), refused unless every value is 1 or -1."""
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isin(values, (1.0, -1.0)))
    if bad.size:
        examples = ", ".join(f"line {line(int(i))}: {str(raw.iloc[i])!r}" for i in bad[:5])
        raise InputDataError(
            path,
            f"network has {bad.size} Interaction value(s) outside {{1, -1}} ({examples})",
            "use 1 for activation and -1 for inhibition; drop edges of unknown sign",
            where="column 'Interaction'",
        )
    return values


def _refuse_conflicting_signs(edges: pd.DataFrame, path: str | Path, line: Callable[[int], int]) -> None:
    """Refuse a TF -> Gene pair listed with both signs, naming the first pair's lines."""
    pair_dup = edges.duplicated(subset=["TF", "Gene"], keep=False)
    if not pair_dup.any():
        return
    conflicting = edges[pair_dup].groupby(["TF", "Gene"], sort=False)["sign"].nunique()
    conflicting = conflicting[conflicting > 1]
    if len(conflicting):
        tf_name, gene_name = conflicting.index[0]
        lines = [line(int(i)) for i in edges.index[(edges.TF == tf_name) & (edges.Gene == gene_name)]]
        raise InputDataError(
            path,
            f"network lists {len(conflicting)} TF -> Gene pair(s) with both signs, "
            f"e.g. {tf_name} -> {gene_name} at lines {lines}",
            "keep one sign per pair (the upstream code summed them to 0, silently removing the edge)",
        )


def _collapse_duplicates(edges: pd.DataFrame, path: str | Path, report: dict) -> pd.DataFrame:
    """`edges` with exact duplicate rows (same TF, Gene and sign) collapsed to one, counted in `report`."""
    exact_dup = edges.duplicated(subset=["TF", "Gene", "sign"])
    report["duplicate_rows_collapsed"] = int(exact_dup.sum())
    if exact_dup.any():
        LOG.warning("network %s: %d duplicated edge row(s) collapsed", path, int(exact_dup.sum()))
        edges = edges[~exact_dup]
    return edges


def _apply_self_loop_policy(edges: pd.DataFrame, path: str | Path, self_loops: str, report: dict) -> pd.DataFrame:
    """`edges` under the `self_loops` policy (keep, drop or error), counted in `report`."""
    loops = (edges.TF == edges.Gene).to_numpy()
    report["self_loops"] = int(loops.sum())
    report["self_loop_policy"] = self_loops
    if loops.any():
        names = edges.TF[loops].tolist()
        if self_loops == "error":
            raise InputDataError(
                path,
                f"network has {loops.sum()} self-loop(s) (a node regulating itself): {preview(names)}",
                "remove them, or set data.self_loops to 'keep' (LEMBAS allows a diagonal weight) or 'drop'",
            )
        if self_loops == "drop":
            edges = edges[~loops]
            LOG.warning("network %s: %d self-loop(s) dropped", path, int(loops.sum()))
        else:
            LOG.info("network %s: %d self-loop(s) kept", path, int(loops.sum()))
    return edges


def _indexed(edges: pd.DataFrame, report: dict) -> Network:
    """The Network of checked `edges` (columns TF, Gene, sign): nodes sorted, edges as index arrays; the counts
    are added to `report`."""
    nodes = sorted(set(edges.TF) | set(edges.Gene))
    index = {name: i for i, name in enumerate(nodes)}
    source = np.fromiter((index[n] for n in edges.TF), dtype=np.int32, count=len(edges))
    target = np.fromiter((index[n] for n in edges.Gene), dtype=np.int32, count=len(edges))
    sign = edges.sign.to_numpy(dtype=np.int8)
    report.update(
        edges=int(len(edges)),
        nodes=len(nodes),
        regulators=int(np.unique(source).size),
        activating=int((sign == 1).sum()),
        inhibiting=int((sign == -1).sum()),
    )
    return Network(nodes, source, target, sign, report)


def network_from_frame(
    frame: pd.DataFrame,
    path: str | Path,
    self_loops: str,
    rename: Callable[[str], str] | None = None,
    ambiguous_signs: str = "error",
) -> Network:
    """Validate a network DataFrame with columns TF, Gene, Interaction (in any letter case).

    `rename` respells every TF and Gene name before the checks (e.g. case-insensitive matching);
    `ambiguous_signs` (error | drop) is the policy for edges whose sign is unknown, dual or 0.
    """
    if self_loops not in SELF_LOOP_POLICIES:
        raise ValueError(f"self_loops must be one of {SELF_LOOP_POLICIES}, got {self_loops!r}")
    frame = _standard_columns(frame, path)
    _check_columns(frame, path)
    line = frame.attrs.get("lines") or (lambda row: row + 2)  # a row's line in a text file (read_table)
    if rename is not None:
        frame = frame.assign(**{c: [rename(n) if isinstance(n, str) else n for n in frame[c]] for c in ("TF", "Gene")})
    tf = frame["TF"].astype("string")
    gene = frame["Gene"].astype("string")
    _check_names({"TF": tf, "Gene": gene}, path, line)
    values = _signs(frame["Interaction"], path, line)
    edges = pd.DataFrame(
        {"TF": tf.to_numpy(dtype=object), "Gene": gene.to_numpy(dtype=object), "sign": values.astype(np.int8)}
    )
    report: dict = {"rows": int(len(edges))}
    _refuse_conflicting_signs(edges, path, line)
    edges = _collapse_duplicates(edges, path, report)
    edges = _apply_self_loop_policy(edges, path, self_loops, report)
    return _indexed(edges, report)
