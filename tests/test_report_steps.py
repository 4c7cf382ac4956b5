"""The report steps without Snakemake: synthesize_cohort, truth_recovery, ladder, figures and verdict.

One module-scoped run on the tiny synthetic cohort calls every upstream step as its workflow script does
(synthesize -> ingest -> preprocess -> fit -> predict -> score -> summarize -> latency -> SHAP) with four cheap
models, a prior-network control and a one-epoch LEMBAS-RNN (the one kind with a training curve and per-edge
weights, which the figures and truth_recovery steps draw and score); the tests read what the five steps write.
"""

from __future__ import annotations

import json
import struct
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from cohort_helpers import REPO
from lembas_core.common.layout import COHORT_FILES, cohort_file_names
from lembas_core.common.settings import Member, ScoreSettings, roster_from_params
from lembas_core.common.synthetic_spec import PRESETS, spec_from_config
from lembas_core.data.dataset import load_dataset
from lembas_core.data.shap_genes import shap_genes
from lembas_core.evaluation.ladder import LADDER_METRICS
from lembas_core.evaluation.metrics import verdict_metric
from lembas_core.evaluation.verdicts import VERDICTS, verdict_of
from lembas_core.models.base import ModelFile, fit_report_file, history_file, model_file, network_file
from lembas_core.steps.figures import FigureInputs, draw_report_figures
from lembas_core.steps.fit_linear import FitOutputs, fit_linear
from lembas_core.steps.ingest import ingest
from lembas_core.steps.ladder import LadderInputs, ladder_report
from lembas_core.steps.latency import latency_table
from lembas_core.steps.predict import predict_split
from lembas_core.steps.preprocess import preprocess_cohort
from lembas_core.steps.score import ScoreOutputs, score_split
from lembas_core.steps.shap import ShapOutputs, explain
from lembas_core.steps.summarize_metrics import SummaryInputs, SummaryOutputs, summarize
from lembas_core.steps.synthesize_cohort import synthesize_cohort
from lembas_core.steps.train_rnn import RNNOutputs, train_rnn
from lembas_core.steps.truth_recovery import truth_recovery
from lembas_core.steps.verdict import VerdictFiles, write_verdict
from lembas_core.workflow.settings import Settings, default_config, execution_settings, model_settings

TINY = yaml.safe_load((REPO / "config" / "presets" / "tiny.yaml").read_text())
OVERLAY = {
    "models": {
        "include": ["mean", "ridge", "prior_ridge", "rnn"],
        "variants": {  # one network control; the RNN's would double the slowest fit
            "rnn_shuffled": None,
            "prior_ridge_3steps": None,
            "prior_ridge_shuffled": {"model": "prior_ridge", "network": "shuffled"},
        },
        "rnn": {"epochs": 1, "convergence_check": 0.0, "device": "cpu"},
    },
    "shap": {"genes": ["ALB"], "models": ["ridge", "prior_ridge"]},  # linear explainers only: fast
}
SETTINGS = Settings.from_config(default_config(TINY, OVERLAY))
SHOWN = SETTINGS.first_replicates()
CURVES = [n for n in SHOWN if SETTINGS.specs[n].model_kind.training_curve]  # as rules/common.smk
WEIGHTED = [n for n in SHOWN if SETTINGS.specs[n].model_kind.edge_weights]
SPLITS = list(SETTINGS.evaluate.splits)
LADDER_SPLITS = [s for s in SPLITS if s != "train"]  # rules/ladder.smk
SCORE = ScoreSettings.from_params(SETTINGS.evaluate.score.params())  # as the score jobs rebuild it
DESCRIPTION = REPO / "rules" / "captions" / "workflow.rst"
TRUTH_RECOVERY = "results/metrics/truth_recovery.tsv"
TRANSMISSION = ("mean_abs_tf_tf", "mean_abs_tf_gene", "n_tf_tf", "n_tf_gene", "n_tf_tf_true", "tf_tf_weight_r")
VERDICT_OUTPUTS = {  # rules/verdict.smk, under results/
    "markdown": "verdict.md",
    "rst": "verdict.rst",
    "forest": "figures/verdict_forest.png",
}
LADDER_OUTPUTS = {
    "table": "results/metrics/ladder.tsv",
    "paired": "results/metrics/ladder_paired.tsv",
    "figure": "results/figures/ladder.png",
    "truth": "results/metrics/ladder_truth.tsv",
}


@dataclass(frozen=True)
class Run:
    """One run's folder (the workflow's `results/` layout under `root`), its roster and what ingest read."""

    root: Path
    roster: dict[str, Member]
    manifest: dict  # ingest's manifest of the synthesised cohort
    explained: list[tuple[str, str]]  # (model, gene) of every SHAP file

    def __truediv__(self, relative: str) -> Path:
        return self.root / relative

    def model(self, name: str) -> ModelFile:
        """Shown model `name`'s trained-model file."""
        kind = self.roster[name].kind
        return ModelFile(name, kind, self.root / model_file(kind, name))

    def by_model_and_split(self, pattern: str, splits: list[str]) -> dict[tuple[str, str], Path]:
        """`pattern` (with {model} and {split}) for every shown model and split, by (model, split)."""
        return {(m, s): self.root / pattern.format(model=m, split=s) for m in self.roster for s in splits}


def _fit(name: str, dataset: Path, root: Path) -> None:
    """Train model `name` as rule fit_linear (or fit_linear_on_network) or train_rnn does."""
    spec = SETTINGS.specs[name]
    settings = model_settings(spec.kind, SETTINGS.model_params(name))
    if spec.model_kind.trainer == "train_rnn":
        files = (model_file(spec.kind, name), history_file(name), fit_report_file(name), network_file(name))
        execution = execution_settings(spec.kind, SETTINGS.execution_params(name))
        train_rnn(name, settings, execution, dataset, RNNOutputs(*(root / f for f in files)))
        return
    network = root / network_file(name) if spec.model_kind.uses_network else None
    outputs = FitOutputs(root / model_file(spec.kind, name), root / fit_report_file(name), network)
    fit_linear(name, spec.kind, settings, dataset, outputs)


def _score(run: Run, dataset: Path) -> None:
    """Predict and score every shown model on every split (rules predict and score), then summarize_metrics."""
    rows = run.by_model_and_split("results/metrics/rows/{model}_{split}.tsv", SPLITS)
    per_gene = run.by_model_and_split("results/metrics/per_gene/{model}_{split}.tsv", SPLITS)
    predictions = run.by_model_and_split("results/predictions/{model}_{split}.npy", SPLITS)
    resamples = run.by_model_and_split("results/metrics/resamples/{model}_{split}.npz", SPLITS)
    for model, split in rows:
        predict_split(run.model(model), dataset, split, predictions[model, split], threads=1)
        outputs = ScoreOutputs(per_gene[model, split], rows[model, split], resamples[model, split])
        score_split(model, split, predictions[model, split], dataset, outputs, SCORE)
    inputs = SummaryInputs(
        list(rows.values()),
        per_gene,
        predictions,
        [run / fit_report_file(m) for m in SETTINGS.fitted()],
        dataset,
        resamples,
    )
    tables = ("summary", "strata", "paired", "fits", "replicates")
    outputs = SummaryOutputs(*(run / f"results/metrics/{name}.tsv" for name in tables))
    summarize(inputs, outputs, SCORE, {name: spec.replicate_of for name, spec in SETTINGS.specs.items()})


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    """The upstream steps of the report, once: cohort, dataset, models, scores, latency and SHAP files."""
    root = tmp_path_factory.mktemp("report_steps")
    cohort = root / "results" / "cohort"
    synthesize_cohort(SETTINGS.data.synthetic, SETTINGS.seed, cohort)
    names = cohort_file_names(SETTINGS.data.synthetic.file_format)
    files = {role: str(cohort / names[role]) for role in COHORT_FILES}
    manifest = ingest(files, SETTINGS.data.table_format, root / "results" / "ingest", SETTINGS.data.ingest)
    dataset = root / "results" / "dataset"
    preprocess_cohort(root / "results" / "ingest", dataset, SETTINGS.preprocess, SETTINGS.shap.genes)
    genes, _ = shap_genes(SETTINGS.shap.genes, dataset)
    explained = [(m, g) for m in SHOWN if SETTINGS.specs[m].kind in SETTINGS.shap.models for g in genes]
    run = Run(root, roster_from_params(SETTINGS.roster(SHOWN)), manifest, explained)
    for name in SETTINGS.fitted():
        _fit(name, dataset, root)
    _score(run, dataset)
    # 3 timed calls per mode: the latency figure needs the table, not precise timings
    latency_table(
        [run.model(m) for m in run.roster], dataset, root / "results" / "latency.tsv", SETTINGS.latency.threads, 3
    )
    for model, gene in explained:
        outputs = ShapOutputs(
            root / f"results/shap/{model}_{gene}.npz",
            root / f"results/figures/shap/{model}_{gene}_waterfall.png",
            root / f"results/figures/shap/{model}_{gene}_beeswarm.png",
        )
        explain(run.model(model), gene, dataset, outputs, SETTINGS.shap.gradient, 1)
    return run


@pytest.fixture(scope="module")
def recovery(run: Run) -> pd.DataFrame:
    """Step truth_recovery: every SHAP file and the RNN's per-edge weights against the true edges."""
    weighted = {m: run.model(m).path for m in WEIGHTED}
    shap = [run / f"results/shap/{model}_{gene}.npz" for model, gene in run.explained]
    return truth_recovery(run / "results/cohort/truth_edges.tsv", shap, weighted, run / TRUTH_RECOVERY)


@pytest.fixture(scope="module")
def ladder(run: Run, recovery: pd.DataFrame) -> pd.DataFrame:
    """Step ladder on the test and validation splits, with the synthetic cohort's truth tables."""
    outputs = {name: run / path for name, path in LADDER_OUTPUTS.items()}
    return ladder_report(ladder_inputs(run, run / "results/cohort/truth_genes.tsv"), run.roster, outputs, SCORE)


def ladder_inputs(run: Run, truth_genes: Path) -> LadderInputs:
    """The ladder's inputs in `run` on the test and validation splits, with the truth genes at `truth_genes`."""
    return LadderInputs(
        run / "results/metrics/summary.tsv",
        run / "results/metrics/replicates.tsv",
        run.by_model_and_split("results/metrics/per_gene/{model}_{split}.tsv", LADDER_SPLITS),
        run.by_model_and_split("results/metrics/resamples/{model}_{split}.npz", LADDER_SPLITS),
        truth_genes,
        run / TRUTH_RECOVERY,
    )


@pytest.fixture(scope="module")
def verdict(run: Run, ladder: pd.DataFrame) -> list[str]:
    """Step verdict: results/verdict.md and the report's first page from the tables (no interventional stage)."""
    metrics = run / "results" / "metrics"
    files = VerdictFiles(
        metrics / "summary.tsv",
        metrics / "paired.tsv",
        run / LADDER_OUTPUTS["paired"],
        metrics / "fits.tsv",
        run / "results" / "dataset",
        DESCRIPTION,
    )
    outputs = {name: str(run / "results" / path) for name, path in VERDICT_OUTPUTS.items()}
    return write_verdict(files, run.roster, SCORE.interval, outputs)


def read_tsv(path: Path) -> pd.DataFrame:
    """A result table; only empty cells are missing (gene names stay strings)."""
    return pd.read_csv(path, sep="\t", keep_default_na=False, na_values=[""])


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels of a PNG file, from its header; fails on anything else."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def assert_figure(path: Path) -> tuple[int, int]:
    """`path` is a non-empty PNG with its SVG twin next to it; returns its size."""
    width, height = png_size(path)
    assert width > 200 and height > 200 and path.stat().st_size > 5000, path
    assert path.with_suffix(".svg").read_text(encoding="utf-8").lstrip().startswith("<?xml"), path
    return width, height


def test_synthesized_cohort_is_the_cohort_that_ingest_reads(run, tmp_path):
    names = cohort_file_names(SETTINGS.data.synthetic.file_format)
    cohort = run / "results" / "cohort"
    assert sorted(p.name for p in cohort.iterdir()) == sorted(names.values())
    summary = json.loads((cohort / names["summary"]).read_text())
    spec = asdict(spec_from_config(SETTINGS.data.synthetic.preset, SETTINGS.data.synthetic.overrides, SETTINGS.seed))
    assert summary["spec"] == spec and spec["n_samples"] == PRESETS["tiny"].n_samples
    arrays, report = run.manifest["arrays"], run.manifest["report"]
    assert arrays["tf_expression"]["shape"] == [spec["n_samples"], summary["tf_columns"]]
    assert arrays["gene_expression"]["shape"] == [spec["n_samples"], summary["target_genes"]]
    assert arrays["validation"]["shape"][0] == spec["n_validation"]
    assert report["network"]["edges"] == summary["prior_edges"]
    assert report["network"]["network_regulators_absent_from_tf_matrix"] == summary["regulators_absent_from_tf_matrix"]
    assert report["validation"]["tf_missing_names"] == summary["validation_missing_tfs"]
    edges, genes = read_tsv(cohort / names["truth_edges"]), read_tsv(cohort / names["truth_genes"])
    assert len(edges) == summary["true_edges"] and int(edges["in_prior"].sum()) == summary["prior_edges_that_are_true"]
    assert len(genes) == summary["target_genes"] and (genes["n_true_regulators"] >= 0).all()
    again = tmp_path / "again"
    synthesize_cohort(SETTINGS.data.synthetic, SETTINGS.seed, again)  # same settings and seed: the same bytes
    assert all((again / name).read_bytes() == (cohort / name).read_bytes() for name in names.values())


def test_truth_recovery_scores_each_explanation_and_the_rnn_weights(run, recovery):
    assert WEIGHTED == ["rnn"]
    assert list(zip(recovery["what"], recovery["model"], recovery["gene"])) == [
        *(("shap", model, gene) for model, gene in run.explained),
        *(("rnn_weights", model, "") for model in WEIGHTED),
    ]
    assert np.isfinite(recovery["auroc"]).all() and recovery["auroc"].between(0, 1).all()
    written = read_tsv(run / TRUTH_RECOVERY)
    assert written["model"].tolist() == recovery["model"].tolist()
    np.testing.assert_allclose(written["auroc"], recovery["auroc"], rtol=1e-3)  # written to 4 significant digits
    truth = read_tsv(run / "results/cohort/truth_edges.tsv")
    features = load_dataset(run / "results" / "dataset").features
    for _, row in recovery[recovery.what == "shap"].iterrows():
        regulators = set(truth.loc[truth.Gene == row.gene, "TF"]) & set(features)
        assert (row.n_candidates, row.n_true) == (len(features), len(regulators))
    for _, row in recovery[recovery.what == "rnn_weights"].iterrows():  # the edges of the network it trained on
        used = read_tsv(run / network_file(row.model))
        true_pairs = set(zip(truth.TF, truth.Gene))
        assert row.n_candidates == len(used) and row.n_true == sum(p in true_pairs for p in zip(used.TF, used.Gene))
        assert 0.5 < row.sign_agreement <= 1  # the prior's signs are mostly right, and one epoch keeps them
        into_regulator = used.Gene.isin(set(used.TF))  # TF -> TF: the target regulates in the same network
        assert (row.n_tf_tf, row.n_tf_gene) == (into_regulator.sum(), (~into_regulator).sum())
        assert row.n_tf_tf_true == sum(p in true_pairs for p in zip(used.TF[into_regulator], used.Gene[into_regulator]))
        assert row.mean_abs_tf_tf > 0 and row.mean_abs_tf_gene > 0 and -1 <= row.tf_tf_weight_r <= 1
    assert recovery.loc[recovery.what == "shap", list(TRANSMISSION)].isna().all(axis=None)
    rnn_rows = written.what == "rnn_weights"
    assert written.loc[rnn_rows, "n_tf_tf"].tolist() == recovery.loc[recovery.what == "rnn_weights", "n_tf_tf"].tolist()


def test_ladder_lists_every_model_with_its_network_and_pairs_each_control(run, ladder):
    assert ladder["model"].tolist() == list(run.roster)
    assert ladder["kind"].tolist() == [member.kind for member in run.roster.values()]
    assert ladder["network"].tolist() == [member.network or "-" for member in run.roster.values()]
    for split in LADDER_SPLITS:
        for metric in LADDER_METRICS[:2]:  # r2_uniform and pearson_uniform carry jackknife intervals
            lo, hi = ladder[f"{split}_{metric}_lo"], ladder[f"{split}_{metric}_hi"]
            assert np.isfinite(lo).all() and (lo <= hi).all()
    written = read_tsv(run / TRUTH_RECOVERY)  # what the ladder reads, to 4 significant digits
    scores = ladder.set_index("model")
    shap = written[written.what == "shap"].groupby("model", sort=False)["auroc"].mean()
    weights = written[written.what == "rnn_weights"].set_index("model")["auroc"]
    assert set(shap.index) == {m for m, _ in run.explained} and weights.index.tolist() == WEIGHTED
    assert scores["shap_auroc"].dropna().to_dict() == shap.to_dict()  # mean over the explained genes
    assert scores["weight_auroc"].dropna().to_dict() == weights.to_dict()
    assert read_tsv(run / LADDER_OUTPUTS["table"])["model"].tolist() == ladder["model"].tolist()

    paired = read_tsv(run / LADDER_OUTPUTS["paired"])
    pairs = [("prior_ridge", "prior_ridge_shuffled"), ("rnn", "prior_ridge"), ("prior_ridge", "ridge")]
    assert list(zip(paired.split, paired.model_a, paired.model_b)) == [(s, *p) for s in LADDER_SPLITS for p in pairs]
    assert set(paired["verdict"]) <= set(VERDICTS)
    for _, row in paired.iterrows():  # each verdict reads its split's metric's interval of the difference
        assert row.verdict_metric == ("pearson_uniform" if row.split == "validation" else "r2_uniform")
        lo, hi = (row[f"{row.verdict_metric}_difference_{end}"] for end in ("lo", "hi"))
        assert row.verdict == verdict_of(lo, hi) != "no interval"

    truth = read_tsv(run / LADDER_OUTPUTS["truth"])
    families = set(read_tsv(run / "results/cohort/truth_genes.tsv")["response"])
    assert set(zip(truth.model, truth.split)) == {(m, s) for m in run.roster for s in LADDER_SPLITS}
    for _, part in truth.groupby(["model", "split"]):
        by_response = part[part.grouping == "response"].set_index("group")["n_genes"]
        assert set(by_response.index) <= families
        # the h2 bins hold the same genes as the response families, less the TF copies (no h2)
        assert by_response.sum() == part.loc[part.grouping == "h2", "n_genes"].sum() + by_response.get("tf_copy", 0)
    width, height = assert_figure(run / LADDER_OUTPUTS["figure"])
    assert width > 2 * height  # two panels side by side: the ladder and the truth breakdown


def test_report_figures_draw_every_figure_of_the_run(run):
    inputs = FigureInputs(
        summary=run / "results/metrics/summary.tsv",
        strata=run / "results/metrics/strata.tsv",
        latency=run / "results/latency.tsv",
        per_gene=run.by_model_and_split("results/metrics/per_gene/{model}_{split}.tsv", SPLITS),
        predictions=run.by_model_and_split("results/predictions/{model}_{split}.npy", SPLITS),
        histories={m: (run / history_file(m), run / fit_report_file(m)) for m in CURVES},
        dataset=run / "results/dataset",
    )
    names = [
        "metrics",
        "strata",
        "latency",
        *(f"{k}_{s}" for k in ("per_gene", "observed_vs_predicted") for s in SPLITS),
    ]
    names += [f"{m}_training" for m in CURVES]
    assert CURVES == ["rnn"]
    folder = run / "results" / "figures" / "report"
    draw_report_figures(inputs, {name: folder / f"{name}.png" for name in names}, run.roster)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.{ext}" for n in names for ext in ("png", "svg"))
    for name in names:
        assert_figure(folder / f"{name}.png")
    assert len({(folder / f"{name}.png").read_bytes() for name in names}) == len(names)  # each from its own data


def interval_text(value: float, lo: float, hi: float) -> str:
    """A difference and its interval as the verdict writes them."""
    return f"{value:+.3f} [{lo:.3f}, {hi:.3f}]"


def lead(paired: pd.DataFrame, split: str, best: str, second: str) -> float:
    """`best` - `second` on `split` by the split's verdict metric, from paired.tsv (either order of the pair)."""
    rows = paired[(paired.split == split) & paired.model_a.isin([best, second]) & paired.model_b.isin([best, second])]
    assert len(rows) == 1
    value = rows[f"{verdict_metric(split)}_difference"].iloc[0]
    return value if rows.model_a.iloc[0] == best else -value


def test_verdict_answers_first_and_names_the_compared_models(run, verdict):
    label = {name: member.label for name, member in run.roster.items()}
    markdown = (run / "results/verdict.md").read_text(encoding="utf-8")
    lines = markdown.splitlines()
    assert lines[:3] == ["# Verdict", "", "![The paired differences behind the verdict](figures/verdict_forest.png)"]
    first = lines.index(f"- {verdict[0]}")
    assert lines[first : first + len(verdict)] == [f"- {s}" for s in verdict]
    assert verdict[0].startswith("On the test split")  # the answer comes first
    summary = read_tsv(run / "results/metrics/summary.tsv")
    paired = read_tsv(run / "results/metrics/paired.tsv")
    for split, cohort, point in (
        ("test", "test split", "r2_uniform"),  # the point the jackknife's interval is centred on
        ("validation", "validation cohort", "pearson_uniform"),
    ):
        ranked = summary[summary.split == split].sort_values(point, ascending=False)
        best, second = ranked.model.iloc[:2]
        sentence = next(s for s in verdict if s.startswith(f"On the {cohort} "))
        size = f"({ranked.n_samples.iloc[0]} samples, {ranked.n_genes.iloc[0]} genes)"
        assert sentence.startswith(f"On the {cohort} {size}, {label[best]} scores best by ")
        assert f"Its lead over the runner-up {label[second]} is {lead(paired, split, best, second):+.3f} [" in sentence

    ladder = read_tsv(run / LADDER_OUTPUTS["paired"]).set_index(["split", "model_a", "model_b"])
    readings = {"a_better": "carries it", "tie": "does not measurably carry it", "b_better": "control does better"}
    control = ladder.loc[("test", "prior_ridge", "prior_ridge_shuffled")]
    shuffled = f"({label['prior_ridge_shuffled']})"
    assert shuffled == "(Prior ridge, shuffled network)"  # display names, with the overridden setting in words
    sentence = next(s for s in verdict if shuffled in s)
    assert sentence.startswith(f"Prior ridge vs the same model on a shuffled network {shuffled}")
    assert readings[control.verdict] in sentence
    for a, b in (("rnn", "prior_ridge"), ("prior_ridge", "ridge")):  # the architecture questions, with numbers
        row = ladder.loc[("test", a, b)]
        numbers = interval_text(*(row[f"r2_uniform_difference{end}"] for end in ("", "_lo", "_hi")))
        assert f"- {label[a]} vs {label[b]}: test r2_uniform difference {numbers}: " in markdown
    fits = read_tsv(run / "results/metrics/fits.tsv").set_index("model")
    assert fits.loc["rnn", "converged"] == "no" and "- Warning: LEMBAS-RNN did not converge" in markdown  # one epoch
    named = {m for m in run.roster if label[m] in markdown}
    assert named >= {"ridge", "prior_ridge", "prior_ridge_shuffled", "rnn"}
    assert markdown.rstrip().endswith(
        "intervals: 95% jackknife, 97% for paired differences (interventions: 95% t over perturbed TFs)."
    )

    page = (run / "results/verdict.rst").read_text(encoding="utf-8")
    assert page.startswith("Verdict\n=======\n") and 'src="data:image/png;base64,' in page
    assert page.index("data:image/png") < page.index("- On the test split")  # the forest plot first
    assert "r2\\_uniform" in page and "r2_uniform" not in page  # escaped for reST
    assert page.rstrip().endswith(DESCRIPTION.read_text(encoding="utf-8").strip())


def test_the_ladder_reads_the_truth_in_the_cohorts_format(run, ladder, tmp_path):
    """The `full` preset writes its cohort, truth tables included, as Parquet: the ladder's breakdown by true
    response family reads it as it reads the TSV (the full-size run of issue 34 stopped here on a Parquet file
    read as text)."""
    truth = pd.read_csv(run / "results/cohort/truth_genes.tsv", sep="\t", keep_default_na=False, na_values=[""])
    truth.to_parquet(tmp_path / "truth_genes.parquet", index=False)
    outputs = {name: tmp_path / Path(path).name for name, path in LADDER_OUTPUTS.items()}
    ladder_report(ladder_inputs(run, tmp_path / "truth_genes.parquet"), run.roster, outputs, SCORE)
    assert (tmp_path / "ladder_truth.tsv").read_bytes() == (run / LADDER_OUTPUTS["truth"]).read_bytes()
