"""Benchmark the data stages: synthesis, ingest (parse once), preprocess, and the cost of reading the
target matrix in a later job: upstream-style text parsing vs memory-mapping our store.

Usage: python benchmarks/data_stages.py --preset demo [--format tsv] [--threads 2]
Writes benchmarks/results/data_stages_<preset>_<format>.tsv and prints it.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
from common import timed, write_table

from lembas_core.common.synthetic_spec import PRESETS
from lembas_core.data.ingest import CohortFiles, ingest_cohort
from lembas_core.data.preprocess import preprocess
from lembas_core.io.store import Store
from lembas_core.steps.runtime import configure_threads
from lembas_core.synthetic.cohort import synthesize
from lembas_core.workflow.settings import Settings, default_config

HERE = Path(__file__).resolve().parent


def upstream_read(path: Path, fmt: str) -> np.ndarray:
    """What every upstream notebook did: parse the text matrix with pandas."""
    if fmt == "parquet":
        frame = pd.read_parquet(path)
        return frame.set_index(frame.columns[0]).to_numpy(np.float32)
    return pd.read_csv(path, sep="\t" if fmt == "tsv" else ",", header=0, index_col=0).to_numpy(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="demo", choices=sorted(PRESETS))
    parser.add_argument("--format", default="tsv", choices=["tsv", "csv", "parquet"])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    configure_threads(args.threads)
    settings = Settings.from_config(default_config())  # the pipeline's defaults (ingest checks, the upstream split)
    work = HERE / "work" / f"{args.preset}_{args.format}"
    shutil.rmtree(work, ignore_errors=True)

    rows = []
    t, paths = timed(lambda: synthesize(PRESETS[args.preset], work / "cohort", args.format))
    rows.append(("synthesize", t))
    files = CohortFiles(
        paths["tf_expression"], paths["gene_expression"], paths["network"], paths["validation"], args.format
    )
    t, _ = timed(lambda: ingest_cohort(files, work / "ingest", settings.data.ingest))
    rows.append(("ingest (parse + validate + write store)", t))
    t, _ = timed(lambda: preprocess(work / "ingest", work / "dataset", settings.preprocess, "default"))
    rows.append(("preprocess", t))
    t_text, reference = timed(lambda: upstream_read(paths["gene_expression"], args.format))
    rows.append(("read gene matrix, upstream pandas parse", t_text))
    t_mmap, mapped = timed(
        lambda: float(np.asarray(Store(work / "ingest").array("gene_expression")).sum(dtype=np.float64))
    )
    rows.append(("read gene matrix, store mmap (touch every value)", t_mmap))
    assert np.isclose(mapped, reference.sum(dtype=np.float64))

    rows.append(("ratio: upstream parse / store mmap", f"{t_text / t_mmap:.1f}"))
    command = f"python benchmarks/data_stages.py --preset {args.preset} --format {args.format}"
    table = [("step", "seconds")] + [(step, f"{sec:.3f}" if isinstance(sec, float) else sec) for step, sec in rows]
    write_table(f"data_stages_{args.preset}_{args.format}", command, args.threads, table)


if __name__ == "__main__":
    main()
