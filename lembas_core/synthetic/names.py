"""Realistic-looking human gene and TF symbols for synthetic cohorts.

A short list of real symbols (liver transcription factors and hepatocyte genes, so that the
upstream SHAP genes ALB and AFP and the transferrin gene ``TF`` exist) is followed by symbols
built from real HGNC family patterns (ZNF123, FOXP2, SLC25A13, CYP2C9, TMEM45B, ...). The
generated symbols look like identifiers; most are real genes, some are not, and no biology is
attached to them.
"""

from __future__ import annotations

import string
from collections.abc import Iterator

import numpy as np

REAL_TFS = (
    "HNF1A HNF1B HNF4A HNF4G FOXA1 FOXA2 FOXA3 CEBPA CEBPB CEBPD CEBPZ ONECUT1 ONECUT2 PROX1 NR1H4 NR1H3 "
    "NR1I2 NR1I3 NR1D1 NR5A2 NR0B2 PPARA PPARG RXRA XBP1 ATF2 ATF4 ATF5 ATF6 CREB1 CREB3L3 MLXIPL SREBF1 "
    "SREBF2 STAT3 STAT5B TBX3 GATA4 GATA6 HHEX KLF6 KLF13 KLF15 TEAD1 TEAD4 YY1 SP1 SP3 MYC MAX JUN FOS "
    "EGR1 NFKB1 RELA IRF1 SMAD3 TCF7L2 LEF1 ARNT AHR CLOCK PBX4 PDX1 DACH1 HEYL NR6A1 BCL11A LCOR MAFG "
    "SOX6 PURA ZNF366 DNMT1 OTX1 E2F1 MYBL2 FOXM1 TP53 ESR1 AR NFE2L2 MTF1 ZBTB7A ZBTB20 ELF3 ETS1 RUNX1"
).split()

REAL_GENES = (
    "ALB AFP TF APOA1 APOA2 APOB APOC3 APOE APOH TTR SERPINA1 SERPINC1 FGA FGB FGG AHSG HP HPX RBP4 CYP3A4 "
    "CYP2E1 CYP1A2 CYP2C9 CYP2D6 G6PC1 PCK1 ASGR1 TAT HAMP CRP ORM1 AMBP VTN ITIH1 ITIH2 KNG1 PLG F2 F9 "
    "SAA1 GC HRG A2M A1BG A2ML1 A3GALT2 A4GALT AAAS ACTB GAPDH B2M EEF1A1 RPLP0 TUBB VIM MKI67 PCNA KRT8 "
    "KRT18 KRT19 EPCAM CD24 GPC3 DLK1 H19 IGF2 SPP1 COL1A1 COL1A2 ACTA2 PTPRC CD68 LYZ MARCO CLEC4G PECAM1"
).split()

_TF_FAMILIES = (
    ("ZNF{}", range(10, 900)),
    ("ZSCAN{}", range(1, 33)),
    ("ZBTB{}", range(1, 50)),
    ("KLF{}", range(1, 19)),
    ("SOX{}", range(1, 31)),
    ("FOX{}{}", None),
    ("NR{}{}{}", None),
    ("HOX{}{}", None),
    ("TBX{}", range(1, 23)),
    ("IRF{}", range(1, 10)),
    ("E2F{}", range(1, 9)),
    ("ELF{}", range(1, 6)),
    ("ETV{}", range(1, 8)),
    ("MEF2{}", "ABCD"),
    ("PAX{}", range(1, 10)),
    ("SIX{}", range(1, 7)),
    ("DLX{}", range(1, 7)),
    ("LHX{}", range(1, 10)),
    ("GATA{}", range(1, 7)),
    ("TEAD{}", range(1, 5)),
    ("ZFHX{}", range(2, 5)),
    ("PRDM{}", range(1, 17)),
    ("BHLHE{}", range(22, 42)),
)

_GENE_FAMILIES = (
    ("SLC{}A{}", (range(1, 50), range(1, 14))),
    ("CYP{}{}{}", None),
    ("TMEM{}{}", (range(2, 270), ("", "A", "B", "C"))),
    ("CCDC{}", (range(2, 200),)),
    ("FAM{}{}", (range(3, 230), ("A", "B", "C"))),
    ("KRT{}", (range(1, 90),)),
    ("OR{}{}{}", (range(1, 14), tuple(string.ascii_uppercase[:12]), range(1, 30))),
    ("C{}orf{}", (range(1, 23), range(1, 200))),
    ("LINC0{}", (range(1000, 2999),)),
    ("KIAA{}", (range(1000, 2000),)),
    ("ANKRD{}", (range(1, 66),)),
    ("LRRC{}", (range(1, 75),)),
    ("TRIM{}", (range(2, 80),)),
    ("RNF{}", (range(2, 250),)),
    ("ABC{}{}", (tuple("ABCDG"), range(1, 14))),
    ("UGT{}{}{}", ((1, 2, 3), tuple("AB"), range(1, 18))),
    ("SERPIN{}{}", (tuple("ABCDEFGHI"), range(1, 14))),
    ("ADAMTS{}", (range(1, 21),)),
    ("PPP{}R{}{}", ((1, 2, 3, 4, 6), range(1, 20), ("", "A", "B"))),
    ("RPL{}", (range(3, 42),)),
    ("RPS{}", (range(2, 30),)),
    ("MRPL{}", (range(1, 58),)),
    ("DNAJ{}{}", (tuple("ABC"), range(1, 30))),
)


def _tf_family_symbols() -> Iterator[str]:
    for pattern, values in _TF_FAMILIES:
        if pattern == "FOX{}{}":
            for letter in "ABCDEFGHIJKLMNOPQRS":
                for k in range(1, 5):
                    yield f"FOX{letter}{k}"
        elif pattern == "NR{}{}{}":
            for a in range(1, 7):
                for b in "ABCDEFGH":
                    for c in range(1, 4):
                        yield f"NR{a}{b}{c}"
        elif pattern == "HOX{}{}":
            for cluster in "ABCD":
                for k in range(1, 14):
                    yield f"HOX{cluster}{k}"
        else:
            for v in values:
                yield pattern.format(v)


def _gene_family_symbols() -> Iterator[str]:
    for pattern, parts in _GENE_FAMILIES:
        if pattern == "CYP{}{}{}":
            for a in range(1, 52):
                for b in "ABCDEFU":
                    for c in range(1, 20):
                        yield f"CYP{a}{b}{c}"
            continue
        grids = np.meshgrid(*[np.arange(len(p)) for p in parts], indexing="ij")
        for idx in zip(*[g.ravel() for g in grids]):
            yield pattern.format(*(parts[k][i] for k, i in enumerate(idx)))


def _draw(pool: list[str], n: int, rng: np.random.Generator, exclude: set[str]) -> list[str]:
    candidates = [s for s in dict.fromkeys(pool) if s not in exclude]
    if n > len(candidates):
        raise ValueError(f"cannot draw {n} unique symbols from a pool of {len(candidates)}")
    picked = rng.choice(len(candidates), size=n, replace=False)
    return [candidates[i] for i in np.sort(picked)]


def tf_symbols(n: int, rng: np.random.Generator) -> list[str]:
    """`n` unique TF-like symbols: the real liver TFs first, then family-pattern symbols."""
    head = list(REAL_TFS[:n])
    return head + _draw(list(_tf_family_symbols()), n - len(head), rng, set(head))


def gene_symbols(
    n: int, rng: np.random.Generator, exclude: set[str], required: tuple[str, ...] = ("ALB", "AFP", "TF")
) -> list[str]:
    """`n` unique gene symbols that avoid `exclude`; the `required` symbols are always included."""
    head = [g for g in dict.fromkeys((*required, *REAL_GENES)) if g not in exclude][:n]
    return head + _draw(list(_gene_family_symbols()), n - len(head), rng, set(head) | exclude)
