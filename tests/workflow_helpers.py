"""Run the real Snakemake CLI on the repository's Snakefile in a scratch working directory."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from lembas_core.workflow.settings import Settings, default_config
from timeouts import PIPELINE_S

REPO = Path(__file__).resolve().parent.parent
TINY = REPO / "config" / "presets" / "tiny.yaml"


def snakemake_command(
    workdir: Path,
    *args: str,
    configfiles: tuple[Path, ...] = (TINY,),
    profile: tuple[str, ...] = ("--workflow-profile", "none", "--cores", "2"),
    checkout: Path = REPO,
) -> list[str]:
    """`python -m snakemake` on the Snakefile of `checkout` (default: this repository) in `workdir`; by default
    no profile and 2 cores."""
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(checkout / "Snakefile"),
        "--directory",
        str(workdir),
        *profile,
    ]
    cmd += list(args)  # targets and flags before --configfile, which takes a list of files
    if configfiles:
        cmd += ["--configfile", *map(str, configfiles)]
    return cmd


DEFAULT_PROFILE = ("--workflow-profile", str(REPO / "profiles" / "default"), "--cores", "2")  # as users run it


def snakemake(
    workdir: Path,
    *args: str,
    configfiles: tuple[Path, ...] = (TINY,),
    timeout: int = PIPELINE_S,
    profile: tuple[str, ...] = ("--workflow-profile", "none", "--cores", "2"),
    checkout: Path = REPO,
) -> subprocess.CompletedProcess:
    """Run `snakemake_command` and capture its output (`profile`: e.g. DEFAULT_PROFILE)."""
    return subprocess.run(
        snakemake_command(workdir, *args, configfiles=configfiles, profile=profile, checkout=checkout),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# gathered outputs that every model's jobs feed: they follow any model change
GATHERED = {"summarize_metrics", "latency", "figures", "truth_recovery", "ladder", "verdict", "summary"}
GATHERED |= {"summarize_interventions"}


def pending(
    workdir: Path, *args: str, configfiles: tuple[Path, ...] = (TINY,), checkout: Path = REPO
) -> dict[str, set[str]]:
    """Outputs that a run would (re)create, by rule, from the machine-readable `--summary` (of the workflow
    in `checkout`)."""
    result = snakemake(workdir, "--summary", *args, configfiles=configfiles, checkout=checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout[result.stdout.index("output_file\tdate\trule") :].splitlines()
    header = lines[0].split("\t")
    plans: dict[str, set[str]] = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        if row.get("plan") == "update pending":
            plans.setdefault(row["rule"], set()).add(row["output_file"])
    return plans


def files_config(directory: Path, files, fmt: str | None = None) -> Path:
    """An overlay (written to `directory`/files.yaml) that points data.files at `files` (a CohortFiles),
    in `fmt` (default: the files' own format)."""
    roles = ("tf_expression", "gene_expression", "network", "validation")
    settings = {"format": fmt or files.format, **{role: str(getattr(files, role)) for role in roles}}
    return write_config(directory / "files.yaml", {"data": {"source": "files", "files": settings}})


def write_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.safe_dump(config))
    return path


def result_files(workdir: Path) -> list[Path]:
    """Deterministic result files of a run (relative paths): data stores, models, predictions, metrics, SHAP.

    Left out: latency.tsv (timings), figures and the report (rendering metadata), the RNN's training
    checkpoint (state, not a result), and hidden scratch files (`.name.tmp-*`) of killed jobs.
    """
    keep = (".tsv", ".npz", ".npy", ".ubj", ".json", ".pt")
    files = [
        p.relative_to(workdir) for p in sorted((workdir / "results").rglob("*")) if p.is_file() and p.suffix in keep
    ]
    files = [
        p for p in files if p.name != "latency.tsv" and not p.name.endswith(".checkpoint.pt")
    ]  # timings; training state
    return [p for p in files if not any(part.startswith(".") for part in p.parts)]


def comparable_bytes(path: Path) -> bytes:
    """A result file's content, without the wall-clock `seconds` column of RNN training histories."""
    if not path.name.endswith("_training.tsv"):  # an RNN training history (rnn, rnn_shuffled, ...)
        return path.read_bytes()
    rows = [line.split("\t") for line in path.read_text().splitlines()]
    keep = [i for i, name in enumerate(rows[0]) if name != "seconds"]
    return "\n".join("\t".join(row[i] for i in keep) for row in rows).encode()


def differing_results(reference: Path, other: Path, files: list[Path] | None = None) -> list[str]:
    """Result files (default: all of `reference`'s) missing from `other` or differing in any byte."""
    files = result_files(reference) if files is None else files
    return [
        str(p)
        for p in files
        if not (other / p).is_file() or comparable_bytes(reference / p) != comparable_bytes(other / p)
    ]


def rule_scripts() -> dict[str, str]:
    """Workflow script of every rule, read from rules/*.smk."""
    scripts = {}
    for path in (REPO / "rules").glob("*.smk"):
        for name, body in re.findall(
            r"^(?:rule|checkpoint) (\w+):\n(.*?)(?=^\S|\Z)", path.read_text(), flags=re.M | re.S
        ):
            found = re.search(r'script:\n\s+"\.\./workflow_scripts/(\w+)\.py"', body)
            if found:
                scripts[name] = found.group(1)
    scripts["predict_temporary"] = scripts["predict"]  # `use rule predict as predict_temporary`
    scripts["fit_linear_on_network"] = scripts["fit_linear"]  # `use rule fit_linear as fit_linear_on_network`
    return scripts


def tiny_models() -> dict[str, str]:
    """Model name -> kind of the tiny preset's run (its kinds and the default variants)."""
    with open(TINY, encoding="utf-8") as handle:
        specs = Settings.from_config(default_config(yaml.safe_load(handle))).specs
    return {name: spec.kind for name, spec in specs.items()}


def model_kinds_of_job(rule: str, output: str) -> list[str]:
    """Model kinds a job of the tiny run dispatches to, from its output path (`<model>_<split or gene>`)."""
    models = tiny_models()
    stem = Path(output).name
    named = [m for m in models if stem == m or stem.startswith((f"{m}_", f"{m}."))]
    name = max(named, key=len) if named else ""
    if rule in (
        "predict",
        "predict_temporary",
        "shap",
        "fit_linear",
        "fit_linear_on_network",
        "forecast_interventions",
    ):
        return [models[name]] if name else []
    if rule == "latency":
        return list(dict.fromkeys(models.values()))  # every shown model, one after the other
    return []
