"""Why two lists of gene identifiers do not match: the diagnosis an error message needs.

Recognises Ensembl and Entrez IDs next to symbols, version suffixes (`ENSG00000163631.16`), names that
differ only in letter case (`Foxa1` vs `FOXA1`), and Excel-mangled symbols (`1-Mar`, `Sep-2`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lembas_core.io.errors import preview

_KINDS = (
    ("Ensembl IDs", re.compile(r"ENS[A-Z]*[GT]\d{6,}(\.\d+)?")),
    ("Entrez IDs", re.compile(r"\d+")),
    (
        "Excel-mangled dates",
        re.compile(
            r"\d{1,2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|"
            r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{1,2}",
            re.I,
        ),
    ),
)
_VERSION = re.compile(r"\.\d+$")


def identifier_kind(names: Iterable[str]) -> str:
    """What most of `names` look like: Ensembl IDs, Entrez IDs, Excel-mangled dates, or symbols."""
    names = list(names)[:2000]
    for label, pattern in _KINDS:
        if names and sum(bool(pattern.fullmatch(n)) for n in names) > len(names) / 2:
            return label
    return "symbols"


def mismatch_hint(wanted: Iterable[str], available: Iterable[str]) -> str:
    """A sentence on why `wanted` names are missing from `available`, or '' when nothing stands out."""
    wanted, available = list(wanted), list(available)
    kinds = identifier_kind(wanted), identifier_kind(available)
    if kinds[0] != kinds[1]:
        examples = preview(wanted, 2), preview(available, 2)
        return f"one side holds {kinds[0]} (e.g. {examples[0]}), the other {kinds[1]} (e.g. {examples[1]})"
    have = set(available)
    unversioned = {_VERSION.sub("", n) for n in available}
    if sum(_VERSION.sub("", n) in unversioned and n not in have for n in wanted) > len(wanted) / 4:
        return "the names differ by version suffixes such as '.1': strip them on one side"
    lower = {n.lower(): n for n in available}
    case_only = [(n, lower[n.lower()]) for n in wanted if n not in have and n.lower() in lower]
    if case_only:
        pairs = preview(f"{a} vs {b}" for a, b in case_only[:3])
        return f"{len(case_only)} names differ only in letter case ({pairs}): make the case match"
    return ""
