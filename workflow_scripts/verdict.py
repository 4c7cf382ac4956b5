"""Snakemake script of rule verdict: unpack, then call lembas_core.steps."""

from lembas_core.common.settings import roster_from_params
from lembas_core.steps.runtime import job
from lembas_core.steps.verdict import VerdictFiles, write_verdict

with job(snakemake.log[0], snakemake.threads):
    p, i = snakemake.params, snakemake.input
    interventions = tuple(i.interventions) or None
    files = VerdictFiles(
        i.summary, i.paired, i.ladder_paired, i.fits, i.dataset, i.description, interventions, p.observed_interventions,
        split=i.get("split") or None, regime_map=p.regime_map if p.regime_map_digest else None,
    )  # fmt: skip
    write_verdict(files, roster_from_params(p.roster), p.method, dict(snakemake.output.items()))
