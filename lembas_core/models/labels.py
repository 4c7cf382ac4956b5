"""Display names: one name per model that a reader can follow, derived from its kind, settings and replicate.

A kind's own model is its registry label ("Prior ridge"); a variant adds its overridden settings in words
("Prior ridge, propagated 3 steps", "LEMBAS-RNN, shuffled network"); a further replicate adds its number; a
variant that overrides nothing adds its configuration name.
Figures, the verdict and the results page use these names; tables keep the configuration name beside them.
Stdlib only: the workflow builds the names while it parses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _steps(value: Any, noun: str) -> str:
    return f"{value} {noun}" + ("" if value == 1 else "s")


def _propagation(value: Any) -> str:
    if value == "steady":
        return "propagated to steady state"
    return "not propagated" if value == 0 else f"propagated {_steps(value, 'step')}"


# a setting's name -> its value in words; other settings read "<name> <value>"
PHRASES: dict[str, Callable[[Any], str]] = {
    "network": lambda value: f"{value} network",
    "network_seed": lambda value: f"network seed {value}",
    "propagation": _propagation,
    "max_steps": lambda value: _steps(value, "recurrent step"),
}


def setting_words(key: str, value: Any) -> str:
    """One overridden setting in words: 'shuffled network', 'propagated 3 steps', 'uniform_lambda 0'."""
    return PHRASES[key](value) if key in PHRASES else f"{key} {value}"


def display_name(kind_label: str, name: str, overrides: Mapping[str, Any] | None, replicate: int = 1) -> str:
    """`kind_label`, then each of a variant's `overrides` in words, then the replicate number past the first. A
    variant that overrides nothing (`overrides` empty, not None) adds its configuration `name`, so that it never
    reads as its kind's own model: 'MLR (mlr_again)'. The name depends on the model alone, never on the others
    of the run (adding one reruns no other model's jobs)."""
    parts = [setting_words(key, value) for key, value in (overrides or {}).items()]
    parts += [f"replicate {replicate}"] if replicate > 1 else []
    label = ", ".join([kind_label, *parts])
    return f"{label} ({name})" if overrides is not None and not overrides else label
