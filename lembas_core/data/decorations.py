"""Identifiers that differ by a systematic decoration, and the setting that strips it.

Two files often name the same samples or genes with a common prefix or suffix on one side only: a file
extension or alignment tag (`S01.bam`, `S01_L001`), a replicate tag (`_rep1`), an Ensembl version
(`ENSG00000163631.16`), a tool's path (`/data/bams/S01`) or R's `X` before a name that starts with a digit.
:func:`find_decoration` finds the one affix that, deleted, makes most of the unmatched names of one list
match the other (digits generalised, so `.1` and `.16` are one decoration), with examples from both files;
the ingest errors name it and the exact `data.strip_names` setting that deletes it. :func:`strip_names`
applies that setting: a regular expression deleted from the names of one file, checked to leave every name
non-empty and unique.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lembas_core.io.errors import InputDataError

LOG = logging.getLogger("lembas_core.data.decorations")

NAME_KINDS = ("samples", "genes")  # a matrix's row IDs; its column names (and the network's TF and Gene names)
MIN_DECORATED_SHARE = 0.5  # of the unmatched names, the share that must match once the affix is deleted
_PROBE = 2000  # unmatched names inspected for candidate affixes
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Decoration:
    """An affix that one list of names carries and the other lacks.

    `pattern` is the regular expression that deletes it (anchored: `\\.bam$`, `^Sample_`); `decorated` says
    which list carries it (0: the first given to :func:`find_decoration`, 1: the second); `examples` are
    (decorated, plain) name pairs; `matched` counts the decorated list's names that match once stripped.
    """

    pattern: str
    decorated: int
    examples: tuple[tuple[str, str], ...]
    matched: int
    total: int

    @property
    def kind(self) -> str:
        """'prefix' or 'suffix'."""
        return "prefix" if self.pattern.startswith("^") else "suffix"

    def describe(self, decorated_label: str, plain_label: str) -> str:
        """A sentence naming the affix with two examples from each file."""
        pairs = self.examples[:2]
        return (
            f"{decorated_label} carry a {self.kind} that {plain_label} lack (the regular expression "
            f"'{self.pattern}': {', '.join(repr(d) for d, _ in pairs)} vs {', '.join(repr(p) for _, p in pairs)}); "
            f"without it {self.matched} of their {self.total} names match"
        )

    def setting(self, roles: Sequence[str], kind: str) -> str:
        """The `data.strip_names` setting that deletes the affix from the `kind` names of the files `roles`."""
        return "data.strip_names: {" + ", ".join(f"{role}: {{{kind}: '{self.pattern}'}}" for role in roles) + "}"


def _generalised(affix: str) -> str:
    """`affix` as a regular expression, every run of digits generalised to `\\d+`."""
    return _DIGITS.sub(lambda m: r"\d+", re.escape(affix))


def _candidate_patterns(name: str, plain: set[str]) -> set[str]:
    """Anchored patterns whose deletion turns `name` into a name of `plain`."""
    found = set()
    for cut in range(1, len(name)):
        head, tail = name[:cut], name[cut:]
        if head in plain:
            found.add(_generalised(tail) + "$")
        if tail in plain:
            found.add("^" + _generalised(head))
    return found


def _sparing(pattern: str, unmatched: Sequence[str], matching: Sequence[str]) -> str | None:
    r"""`pattern`, or a narrower one, that changes none of the names that match already (`^X` would turn XBP1
    into BP1: `^X(?=\d)` when every decorated name continues with a digit); None when none is found."""
    regex = re.compile(pattern)
    if not any(regex.search(n) for n in matching):
        return pattern
    if pattern.startswith("^"):
        narrow = pattern + r"(?=\d)"
        if all(re.match(narrow, n) for n in unmatched if regex.match(n)) and not any(
            re.match(narrow, n) for n in matching
        ):
            return narrow
    return None


def _best_for(decorated: Sequence[str], plain: set[str], side: int) -> Decoration | None:
    """The affix of `decorated` whose deletion matches most of its unmatched names to `plain`, if any does,
    without changing one of its names that match already."""
    unmatched = [n for n in decorated if n not in plain]
    if not unmatched:
        return None
    matching = [n for n in decorated if n in plain]
    counts: Counter[str] = Counter()
    for name in unmatched[:_PROBE]:
        counts.update(_candidate_patterns(name, plain))
    best = None
    for candidate, _ in counts.most_common(3):
        pattern = _sparing(candidate, unmatched, matching)
        if pattern is None:
            continue
        regex = re.compile(pattern)
        hits = [(n, s) for n, s in ((n, regex.sub("", n, count=1)) for n in unmatched) if s in plain]
        if len(hits) >= MIN_DECORATED_SHARE * len(unmatched) and (
            best is None or len(hits) > best.matched - len(matching)
        ):
            best = Decoration(pattern, side, tuple(hits[:2]), len(hits) + len(matching), len(decorated))
    return best


def find_decoration(first: Sequence[str], second: Sequence[str]) -> Decoration | None:
    """The affix (prefix or suffix) that one of two name lists carries and the other lacks, or None.

    Most of the names of one list that the other lacks must match it once the affix is deleted; of the two
    directions, the one matching more names wins.
    """
    found = [_best_for(first, set(second), 0), _best_for(second, set(first), 1)]
    found = [d for d in found if d is not None]
    return max(found, key=lambda d: d.matched) if found else None


def compiled_pattern(pattern: str, where: str) -> re.Pattern:
    """`pattern` compiled; an InputDataError naming the setting `where` when it is not a regular expression."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InputDataError(
            None,
            f"{pattern!r} is not a regular expression ({exc})",
            "give a Python regular expression, in single quotes in YAML (e.g. '\\.bam$')",
            where=where,
        ) from None


class NameStripper:
    """Deletes a regular expression from names one at a time (then surrounding whitespace), refusing a name
    left empty and, when `unique`, two names made one (`where`: the setting's key, `label`: what the names
    are, for the messages). Used for the matrices' names and, name by name, the network's, whose versions of
    one gene (ENSG...1 as a TF, ENSG...4 as a target) become one node (`merged`, logged by the caller)."""

    def __init__(self, pattern: str, path: str, label: str, where: str, unique: bool = True):
        self.regex, self.pattern = compiled_pattern(pattern, where), pattern
        self.path, self.label, self.where, self.unique = path, label, where, unique
        self.original_of: dict[str, str] = {}
        self.merged: dict[str, set[str]] = {}  # with unique=False: stripped name -> the names made one

    def __call__(self, name: str) -> str:
        """`name` stripped."""
        stripped = self.regex.sub("", name).strip()
        if not stripped:
            raise InputDataError(
                self.path,
                f"{self.where} ('{self.pattern}') deletes the whole name of the {self.label} {name!r}",
                f"anchor the expression to the decoration only (e.g. '\\.bam$'), or remove {self.where}",
            )
        first = self.original_of.setdefault(stripped, name)
        if first != name and not self.unique:
            self.merged.setdefault(stripped, {first}).add(name)
        elif first != name:
            raise InputDataError(
                self.path,
                f"{self.where} ('{self.pattern}') turns the {self.label} {first!r} and {name!r} into one, {stripped!r}",
                f"narrow the expression so that every name stays unique, or remove {self.where}",
            )
        return stripped


def strip_names(names: Sequence[str], pattern: str | None, path: str, label: str, where: str) -> list[str]:
    """`names` with `pattern` (a regular expression; None: none) deleted from each, logged.

    Raises InputDataError when the pattern is not a regular expression, or leaves a name empty or two
    names the same (:class:`NameStripper`).
    """
    if not pattern:
        return list(names)
    stripper = NameStripper(pattern, path, label, where)
    stripped = [stripper(n) for n in names]
    changed = [i for i, (a, b) in enumerate(zip(names, stripped)) if a != b]
    if changed:
        i = changed[0]
        LOG.info(
            "%s: %s ('%s') changed %d of %d %s (e.g. %r -> %r)",
            path, where, pattern, len(changed), len(names), label, names[i], stripped[i],
        )  # fmt: skip
    else:
        LOG.warning("%s: %s ('%s') matches none of its %d %s", path, where, pattern, len(names), label)
    return stripped


def strip_setting(setting: Mapping[str, Mapping[str, str]], role: str, kind: str) -> str | None:
    """The pattern `data.strip_names` gives file `role`'s `kind` names (None: none)."""
    return (setting.get(role) or {}).get(kind)
