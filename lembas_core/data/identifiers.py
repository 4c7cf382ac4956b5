"""Gene identifiers across files: why two lists do not match, and case-insensitive matching.

`mismatch_hint` recognises Ensembl and Entrez IDs next to symbols, version suffixes
(`ENSG00000163631.16`), names that differ only in letter case (`Foxa1` vs `FOXA1`), and Excel-mangled
symbols (`1-Mar`, `Sep-2`); `restore_excel_date` maps such a name back to the symbol it stood for
(`7-Sep` -> SEPTIN7 or SEPT7) when a reference list holds one. `CaseInsensitiveNames` implements
`data.match_case: false`: every name is respelled as the first spelling of its case-folded form among the
training matrices' columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lembas_core.io.errors import InputDataError, preview

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
_EXCEL_DATE = _KINDS[2][1]
_DAY_MONTH = re.compile(r"(?P<day>\d{1,2})-(?P<month>[A-Za-z]{3})|(?P<month2>[A-Za-z]{3})-(?P<day2>\d{1,2})")
# Gene families whose symbols Excel turns into dates, by month: the symbol is a prefix + the day
# (current HGNC prefix first); any month also tries its own abbreviation (APR1).
_EXCEL_FAMILIES = {"sep": ("SEPTIN", "SEPT", "SEP"), "mar": ("MARCHF", "MARCH"), "dec": ("DELEC", "DEC")}
_VERSION = re.compile(r"\.\d+$")
_SEPARATORS = re.compile(r"[|_:;/ ()\[\]]+")  # not '.' (versions) or '-' (symbols such as HLA-A)


def _composite_names(names: list[str], known: set[str]) -> list[tuple[str, str]]:
    """(name, part) for names that are not in `known` but hold a known name as a separated part
    (`TF_FOXA1`, `ENSG00000129514|FOXA1`, `FOXA1 (3169)`), when most of `names` do."""
    found = []
    for name in names[:2000]:
        if name not in known:
            part = next((p for p in _SEPARATORS.split(name) if p and p != name and p in known), None)
            if part:
                found.append((name, part))
    return found if len(found) > min(len(names), 2000) / 2 else []


def is_excel_date(name: str) -> bool:
    """Whether `name` has the shape of a gene symbol that Excel turned into a date (`7-Sep`, `Mar-1`)."""
    return bool(_EXCEL_DATE.fullmatch(name))


def excel_date_symbols(name: str) -> list[str]:
    """The gene symbols an Excel date such as `7-Sep` may stand for (SEPTIN7, SEPT7, SEP7), likeliest first."""
    match = _DAY_MONTH.fullmatch(name)
    if not match:
        return []
    day = str(int(match["day"] or match["day2"]))
    month = (match["month"] or match["month2"]).lower()
    prefixes = (*_EXCEL_FAMILIES.get(month, ()), month.upper())
    return list(dict.fromkeys(prefix + day for prefix in prefixes))


def restore_excel_date(name: str, known: Iterable[str]) -> str | None:
    """The symbol among `known` that the Excel date `name` stood for (`7-Sep` -> SEPTIN7), if any
    (letter case ignored; spelled as in `known`)."""
    by_case = {n.casefold(): n for n in known}
    return next((by_case[s.casefold()] for s in excel_date_symbols(name) if s.casefold() in by_case), None)


def excel_date_note(names: Iterable[str]) -> str:
    """A sentence naming the `names` that look like gene symbols Excel turned into dates, with the fix;
    '' when none does."""
    dates = [n for n in names if is_excel_date(n)]
    if not dates:
        return ""
    example = dates[0]
    return (
        f"{len(dates)} of them ({preview(dates, 3)}) look like gene symbols that Excel turned into dates: re-export "
        f"the file with the gene names as text, or map them back ({example} -> "
        f"{' or '.join(excel_date_symbols(example)[:2])})"
    )


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
    for side, other in ((available, wanted), (wanted, available)):
        composite = _composite_names(side, set(other))
        if composite:
            return (
                f"names on one side carry extra parts ({', '.join(f'{n!r} holds {p!r}' for n, p in composite[:2])}): "
                "keep only the gene identifier"
            )
    case_only = case_only_differences(wanted, available)
    if case_only:
        pairs = preview(f"{a} vs {b}" for a, b in case_only[:3])
        return (
            f"{len(case_only)} names differ only in letter case ({pairs}): make the case match, "
            "or set data.match_case: false"
        )
    return ""


def case_only_differences(wanted: Iterable[str], available: Iterable[str]) -> list[tuple[str, str]]:
    """(wanted, available) name pairs that differ only in letter case (`wanted` absent as spelled)."""
    have = set(available)
    lower = {n.casefold(): n for n in have}
    return [(n, lower[n.casefold()]) for n in wanted if n not in have and n.casefold() in lower]


class CaseInsensitiveNames:
    """Spelling of every case-folded name: the first one met among the reference name lists."""

    def __init__(self, *reference: Sequence[str]):
        self.spelling: dict[str, str] = {}
        for names in reference:
            for name in names:
                self.spelling.setdefault(name.casefold(), name)

    def __call__(self, name: str) -> str:
        """`name` as the reference spells it (unchanged when the reference lacks it)."""
        return self.spelling.get(name.casefold(), name)

    def respell(self, names: Sequence[str], path: str, label: str) -> list[str]:
        """`names` (columns of one file) respelled; two that become one name are an error."""
        respelled = [self(n) for n in names]
        first: dict[str, str] = {}
        for original, name in zip(names, respelled):
            if first.setdefault(name.casefold(), original) != original:
                raise InputDataError(
                    path,
                    f"{label} has the names {first[name.casefold()]!r} and {original!r}, the same name when case "
                    "is ignored (data.match_case: false)",
                    "drop or rename one of them, or set data.match_case: true",
                )
        return respelled
