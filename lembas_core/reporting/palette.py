"""One label and one colour per model, the same in every figure.

A kind's own model gets the registry's colour (upstream's: RNN blue, XGBRF orange, MLR green; ridge purple,
mean grey, prior_ridge brown). A variant is coloured by its kind, lightened or darkened so that it stays apart
from the kind's own model and from other variants. Labels are the run's display names
(:mod:`lembas_core.models.labels`); without them, a kind's registry label and a variant's name.
"""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.colors import to_hex, to_rgb

from lembas_core.common.settings import Roster, kinds_of, labels_of
from lembas_core.evaluation.interventions import NO_CHANGE
from lembas_core.models.base import REGISTRY

BASELINE_LABELS = {NO_CHANGE: "No change"}  # forecasters that are no model of the run
SHADES = (0.45, -0.35, 0.7, -0.55)  # > 0: mix towards white, < 0: towards black


def _shade(colour: str, amount: float) -> str:
    rgb = to_rgb(colour)
    mixed = [c + (1 - c) * amount for c in rgb] if amount > 0 else [c * (1 + amount) for c in rgb]
    return to_hex(mixed)


class Palette:
    """Labels and colours of the models of a run, from each model's kind (name -> kind) and display name
    (name -> label; the registry's label or the name where absent)."""

    def __init__(self, kinds: Mapping[str, str], labels: Mapping[str, str] | None = None):
        self.labels: dict[str, str] = {}
        self.colours: dict[str, str] = {}
        used: dict[str, int] = {}
        for name, kind in sorted(kinds.items(), key=lambda item: item[0] != item[1]):  # the kinds' own first
            registered = REGISTRY[kind]
            if name == kind:
                self.labels[name], self.colours[name] = registered.label, registered.colour
                continue
            k = used.get(kind, 0)
            used[kind] = k + 1
            self.labels[name] = name
            self.colours[name] = _shade(registered.colour, SHADES[k % len(SHADES)])
        self.labels |= dict(labels or {})

    def label(self, name: str) -> str:
        """Display name of model `name` (the name itself when unknown)."""
        return self.labels.get(name, name)

    def colour(self, name: str) -> str | None:
        """Colour of model `name` (None, matplotlib's next colour, when unknown)."""
        return self.colours.get(name)


def display_names(roster: Roster) -> dict[str, str]:
    """Model name -> display name of a run's models and of the baselines that are no model (no change)."""
    return {**BASELINE_LABELS, **labels_of(roster)}


def roster_palette(roster: Roster) -> Palette:
    """The palette of a run's models: their kinds' colours and their display names."""
    return Palette(kinds_of(roster), display_names(roster))


DEFAULT_PALETTE = Palette({kind: kind for kind in REGISTRY})
