"""The report opens on the answer: headless Chromium renders the tiny run's `results/report.html`, and its first
screen holds the verdict's sentences and the forest plot of the paired differences behind them.

Marker `chromium`. Run as root, the test installs Debian's `chromium` when it is missing (as the SLURM test
installs SLURM); elsewhere it skips, except in CI (`CI=true`), where a missing Chromium fails it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from debian_packages import PackagesUnavailable, ensure_packages
from lembas_core.reporting.forest import STYLE
from timeouts import APT_S, BROWSER_S, REPORT_S
from workflow_helpers import snakemake

pytestmark = [pytest.mark.chromium, pytest.mark.workflow]
SCREEN = (1280, 900)  # the first screen of a laptop browser window, in CSS pixels
MIN_PLOT_PIXELS = 40  # pixels of the forest plot's verdict colours on that screen (its markers alone are ~60)


@pytest.fixture(scope="module")
def chromium() -> str:
    try:
        ensure_packages(("chromium",), ("chromium",), timeout=APT_S)
    except PackagesUnavailable as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the report screenshot test, but {error}", pytrace=False)
        pytest.skip(str(error))
    return shutil.which("chromium")


def headless(browser: str, page: Path, *args: str) -> subprocess.CompletedProcess:
    """Chromium without a display, sandbox (it runs as root here) or GPU, on `page`, letting its scripts run."""
    window = f"--window-size={SCREEN[0]},{SCREEN[1]}"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", window]
    command += ["--virtual-time-budget=15000", *args, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_S)


def test_the_reports_first_screen_shows_the_verdict_and_the_forest_plot(tiny_run, chromium, tmp_path):
    report = tiny_run / "results" / "report.html"
    result = snakemake(tiny_run, "--report", str(report), timeout=REPORT_S)
    assert result.returncode == 0, result.stdout + result.stderr
    verdict = (tiny_run / "results" / "verdict.md").read_text(encoding="utf-8")
    first_sentence = next(line for line in verdict.splitlines() if line.startswith("- "))[2:]

    dom = headless(chromium, report, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = re.sub(r"<script\b.*?</script>", "", dom.stdout, flags=re.S)  # the page as drawn, not its data
    text = " ".join(re.sub(r"<[^>]+>", " ", rendered).split())
    assert "Verdict" in text and " ".join(first_sentence.split()[:8]) in text
    assert 'alt="the paired differences behind the verdict"' in rendered  # the forest plot, on the first page

    shot = tmp_path / "first_screen.png"
    done = headless(chromium, report, f"--screenshot={shot}")
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3)
    assert pixels.std() > 10, "the screenshot is blank"
    colours = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c, _ in STYLE.values()]
    plotted = sum(int((pixels == colour).all(axis=1).sum()) for colour in colours)
    assert plotted >= MIN_PLOT_PIXELS, f"no forest plot on the first screen ({plotted} pixels of its colours)"
