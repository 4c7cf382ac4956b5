"""Ingest: validate the four cohort files once and convert them to a binary store.

Checks across files (each failure names the files and a fix):
- the TF and target-gene matrices hold the same sample IDs; rows are aligned by ID (the gene
  matrix is reordered to the TF matrix's order when they differ, and the log says so);
- enough network regulators (`TF` column) are TF-matrix columns, enough gene columns network nodes,
  and enough of both validation columns (`data.min_name_match`), with a diagnosis of the identifiers;
- no validation sample is a training sample (`data.validation_overlap`);
- every expression matrix is log-scale after its `data.transform` (lembas_core.data.scale), the
  validation cohort on the training scale.
`data.match_case: false` matches names case-insensitively (spelled as in the training matrices).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lembas_core.data.identifiers import CaseInsensitiveNames, case_only_differences, mismatch_hint
from lembas_core.data.scale import apply_transform, check_log_scale, check_validation_scale, transforms_by_role
from lembas_core.io.atomic import atomic_directory
from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.network import Network, read_network
from lembas_core.io.store import StoreWriter, sha256_file
from lembas_core.io.tables import FORMATS, LabeledMatrix, read_matrix
from lembas_core.workflow.layout import format_from_extension

LOG = logging.getLogger("lembas_core.data.ingest")


OVERLAP_POLICIES = ("error", "drop")
MIN_SHARED_FOR_IDENTITY = 5  # fewer shared columns: equal rows could be chance (e.g. zeros), not a copy


@dataclass
class CohortFiles:
    """Paths of the four input files and their format (`auto` infers it from each extension)."""

    tf_expression: str | Path
    gene_expression: str | Path
    network: str | Path
    validation: str | Path
    format: str = "auto"

    def format_of(self, path: str | Path) -> str:
        """Table format of `path`: the configured one, or inferred from its extension."""
        if Path(path).is_dir():
            raise InputDataError(path, "is a folder, not a file", "point the config at the table inside it")
        if self.format != "auto":
            return self.format
        fmt = format_from_extension(path)
        if fmt is None:
            raise InputDataError(
                path,
                f"cannot infer the table format from the extension {Path(path).suffix.lower()!r}",
                f"set data.files.format to one of {', '.join(FORMATS)}",
            )
        return fmt


def align_samples(tf: LabeledMatrix, genes: LabeledMatrix) -> tuple[LabeledMatrix, dict]:
    """Return the gene matrix with rows in the TF matrix's sample order, plus a report."""
    if tf.rows == genes.rows:
        return genes, {"status": "identical order", "samples": len(tf.rows)}
    tf_ids, gene_ids = set(tf.rows), set(genes.rows)
    if tf_ids != gene_ids:
        only_tf, only_gene = sorted(tf_ids - gene_ids), sorted(gene_ids - tf_ids)
        raise InputDataError(
            None,
            f"the TF matrix ({tf.path}) and the gene matrix ({genes.path}) hold different samples: "
            f"{len(only_tf)} only in the TF matrix ({preview(only_tf)}), "
            f"{len(only_gene)} only in the gene matrix ({preview(only_gene)})",
            "export both matrices for the same samples (same IDs in the first column)",
            where="sample IDs",
        )
    position = {sample: i for i, sample in enumerate(genes.rows)}
    order = np.fromiter((position[s] for s in tf.rows), dtype=np.int64, count=len(tf.rows))
    LOG.warning("gene matrix rows were in a different order than the TF matrix; reordered by sample ID")
    aligned = LabeledMatrix(np.ascontiguousarray(genes.values[order]), list(tf.rows), genes.columns, genes.path)
    return aligned, {"status": "reordered gene matrix rows to the TF matrix order", "samples": len(tf.rows)}


def check_network_overlap(
    tf: LabeledMatrix, genes: LabeledMatrix, network: Network, network_path: str | Path, min_match: float = 0.5
) -> dict:
    """Require the network's regulators among the TF columns and the gene columns among its nodes.

    Below `min_match` (fraction of network regulators found among the TF columns, or of gene columns
    found among the network's nodes) the run stops, saying what each side looks like (symbols vs
    Ensembl/Entrez IDs, case, version suffixes, Excel dates) or that the TF and gene files look swapped.
    """
    regulators = network.source_names()
    nodes = set(network.nodes)
    present = [c for c in tf.columns if c in regulators]
    regulator_share = len(present) / max(len(regulators), 1)
    target_share = sum(g in nodes for g in genes.columns) / max(len(genes.columns), 1)
    swapped_share = sum(g in regulators for g in genes.columns) / max(len(regulators), 1)
    fix = "use the same gene identifiers in the network and the matrices; data.min_name_match sets this threshold"
    if regulator_share < min_match and swapped_share >= min_match and swapped_share > regulator_share:
        raise InputDataError(
            None,
            f"the TF and gene files look swapped: {100 * swapped_share:.0f}% of the network's regulators are "
            f"columns of the gene matrix {genes.path}, {100 * regulator_share:.0f}% of the TF matrix {tf.path}",
            "exchange data.files.tf_expression and data.files.gene_expression",
            where="data.files",
        )
    if regulator_share < min_match:
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
        hint = mismatch_hint(genes.columns, sorted({network.nodes[i] for i in set(network.target.tolist())}))
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


def check_validation_overlap(
    validation: LabeledMatrix, tf: LabeledMatrix, genes: LabeledMatrix, nodes: set[str], min_match: float = 0.5
) -> dict:
    """Require the validation cohort to use the training identifiers; report coverage.

    A validation cohort may lack many training genes (a smaller panel) or hold many more (a whole
    transcriptome), but not both: when less than `min_match` of the training columns the models use
    (TF and gene columns that are network nodes) are validation columns *and* less than `min_match` of
    the validation columns are training columns, or when no TF or no gene column is shared, the run
    stops with a diagnosis of the identifiers (as for the network).
    """
    available = set(validation.columns)
    training = set(tf.columns) | set(genes.columns)
    used = {role: [c for c in m.columns if c in nodes] or m.columns for role, m in (("tf", tf), ("gene", genes))}
    present = {role: [c for c in names if c in available] for role, names in used.items()}
    used_share = sum(map(len, present.values())) / sum(map(len, used.values()))
    known_share = len(available & training) / len(available)
    empty = [role for role in present if not present[role]]
    if empty or max(used_share, known_share) < min_match:
        wanted = [c for names in used.values() for c in names]
        hint = mismatch_hint(wanted, validation.columns)
        shared = f"no {empty[0]} column" if empty else f"only {100 * used_share:.0f}% of the training columns"
        raise InputDataError(
            validation.path,
            f"the validation cohort shares {shared} the models use (e.g. {preview(wanted, 3)}), and "
            f"{100 * known_share:.0f}% of its {len(available)} columns (e.g. {preview(validation.columns, 3)}) are "
            f"training columns{': ' + hint if hint else ''}",
            "use the same gene identifiers in the validation cohort as in the training matrices; "
            "data.min_name_match sets this threshold",
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


def check_validation_leakage(
    validation: LabeledMatrix, tf: LabeledMatrix, genes: LabeledMatrix, policy: str
) -> tuple[LabeledMatrix, dict]:
    """Validation samples that are training samples, by sample ID or by identical values on the shared
    columns (e.g. the training file given as the validation cohort): `policy` error stops, drop removes them."""
    if policy not in OVERLAP_POLICIES:
        raise ValueError(f"validation_overlap must be one of {OVERLAP_POLICIES}, got {policy!r}")
    training_ids = set(tf.rows)
    by_id = [i for i, sample in enumerate(validation.rows) if sample in training_ids]
    position = {c: j for j, c in enumerate(validation.columns)}
    shared = [(matrix, j, c) for matrix in (tf, genes) for j, c in enumerate(matrix.columns) if c in position]
    training = np.column_stack([matrix.values[:, j] for matrix, j, _ in shared]) if shared else np.empty((0, 0))
    held = np.ascontiguousarray(validation.values[:, [position[c] for _, _, c in shared]])
    seen = (
        {row.tobytes() for row in np.ascontiguousarray(training)} if len(shared) >= MIN_SHARED_FOR_IDENTITY else set()
    )
    same_id = set(by_id)
    by_value = [i for i, row in enumerate(held) if i not in same_id and row.tobytes() in seen]
    leaked = sorted(by_id + by_value)
    report = {"policy": policy, "same_sample_id": len(by_id), "identical_values": len(by_value), "dropped": 0}
    if not leaked:
        return validation, report
    names = [validation.rows[i] for i in leaked]
    problem = (
        f"{len(leaked)} of {len(validation.rows)} validation samples are training samples "
        f"({len(by_id)} by sample ID, {len(by_value)} with identical values on the {len(shared)} shared columns): "
        f"{preview(names)}; scores on them would measure memory, not generalisation"
    )
    if policy == "error" or len(leaked) == len(validation.rows):
        raise InputDataError(
            validation.path,
            problem,
            "give an external cohort as data.files.validation, or set data.validation_overlap: drop",
        )
    LOG.warning("VALIDATION COHORT: %s; dropped (data.validation_overlap: drop)", problem)
    keep = np.setdiff1d(np.arange(len(validation.rows)), leaked)
    kept = LabeledMatrix(
        np.ascontiguousarray(validation.values[keep]),
        [validation.rows[i] for i in keep],
        validation.columns,
        validation.path,
    )
    return kept, {**report, "dropped": len(leaked), "dropped_samples": names}


ROLE_LABELS = {
    "tf_expression": "TF expression matrix",
    "gene_expression": "gene expression matrix",
    "validation": "validation cohort",
}


def read_expression(files: CohortFiles, role: str, transform: str) -> tuple[LabeledMatrix, dict]:
    """Read one expression matrix, apply its transform and check its scale; return it with the scale report."""
    path = getattr(files, role)
    matrix = read_matrix(path, files.format_of(path), ROLE_LABELS[role])
    LOG.info("%s %s: %d samples x %d columns", ROLE_LABELS[role], path, *matrix.shape)
    apply_transform(matrix, role, ROLE_LABELS[role], transform)
    return matrix, check_log_scale(matrix, role, ROLE_LABELS[role], transform)


def match_names_ignoring_case(
    tf: LabeledMatrix, genes: LabeledMatrix, validation: LabeledMatrix
) -> CaseInsensitiveNames:
    """Respell the matrices' columns case-insensitively (training spellings win); return the speller
    for the network's names."""
    names = CaseInsensitiveNames(tf.columns, genes.columns)
    for matrix in (tf, genes, validation):
        respelled = names.respell(matrix.columns, matrix.path, "the matrix")
        changed = sum(a != b for a, b in zip(matrix.columns, respelled))
        if changed:
            LOG.warning(
                "%s: %d column name(s) respelled to the training case (data.match_case: false)", matrix.path, changed
            )
        matrix.columns = respelled
    return names


def ingest_cohort(
    files: CohortFiles,
    out_dir: str | Path,
    self_loops: str,
    validation_overlap: str = "error",
    min_name_match: float = 0.5,
    transform: str | Mapping[str, str] = "none",
    match_case: bool = True,
) -> dict:
    """Validate the cohort files and write the binary store to `out_dir` (atomically).

    `validation_overlap` (error | drop) is the policy for validation samples that are training samples;
    `min_name_match` the share of network regulators, gene columns and validation columns that must
    match (identifiers); `transform` (none | log2p1 | log10p1, or one per matrix role) is applied to the
    expression values once; `match_case: False` matches names case-insensitively.
    """
    transforms = transforms_by_role(transform)
    tf, tf_scale = read_expression(files, "tf_expression", transforms["tf_expression"])
    genes, gene_scale = read_expression(files, "gene_expression", transforms["gene_expression"])
    validation, validation_scale = read_expression(files, "validation", transforms["validation"])
    rename = None if match_case else match_names_ignoring_case(tf, genes, validation)
    network = read_network(files.network, files.format_of(files.network), self_loops, rename)
    LOG.info(
        "network %s: %d edges, %d nodes, %d regulators",
        files.network,
        network.n_edges,
        len(network.nodes),
        network.report["regulators"],
    )

    genes, sample_report = align_samples(tf, genes)
    network_report = check_network_overlap(tf, genes, network, files.network, min_name_match)
    validation_report = check_validation_overlap(validation, tf, genes, set(network.nodes), min_name_match)
    if match_case:
        warn_case_only_differences(tf, genes, network, validation)
    validation, validation_report["leakage"] = check_validation_leakage(validation, tf, genes, validation_overlap)
    validation_report["scale"] = check_validation_scale(validation, [tf, genes], transforms)
    for role in ("tf", "gene"):
        LOG.log(
            logging.WARNING if validation_report[f"{role}_columns_missing"] else logging.INFO,
            "validation cohort: %d of %d %s columns missing (%.2f%%)",
            validation_report[f"{role}_columns_missing"],
            validation_report[f"{role}_columns_missing"] + validation_report[f"{role}_columns_present"],
            role,
            100 * validation_report[f"{role}_fraction_missing"],
        )

    sources = {
        role: {"path": str(path), "format": files.format_of(path), "sha256": sha256_file(path)}
        for role, path in (
            ("tf_expression", files.tf_expression),
            ("gene_expression", files.gene_expression),
            ("network", files.network),
            ("validation", files.validation),
        )
    }
    with atomic_directory(out_dir) as scratch:
        store = StoreWriter(scratch, kind="ingest")
        store.array("tf_expression", tf.values)
        store.name_list("samples", tf.rows)
        store.name_list("tf_columns", tf.columns)
        store.array("gene_expression", genes.values)
        store.name_list("gene_columns", genes.columns)
        store.array("validation", validation.values)
        store.name_list("validation_samples", validation.rows)
        store.name_list("validation_columns", validation.columns)
        store.name_list("network_nodes", network.nodes)
        store.array("network_source", network.source)
        store.array("network_target", network.target)
        store.array("network_sign", network.sign)
        manifest = store.finish(
            sources=sources,
            report={
                "samples": sample_report,
                "network": {**network.report, **network_report},
                "validation": validation_report,
                "scale": {"tf_expression": tf_scale, "gene_expression": gene_scale, "validation": validation_scale},
                "match_case": match_case,
            },
        )
    return manifest
