"""Do the four input files name the same genes the same way? Cross-file identifier checks of ingest.

Each check stops the run with a diagnosis when the names do not fit together: a matrix given
transposed, network regulators that are not TF columns (other identifier types, letter case, version
suffixes, Excel dates, swapped files, a reversed network), gene columns that are not network nodes, a
validation cohort with other identifiers, gene names that Excel turned into dates (`data.excel_dates`).
`data.match_case: false` respells names case-insensitively.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lembas_core.data.decorations import find_decoration
from lembas_core.data.identifiers import (
    CaseInsensitiveNames,
    case_only_differences,
    excel_date_symbols,
    identifier_kind,
    is_excel_date,
    mismatch_hint,
    restore_excel_date,
)
from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.network import Network
from lembas_core.io.tables import LabeledMatrix

LOG = logging.getLogger("lembas_core.data.name_checks")


def check_orientation(matrix: LabeledMatrix, label: str, nodes: set[str]) -> None:
    """Refuse a matrix that holds genes in rows and samples in columns (the network's genes as row IDs)."""
    folded = {n.casefold() for n in nodes}
    rows = sum(r.casefold() in folded for r in matrix.rows) / len(matrix.rows)
    columns = sum(c.casefold() in folded for c in matrix.columns) / len(matrix.columns)
    if rows >= 0.5 and rows > columns:
        raise InputDataError(
            matrix.path,
            f"{label} looks transposed: {100 * rows:.0f}% of its row IDs are network genes "
            f"(e.g. {preview(matrix.rows, 3)}), {100 * columns:.0f}% of its column names "
            f"(e.g. {preview(matrix.columns, 3)})",
            "transpose it: one row per sample (sample ID first), one column per gene",
        )


class NameSide(NamedTuple):
    """One side of a name comparison: the files (roles) the names come from, what they are, where, and them."""

    roles: tuple[str, ...]
    label: str
    path: str | Path
    names: Sequence[str]


def refuse_decorated_names(
    first: NameSide, second: NameSide, names: str, also: Mapping[str, Sequence[str]] | None = None
) -> None:
    """Stop with the decoration and the setting that deletes it when two sides' names match once an affix
    is deleted from one side's. `names`: samples or genes (the data.strip_names key); `also`: other files'
    names of that kind (by role): the setting names each file most of whose names carry the affix too."""
    decoration = find_decoration(list(first.names), list(second.names))
    if decoration is None:
        return
    decorated, plain = (first, second) if decoration.decorated == 0 else (second, first)
    regex = re.compile(decoration.pattern)
    roles = list(decorated.roles) + [
        role
        for role, others in (also or {}).items()
        if role not in decorated.roles and sum(bool(regex.search(n)) for n in others) > len(others) / 2
    ]
    raise InputDataError(
        decorated.path,
        f"{decoration.describe(decorated.label, plain.label)} ({plain.path})"
        + (
            f"; the {', '.join(roles[len(decorated.roles) :])} file(s) carry it too"
            if len(roles) > len(decorated.roles)
            else ""
        ),
        f"set {decoration.setting(roles, names)} to delete it at ingest, or rename them in the file",
        where={"samples": "sample IDs", "genes": "gene names"}[names],
    )


def check_network_overlap(
    tf: LabeledMatrix, genes: LabeledMatrix, network: Network, network_path: str | Path, min_match: float
) -> dict:
    """Require the network's regulators among the TF columns and the gene columns among its nodes.

    Below `min_match` (fraction of network regulators found among the TF columns, or of gene columns
    found among the network's nodes) the run stops, saying what each side looks like (symbols vs
    Ensembl/Entrez IDs, case, version suffixes, Excel dates), that the TF and gene files look swapped, or
    that the network's TF and Gene columns do.
    """
    regulators = network.source_names()
    nodes = set(network.nodes)
    present = [c for c in tf.columns if c in regulators]
    regulator_share = len(present) / max(len(regulators), 1)
    target_share = sum(g in nodes for g in genes.columns) / max(len(genes.columns), 1)
    swapped_share = sum(g in regulators for g in genes.columns) / max(len(regulators), 1)
    fix = "use the same gene identifiers in the network and the matrices"
    n_targets = int(np.unique(network.target).size)
    if regulator_share < min_match:
        refuse_decorated_names(
            NameSide(("network",), "the network's TF names", network_path, sorted(regulators)),
            NameSide(("tf_expression",), "the TF matrix's column names", tf.path, tf.columns),
            "genes",
            also={"gene_expression": genes.columns, "network": sorted(nodes)},
        )
    if regulator_share < min_match and swapped_share >= min_match and swapped_share > regulator_share:
        if len(regulators) > n_targets:  # a prior network has few regulators and many targets, not the reverse
            raise InputDataError(
                network_path,
                f"the network's TF and Gene columns look reversed: its {len(regulators)} regulators (TF column) "
                f"outnumber its {n_targets} targets, and {100 * swapped_share:.0f}% of them are columns of the gene "
                f"matrix {genes.path}, {100 * regulator_share:.0f}% of the TF matrix {tf.path}",
                "put the regulators in the TF column and their targets in the Gene column",
            )
        raise InputDataError(
            None,
            f"the TF and gene files look swapped: {100 * swapped_share:.0f}% of the network's regulators are "
            f"columns of the gene matrix {genes.path}, {100 * regulator_share:.0f}% of the TF matrix {tf.path}",
            "exchange data.files.tf_expression and data.files.gene_expression",
            where="data.files",
        )
    targets = sorted({network.nodes[i] for i in set(network.target.tolist())})
    if regulator_share < min_match:
        odd = _odd_one_out(("the network's TF column", regulators), ("the TF matrix", tf.columns), genes.columns)
        if odd == "the TF matrix":
            raise _odd_identifiers(tf.path, "the TF matrix", tf.columns, network_path, regulators, genes.path)
        hint = mismatch_hint(sorted(regulators), tf.columns)
        raise InputDataError(
            network_path,
            f"{'none' if not present else f'only {len(present)}'} of the network's {len(regulators)} regulators "
            f"({100 * regulator_share:.0f}%; TF column, e.g. {preview(sorted(regulators), 3)}) "
            f"{'is a column' if not present else 'are columns'} of the TF matrix {tf.path} "
            f"(e.g. {preview(tf.columns, 3)}){': ' + hint if hint else ''}",
            fix,
        )
    if target_share < min_match:
        refuse_decorated_names(
            NameSide(("gene_expression",), "the gene matrix's column names", genes.path, genes.columns),
            NameSide(("network",), "the network's names", network_path, sorted(nodes)),
            "genes",
            also={"tf_expression": tf.columns},
        )
        odd = _odd_one_out(("the network's Gene column", targets), ("the gene matrix", genes.columns), tf.columns)
        if odd == "the network's Gene column":
            raise _odd_identifiers(network_path, odd, targets, genes.path, genes.columns, tf.path)
        hint = mismatch_hint(genes.columns, targets)
        raise InputDataError(
            genes.path,
            f"only {100 * target_share:.0f}% of the gene matrix's {len(genes.columns)} columns "
            f"(e.g. {preview(genes.columns, 3)}) are network nodes (e.g. {preview(sorted(nodes), 3)})"
            f"{': ' + hint if hint else ''}",
            fix,
        )
    return {
        "tf_columns": len(tf.columns),
        "tf_columns_that_are_network_regulators": len(present),
        "tf_columns_that_are_network_nodes": sum(c in nodes for c in tf.columns),
        "network_regulators_absent_from_tf_matrix": sorted(regulators - set(tf.columns)),
        "gene_columns_that_are_network_nodes": round(target_share, 6),
    }


def _odd_one_out(network: tuple[str, Iterable[str]], matrix: tuple[str, Iterable[str]], other: Iterable[str]) -> str:
    """Which of a network column and a matrix that fail to match holds the odd identifier type (symbols,
    Ensembl IDs, Entrez IDs, Excel dates): the one that differs from the other matrix's; '' when unclear."""
    kinds = {label: identifier_kind(names) for label, names in (network, matrix)}
    other_kind = identifier_kind(other)
    if kinds[network[0]] == kinds[matrix[0]]:
        return ""
    return next((label for label, kind in kinds.items() if kind != other_kind), "")


def _odd_identifiers(
    path: str | Path, label: str, names: Iterable[str], other_path: str | Path, other: Iterable[str], third: str | Path
) -> InputDataError:
    """The error for the file (`path`, `label`) whose identifiers differ from those of the two others."""
    names, other = (sorted(n) if isinstance(n, set) else list(n) for n in (names, other))
    kind, other_kind = identifier_kind(names), identifier_kind(other)
    return InputDataError(
        path,
        f"{label} holds {kind} (e.g. {preview(names, 3)}), while {other_path} and {third} hold {other_kind} "
        f"(e.g. {preview(other, 3)}): the names do not match",
        f"write {label} in {other_kind}, as the other files are (map the identifiers, e.g. with biomaRt or mygene)",
    )


EXCEL_DATE_POLICIES = ("error", "warn")


def check_excel_dates(
    tf: LabeledMatrix,
    genes: LabeledMatrix,
    validation: LabeledMatrix,
    network: Network,
    network_path: str | Path,
    policy: str,
) -> dict:
    """Find names that Excel turned into dates (`7-Sep` for SEPTIN7) in any of the four files; return them.

    A date-shaped name that the other files do not hold is looked up as the symbol it stood for among
    them (:func:`restore_excel_date`): a TF or gene column standing for a network node (a feature or a
    target), a network node standing for a TF or gene column, a validation column standing for a training
    column the models use. Such names would be silently dropped (or zero-filled): with `policy` error the
    run stops naming the file, the names and their symbols; with warn they are logged. Date-shaped names
    that stand for nothing in the other files are always logged as Excel damage.
    """
    if policy not in EXCEL_DATE_POLICIES:
        raise ValueError(f"data.excel_dates must be one of {EXCEL_DATE_POLICIES}, got {policy!r}")
    nodes = set(network.nodes)
    training = [*tf.columns, *genes.columns]
    used = [c for c in training if c in nodes]
    checks = (
        (tf.path, "the TF matrix", tf.columns, nodes, "features (TF columns that are network nodes)", "line 1"),
        (
            genes.path,
            "the gene matrix",
            genes.columns,
            nodes,
            "targets (gene columns that are network nodes)",
            "line 1",
        ),
        (str(network_path), "the network", network.nodes, set(training), "features or targets", None),
        (
            validation.path,
            "the validation cohort",
            validation.columns,
            set(used),
            "training columns the models use",
            "line 1",
        ),
    )
    report: dict = {}
    for path, label, names, reference, stands_for, where in checks:
        damaged = [n for n in names if n not in reference and is_excel_date(n)]
        if not damaged:
            continue
        restored = {n: restore_excel_date(n, reference) for n in damaged}
        report[label] = restored
        meant = {n: r for n, r in restored.items() if r}
        pairs = ", ".join(f"{n} -> {r}" for n, r in list(meant.items())[:5]) + (", ..." if len(meant) > 5 else "")
        outcome = "zero-filled" if label == "the validation cohort" else "dropped"
        fix = (
            "re-export the file with the gene names as text (Excel: import that column as Text; better, write it "
            f"from R or pandas directly), or map the names back ({pairs or _guess(damaged[0])})"
        )
        if meant and policy == "error":
            first = next(iter(meant))
            raise InputDataError(
                path,
                f"{label} has {len(damaged)} gene name(s) that Excel turned into dates ({preview(damaged, 3)}); "
                f"{len(meant)} of them stand for {stands_for} ({pairs}) and would be silently "
                f"{outcome} as spelled",
                f"{fix}; or set data.excel_dates: warn to go on without them (with a warning)",
                where=None if where is None else f"{where}, column {first!r}",
            )
        LOG.warning(
            "%s %s: %d name(s) look like gene symbols that Excel turned into dates (%s)%s; they match no name of "
            "the other files as spelled. How to fix: %s",
            label,
            path,
            len(damaged),
            preview(damaged),
            f", {len(meant)} standing for {stands_for} ({pairs}), {outcome} (data.excel_dates: warn)" if meant else "",
            fix,
        )
    return report


def _guess(name: str) -> str:
    """`name -> SYMBOL or SYMBOL` for an Excel date whose symbol no file holds."""
    return f"e.g. {name} -> {' or '.join(excel_date_symbols(name)[:2])}"


TRAINING_ROLES = ("tf_expression", "gene_expression", "network")  # files whose gene names must agree
MIN_SHARED_TARGETS = 10  # target genes a validation cohort must share with training to be scored at all


def check_validation_overlap(
    validation: LabeledMatrix, tf: LabeledMatrix, genes: LabeledMatrix, nodes: set[str], min_match: float
) -> dict:
    """Require the validation cohort to use the training identifiers; report coverage.

    A validation cohort measured on another platform shares only part of the genes, in the same
    identifiers: that is accepted with a warning naming the shared counts. The run stops when no TF or
    no target column is shared, or when little is shared (less than `min_match` of the training columns
    the models use, and of the validation columns) and either the names look like another identifier space
    (Ensembl or Entrez IDs, version suffixes, case-only differences, Excel dates, names with extra parts:
    :func:`mismatch_hint`) or fewer than MIN_SHARED_TARGETS target columns are shared.
    """
    available = set(validation.columns)
    training = set(tf.columns) | set(genes.columns)
    used = {role: [c for c in m.columns if c in nodes] or m.columns for role, m in (("tf", tf), ("gene", genes))}
    present = {role: [c for c in names if c in available] for role, names in used.items()}
    used_share = sum(map(len, present.values())) / sum(map(len, used.values()))
    known_share = len(available & training) / len(available)
    wanted = [c for names in used.values() for c in names]
    little = max(used_share, known_share) < min_match
    hint = mismatch_hint(wanted, validation.columns) if little or not all(present.values()) else ""
    counts = (
        f"{len(present['tf'])} of {len(used['tf'])} TF columns and {len(present['gene'])} of {len(used['gene'])} "
        f"gene columns the models use"
    )
    if not all(present.values()) or (little and (hint or len(present["gene"]) < MIN_SHARED_TARGETS)):
        training_paths = f"{tf.path}, {genes.path}"
        refuse_decorated_names(
            NameSide(("validation",), "the validation cohort's column names", validation.path, validation.columns),
            NameSide(TRAINING_ROLES, "the training matrices' and network's gene names", training_paths, wanted),
            "genes",
        )
        empty = [role for role in present if not present[role]]
        shared = f"no {empty[0]} column the models use" if empty else f"only {counts}"
        why = (
            f": {hint}"
            if hint
            else (f" (at least {MIN_SHARED_TARGETS} shared target genes are needed to score it)" if not empty else "")
        )
        fix = (
            "use the same gene identifiers in the validation cohort as in the training matrices"
            if hint
            else "supply a validation cohort that measures the TFs and target genes of the training data"
        )
        raise InputDataError(
            validation.path,
            f"the validation cohort shares {shared} (e.g. {preview(wanted, 3)}), and {100 * known_share:.0f}% of "
            f"its {len(available)} columns (e.g. {preview(validation.columns, 3)}) are training columns{why}",
            fix,
        )
    if little:
        LOG.warning(
            "VALIDATION COHORT: another gene panel in the same identifiers: it shares %s (%.0f%%), and %.0f%% of "
            "its %d columns are training columns; the others are aligned by preprocess.validation_missing",
            counts,
            100 * used_share,
            100 * known_share,
            len(available),
        )
    report = {
        "training_columns_used_in_validation": round(used_share, 6),
        "validation_columns_known_from_training": round(known_share, 6),
    }
    for role, matrix in (("tf", tf), ("gene", genes)):
        missing = [c for c in matrix.columns if c not in available]
        report[f"{role}_columns_present"] = len(matrix.columns) - len(missing)
        report[f"{role}_columns_missing"] = len(missing)
        report[f"{role}_fraction_missing"] = round(len(missing) / len(matrix.columns), 6)
        report[f"{role}_missing_names"] = missing
    report["validation_columns_unused"] = len(available - training)
    return report


def warn_case_only_differences(tf: LabeledMatrix, genes: LabeledMatrix, network: Network, validation: LabeledMatrix):
    """Log names that would match if letter case were ignored (data.match_case: false)."""
    training = [*tf.columns, *genes.columns]
    for what, wanted, available in (
        ("network regulators vs TF columns", sorted(network.source_names()), tf.columns),
        ("gene columns vs network nodes", genes.columns, network.nodes),
        ("training columns vs validation columns", training, validation.columns),
    ):
        pairs = case_only_differences(wanted, available)
        if pairs:
            LOG.warning(
                "%s: %d name(s) differ only in letter case (%s); set data.match_case: false to match them",
                what,
                len(pairs),
                preview(f"{a} vs {b}" for a, b in pairs[:3]),
            )


def match_names_ignoring_case(
    tf: LabeledMatrix, genes: LabeledMatrix, validation: LabeledMatrix
) -> CaseInsensitiveNames:
    """Respell the matrices' columns case-insensitively (training spellings win), and the gene matrix's sample
    IDs as the TF matrix spells them; return the speller for the network's names."""
    names = CaseInsensitiveNames(tf.columns, genes.columns)
    for matrix, label in ((tf, "the TF matrix"), (genes, "the gene matrix"), (validation, "the validation cohort")):
        respelled = names.respell(matrix.columns, matrix.path, label)
        changed = sum(a != b for a, b in zip(matrix.columns, respelled))
        if changed:
            LOG.warning(
                "%s: %d column name(s) respelled to the training case (data.match_case: false)", matrix.path, changed
            )
        matrix.columns = respelled
    samples = CaseInsensitiveNames(tf.rows)
    respelled = samples.respell(genes.rows, genes.path, "the gene matrix's sample IDs")
    if respelled != genes.rows:
        LOG.warning("%s: sample IDs respelled to the TF matrix's case (data.match_case: false)", genes.path)
        genes.rows = respelled
    return names
