"""A validation cohort measured on another platform shares only part of the genes, in the same identifiers:
accepted with a warning naming the counts. Another identifier space, or too few shared target genes, stops
the run with a diagnosis."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from cohort_helpers import INGEST
from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.data.name_checks import MIN_SHARED_TARGETS
from lembas_core.io.errors import InputDataError
from lembas_core.synthetic.cohort import synthesize


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny synthetic cohort's files (150 genes, 24 TFs) and its validation matrix."""
    paths = synthesize(PRESETS["tiny"], tmp_path_factory.mktemp("tiny"), "tsv")
    return paths, pd.read_csv(paths["validation"], sep="\t", index_col=0)


def with_validation(paths, frame: pd.DataFrame, folder) -> CohortFiles:
    """The cohort's files with `frame` as the validation cohort."""
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "validation.tsv", sep="\t")
    roles = ("tf_expression", "gene_expression", "network")
    return CohortFiles(*(paths[r] for r in roles), folder / "validation.tsv", format="tsv")


def another_panel(validation: pd.DataFrame, keep_share: float, extra: int) -> pd.DataFrame:
    """`keep_share` of the validation columns plus `extra` columns the training data does not have."""
    kept = validation.iloc[:, : int(keep_share * validation.shape[1])]
    rng = np.random.default_rng(0)
    others = pd.DataFrame(
        rng.uniform(0, 3, (len(kept), extra)), index=kept.index, columns=[f"PANEL{i}" for i in range(extra)]
    )
    return pd.concat([kept, others], axis=1)


def test_another_panel_in_the_same_identifiers_passes_with_a_warning(tiny, tmp_path, caplog):
    paths, validation = tiny
    panel = another_panel(validation, 0.4, extra=int(0.4 * validation.shape[1] * 7 / 3))  # 30% of its columns shared
    shared = 0.4 * validation.shape[1] / panel.shape[1]
    assert 0.25 < shared < 0.35
    with caplog.at_level(logging.WARNING, logger="lembas_core"):
        manifest = ingest_cohort(with_validation(paths, panel, tmp_path / "v"), tmp_path / "ingest", INGEST)
    warning = next(r.getMessage() for r in caplog.records if "another gene panel" in r.getMessage())
    report = manifest["report"]["validation"]
    assert f"{report['tf_columns_present']} of" in warning and "gene columns the models use" in warning
    assert "preprocess.validation_missing" in warning


def test_another_identifier_space_still_stops_with_the_diagnosis(tiny, tmp_path):
    paths, validation = tiny
    ensembl = validation.rename(columns={c: f"ENSG{i:011d}" for i, c in enumerate(validation.columns)})
    ensembl.iloc[:, :3] = validation.iloc[:, :3].to_numpy()  # a few columns keep their symbols
    ensembl = ensembl.rename(columns=dict(zip(ensembl.columns[:3], validation.columns[:3])))
    with pytest.raises(InputDataError, match="Ensembl IDs") as info:
        ingest_cohort(with_validation(paths, ensembl, tmp_path / "v"), tmp_path / "ingest", INGEST)
    assert "use the same gene identifiers" in str(info.value) and not (tmp_path / "ingest").exists()


def test_too_few_shared_target_genes_stop_the_run(tiny, tmp_path):
    paths, validation = tiny
    genes = pd.read_csv(paths["gene_expression"], sep="\t", index_col=0, nrows=1).columns
    targets = [c for c in validation.columns if c in genes][: MIN_SHARED_TARGETS - 1]
    tfs = [c for c in validation.columns if c not in genes][:3]
    panel = another_panel(validation[tfs + targets], 1.0, extra=200)
    with pytest.raises(InputDataError, match=f"at least {MIN_SHARED_TARGETS} shared target genes"):
        ingest_cohort(with_validation(paths, panel, tmp_path / "v"), tmp_path / "ingest", INGEST)
