"""Which target genes SHAP explains (config `shap.genes`), decided once the dataset exists.

`shap.genes: default` means the upstream pair, ALB and AFP (liver markers; upstream_spec.md): those the
cohort has as target genes are explained, the absent ones are named in a warning, so that a non-liver
cohort runs through. A list is the user's explicit choice: every gene must be a target gene of the
preprocessed dataset, or the run stops at the preprocess checkpoint (before any model trains), naming
close matches and why a gene of the gene matrix is not a target.

Preprocessing checks the choice before it writes the dataset; the workflow reads the genes from the
dataset (`shap_genes`), which also catches a list edited after preprocessing. Standard library only: the
workflow calls it while Snakemake builds the DAG (rules/common.smk), so it reads the store's names and
report without numpy (:class:`lembas_core.io.manifest.StoreIndex`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from lembas_core.io.errors import InputDataError, preview
from lembas_core.io.manifest import StoreIndex

DEFAULT_SHAP_GENES = ("ALB", "AFP")  # the upstream notebook explains these two liver genes


def configured_genes(setting: str | Sequence[str]) -> tuple[list[str], bool]:
    """(genes, explicit): the genes `shap.genes` names, and whether the user listed them."""
    if isinstance(setting, str):
        if setting != "default":
            raise ValueError(f"shap.genes must be 'default' or a list of gene names, got {setting!r}")
        return list(DEFAULT_SHAP_GENES), False
    return list(setting), True


def why_absent(gene: str, targets: Sequence[str], report: dict) -> str:
    """Why `gene` is not a target gene: dropped by preprocessing (and which setting), or close matches."""
    dropped = report.get("targets", {})
    if gene in dropped.get("genes_outside_network_names", []):
        return "it is in the gene matrix but not a network node (preprocess.targets_outside_network drops those)"
    if gene in dropped.get("tf_target_overlap_names", []) and dropped.get("exclude_tf_targets"):
        return "it is also a TF feature and preprocess.exclude_tf_targets is true"
    if gene in report.get("validation", {}).get("missing_targets", []) and report["validation"]["policy"] == "drop":
        return "the validation cohort lacks it (preprocess.validation_missing drops those)"
    by_case = [t for t in targets if t.casefold() == gene.casefold()]
    close = by_case or difflib.get_close_matches(gene, targets, n=3, cutoff=0.6)
    return f"close matches: {preview(close, 3)}" if close else "no target gene has a similar name"


def select_shap_genes(setting: str | Sequence[str], targets: Sequence[str], report: dict) -> tuple[list[str], str]:
    """(genes to explain in configured order, a warning naming absent default genes or '') given the
    dataset's `targets` and its preprocessing `report` (the reasons for dropped genes)."""
    present = set(targets)
    genes, explicit = configured_genes(setting)
    absent = [g for g in genes if g not in present]
    if absent and explicit:
        reasons = "; ".join(f"{g!r}: {why_absent(g, targets, report)}" for g in absent)
        raise InputDataError(
            None,
            f"{len(absent)} of the configured SHAP genes are not target genes of the dataset "
            f"({len(targets)} targets, e.g. {preview(targets, 3)}): {reasons}",
            "list target genes in shap.genes, or set shap.genes: default (ALB and AFP where present)",
            where="config shap.genes",
        )
    warning = (
        f"SHAP: the default gene(s) {preview(absent)} are not target genes of this cohort and are not explained "
        "(set shap.genes to a list of target genes to explain others)"
        if absent
        else ""
    )
    return [g for g in genes if g in present], warning


def shap_genes(setting: str | Sequence[str], dataset_dir: str | Path) -> tuple[list[str], str]:
    """`select_shap_genes` on the dataset store in `dataset_dir`."""
    store = StoreIndex(dataset_dir, kind="dataset")
    return select_shap_genes(setting, store.names("targets"), store.manifest["report"])
