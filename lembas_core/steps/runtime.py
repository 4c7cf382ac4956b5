"""Per-job runtime set-up: thread limits from Snakemake's `threads`, and logging to the rule's log."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow
from threadpoolctl import threadpool_limits

from lembas_core.io.errors import InputDataError

LOG = logging.getLogger("lembas_core")

_THREAD_ENV_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def configure_threads(n_threads: int) -> None:
    """Limit BLAS, OpenMP, Arrow and torch to `n_threads` in this process and its children."""
    n_threads = max(1, int(n_threads))
    for var in _THREAD_ENV_VARS:
        os.environ[var] = str(n_threads)
    # Keep a module-level reference: the limit lasts as long as the object lives.
    global _LIMITS
    _LIMITS = threadpool_limits(limits=n_threads)
    pyarrow.set_cpu_count(n_threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n_threads)


_LIMITS = None


def setup_logging(log_path: str | Path | None = None, level: int = logging.INFO) -> None:
    """Send lembas_core log records to stderr and, when given, to the rule's log file."""
    LOG.setLevel(level)
    LOG.handlers.clear()
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w"))
    for handler in handlers:
        handler.setFormatter(formatter)
        LOG.addHandler(handler)


@contextmanager
def job(log_path: str | Path | None, threads: int) -> Iterator[logging.Logger]:
    """Set up logging and thread limits for one Snakemake job; log any failure before re-raising.

    An :class:`InputDataError` (bad user input) ends the job with exit status 1 and its message only.
    """
    setup_logging(log_path)
    configure_threads(threads)
    LOG.info("threads=%d", threads)
    try:
        yield LOG
    except InputDataError as exc:  # the message says what, where and how to fix: no traceback
        LOG.error("%s: %s", type(exc).__name__, exc)
        raise SystemExit(1) from None
    except Exception as exc:
        LOG.error("%s: %s", type(exc).__name__, exc)
        raise
