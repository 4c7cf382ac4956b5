"""LEMBAS-RNN convergence: the default recipe against the same recipe with 4x its budget, at every size.

For each preset (`small`: 68 training samples for 420 TFs and 2,500 targets, the small real cohort's shape;
`demo`; `full`: the upstream size), each setting trains on the preset's training split in its own process
and records: optimizer updates run, epochs, the kept epoch, the convergence check's gain over its half-budget
reference run (%), the fit report's
`converged` and stop reason, wall seconds, peak RSS, the largest spectral-radius estimate, train and test
r2_uniform of the RNN (test also bias-corrected with its 95% jackknife interval over test samples, as the
pipeline scores), for every other setting its paired difference from `default` (run in the same command, or
kept from an earlier one with its test replicates) on the same test samples (bias-corrected, 95% jackknife
interval: the comparison that decides whether more budget helps) and, for scale, the test r2_uniform of
ridge and prior_ridge on the same split. Each run's test replicates are kept in
benchmarks/work/<preset>_<setting>_test_replicates.npz for the pairing.

Settings: `default` (config/config.yaml), `4x` (steps x 4), and any `name:key=value[,key=value]` given with
--extra (e.g. `every1:spectral_every=1`). Usage:
    python benchmarks/rnn_convergence.py [--threads 2] [--presets small demo full] [--settings default 4x]
        [--extra every1:spectral_every=1] [--device cuda]
`full` needs benchmarks/work/full_parquet (benchmarks/data_stages.py --preset full --format parquet).
Writes benchmarks/results/rnn_convergence.tsv (rows of earlier runs of other presets/settings are kept).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import resource
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
from common import FULL_DATASET, HERE, require_full_dataset, write_table

from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.dataset import Dataset, load_dataset
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.data.network_controls import network_for
from lembas_core.data.preprocess import preprocess
from lembas_core.evaluation.intervals import Replicates
from lembas_core.evaluation.metrics import summary_metrics
from lembas_core.models.linear import fit_ridge
from lembas_core.models.prior_ridge import fit_prior_ridge
from lembas_core.models.rnn.io import graph_from_dataset
from lembas_core.models.rnn.model import LembasRNN
from lembas_core.models.rnn.training import train
from lembas_core.steps.runtime import configure_threads
from lembas_core.synthetic.cohort import synthesize
from lembas_core.workflow.settings import Settings, default_config

COLUMNS = (
    "preset",
    "setting",
    "updates",
    "epochs",
    "kept_epoch",
    "check_gain_pct",
    "converged",
    "wall_s",
    "peak_rss_gb",
    "max_radius",
    "rnn_train_r2_uniform",
    "rnn_test_r2_uniform",
    "rnn_test_plain",  # r2_uniform_plain; rnn_test_r2_uniform is the point its interval is centred on
    "rnn_test_lo",
    "rnn_test_hi",
    "vs_default",
    "vs_default_lo",
    "vs_default_hi",
    "ridge_test_r2_uniform",
    "prior_ridge_test_r2_uniform",
    "stop_reason",
)
DEFAULTS = Settings.from_config(default_config())
NO_PAIR = dict.fromkeys(("vs_default", "vs_default_lo", "vs_default_hi"), float("nan"))


def dataset_of(preset: str) -> Path:
    """The preset's dataset store (built once under benchmarks/work/ with the pipeline's defaults)."""
    if preset == "full":
        return require_full_dataset()
    work = HERE / "work" / f"{preset}_convergence"
    if not (work / "dataset" / "manifest.json").exists():
        paths = synthesize(PRESETS[preset], work / "cohort", "tsv")
        roles = ("tf_expression", "gene_expression", "network", "validation")
        files = CohortFiles(*(paths[role] for role in roles), format="tsv")
        ingest_cohort(files, work / "ingest", DEFAULTS.data.ingest)
        preprocess(work / "ingest", work / "dataset", DEFAULTS.preprocess, "default")
    return work / "dataset"


def r2_uniform(ds: Dataset, split: str, predictions: np.ndarray) -> tuple[dict[str, float], Replicates]:
    """Per-gene R^2 averaged over the split's genes, with the pipeline's interval (jackknife over samples),
    and the replicates behind it."""
    y = np.asarray(ds.y[split])
    return summary_metrics(y, predictions, np.ones(y.shape[1], bool), DEFAULTS.evaluate.score)


def replicates_path(preset: str, setting: str) -> Path:
    """Where a run's test replicates are kept for pairing with another setting's."""
    return HERE / "work" / f"{preset}_{re.sub(r'[^A-Za-z0-9]+', '_', setting).strip('_')}_test_replicates.npz"


def manifest_digest(preset: str) -> str:
    """The sha256 of the preset's dataset manifest: which dataset a cached result came from."""
    return hashlib.sha256((dataset_of(preset) / "manifest.json").read_bytes()).hexdigest()


def fingerprint(preset: str, overrides: dict) -> dict:
    """What a run's test replicates came from: the resolved RNN training settings and the dataset's manifest
    digest (kept beside the replicates; a later setting pairs only with a default run of the same)."""
    rnn = Settings.from_config(default_config({"models": {"rnn": overrides}})).models["rnn"]
    return json.loads(json.dumps({"training": asdict(rnn.training), "manifest_sha256": manifest_digest(preset)}))


def versus_default(preset: str, setting: str, default: str) -> dict:
    """`setting` - `default` test r2_uniform on the same samples, from both runs' replicates: bias-corrected,
    with its 95% jackknife interval."""
    difference = Replicates.load(replicates_path(preset, setting)) - Replicates.load(replicates_path(preset, default))
    values = difference.interval("r2_uniform", "jackknife")  # point, lo, hi
    return {key: round(float(value), 4) for key, value in zip(NO_PAIR, values, strict=True)}


def overrides_of(setting: str, extras: dict[str, dict]) -> dict:
    """The `models.rnn` overrides a setting stands for."""
    if setting == "default":
        return {}
    if setting.endswith("x") and setting[:-1].isdigit():
        return {"steps": DEFAULTS.models["rnn"].training.steps * int(setting[:-1])}
    return extras[setting]


def run_rnn(preset: str, setting: str, overrides: dict, device: str = "cpu") -> dict:
    """Train the RNN with the default config + `overrides` on the preset's training split on `device`; the
    row's fields (the test replicates are written to :func:`replicates_path`)."""
    ds_dir = dataset_of(preset)
    ds = load_dataset(ds_dir)
    rnn = Settings.from_config(default_config({"models": {"rnn": overrides}})).models["rnn"]
    graph, _, _ = graph_from_dataset(ds_dir)
    model = LembasRNN(graph, rnn.architecture, seed=rnn.training.seed).to_device(device)
    x = np.asarray(ds.x["train"])
    start = time.perf_counter()
    outcome = train(model, x, np.asarray(ds.y["train"]), rnn.training)
    seconds = time.perf_counter() - start
    test, found = r2_uniform(ds, "test", model.predict(np.asarray(ds.x["test"])))
    found.save(replicates_path(preset, setting))
    replicates_path(preset, setting).with_suffix(".json").write_text(json.dumps(fingerprint(preset, overrides)))
    radii = [row["spectral_radius"] for row in outcome.history if np.isfinite(row["spectral_radius"])]
    return {
        "updates": int(outcome.history[-1]["steps"]),
        "epochs": len(outcome.history),
        "kept_epoch": outcome.best_epoch,
        "check_gain_pct": float("nan") if outcome.check_gain is None else round(100 * outcome.check_gain, 3),
        "converged": {True: "yes", False: "no", None: "recipe"}[outcome.converged],
        "wall_s": round(seconds, 1),
        "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2),
        "max_radius": round(max(radii), 4) if radii else float("nan"),
        "rnn_train_r2_uniform": round(r2_uniform(ds, "train", model.predict(x))[0]["r2_uniform"], 4),
        "rnn_test_r2_uniform": round(test["r2_uniform"], 4),
        "rnn_test_plain": round(test["r2_uniform_plain"], 4),
        "rnn_test_lo": round(test["r2_uniform_lo"], 4),
        "rnn_test_hi": round(test["r2_uniform_hi"], 4),
        "stop_reason": outcome.stop_reason,
    }


def run_baselines(preset: str) -> dict:
    """Test r2_uniform of ridge and prior_ridge (default settings) on the same split."""
    ds_dir = dataset_of(preset)
    ds = load_dataset(ds_dir)
    x, y, x_test = np.asarray(ds.x["train"]), np.asarray(ds.y["train"]), np.asarray(ds.x["test"])
    ridge = fit_ridge(x, y, ds.features, ds.targets, DEFAULTS.models["ridge"])
    prior = DEFAULTS.models["prior_ridge"]
    network, _ = network_for(ds_dir, prior.network, prior.network_seed)
    prior_ridge = fit_prior_ridge(x, y, ds.features, ds.targets, prior, network)
    return {
        "ridge_test_r2_uniform": round(r2_uniform(ds, "test", ridge.predict(x_test))[0]["r2_uniform"], 4),
        "prior_ridge_test_r2_uniform": round(r2_uniform(ds, "test", prior_ridge.predict(x_test))[0]["r2_uniform"], 4),
    }


def child(args: argparse.Namespace) -> None:
    configure_threads(args.threads)
    job = json.loads(args.child)
    if job["what"] == "baselines":
        result = run_baselines(job["preset"])
    else:
        result = run_rnn(job["preset"], job["setting"], job["overrides"], job.get("device", "cpu"))
    print("RESULT " + json.dumps(result), flush=True)


def in_child(job: dict, threads: int) -> dict:
    command = [sys.executable, __file__, "--threads", str(threads), "--child", json.dumps(job)]
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{job} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.split("RESULT ", 1)[1])


def cached_baselines(preset: str, threads: int) -> dict:
    """The preset's baseline scores, computed once per dataset (benchmarks/work/<preset>_baselines.json holds
    them with the sha256 of the dataset's manifest)."""
    digest = manifest_digest(preset)
    cache = HERE / "work" / f"{preset}_baselines.json"
    if cache.exists() and json.loads(cache.read_text()).get("manifest_sha256") == digest:
        return json.loads(cache.read_text())["scores"]
    scores = in_child({"what": "baselines", "preset": preset}, threads)
    cache.write_text(json.dumps({"manifest_sha256": digest, "scores": scores}))
    return scores


def kept_default(kept: list[dict], preset: str, default: str) -> bool:
    """Whether an earlier run's default row of `preset` is kept with its test replicates, from today's default
    settings on today's dataset: a setting run without the default pairs with that run."""
    saved = replicates_path(preset, default).with_suffix(".json")
    if not any(r["preset"] == preset and r["setting"] == default for r in kept) or not saved.exists():
        return False
    return json.loads(saved.read_text()) == fingerprint(preset, {})


def parse_extra(items: list[str]) -> dict[str, dict]:
    """`name:key=value,key=value` -> {name: {key: value}} (each value parsed as JSON: 1, 0.2, "x", true)."""
    extras = {}
    for item in items:
        name, assignments = item.split(":", 1)
        pairs = (pair.split("=", 1) for pair in assignments.split(","))
        extras[name] = {key: json.loads(value) for key, value in pairs}
    return extras


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--presets", nargs="+", default=["small", "demo", "full"])
    parser.add_argument("--settings", nargs="+", default=["default", "4x"])
    parser.add_argument("--extra", nargs="*", default=[])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    extras = parse_extra(args.extra)
    args.settings.sort(key=lambda setting: setting != "default")  # the default first: the others pair with it
    out = HERE / "results" / "rnn_convergence.tsv"
    kept = []  # rows of other presets or settings from earlier runs
    if out.exists() and out.read_text().startswith("#"):
        lines = out.read_text().splitlines()[1:]
        kept = [{c: row.get(c) or "nan" for c in COLUMNS} for row in csv.DictReader(lines, delimiter="\t")]

    def label(setting: str) -> str:  # the row's name of a setting: off the CPU, with the device
        return setting if args.device == "cpu" else f"{setting} ({args.device})"

    names, default = [label(setting) for setting in args.settings], label("default")
    pairing = "default" in args.settings  # every other setting is paired with this invocation's default run
    kept = [r for r in kept if (r["preset"], r["setting"]) not in {(p, n) for p in args.presets for n in names}]
    for row in kept:  # a kept row's difference was paired with a default run that this one replaces
        if pairing and row["preset"] in args.presets:
            row.update(NO_PAIR)
    rows = [tuple(r[c] for c in COLUMNS) for r in kept]
    for preset in args.presets:
        if preset == "full" and not (FULL_DATASET / "manifest.json").exists():
            require_full_dataset()
        baselines = cached_baselines(preset, args.threads)
        for setting, name in zip(args.settings, names, strict=True):
            job = {
                "what": "rnn",
                "preset": preset,
                "setting": name,
                "overrides": overrides_of(setting, extras),
                "device": args.device,
            }
            result = {"preset": preset, "setting": name, **NO_PAIR, **in_child(job, args.threads), **baselines}
            if setting != "default" and (pairing or kept_default(kept, preset, default)):
                result.update(versus_default(preset, name, default))
            rows.append(tuple(result[c] for c in COLUMNS))
            print(rows[-1], flush=True)
    order = {name: i for i, name in enumerate(["tiny", "small", "demo", "full"])}
    rows.sort(key=lambda r: (order.get(r[0], 9), r[1] != "default", r[1]))
    extra = "".join(f" --extra {' '.join(args.extra)}" for _ in [0] if args.extra)
    command = (
        f"python benchmarks/rnn_convergence.py --threads {args.threads} --presets {' '.join(args.presets)} "
        f"--settings {' '.join(args.settings)}{extra}" + (" --device cuda" if args.device == "cuda" else "")
    )
    write_table("rnn_convergence", command, args.threads, [COLUMNS, *rows])


if __name__ == "__main__":
    main()
