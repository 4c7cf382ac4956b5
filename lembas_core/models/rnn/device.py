"""Choice of the torch device for LEMBAS-RNN training (`models.rnn.device`)."""

from __future__ import annotations

import logging
import os

import torch

LOG = logging.getLogger("lembas_core.models.rnn.device")


def resolve_device(device: str) -> str:
    """`auto` picks CUDA when a GPU is visible, else CPU; `cuda` without a GPU is an error.

    A GPU allocated by the scheduler (CUDA_VISIBLE_DEVICES) that torch cannot use, e.g. with a
    CPU-only torch build, is reported in the log instead of being ignored silently.
    """
    allocated = os.environ.get("CUDA_VISIBLE_DEVICES", "")
    if allocated and not torch.cuda.is_available():
        LOG.warning(
            "GPU(s) %s allocated to this job, but torch %s cannot use them (CUDA build: %s): running on CPU",
            allocated,
            torch.__version__,
            torch.version.cuda or "none",
        )
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("models.rnn.device is 'cuda' but no CUDA device is visible; use 'auto' or 'cpu'")
    return device
