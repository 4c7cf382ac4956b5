"""Partial reruns: after one complete tiny run, a change schedules exactly the jobs it touches.

The scheduled work is read from `snakemake --summary` (one TSV row per output file with its rule
and plan), never from timings. Code changes are made in a copy of the workflow's files, never in
this checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from lembas_core.models.base import REGISTRY
from lembas_core.workflow.code_deps import code_inputs
from timeouts import PIPELINE_S
from workflow_helpers import (
    GATHERED,
    REPO,
    TINY,
    differing_results,
    model_kinds_of_job,
    pending,
    result_files,
    rule_scripts,
    snakemake,
    snakemake_command,
    tiny_models,
    write_config,
)

pytestmark = pytest.mark.workflow


TINY_LEVELS = ("knockdown",)  # config/presets/tiny.yaml
INTERVENTION_TABLES = {f"results/metrics/interventions{s}.tsv" for s in ("", "_summary", "_paired")}


def model_downstream(model: str, genes=("ALB", "AFP")) -> dict[str, set[str]]:
    """Per-model outputs downstream of a model's training (its predictions, scores, SHAP and forecasts)."""
    splits = ("train", "test", "validation")
    return {
        "forecast_interventions": {f"results/interventions/forecasts/{model}_{level}.npz" for level in TINY_LEVELS},
        "score_interventions": {f"results/interventions/scores/{model}_{level}.tsv" for level in TINY_LEVELS},
        "predict": {f"results/predictions/{model}_{s}.npy" for s in splits},
        "score": {f"results/metrics/{kind}/{model}_{s}.tsv" for kind in ("per_gene", "rows") for s in splits}
        | {f"results/metrics/resamples/{model}_{s}.npz" for s in splits},
        "shap": {
            f"results/{d}{model}_{g}{suffix}"
            for g in genes
            for d, suffix in (
                ("shap/", ".npz"),
                ("figures/shap/", "_waterfall.png"),
                ("figures/shap/", "_beeswarm.png"),
            )
        },
    }


def test_complete_run_has_nothing_pending(tiny_run):
    assert pending(tiny_run) == {}


def test_xgbrf_hyperparameter_reruns_only_xgbrf_and_downstream(tiny_run, tmp_path):
    deeper = write_config(tmp_path / "x.yaml", {"models": {"xgbrf": {"params": {"max_depth": 4}}}})
    plans = pending(tiny_run, configfiles=(TINY, deeper))
    batches = {f"results/models/xgbrf/batch_{b}.ubj" for b in ("000", "001", "002")}
    assert plans.pop("train_xgbrf_batch") == batches
    assert plans.pop("assemble_xgbrf") == {"results/models/xgbrf/index.json", "results/models/xgbrf.fit.json"}
    for rule, outputs in model_downstream("xgbrf").items():
        assert plans.pop(rule) == outputs, rule
    assert set(plans) == GATHERED  # no MLR, ridge, mean or RNN training, no data stage


def test_rnn_hyperparameter_reruns_only_the_rnns_and_downstream(tiny_run, tmp_path):
    """A models.rnn setting defines the RNN and its variants (rnn_shuffled inherits it): both retrain."""
    stronger = write_config(tmp_path / "r.yaml", {"models": {"rnn": {"l2_lambda": 2.0e-6}}})
    plans = pending(tiny_run, configfiles=(TINY, stronger))
    rnns = ("rnn", "rnn_shuffled")
    suffixes = (".pt", "_training.tsv", ".fit.json", ".network.tsv")
    assert plans.pop("train_rnn") == {f"results/models/{m}{suffix}" for m in rnns for suffix in suffixes}
    for rule in ("predict", "score", "shap", "forecast_interventions", "score_interventions"):
        assert plans.pop(rule) == set().union(*(model_downstream(m)[rule] for m in rnns)), rule
    assert set(plans) == GATHERED


def test_a_variant_setting_reruns_only_that_variant(tiny_run, tmp_path):
    """The shuffled control's own network seed: its jobs only, never the RNN on the prior."""
    reseeded = write_config(tmp_path / "v.yaml", {"models": {"variants": {"rnn_shuffled": {"network_seed": 1}}}})
    plans = pending(tiny_run, configfiles=(TINY, reseeded))
    suffixes = (".pt", "_training.tsv", ".fit.json", ".network.tsv")
    assert plans.pop("train_rnn") == {f"results/models/rnn_shuffled{suffix}" for suffix in suffixes}
    for rule, outputs in model_downstream("rnn_shuffled").items():
        assert plans.pop(rule) == outputs, rule
    assert set(plans) == GATHERED


def test_adding_a_shap_gene_schedules_only_its_jobs(tiny_run, tmp_path):
    more = write_config(tmp_path / "g.yaml", {"shap": {"genes": ["ALB", "AFP", "TF"]}})
    plans = pending(tiny_run, configfiles=(TINY, more))
    assert {p for p in plans.pop("shap") if p.endswith(".npz")} == {
        f"results/shap/{m}_TF.npz" for m in ("mean", "ridge", "mlr", "prior_ridge", "xgbrf", "rnn", "rnn_shuffled")
    }
    assert set(plans) == {"truth_recovery", "ladder", "verdict", "summary"}  # gather the SHAP files (then the pages)


def test_adding_a_perturbation_level_schedules_only_its_jobs(tiny_run, tmp_path):
    level = {"interventions": {"levels": {"overexpression": {"quantile": 0.98, "shift_sd": 0}}}}
    plans = pending(tiny_run, configfiles=(TINY, write_config(tmp_path / "l.yaml", level)))
    assert plans.pop("intervention_truth") == {"results/cohort/interventions/overexpression.npz"}
    for rule, path in (("forecast_interventions", "forecasts/{}.npz"), ("score_interventions", "scores/{}.tsv")):
        expected = {"results/interventions/" + path.format(f"{m}_overexpression") for m in tiny_models()}
        assert plans.pop(rule) == expected, rule
    assert set(plans) == {"summarize_interventions", "verdict", "summary"}  # not the design, not the other levels


def test_a_forecast_only_setting_reruns_only_that_models_forecasts(tiny_run, tmp_path):
    """prior_ridge_3steps forecasts with prior_ridge's file: its propagation reruns its forecasts only."""
    steps = write_config(tmp_path / "p.yaml", {"models": {"variants": {"prior_ridge_3steps": {"propagation": 5}}}})
    plans = pending(tiny_run, configfiles=(TINY, steps))
    own = model_downstream("prior_ridge_3steps")
    for rule in ("forecast_interventions", "score_interventions"):
        assert plans.pop(rule) == own[rule], rule
    assert set(plans) == {"summarize_interventions", "verdict", "summary"}


def test_top_genes_reruns_only_the_interventional_scoring(tiny_run, tmp_path):
    """interventions.top_genes changes how forecasts are scored, not the forecasts: the score jobs, the summary
    (which scores the no-change baseline with it) and the pages read from the summary rerun; nothing else."""
    fewer = write_config(tmp_path / "t.yaml", {"interventions": {"top_genes": 10}})
    plans = pending(tiny_run, configfiles=(TINY, fewer))
    assert plans.pop("score_interventions") == {
        f"results/interventions/scores/{m}_{level}.tsv" for m in tiny_models() for level in TINY_LEVELS
    }
    assert plans.pop("summarize_interventions") == INTERVENTION_TABLES | {"results/figures/interventions.png"}
    pages = {"results/verdict.md", "results/verdict.rst", "results/figures/verdict_forest.png"}
    assert plans.pop("verdict") == pages | {"results/figures/verdict_forest.svg"}
    assert plans.pop("summary") == {"results/summary.md"}
    assert plans == {}


def test_bootstrap_settings_rerun_nothing_under_the_jackknife(tiny_run, tmp_path):
    """The default jackknife intervals read no bootstrap resample: evaluate.bootstrap and bootstrap_seed are
    in no job's params, so changing them schedules no job at all."""
    for name, change in (("resamples", {"bootstrap": 50}), ("seed", {"bootstrap_seed": 1})):
        overlay = write_config(tmp_path / f"{name}.yaml", {"evaluate": change})
        assert pending(tiny_run, configfiles=(TINY, overlay)) == {}, name


def test_deleted_batch_model_reruns_only_that_batch(tiny_run):
    batch = tiny_run / "results/models/xgbrf/batch_001.ubj"
    aside = batch.with_suffix(".aside")
    os.replace(batch, aside)
    try:
        plans = pending(tiny_run)
    finally:
        os.replace(aside, batch)
    assert plans.pop("train_xgbrf_batch") == {"results/models/xgbrf/batch_001.ubj"}
    assert plans.pop("assemble_xgbrf") == {"results/models/xgbrf/index.json", "results/models/xgbrf.fit.json"}
    for rule, outputs in model_downstream("xgbrf").items():
        assert plans.pop(rule) == outputs, rule
    assert set(plans) == GATHERED


CHECKOUT_PARTS = ("Snakefile", "rules", "workflow_scripts", "lembas_core", "config", "envs", "profiles")


@pytest.fixture(scope="module")
def checkout_run(tiny_run, tmp_path_factory) -> tuple[Path, Path]:
    """(checkout, workdir): a copy of the workflow's files (Snakefile, rules, scripts, library, config) and one
    complete tiny run of that copy, for the tests that edit library code: they edit the copy, never this
    checkout (which other processes may be importing meanwhile).

    The run is a copy of `tiny_run` handed over to the copied workflow with `snakemake --touch`, which records
    every job as a run does (its inputs now the copy's code files) and marks its outputs up to date: the
    copy's code is this checkout's, byte for byte, so running it would only compute the same files again.
    """
    checkout = tmp_path_factory.mktemp("checkout")
    for part in CHECKOUT_PARTS:
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, checkout / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / part, checkout / part)
    workdir = tmp_path_factory.mktemp("checkout_run") / "run"
    shutil.copytree(tiny_run, workdir, symlinks=True)
    result = snakemake(workdir, "--touch", checkout=checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert pending(workdir, checkout=checkout) == {}, "the copied run is not complete for the copied workflow"
    return checkout, workdir


@contextmanager
def edited(module: Path):
    """Append a comment to `module` (a real content change: Snakemake compares checksums, not only
    mtimes); restore it byte for byte, mtime included, whatever happens."""
    original, stat = module.read_bytes(), module.stat()
    try:
        module.write_bytes(original + b"\n# edited by tests/test_workflow_reruns.py\n")
        yield
    finally:
        module.write_bytes(original)
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_edited_library_module_reruns_the_rules_that_use_it(checkout_run):
    """lembas_core/evaluation/metrics.py is imported by scoring, summarising, the ladder and the results pages only:
    an edit reruns just those."""
    checkout, workdir = checkout_run
    with edited(checkout / "lembas_core" / "evaluation" / "metrics.py"):
        plans = pending(workdir, checkout=checkout)
    assert len(plans.pop("score")) == 7 * 3 * 3  # per-gene table, summary row, replicates of every model x split
    # downstream of the scores (the ladder and both pages import metrics too); no training, no predictions
    assert set(plans) == {"summarize_metrics", "figures", "ladder", "verdict", "summary"}


def test_recalibrated_job_resources_rerun_nothing(checkout_run):
    """The cost models that size the requests (models/resources.py, resolved by name only when the workflow sizes
    jobs, and workflow/resources.py, read while it parses) change no result: editing them reruns no job."""
    checkout, workdir = checkout_run
    for module in ("models/resources.py", "workflow/resources.py"):
        with edited(checkout / "lembas_core" / module):
            assert pending(workdir, checkout=checkout) == {}, module


def scheduled_reasons(stdout: str) -> dict[str, list[str]]:
    """Rule -> the `reason:` line of each of its jobs in a dry run's output."""
    reasons: dict[str, list[str]] = {}
    for block in stdout.split("\n\n"):
        rule = re.search(r"^(?:local)?(?:rule|checkpoint) (\w+):$", block, flags=re.M)
        reason = re.search(r"^\s+reason: (.*)$", block, flags=re.M)
        if rule and reason:
            reasons.setdefault(rule.group(1), []).append(reason.group(1))
    return reasons


def test_low_level_edit_reschedules_every_importing_rule_because_of_that_file(checkout_run):
    """io/tables.py is imported, directly or not, by most steps. Each rule is dry-run on its own
    (`--allowed-rules`, so that no upstream rerun masks the reason): every job of a rule that imports the
    module must be rescheduled because of the module itself; a rule that does not import it, not at all."""
    checkout, workdir = checkout_run
    module = REPO / "lembas_core" / "io" / "tables.py"  # which rules import it: read here (the copy is the same)
    copied = checkout / module.relative_to(REPO)
    scripts = rule_scripts()
    del scripts["predict_temporary"]  # no jobs: the tiny config keeps every split's predictions
    del scripts["ingest_interventions"], scripts["observed_interventions"]  # no jobs: no perturbation data
    del scripts["regime_map_cell"], scripts["regime_map"]  # no jobs: outside the default run (tests/test_code_deps.py)
    importing = set()
    for rule, script in scripts.items():
        kinds = {kind for output in ("mlr_train", "mlr") for kind in model_kinds_of_job(rule, output)}
        dispatched = {REGISTRY[kind].module for kind in REGISTRY} if kinds else set()
        if str(module) in code_inputs(REPO / "workflow_scripts" / f"{script}.py", *dispatched):
            importing.add(rule)
    assert {"synthesize_cohort", "ingest", "train_rnn", "predict", "shap"} <= importing
    assert set(scripts) - importing, "expected some rule that does not import io/tables.py"
    with edited(copied):
        for rule in scripts:
            result = snakemake(workdir, "-n", "--allowed-rules", rule, configfiles=(TINY,), checkout=checkout)
            assert result.returncode == 0, result.stdout + result.stderr
            reasons = scheduled_reasons(result.stdout).get(rule, [])
            if rule in importing:
                assert reasons, f"{rule} imports {module.name} but was not rescheduled"
                assert all(str(copied) in reason for reason in reasons), (rule, reasons[:1])
            else:
                assert reasons == [], f"{rule} does not import {module.name} but was rescheduled: {reasons[:1]}"


def test_execution_settings_rerun_nothing(tiny_run, tmp_path):
    """The RNN's device and checkpoint period and XGBRF's device change no result: they reach the jobs in
    params that rerun nothing."""
    execution = {"rnn": {"device": "cpu", "checkpoint_every": 7}, "xgbrf": {"device": "cpu"}}
    overlay = write_config(tmp_path / "e.yaml", {"models": execution})
    assert pending(tiny_run, configfiles=(TINY, overlay)) == {}


def test_killed_run_resumes_to_identical_results(tiny_run, tmp_path):
    """SIGKILL snakemake and its jobs mid-run (RNN training under way), rerun, compare with tiny_run."""
    checkpoint = tmp_path / "results/models/rnn.checkpoint.pt"
    process = subprocess.Popen(
        snakemake_command(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + PIPELINE_S  # the checkpoint comes before the pipeline's end
        while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)  # the checkpoint lives for tens of milliseconds on the tiny preset
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # snakemake and every job it started (same session)
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be interrupted"
    assert not (tmp_path / "results/metrics/summary.tsv").exists()
    redo = set().union(*pending(tmp_path).values())
    assert "results/models/rnn.pt" in redo, "the interrupted RNN training must be redone"
    kept = [p for p in result_files(tmp_path) if not any(str(p) == out or str(p).startswith(out + "/") for out in redo)]
    assert kept, "some jobs finished before the kill"
    truncated = differing_results(tiny_run, tmp_path, kept)
    assert not truncated, f"files the rerun would keep differ from a complete run: {truncated}"

    unlock = snakemake(tmp_path, "--unlock")  # a killed snakemake cannot release its lock
    assert unlock.returncode == 0, unlock.stdout + unlock.stderr
    result = snakemake(tmp_path, "--rerun-incomplete")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "resuming from results/models/rnn.checkpoint.pt" in (tmp_path / "logs/models/rnn.log").read_text()
    assert len(result_files(tiny_run)) > 100
    assert not differing_results(tiny_run, tmp_path), "the resumed run differs from the uninterrupted one"
