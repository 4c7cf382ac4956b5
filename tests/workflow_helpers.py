"""Run the real Snakemake CLI on the repository's Snakefile in a scratch working directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TINY = REPO / "config" / "presets" / "tiny.yaml"


def snakemake(workdir: Path, *args: str, configfiles: tuple[Path, ...] = (TINY,), timeout: int = 600) -> subprocess.CompletedProcess:
    """`python -m snakemake` with the repo Snakefile, no workflow profile, 2 cores."""
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory", str(workdir), "--workflow-profile", "none", "--cores", "2"]
    cmd += list(args)  # targets and flags before --configfile, which takes a list of files
    if configfiles:
        cmd += ["--configfile", *map(str, configfiles)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def write_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.safe_dump(config))
    return path
