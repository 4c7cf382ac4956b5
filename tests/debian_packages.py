"""Debian packages that some tests install when they are missing and the tests run as root: SLURM and munge
(tests/test_slurm.py), Chromium (tests/test_report_screenshot.py). Installing never starts a service."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from timeouts import APT_S


class PackagesUnavailable(RuntimeError):
    """The packages cannot be installed on this machine (not root, no apt, packages unavailable)."""


def ensure_packages(packages: Sequence[str], binaries: Sequence[str], timeout: int = APT_S) -> None:
    """Install `packages` with apt-get unless every one of `binaries` is on PATH already."""
    if all(shutil.which(b) for b in binaries):
        return
    what = " ".join(packages)
    if os.geteuid() != 0:
        raise PackagesUnavailable(f"installing {what} needs root (apt-get)")
    if not shutil.which("apt-get"):
        raise PackagesUnavailable(f"no apt-get: installing {what} needs a Debian-like machine")
    policy = Path("/usr/sbin/policy-rc.d")  # exit 101 = "do not start services during installation"
    own_policy = not policy.exists()
    if own_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    try:
        for cmd in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        ):
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
            if done.returncode != 0:
                raise PackagesUnavailable(f"`{' '.join(cmd)}` failed: {done.stderr.strip()[-500:]}")
    finally:
        if own_policy:
            policy.unlink(missing_ok=True)
    missing = [b for b in binaries if not shutil.which(b)]
    if missing:
        raise PackagesUnavailable(f"installed {what} but {', '.join(missing)} not on PATH")
