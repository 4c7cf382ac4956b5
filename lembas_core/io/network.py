"""The signed TF -> gene prior network: validation and a compact edge-list form.

Input columns (upstream format): `TF` (source), `Gene` (target), `Interaction` (the sign: 1 activation,
-1 inhibition). Nodes are the sorted union of TF and Gene names, as in the upstream `parse_network`; edges
are kept as integer index arrays into that node list.

Sign vocabularies of the Interaction column (any letter case, surrounding space ignored):
- numbers: 1 and -1 (also +1, 1.0, -1.0), the upstream format; any other nonzero number is a weight, read
  by its sign and logged once with an example: decoupler's DoRothEA `weight` and decoupleR's DoRothEA
  `mor` (the mode of regulation divided by the confidence level: 0.5, -0.333...); CollecTRI's `weight`
  (decoupler) or `mor` (decoupleR) and the dorothea R package's `mor` are 1 / -1;
- the symbols `+` and `-`;
- words: activation, activator, activating, stimulation, induction, positive, up -> +1; repression,
  repressor, inhibition, inhibitor, negative, down -> -1. TRRUST writes Activation / Repression, OmniPath
  names its flags is_stimulation / is_inhibition; the rest are the same two meanings in their usual
  noun, adjective and direction forms. Verb forms (`activates`, `inhibits`) and anything else are not guessed: the
  file is refused, naming the values and their lines;
- ambiguous (an edge of unknown sign): unknown (TRRUST), dual, both, 0, `?`, and an empty cell, NA, NaN,
  null. The `ambiguous_signs` policy stops the run naming them (error) or drops those edges with a
  warning, counted in `report["ambiguous_signs_dropped"]` (drop).
  The policy is `data.ambiguous_signs` (error | drop) of the config.

Published layouts read (an INFO log line names the layout; other columns are ignored, logged):
- CollecTRI and DoRothEA as decoupler (Python) returns them: `source, target, weight` (CollecTRI, with
  `PMID` from decoupler 1.x `get_collectri` or `resources, references` from decoupler 2.x `op.collectri`)
  and `source, confidence, target, weight` (DoRothEA); as decoupleR (R) returns them: `source, target,
  mor` and `source, confidence, target, mor`; the dorothea R package's `dorothea_hs` / `dorothea_mm`:
  `tf, confidence, target, mor`. When TF, Gene or Interaction is missing and exactly one known alias
  (`ALIASES`) stands for it, that column is read as it; a role with two candidate columns (`mor` and
  `weight`) or none is an error;
- TRRUST v2's raw data (`trrust_rawdata.human.tsv`): no header line, four tab-separated fields TF,
  target, mode (Activation / Repression / Unknown) and PMIDs. Line 1 holds an edge when no field is a
  known column name and its third field is a sign word: it is read as the first edge (line 1).
Refused with the diagnosis: RegNetwork's downloads (`human.source`: no header line, regulator symbol and
ID, target symbol and ID; its web export: `regulator_symbol, regulator_id, target_symbol, target_id`),
which hold no sign (the mode of regulation): the network must be signed.

Decisions (documented in docs/your-data.md):
- exact duplicate rows (same TF, Gene and sign) are collapsed to one edge and counted;
- the same TF -> Gene pair with both signs (TRRUST lists dual regulation as two rows) is ambiguous: an
  error, or under `ambiguous_signs: drop` the pair's rows are dropped, counted with the ambiguous edges
  (and the pairs in `report["both_signs_pairs_dropped"]`; upstream silently summed them to 0);
- self-loops (a node regulating itself) are legal in LEMBAS (a diagonal weight of W); the
  `self_loops` policy keeps them (default), drops them, or rejects the file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.tables import clean_names, read_table

LOG = logging.getLogger("lembas_core.io.network")

REQUIRED_COLUMNS = ("TF", "Gene", "Interaction")
SELF_LOOP_POLICIES = ("keep", "drop", "error")
AMBIGUOUS_SIGN_POLICIES = ("error", "drop")
# Column names other tools use (decoupler: source, target, weight or mor; dorothea: tf, target, mor), in
# any letter case: read as TF, Gene or Interaction when that column is missing and one alias stands for it.
ALIASES = {
    "source": "TF",
    "regulator": "TF",
    "tf_name": "TF",
    "source_genesymbol": "TF",
    "target": "Gene",
    "target_gene": "Gene",
    "gene_name": "Gene",
    "target_genesymbol": "Gene",
    "weight": "Interaction",
    "mor": "Interaction",
    "sign": "Interaction",
    "mode": "Interaction",
    "effect": "Interaction",
}
# The published layouts named in the log, by their columns (letter case ignored), most specific first.
LAYOUTS = (
    ("decoupler DoRothEA", {"source", "confidence", "target", "weight"}),
    ("decoupleR (R) DoRothEA", {"source", "confidence", "target", "mor"}),
    ("dorothea R package", {"tf", "confidence", "target", "mor"}),
    ("decoupler CollecTRI", {"source", "target", "weight"}),
    ("decoupleR (R) CollecTRI", {"source", "target", "mor"}),
)
SIGNED_RESOURCES = (
    "CollecTRI or DoRothEA (decoupler: source, target, weight) or TRRUST (trrust_rawdata: Activation / Repression)"
)

POSITIVE_WORDS = ("activation", "activator", "activating", "stimulation", "induction", "positive", "up")
NEGATIVE_WORDS = ("repression", "repressor", "inhibition", "inhibitor", "negative", "down")
AMBIGUOUS_WORDS = ("unknown", "dual", "both", "?")
_EMPTY = ("", "na", "nan", "n/a", "null")  # an empty cell: ambiguous too
_TRRUST_MODES = ("activation", "repression", "unknown")
_EDGE_WORDS = POSITIVE_WORDS + NEGATIVE_WORDS + AMBIGUOUS_WORDS[:-1]  # a header field that is a sign (not "?")
_WORDS = {**dict.fromkeys(POSITIVE_WORDS + ("+",), 1.0), **dict.fromkeys(NEGATIVE_WORDS + ("-",), -1.0)}
_WORDS.update(dict.fromkeys(AMBIGUOUS_WORDS + _EMPTY, 0.0))
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
VOCABULARY = (
    "1 or -1 (other nonzero numbers are read by their sign), + or -, or a word: "
    + ", ".join(POSITIVE_WORDS)
    + " (+1); "
    + ", ".join(NEGATIVE_WORDS)
    + " (-1); unknown, dual, both, 0, ? or an empty cell mark an edge of unknown sign"
)


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
    *,
    ambiguous_signs: str,
) -> Network:
    """Read and validate a network file; see the module docstring for the rules and `network_from_frame`
    for `rename` and `ambiguous_signs`."""
    names = ("TF", "Gene", *(alias for alias, role in ALIASES.items() if role in ("TF", "Gene")))
    frame = read_table(path, fmt, "network", string_columns=names)
    return network_from_frame(frame, path, self_loops, rename, ambiguous_signs=ambiguous_signs)


def _known_name(name: object) -> bool:
    """Whether `name` is a column name of a network layout (TF, Gene, Interaction or an alias)."""
    key = str(name).strip().casefold()
    return key in ALIASES or key in {c.casefold() for c in REQUIRED_COLUMNS}


def _regnetwork_error(path: str | Path, where: str | None = None) -> InputDataError:
    """The refusal of a RegNetwork download: it lists who regulates whom, not the sign."""
    return InputDataError(
        path,
        "network looks like a RegNetwork download (regulator and target symbols and IDs): it has no sign "
        "column, so no edge says whether the regulator activates or represses its target",
        "the network must be signed (1 activation, -1 inhibition per edge): use a signed TF-target resource, "
        f"{SIGNED_RESOURCES}, or add an Interaction column with each edge's sign",
        where=where,
    )


def _header_as_edge(frame: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """`frame` read from a file without a header line (TRRUST's raw data), its column names being the first
    edge: rebuilt with that edge as row 0 (line 1) and columns TF, Gene, Interaction (then PMIDs, TRRUST's
    fourth field, or `column 4`, ...).
    A RegNetwork `human.source` file (no header: symbol, ID, symbol, ID) is refused; other frames are
    returned unchanged."""
    names = [str(c) for c in frame.columns]
    if len(names) < 3 or any(_known_name(n) for n in names):
        return frame
    third = names[2].strip().casefold()
    if third not in _EDGE_WORDS:
        digits = [n.strip().isdigit() for n in names]
        if digits == [False, True, False, True]:
            raise _regnetwork_error(path, where="line 1")
        return frame
    trrust = third in _TRRUST_MODES and len(names) == 4
    extra = ["PMIDs"] if trrust else [f"column {i}" for i in range(4, len(names) + 1)]
    columns = ["TF", "Gene", "Interaction", *extra]
    body = frame.astype(object)
    body.columns = columns
    rebuilt = pd.concat([pd.DataFrame([names], columns=columns, dtype=object), body], ignore_index=True)
    for column, kind in (("TF", "TF names"), ("Gene", "Gene names")):
        values = ["" if pd.isna(v) else str(v) for v in rebuilt[column]]
        rebuilt[column] = clean_names(values, Path(path), "network", kind)
    lines = frame.attrs.get("lines") or (lambda row: row + 2)
    rebuilt.attrs["lines"] = lambda row: 1 if row == 0 else lines(row - 1)
    layout = "TRRUST layout" if trrust else "columns in that order"
    LOG.info("network %s: no header line: read as TF, Gene, Interaction (%s)", path, layout)
    return rebuilt


def _layout(columns: list[str]) -> str:
    """The name of the published layout whose columns `columns` has (letter case ignored)."""
    keys = {str(c).strip().casefold() for c in columns}
    return next((name for name, needed in LAYOUTS if needed <= keys), "known column aliases")


def _named_columns(frame: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """`frame` with its TF, Gene and Interaction columns named so: whatever their letter case (`tf`, `GENE`),
    or read from the one known alias of a missing role (`source`, `target`, `weight`), logged with the layout.
    Refused when a role is missing or has two candidate columns, or the file is a RegNetwork export."""
    by_case = {str(c).casefold(): c for c in frame.columns}
    renamed = {by_case[c.casefold()]: c for c in REQUIRED_COLUMNS if c not in frame.columns and c.casefold() in by_case}
    present = set(frame.columns) | set(renamed.values())
    candidates = {
        role: [c for c in frame.columns if ALIASES.get(str(c).strip().casefold()) == role and c not in renamed]
        for role in REQUIRED_COLUMNS
        if role not in present
    }
    unresolved = [role for role, found in candidates.items() if len(found) != 1]
    if unresolved:
        raise _missing_columns_error(frame, path, candidates, unresolved)
    aliased = {found[0]: role for role, found in candidates.items()}
    if aliased:
        LOG.info(
            "network %s: %s layout: column(s) %s read as %s",
            path,
            _layout(list(frame.columns)),
            ", ".join(repr(c) for c in [*renamed, *aliased]),
            ", ".join([*renamed.values(), *aliased.values()]),
        )
    elif renamed:
        LOG.info("network %s: columns %s read as %s", path, list(renamed), list(renamed.values()))
    renamed.update(aliased)
    frame = frame.rename(columns=renamed) if renamed else frame
    extra = [c for c in frame.columns if c not in REQUIRED_COLUMNS]
    if extra:
        LOG.info("network %s: %d other column(s) ignored: %s", path, len(extra), preview(extra))
    return frame


def _missing_columns_error(
    frame: pd.DataFrame, path: str | Path, candidates: dict[str, list], unresolved: list[str]
) -> InputDataError:
    """The error for a network whose `unresolved` roles (TF, Gene, Interaction) have no column or two
    candidate columns (`candidates`: role -> aliases found)."""
    keys = {str(c).strip().casefold() for c in frame.columns}
    if "Interaction" in unresolved and not candidates["Interaction"] and {"regulator_symbol", "target_symbol"} <= keys:
        return _regnetwork_error(path)
    problem = f"network lacks column(s) {', '.join(unresolved)}; found {preview(frame.columns)}"
    fixes = []
    for role in unresolved:
        if len(candidates[role]) > 1:
            problem += f"; {' and '.join(repr(c) for c in candidates[role])} could each be the {role} column"
            fixes.append(f"rename the one that holds the {role} to {role}")
    if unresolved == ["Interaction"] and not candidates["Interaction"]:
        fixes.append(
            "the network must be signed: add an Interaction column (1 activation, -1 inhibition), or use a signed "
            f"resource, {SIGNED_RESOURCES}"
        )
    fixes.append("the network needs the columns TF, Gene, Interaction (any letter case), one edge per row")
    return InputDataError(path, problem, "; ".join(fixes))


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


def _text(value: object) -> str:
    """An Interaction cell as text ('' for an empty cell)."""
    return "" if pd.isna(value) else str(value)


def _sign_of(key: str) -> tuple[float, bool]:
    """(sign, is_weight) of one Interaction value (`key`: stripped, case-folded text): +1 or -1; 0 for an
    ambiguous one; NaN for one that is no sign. `is_weight`: a nonzero number other than 1 and -1."""
    if key in _WORDS:
        return _WORDS[key], False
    if _NUMBER.fullmatch(key):
        number = float(key)
        if np.isfinite(number):
            return float(np.sign(number)), abs(number) not in (0.0, 1.0)
    return np.nan, False


def _examples(rows: np.ndarray, raw: pd.Series, line: Callable[[int], int]) -> str:
    """'line 3: 'Unknown', ...' for the first five of `rows` (positions in `raw`)."""
    return ", ".join(f"line {line(int(i))}: {_text(raw.iloc[i])!r}" for i in rows[:5])


def _signs(raw: pd.Series, path: str | Path, line: Callable[[int], int]) -> np.ndarray:
    """The Interaction column as float64 signs (shape (rows,)): +1, -1, or 0 for an ambiguous value (unknown,
    dual, 0, empty); refused when a value is none of the vocabularies (module docstring)."""
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object))  # an empty cell (None, NaN) gets code -1
    keys = np.array([_text(u).strip().casefold() for u in uniques] + [""], dtype=object)  # [-1]: the empty cell
    parsed = [_sign_of(key) for key in keys]
    values = np.array([sign for sign, _ in parsed], dtype=np.float64)[codes]
    bad = np.flatnonzero(np.isnan(values))
    if bad.size:
        first = bad[~pd.Series(keys[codes[bad]]).duplicated().to_numpy()]  # one row per distinct value
        more = f" and {first.size - 5} more distinct value(s)" if first.size > 5 else ""
        raise InputDataError(
            path,
            f"network has {bad.size} Interaction value(s) that name no sign ({_examples(first, raw, line)}{more})",
            f"write each edge's sign as {VOCABULARY}",
            where=f"line {line(int(bad[0]))}, column 'Interaction'",
        )
    weights = np.flatnonzero(np.array([weight for _, weight in parsed], dtype=bool)[codes])
    if weights.size and weights.size == values.size and not (values < 0).any():
        raise InputDataError(
            path,
            f"network's Interaction holds only positive weights other than 1 "
            f"(e.g. {_examples(weights[:2], raw, line)}): they look like confidences or scores, not signs, and "
            "would make every edge an activation",
            f"give each edge its sign (mode of regulation) as {VOCABULARY}; a weight is read by its sign",
            where="column 'Interaction'",
        )
    if weights.size:
        LOG.info(
            "network %s: %d Interaction value(s) are weights, not 1 / -1 (e.g. %s): read by their sign",
            path,
            weights.size,
            _examples(weights[:1], raw, line),
        )
    words = sorted({key: sign for key, (sign, _) in zip(keys, parsed) if sign and key.isalpha()}.items())
    if words:
        LOG.info(
            "network %s: Interaction words read as signs: %s",
            path,
            ", ".join(f"{key!r} -> {int(sign):+d}" for key, sign in words[:8]),
        )
    return values


def _drop_ambiguous(
    edges: pd.DataFrame, raw: pd.Series, path: str | Path, line: Callable[[int], int], policy: str, report: dict
) -> pd.DataFrame:
    """`edges` without its edges of ambiguous sign (0) under `policy` (error | drop), counted in `report`."""
    ambiguous = np.flatnonzero((edges.sign == 0).to_numpy())
    if not ambiguous.size:
        return edges
    if policy == "error":
        raise InputDataError(
            path,
            f"network has {ambiguous.size} edge(s) of ambiguous sign (unknown, dual, both, 0, ? or empty): "
            f"{_examples(ambiguous, raw, line)}",
            "give each a sign (1 or -1), or set data.ambiguous_signs: drop to drop these edges (counted in a warning)",
            where=f"line {line(int(ambiguous[0]))}, column 'Interaction'",
        )
    LOG.warning(
        "network %s: %d edge(s) of ambiguous sign dropped (data.ambiguous_signs: drop), e.g. %s",
        path,
        ambiguous.size,
        _examples(ambiguous, raw, line),
    )
    report["ambiguous_signs_dropped"] += int(ambiguous.size)
    return edges[edges.sign != 0]


def _conflicting_signs(
    edges: pd.DataFrame, path: str | Path, line: Callable[[int], int], policy: str, report: dict
) -> pd.DataFrame:
    """`edges` without the TF -> Gene pairs listed with both signs: refused (naming the first pair's lines)
    under `policy` error, dropped (counted in `report`) under drop."""
    pair_dup = edges.duplicated(subset=["TF", "Gene"], keep=False)
    if not pair_dup.any():
        return edges
    signs = edges[pair_dup].groupby(["TF", "Gene"], sort=False)["sign"].nunique()
    conflicting = signs[signs > 1]
    if not len(conflicting):
        return edges
    tf_name, gene_name = conflicting.index[0]
    lines = [line(int(i)) for i in edges.index[(edges.TF == tf_name) & (edges.Gene == gene_name)]]
    example = f"{tf_name} -> {gene_name} at lines {lines}"
    if policy == "error":
        raise InputDataError(
            path,
            f"network lists {len(conflicting)} TF -> Gene pair(s) with both signs, e.g. {example}",
            "keep one sign per pair (the upstream code summed them to 0, silently removing the edge), or set "
            "data.ambiguous_signs: drop to drop these pairs (counted in a warning)",
        )
    in_conflict = pd.MultiIndex.from_frame(edges[["TF", "Gene"]]).isin(conflicting.index)
    LOG.warning(
        "network %s: %d TF -> Gene pair(s) listed with both signs dropped (%d rows; data.ambiguous_signs: drop), "
        "e.g. %s",
        path,
        len(conflicting),
        int(in_conflict.sum()),
        example,
    )
    report["ambiguous_signs_dropped"] += int(in_conflict.sum())
    report["both_signs_pairs_dropped"] = len(conflicting)
    return edges[~in_conflict]


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
    *,
    ambiguous_signs: str,
) -> Network:
    """Validate a network DataFrame with columns TF, Gene, Interaction (in any letter case, or a published
    layout's: module docstring).

    `rename` respells every TF and Gene name before the checks (e.g. case-insensitive matching);
    `ambiguous_signs` (error | drop) is the policy for edges whose sign is unknown, dual or 0 and for pairs
    listed with both signs.
    """
    if self_loops not in SELF_LOOP_POLICIES:
        raise ValueError(f"self_loops must be one of {SELF_LOOP_POLICIES}, got {self_loops!r}")
    if ambiguous_signs not in AMBIGUOUS_SIGN_POLICIES:
        raise ValueError(f"ambiguous_signs must be one of {AMBIGUOUS_SIGN_POLICIES}, got {ambiguous_signs!r}")
    frame = _named_columns(_header_as_edge(frame, path), path)
    if len(frame) == 0:
        raise InputDataError(path, "network has a header but no edges", "export at least one TF -> Gene edge")
    line = frame.attrs.get("lines") or (lambda row: row + 2)  # a row's line in a text file (read_table)
    if rename is not None:
        frame = frame.assign(**{c: [rename(n) if isinstance(n, str) else n for n in frame[c]] for c in ("TF", "Gene")})
    tf = frame["TF"].astype("string")
    gene = frame["Gene"].astype("string")
    _check_names({"TF": tf, "Gene": gene}, path, line)
    raw = frame["Interaction"].reset_index(drop=True)
    values = _signs(raw, path, line)
    edges = pd.DataFrame(
        {"TF": tf.to_numpy(dtype=object), "Gene": gene.to_numpy(dtype=object), "sign": values.astype(np.int8)}
    )
    report: dict = {
        "rows": int(len(edges)),
        "ambiguous_sign_policy": ambiguous_signs,
        "ambiguous_signs_dropped": 0,
        "both_signs_pairs_dropped": 0,
    }
    edges = _drop_ambiguous(edges, raw, path, line, ambiguous_signs, report)
    edges = _conflicting_signs(edges, path, line, ambiguous_signs, report)
    if len(edges) == 0:
        raise InputDataError(
            path,
            f"network has no edge of known sign: all {report['rows']} edge(s) were dropped as ambiguous "
            "(data.ambiguous_signs: drop)",
            "the network must be signed: give the edges a sign (1 or -1), or use a signed resource, "
            + SIGNED_RESOURCES,
        )
    edges = _collapse_duplicates(edges, path, report)
    edges = _apply_self_loop_policy(edges, path, self_loops, report)
    return _indexed(edges, report)
