"""The regime map: its cells and their config, the table's rivals and orientation, the verdict's line, the
figure, and the gathering of cell folders (workflow runs of the target: tests/test_workflow_regime_map.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from cohort_helpers import DEFAULTS
from lembas_core.common.regime_cells import MAP_KINDS, Cell, cell_config, cell_overlay, regime_cells
from lembas_core.evaluation.interventions import HEADLINE
from lembas_core.evaluation.regime_map import COLUMNS, cell_rows, winning_cells
from lembas_core.evaluation.verdicts import A_BETTER, B_BETTER, TIE
from lembas_core.models.fit_report import FitReport
from lembas_core.models.rnn.io import save_rnn
from lembas_core.reporting.regime_map import regime_map_plot
from lembas_core.reporting.verdict import regime_map_sentences
from lembas_core.steps.regime_map import gather
from lembas_core.workflow.settings import default_config
from rnn_helpers import make_model


def test_cells_cover_every_depth_both_trainings_and_feedback_at_its_depth():
    cells = regime_cells((1, 2, 4), 4)
    assert [c.name for c in cells[:2]] == ["depth1_acyclic_observational", "depth1_acyclic_interventional"]
    assert len(cells) == 8 and len({c.name for c in cells}) == 8
    assert {(c.depth, c.interventional) for c in cells if c.feedback} == {(4, False), (4, True)}
    assert len(regime_cells((2,), None)) == 2


def test_a_cell_overlay_sets_the_world_the_training_and_only_in_range_levels():
    config = default_config()
    overlay = cell_overlay(Cell(4, True, True), DEFAULTS.regime_map, config)
    assert overlay["data"]["synthetic"] == {"preset": "demo", "overrides": {"tf_steps": 4, "tf_feedback": True}}
    assert overlay["interventions"]["train_fraction"] == DEFAULTS.regime_map.train_fraction
    levels = overlay["interventions"]["levels"]
    assert levels["knockdown"] is not None and levels["knockdown_beyond"] is None  # shifted levels: beyond range
    assert tuple(overlay["models"]["include"]) == MAP_KINDS
    assert cell_overlay(Cell(1, False, False), DEFAULTS.regime_map, config)["interventions"]["train_fraction"] == 0


def _tables(means: dict[str, float], differences: dict[tuple[str, str], tuple[float, float, float, str]]):
    """(summary, paired) in the HEADLINE setting (plus a row outside it that must be ignored)."""
    summary = pd.DataFrame([{**HEADLINE, "model": m, "n_tfs": 20, "mean": v, "lo": v - 0.1, "hi": v + 0.1}
                            for m, v in means.items()])  # fmt: skip
    summary = pd.concat([summary, summary.assign(seen="seen", mean=9.0)], ignore_index=True)
    columns = [*HEADLINE, "model_a", "model_b", "n_tfs", "difference", "lo", "hi", "verdict"]
    rows = [(*HEADLINE.values(), a, b, 20, *values) for (a, b), values in differences.items()]
    paired = pd.DataFrame(rows, columns=columns)
    return summary, paired


FACTS = {"rnn_converged": "yes", "mean_abs_tf_tf": 0.02, "mean_abs_tf_gene": 0.05, "n_tf_tf_true": 30,
         "tf_tf_weight_r": 0.4}  # fmt: skip


def test_rows_pick_the_best_rivals_and_read_differences_from_the_rnns_side():
    means = {"ridge": 0.5, "mlr": 0.3, "xgbrf": 0.6, "prior_ridge_3steps": 0.7, "prior_ridge_steady": 0.65, "rnn": 0.8}
    differences = {
        ("rnn", "xgbrf"): (0.2, 0.1, 0.3, A_BETTER),  # listed RNN first
        ("prior_ridge_3steps", "rnn"): (-0.1, -0.15, -0.05, B_BETTER),  # listed rival first: flipped
        ("ridge", "rnn"): (-0.3, -0.4, -0.2, B_BETTER),
    }
    rows = pd.DataFrame(cell_rows(Cell(2, False, True), _tables(means, differences), FACTS), columns=COLUMNS)
    assert list(rows["rival"]) == ["xgbrf", "prior_ridge_3steps"]  # the best by mean, not the first listed
    second = rows.iloc[1]
    assert (second["difference"], second["lo"], second["hi"], second["verdict"]) == (0.1, 0.05, 0.15, A_BETTER)
    assert rows["rnn_mean"].tolist() == [0.8, 0.8] and rows["n_tfs"].tolist() == [20, 20]
    assert winning_cells(rows) == ["depth2_acyclic_interventional"]
    tie = {**differences, ("rnn", "xgbrf"): (0.01, -0.1, 0.12, TIE)}
    assert winning_cells(pd.DataFrame(cell_rows(Cell(2, False, True), _tables(means, tie), FACTS))) == []


def test_a_cell_without_a_rival_says_not_run():
    rows = cell_rows(Cell(1, False, False), _tables({"rnn": 0.5, "ridge": 0.4}, {}), FACTS)
    assert rows[0]["verdict"] == "not run" and rows[1]["rival"] == "" and np.isnan(rows[1]["difference"])


def test_the_verdict_line_names_winning_cells_and_what_the_rnn_learned():
    means = {"ridge": 0.5, "prior_ridge_3steps": 0.6, "rnn": 0.8}
    wins = {("rnn", "ridge"): (0.3, 0.2, 0.4, A_BETTER), ("rnn", "prior_ridge_3steps"): (0.2, 0.1, 0.3, A_BETTER)}
    loses = {k: (-0.1, -0.2, -0.05, B_BETTER) for k in wins}
    table = pd.DataFrame(
        cell_rows(Cell(4, True, True), _tables(means, wins), {**FACTS, "mean_abs_tf_tf": 0.06})
        + cell_rows(Cell(4, True, False), _tables(means, loses), FACTS)
    )
    [line] = regime_map_sentences(table)
    assert "in depth 4, feedback, interventional." in line and "2 synthetic worlds" in line
    assert "observational training 0.020 vs 0.050" in line and "interventional training 0.060 vs 0.050" in line
    assert regime_map_sentences(None) == []


def _score_rows(offsets: dict[str, float], tfs: list[str], seen: set[str]) -> pd.DataFrame:
    """interventions.tsv rows (the HEADLINE setting) of models scoring TF i at 0.5 + offset + i / 100."""
    fixed = {"regime": "A", "level": "knockdown", "in_range": True, "genes": "all", "n_genes": 10, "top_mse": 0.1,
             "top_sign": 0.5, "descendant_auroc": 0.5}  # fmt: skip
    rows = [{**fixed, "model": m, "seen": "seen" if tf in seen else "unseen", "tf": tf,
             "pearson_delta": 0.5 + off + i / 100}
            for m, off in offsets.items() for i, tf in enumerate(tfs)]  # fmt: skip
    return pd.DataFrame(rows)


def test_gather_reads_both_trainings_of_a_world_on_the_tfs_its_interventional_cell_held_out(tmp_path):
    """Two cell folders as a cell's run leaves them (scores, an RNN saved by the RNN's save function, its fit
    report, the truth edges, the interventional cell's split): one row per cell and comparison, both cells
    read on the held-out TFs only, with the RNN's transmission measures."""
    model, features, outputs = make_model(0, dtype=torch.float64)
    g = model.graph
    names = np.asarray(g.nodes, dtype=object)
    truth = pd.DataFrame({"TF": names[g.col], "Gene": names[g.row], "weight": 2 * model.w.detach().numpy()})
    tfs = [f"T{i:02d}" for i in range(24)]
    offsets = {"ridge": 0.1, "mlr": 0.0, "xgbrf": 0.05, "prior_ridge_3steps": 0.2, "prior_ridge_steady": 0.15}
    offsets["rnn"] = 0.3
    cells = []
    for cell in (Cell(1, False, False), Cell(1, False, True)):
        folder = tmp_path / cell.name
        for part in ("metrics", "models", "cohort", "interventions"):
            (folder / "results" / part).mkdir(parents=True)
        seen = set(tfs[12:]) if cell.interventional else set()
        scores = _score_rows(offsets, tfs, seen)
        scores.loc[scores["tf"].isin(tfs[12:]) & (scores["model"] == "rnn"), "pearson_delta"] = -5.0  # never read
        scores.to_csv(folder / "results/metrics/interventions.tsv", sep="\t", index=False)
        save_rnn(model, folder / "results/models/rnn.pt", features, outputs)
        FitReport("rnn", "test", False, 10, 1, 1, "budget").write(folder / "results/models/rnn.fit.json")
        truth.to_csv(folder / "results/cohort/truth_edges.tsv", sep="\t", index=False)
        split = pd.DataFrame({"tf": tfs, "split": ["held_out"] * 12 + ["train"] * 12, "source": "train_fraction"})
        if cell.interventional:
            split.to_csv(folder / "results/interventions/split.tsv", sep="\t", index=False)
        cells.append((cell, folder))
    table = gather(cells, "tsv", (tmp_path / "map.tsv", tmp_path / "map.png"))
    assert list(table.columns) == COLUMNS and len(table) == 4 and (table["n_tfs"] == 12).all()
    assert list(table["rival"]) == ["ridge", "prior_ridge_3steps"] * 2
    assert np.allclose(table["difference"], [0.2, 0.1, 0.2, 0.1])  # the seen TFs' -5 is never read
    assert (table["verdict"] == A_BETTER).all() and winning_cells(table) == [c.name for c, _ in cells]
    assert (table["rnn_converged"] == "no").all() and np.allclose(table["tf_tf_weight_r"], 1.0)
    assert (tmp_path / "map.png").stat().st_size > 10_000 and (tmp_path / "map.svg").exists()


def test_a_cell_config_replaces_the_runs_generator_overrides_and_variants():
    config = default_config({"data": {"synthetic": {"overrides": {"n_samples": 99}}},
                             "models": {"variants": {"mine": {"model": "ridge"}}}})  # fmt: skip
    merged = cell_config(Cell(2, False, True), DEFAULTS.regime_map, config)
    assert merged["data"]["synthetic"]["overrides"] == {"tf_steps": 2, "tf_feedback": False}
    assert merged["models"]["variants"]["mine"] is None and merged["models"]["variants"]["rnn_shuffled"]
    assert merged["latency"] == config["latency"] and config["data"]["synthetic"]["overrides"] == {"n_samples": 99}


def test_the_figure_draws_cells_without_an_interval(tmp_path):
    rows = cell_rows(Cell(1, False, False), _tables({"rnn": 0.5, "ridge": 0.4}, {}), FACTS)
    regime_map_plot(pd.DataFrame(rows, columns=COLUMNS), tmp_path / "map.png")
    assert (tmp_path / "map.png").exists()
