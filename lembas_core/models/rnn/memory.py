"""Keep freed buffers of a few MB in the process heap, so that training reuses them.

A training step at the upstream size allocates and frees dozens of temporaries of 1-5 MB (node states,
gradients, edge values). glibc serves blocks above its mmap threshold (128 KiB to start) with fresh
mappings and unmaps them on free, so every step page-faults its working set in again: about a tenth of the
step. Raising the threshold (and the heap-trim threshold) keeps those blocks for reuse; the process's peak
memory does not change. Elsewhere (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (glibc malloc.h)
MMAP_THRESHOLD = 32 * 2**20  # glibc's maximum: larger blocks are still mapped and unmapped
TRIM_THRESHOLD = 256 * 2**20


def reuse_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds for this process; True when the C library accepted both."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    accepted = [mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD), mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)]
    return all(accepted)
