"""Ingest: validate the four cohort files once and convert them to a binary store.

Checks across files (each failure names the files and a fix):
- the TF and target-gene matrices hold the same sample IDs; rows are aligned by ID (the gene
  matrix is reordered to the TF matrix's order when they differ, and the log says so);
- at least one network regulator (`TF` column) is a TF-matrix column;
- the validation cohort shares at least one column with the TF matrix and with the gene matrix.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lembas_core.io.atomic import atomic_directory
from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.network import Network, read_network
from lembas_core.io.store import StoreWriter, sha256_file
from lembas_core.io.tables import FORMATS, LabeledMatrix, read_matrix
from lembas_core.workflow.layout import format_from_extension

LOG = logging.getLogger("lembas_core.data.ingest")


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


def check_network_overlap(tf: LabeledMatrix, network: Network, network_path: str | Path) -> dict:
    """Require at least one network regulator among the TF columns; report the overlap."""
    regulators = network.source_names()
    columns = set(tf.columns)
    present = [c for c in tf.columns if c in regulators]
    if not present:
        raise InputDataError(
            network_path,
            f"none of the network's {len(regulators)} regulators (TF column, e.g. {preview(sorted(regulators), 3)}) "
            f"is a column of the TF matrix {tf.path} (e.g. {preview(tf.columns, 3)})",
            "use the same gene identifiers (symbols vs Ensembl IDs, case) in the network and the matrices",
        )
    nodes = set(network.nodes)
    return {
        "tf_columns": len(tf.columns),
        "tf_columns_that_are_network_regulators": len(present),
        "tf_columns_that_are_network_nodes": sum(c in nodes for c in tf.columns),
        "network_regulators_absent_from_tf_matrix": sorted(regulators - columns),
    }


def check_validation_overlap(validation: LabeledMatrix, tf: LabeledMatrix, genes: LabeledMatrix) -> dict:
    """Require the validation cohort to share TF and gene columns with training; report coverage."""
    available = set(validation.columns)
    report = {}
    for role, matrix in (("tf", tf), ("gene", genes)):
        present = [c for c in matrix.columns if c in available]
        if not present:
            lower = {c.lower() for c in available}
            hint = (
                " (names match when case is ignored: fix the case)"
                if any(c.lower() in lower for c in matrix.columns)
                else ""
            )
            raise InputDataError(
                validation.path,
                f"the validation cohort has no column in common with the {role} matrix {matrix.path}{hint}: "
                f"validation columns look like {preview(validation.columns, 3)}, "
                f"{role} columns like {preview(matrix.columns, 3)}",
                "use the same gene identifiers in the validation cohort as in the training matrices",
            )
        missing = [c for c in matrix.columns if c not in available]
        report[f"{role}_columns_present"] = len(present)
        report[f"{role}_columns_missing"] = len(missing)
        report[f"{role}_fraction_missing"] = round(len(missing) / len(matrix.columns), 6)
        report[f"{role}_missing_names"] = missing
    report["validation_columns_unused"] = len(available - set(tf.columns) - set(genes.columns))
    return report


def ingest_cohort(files: CohortFiles, out_dir: str | Path, self_loops: str) -> dict:
    """Validate the cohort files and write the binary store to `out_dir` (atomically)."""
    tf = read_matrix(files.tf_expression, files.format_of(files.tf_expression), "TF expression matrix")
    LOG.info("TF matrix %s: %d samples x %d columns", files.tf_expression, *tf.shape)
    genes = read_matrix(files.gene_expression, files.format_of(files.gene_expression), "gene expression matrix")
    LOG.info("gene matrix %s: %d samples x %d genes", files.gene_expression, *genes.shape)
    network = read_network(files.network, files.format_of(files.network), self_loops)
    LOG.info(
        "network %s: %d edges, %d nodes, %d regulators",
        files.network,
        network.n_edges,
        len(network.nodes),
        network.report["regulators"],
    )
    validation = read_matrix(files.validation, files.format_of(files.validation), "validation cohort")
    LOG.info("validation cohort %s: %d samples x %d columns", files.validation, *validation.shape)

    genes, sample_report = align_samples(tf, genes)
    network_report = check_network_overlap(tf, network, files.network)
    validation_report = check_validation_overlap(validation, tf, genes)
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
            },
        )
    return manifest
