"""Ingest: validate the four cohort files once and convert them to a binary store.

Checks across files (each failure names the files and a fix):
- the TF and target-gene matrices hold the same sample IDs; rows are aligned by ID (the gene
  matrix is reordered to the TF matrix's order when they differ, and the log says so);
- the identifiers fit together (lembas_core.data.name_checks): no transposed matrix, enough network
  regulators among the TF columns, gene columns among the network's nodes and training columns in the
  validation cohort (`data.min_name_match`), with a diagnosis when not;
- no gene name was turned into a date by Excel (`7-Sep` for SEPTIN7) where it stands for a feature,
  target or used validation column (`data.excel_dates`: error, or warn to drop them with a warning);
- no validation sample is a training sample (`data.validation_overlap`, lembas_core.data.leakage);
- every expression matrix is log-scale after its `data.transform`, per column (mixed scales, counts), and
  the validation cohort on the training scale and location (lembas_core.data.scale).
`data.match_case: false` matches names case-insensitively (spelled as in the training matrices, sample IDs
as in the TF matrix); `data.strip_names` deletes a decoration from one file's names (lembas_core.data.
decorations), whose errors name the setting; `data.ambiguous_signs` is the network reader's policy for edges
of unknown sign (lembas_core.io.network).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lembas_core.common.layout import FORMATS, format_from_extension
from lembas_core.common.settings import IngestSettings
from lembas_core.data.decorations import NameStripper, strip_names, strip_setting
from lembas_core.data.leakage import check_validation_leakage
from lembas_core.data.name_checks import (
    NameSide,
    check_excel_dates,
    check_network_overlap,
    check_orientation,
    check_validation_overlap,
    match_names_ignoring_case,
    refuse_decorated_names,
    warn_case_only_differences,
)
from lembas_core.data.scale import apply_transform, check_log_scale, check_validation_scale, transforms_by_role
from lembas_core.io.atomic import atomic_directory
from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.manifest import sha256_file
from lembas_core.io.network import Network, read_network
from lembas_core.io.store import StoreWriter
from lembas_core.io.tables import LabeledMatrix, read_matrix

LOG = logging.getLogger("lembas_core.data.ingest")


@dataclass
class CohortFiles:
    """Paths of the four input files and their format (`auto` infers it from each extension)."""

    tf_expression: str | Path
    gene_expression: str | Path
    network: str | Path
    validation: str | Path
    format: str  # auto | tsv | csv | parquet

    def format_of(self, path: str | Path) -> str:
        """Table format of `path`: the configured one, or inferred from its extension."""
        return table_format(path, self.format)


def table_format(path: str | Path, configured: str) -> str:
    """Table format of input file `path`: `configured` (data.files.format), or from the extension when auto."""
    if Path(path).is_dir():
        raise InputDataError(path, "is a folder, not a file", "point the config at the table inside it")
    if configured != "auto":
        return configured
    fmt = format_from_extension(path)
    if fmt is None:
        raise InputDataError(
            path,
            f"cannot infer the table format from the extension {Path(path).suffix.lower()!r}",
            f"rename the file to end in {', '.join('.' + f for f in FORMATS)} (whichever it holds; text may add "
            ".gz, .bz2 or .zst)",
        )
    return fmt


def align_samples(tf: LabeledMatrix, genes: LabeledMatrix) -> tuple[LabeledMatrix, dict]:
    """Return the gene matrix with rows in the TF matrix's sample order, plus a report."""
    if tf.rows == genes.rows:
        return genes, {"status": "identical order", "samples": len(tf.rows)}
    tf_ids, gene_ids = set(tf.rows), set(genes.rows)
    if tf_ids != gene_ids:
        refuse_decorated_names(
            NameSide(("tf_expression",), "the TF matrix's sample IDs", tf.path, tf.rows),
            NameSide(("gene_expression",), "the gene matrix's sample IDs", genes.path, genes.rows),
            "samples",
        )
        only_tf, only_gene = sorted(tf_ids - gene_ids), sorted(gene_ids - tf_ids)
        by_case = {i.casefold() for i in tf_ids} == {i.casefold() for i in gene_ids}
        raise InputDataError(
            None,
            f"the TF matrix ({tf.path}) and the gene matrix ({genes.path}) hold different samples: "
            f"{len(only_tf)} only in the TF matrix ({preview(only_tf)}), "
            f"{len(only_gene)} only in the gene matrix ({preview(only_gene)})"
            f"{': the IDs differ only in letter case' if by_case else ''}",
            "set data.match_case: false to match them whatever their case"
            if by_case
            else "export both matrices for the same samples (same IDs in the first column)",
            where="sample IDs",
        )
    position = {sample: i for i, sample in enumerate(genes.rows)}
    order = np.fromiter((position[s] for s in tf.rows), dtype=np.int64, count=len(tf.rows))
    LOG.warning("gene matrix rows were in a different order than the TF matrix; reordered by sample ID")
    aligned = LabeledMatrix(np.ascontiguousarray(genes.values[order]), list(tf.rows), genes.columns, genes.path)
    return aligned, {"status": "reordered gene matrix rows to the TF matrix order", "samples": len(tf.rows)}


ROLE_LABELS = {
    "tf_expression": "TF expression matrix",
    "gene_expression": "gene expression matrix",
    "validation": "validation cohort",
}


def read_expression(
    files: CohortFiles,
    role: str,
    transforms: Mapping[str, str],
    strip: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[LabeledMatrix, dict]:
    """Read one expression matrix, delete the `data.strip_names` decorations (`strip`) from its names, apply
    its transform of `transforms` (one per role) and check its scale; return it with the scale report."""
    path = getattr(files, role)
    matrix = read_matrix(path, files.format_of(path), ROLE_LABELS[role])
    for kind, attribute, label in (("samples", "rows", "sample IDs"), ("genes", "columns", "column names")):
        names = getattr(matrix, attribute)
        pattern = strip_setting(strip or {}, role, kind)
        setattr(matrix, attribute, strip_names(names, pattern, str(path), label, f"data.strip_names.{role}.{kind}"))
    LOG.info("%s %s: %d samples x %d columns", ROLE_LABELS[role], path, *matrix.shape)
    apply_transform(matrix, role, ROLE_LABELS[role], transforms)
    return matrix, check_log_scale(matrix, role, ROLE_LABELS[role], transforms)


def _network_names(
    strip: Mapping[str, Mapping[str, str]], respell: Callable[[str], str] | None, path: str | Path
) -> tuple[Callable[[str], str] | None, NameStripper | None]:
    """How the network's TF and Gene names are rewritten before its checks: `data.strip_names.network.genes`
    deleted (two names made one, or one left empty, stop the run), then respelled (`data.match_case:
    false`): (the rewrite, None when neither applies; the stripper, None without the setting)."""
    if strip_setting(strip, "network", "samples"):
        raise InputDataError(
            None,
            "data.strip_names.network.samples is set, but the network has no sample IDs",
            "use data.strip_names: {network: {genes: ...}} for the TF and Gene names",
            where="data.strip_names",
        )
    pattern = strip_setting(strip, "network", "genes")
    if not pattern:
        return respell, None
    stripper = NameStripper(pattern, str(path), "network names", "data.strip_names.network.genes", unique=False)
    if respell is None:
        return stripper, stripper
    return (lambda name: respell(stripper(name))), stripper


def _read_network(
    files: CohortFiles, settings: IngestSettings, names: tuple[Callable[[str], str] | None, NameStripper | None]
) -> Network:
    """The checked network, its names rewritten as `names` (:func:`_network_names`) says; names that
    data.strip_names made one node are logged."""
    rename, stripper = names
    network = read_network(
        files.network,
        files.format_of(files.network),
        settings.self_loops,
        rename,
        ambiguous_signs=settings.ambiguous_signs,
    )
    merged = stripper.merged if stripper else {}
    if merged:
        LOG.warning(
            "network %s: data.strip_names.network.genes made %d node(s) of several names each (%s)",
            files.network,
            len(merged),
            preview(f"{sorted(names)} -> {node}" for node, names in merged.items()),
        )
    return network


def _log_validation_columns(report: dict) -> None:
    """Log the share of TF and gene columns the validation cohort lacks (a warning when it lacks any)."""
    for role in ("tf", "gene"):
        LOG.log(
            logging.WARNING if report[f"{role}_columns_missing"] else logging.INFO,
            "validation cohort: %d of %d %s columns missing (%.2f%%)",
            report[f"{role}_columns_missing"],
            report[f"{role}_columns_missing"] + report[f"{role}_columns_present"],
            role,
            100 * report[f"{role}_fraction_missing"],
        )


def _sources(files: CohortFiles) -> dict[str, dict]:
    """Path, table format and SHA-256 of each input file, by role."""
    return {
        role: {"path": str(path), "format": files.format_of(path), "sha256": sha256_file(path)}
        for role, path in (
            ("tf_expression", files.tf_expression),
            ("gene_expression", files.gene_expression),
            ("network", files.network),
            ("validation", files.validation),
        )
    }


def _write_store(
    out_dir: str | Path,
    matrices: tuple[LabeledMatrix, LabeledMatrix, LabeledMatrix],
    network: Network,
    sources: dict[str, dict],
    report: dict,
) -> dict:
    """Write the ingest store of the checked (TF, gene, validation) `matrices` and `network` to `out_dir`
    (atomically); return its manifest."""
    tf, genes, validation = matrices
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
        manifest = store.finish(sources=sources, report=report)
    return manifest


def ingest_cohort(files: CohortFiles, out_dir: str | Path, settings: IngestSettings) -> dict:
    """Validate the cohort files and write the binary store to `out_dir` (atomically); return the manifest.

    `settings` (config `data`): `validation_overlap` (error | drop) is the policy for validation samples
    that are training samples; `min_name_match` the share of network regulators, gene columns and
    validation columns that must match (identifiers); `transform` (none | log2p1 | log10p1, or one per
    matrix role) is applied to the expression values once; `match_case: False` matches names
    case-insensitively; `self_loops` (keep | drop | error) is the policy for edges X -> X; `excel_dates`
    (error | warn) for names that Excel turned into dates; `ambiguous_signs` (error | drop) for network
    edges of unknown sign; `strip_names` the decorations deleted from each file's names. The tables are
    read in `files.format`.
    """
    transforms = transforms_by_role(settings.transform)
    match_case, min_name_match = settings.match_case, settings.min_name_match
    strip = settings.strip_names
    tf, tf_scale = read_expression(files, "tf_expression", transforms, strip)
    genes, gene_scale = read_expression(files, "gene_expression", transforms, strip)
    validation, validation_scale = read_expression(files, "validation", transforms, strip)
    names = _network_names(
        strip, None if match_case else match_names_ignoring_case(tf, genes, validation), files.network
    )
    network = _read_network(files, settings, names)
    LOG.info(
        "network %s: %d edges, %d nodes, %d regulators",
        files.network,
        network.n_edges,
        len(network.nodes),
        network.report["regulators"],
    )

    for matrix, role in ((tf, "tf_expression"), (genes, "gene_expression"), (validation, "validation")):
        check_orientation(matrix, ROLE_LABELS[role], set(network.nodes))
    genes, sample_report = align_samples(tf, genes)
    excel_dates = check_excel_dates(tf, genes, validation, network, files.network, settings.excel_dates)
    network_report = check_network_overlap(tf, genes, network, files.network, min_name_match)
    validation_report = check_validation_overlap(validation, tf, genes, set(network.nodes), min_name_match)
    if match_case:
        warn_case_only_differences(tf, genes, network, validation)
    validation, validation_report["leakage"] = check_validation_leakage(
        validation, tf, genes, settings.validation_overlap
    )
    validation_report["scale"] = check_validation_scale(validation, [tf, genes], transforms)
    _log_validation_columns(validation_report)
    report = {
        "samples": sample_report,
        "network": {**network.report, **network_report},
        "validation": validation_report,
        "scale": {"tf_expression": tf_scale, "gene_expression": gene_scale, "validation": validation_scale},
        "match_case": match_case,
        "excel_dates": excel_dates,
    }
    return _write_store(out_dir, (tf, genes, validation), network, _sources(files), report)
