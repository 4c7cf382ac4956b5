"""Regenerate the matrix corpus (this folder): the small cohort's matrices as real tools write them.

    PYTHONPATH=. .venv/bin/python tests/data/corpus/matrices/make_corpus.py [NAME ...]

NAME is one of the groups below (default: all). `r` needs Rscript with readr (Debian: r-base-core
r-cran-readr); `quantifiers` needs salmon, kallisto, RSEM, featureCounts and samtools (Debian: salmon
kallisto rsem subread samtools). The other groups are written with pandas or emulate a documented format
byte by byte. README.md says where each file comes from; the tests read the committed files only.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # tests/: cohort_helpers
from cohort_helpers import VALIDATION_COLUMNS, write_small_cohort  # noqa: E402

SEED = 7


def _cohort(directory: Path) -> dict[str, pd.DataFrame]:
    """The small cohort's three matrices (as tests/cohort_helpers.py writes them), by role."""
    files = write_small_cohort(directory, "tsv")
    return {
        role: pd.read_csv(getattr(files, role), sep="\t", index_col=0)
        for role in ("tf_expression", "gene_expression", "validation")
    }


def _excel_number(value: float, decimal: str = ".") -> str:
    """A number as Excel's 'General' format displays it (and its CSV export writes it): no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", decimal)


def _excel_rows(frame: pd.DataFrame, delimiter: str, decimal: str = ".") -> list[str]:
    header = delimiter.join([frame.index.name or "", *frame.columns])
    rows = [delimiter.join([str(i), *(_excel_number(v, decimal) for v in row)]) for i, row in frame.iterrows()]
    return [header, *rows]


def pandas_group(out: Path, matrices: dict[str, pd.DataFrame]) -> None:
    """pandas 2/3: DataFrame.to_csv (the index written, comma) and DataFrame.to_parquet (the index stored)."""
    tf = matrices["tf_expression"]
    tf.to_csv(out / "pandas_to_csv.csv")
    tf.to_parquet(out / "pandas_to_parquet.parquet")


def excel_group(out: Path, matrices: dict[str, pd.DataFrame]) -> None:
    """Excel's text exports, emulated: 'CSV UTF-8' (byte-order mark, CRLF), 'CSV' in a German or French locale
    (semicolons, decimal commas, Windows-1252, CRLF), 'Unicode Text' (UTF-16 LE with a byte-order mark, tab,
    CRLF), a sheet with a title row above the header (Excel pads every row to the used range), and a German
    'CSV' of raw values formatted with thousands separators ('#.##0,00')."""
    tf = matrices["tf_expression"]
    crlf = "\r\n"
    (out / "excel_csv_utf8.csv").write_bytes(b"\xef\xbb\xbf" + (crlf.join(_excel_rows(tf, ",")) + crlf).encode())
    european = crlf.join(_excel_rows(tf, ";", ",")) + crlf
    (out / "excel_csv_semicolon.csv").write_bytes(european.encode("cp1252"))
    unicode_text = crlf.join(_excel_rows(tf, "\t")) + crlf
    (out / "excel_unicode_text.txt").write_bytes(b"\xff\xfe" + unicode_text.encode("utf-16-le"))
    title = '"TF expression, log2(TPM + 1)"' + "," * len(tf.columns)
    (out / "excel_title_row.csv").write_bytes((crlf.join([title, *_excel_rows(tf, ",")]) + crlf).encode())
    raw = 10**tf - 1  # unlogged values, shown with thousands separators
    lines = [";".join(["sample_id", *raw.columns])]
    for sample, row in raw.iterrows():
        cells = [f"{v:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") for v in row]
        lines.append(";".join([str(sample), *cells]))
    (out / "excel_csv_semicolon_thousands.csv").write_bytes((crlf.join(lines) + crlf).encode("cp1252"))


def geo_group(out: Path, matrices: dict[str, pd.DataFrame]) -> None:
    """A GEO series matrix (emulated from NCBI's documented layout): '!Series_' and '!Sample_' lines, the table
    between '!series_matrix_table_begin' and '!series_matrix_table_end', genes x samples, names quoted. The
    samples keep the cohort's IDs (a real file has GSM accessions) so that the cross-file checks see them."""
    genes = matrices["gene_expression"]
    samples = list(genes.index)
    quoted = "\t".join(f'"{s}"' for s in samples)
    lines = [
        '!Series_title\t"Small cohort for lembas-bench (an emulated series matrix)"',
        '!Series_geo_accession\t"GSE000000"',
        '!Series_status\t"Public on Jan 01 2024"',
        '!Series_summary\t"Expression of five genes in twenty samples."',
        '!Series_platform_id\t"GPL000"',
        "",
        f"!Sample_title\t{quoted}",
        f"!Sample_geo_accession\t{quoted}",
        "!Sample_organism_ch1\t" + "\t".join('"Homo sapiens"' for _ in samples),
        "!Sample_characteristics_ch1\t" + "\t".join('"tissue: blood"' for _ in samples),
        "!series_matrix_table_begin",
        f'"ID_REF"\t{quoted}',
        *(f'"{gene}"\t' + "\t".join(_excel_number(v) for v in genes[gene]) for gene in genes.columns),
        "!series_matrix_table_end",
    ]
    (out / "geo_series_matrix.txt").write_text("\n".join(lines) + "\n")


def r_group(out: Path, matrices: dict[str, pd.DataFrame]) -> None:
    """R's write.csv and write.table, readr's write_tsv (write_r.R)."""
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "tf_expression.tsv"
        matrices["tf_expression"].to_csv(source, sep="\t")
        subprocess.run(["Rscript", str(HERE / "write_r.R"), str(source), str(out)], check=True)


def _transcripts(rng: random.Random) -> dict[str, str]:
    """A transcriptome of the validation cohort's genes: one random 1,200-base transcript each."""
    return {name: "".join(rng.choice("ACGT") for _ in range(1200)) for name in VALIDATION_COLUMNS}


def _reads(rng: random.Random, transcripts: dict[str, str], values: pd.Series) -> list[tuple[str, int, str]]:
    """Error-free 100-base reads, round(20 * 2^v) from each transcript (v: the sample's value):
    (transcript, 0-based start, sequence)."""
    reads = []
    for name, sequence in transcripts.items():
        for _ in range(round(20 * 2 ** values[name])):
            start = rng.randrange(len(sequence) - 100)
            reads.append((name, start, sequence[start : start + 100]))
    rng.shuffle(reads)
    return reads


def _fastq(path: Path, reads: list[tuple[str, int, str]]) -> None:
    path.write_text("".join(f"@r{i}\n{seq}\n+\n{'I' * len(seq)}\n" for i, (_, _, seq) in enumerate(reads)))


def _sam(path: Path, references: dict[str, int], reads: list[tuple[str, str, int, str]]) -> None:
    """A SAM file of (reference, name, 0-based position, sequence) alignments, forward strand, 100M."""
    lines = ["@HD\tVN:1.6\tSO:unsorted", *(f"@SQ\tSN:{name}\tLN:{length}" for name, length in references.items())]
    for reference, name, position, sequence in reads:
        lines.append(f"{name}\t0\t{reference}\t{position + 1}\t255\t100M\t*\t0\t0\t{sequence}\t{'I' * 100}\tNH:i:1")
    path.write_text("\n".join(lines) + "\n")


def _run(command: list[str], cwd: Path) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def quantifier_group(out: Path, matrices: dict[str, pd.DataFrame]) -> None:
    """Real runs on simulated reads: salmon (sample V0), kallisto (V1), RSEM (V2) on a transcriptome of the
    validation cohort's genes; featureCounts on BAM files of all six validation samples."""
    rng = random.Random(SEED)
    validation = matrices["validation"]
    transcripts = _transcripts(rng)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "tx.fa").write_text("".join(f">{n}\n{s}\n" for n, s in transcripts.items()))
        # salmon 1.10.1
        _fastq(work / "V0.fq", _reads(rng, transcripts, validation.loc["V0"]))
        _run(["salmon", "index", "-t", "tx.fa", "-i", "salmon_index", "-k", "25", "-p", "1"], work)
        _run(["salmon", "quant", "-i", "salmon_index", "-l", "A", "-r", "V0.fq", "-p", "1", "-o", "V0"], work)
        (out / "salmon" / "V0").mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "V0" / "quant.sf", out / "salmon" / "V0" / "quant.sf")
        # kallisto 0.48.0
        _fastq(work / "V1.fq", _reads(rng, transcripts, validation.loc["V1"]))
        _run(["kallisto", "index", "-i", "kallisto.idx", "tx.fa"], work)
        _run(
            ["kallisto", "quant", "-i", "kallisto.idx", "-o", "V1", "--single", "-l", "200", "-s", "30", "V1.fq"], work
        )
        (out / "kallisto" / "V1").mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "V1" / "abundance.tsv", out / "kallisto" / "V1" / "abundance.tsv")
        # RSEM 1.3.1 on alignments to the transcriptome (the simulated reads' true positions)
        (work / "tx2gene.txt").write_text("".join(f"{n}\t{n}\n" for n in transcripts))
        _run(["rsem-prepare-reference", "--transcript-to-gene-map", "tx2gene.txt", "tx.fa", "rsem_ref"], work)
        reads = _reads(rng, transcripts, validation.loc["V2"])
        lengths = {name: len(seq) for name, seq in transcripts.items()}
        _sam(work / "V2.sam", lengths, [(t, f"r{i}", p, s) for i, (t, p, s) in enumerate(reads)])
        _run(["samtools", "view", "-b", "-o", "V2.bam", "V2.sam"], work)
        _run(
            ["rsem-calculate-expression", "--alignments", "--no-bam-output", "-p", "1", "V2.bam", "rsem_ref", "V2"],
            work,
        )
        (out / "rsem").mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "V2.genes.results", out / "rsem" / "V2.genes.results")
        # featureCounts 2.0.3: the genes laid end to end on one chromosome (SAF annotation), one BAM a sample
        starts = {name: 1001 + 2000 * k for k, name in enumerate(transcripts)}
        (work / "genes.saf").write_text(
            "GeneID\tChr\tStart\tEnd\tStrand\n" + "".join(f"{n}\tchr1\t{s}\t{s + 1199}\t+\n" for n, s in starts.items())
        )
        bams = []
        for sample, values in validation.iterrows():
            reads = _reads(rng, transcripts, values)
            alignments = [("chr1", f"r{i}", starts[t] - 1 + p, s) for i, (t, p, s) in enumerate(reads)]
            _sam(work / f"{sample}.sam", {"chr1": 2000 * len(transcripts) + 1000}, alignments)
            _run(["samtools", "view", "-b", "-o", f"{sample}.bam", f"{sample}.sam"], work)
            bams.append(f"{sample}.bam")
        _run(["featureCounts", "-F", "SAF", "-a", "genes.saf", "-o", "counts.txt", "-T", "1", *bams], work)
        (out / "featurecounts").mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "counts.txt", out / "featurecounts" / "counts.txt")


GROUPS = {"pandas": pandas_group, "excel": excel_group, "geo": geo_group, "r": r_group, "quantifiers": quantifier_group}


def main(names: list[str]) -> None:
    """Write the groups `names` (all when empty) into this folder."""
    unknown = sorted(set(names) - set(GROUPS))
    if unknown:
        raise SystemExit(f"unknown group(s) {unknown}; use {sorted(GROUPS)}")
    with tempfile.TemporaryDirectory() as scratch:
        matrices = _cohort(Path(scratch))
    for name in names or GROUPS:
        GROUPS[name](HERE, matrices)
        print(f"{name}: written", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
