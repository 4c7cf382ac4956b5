# The regime map (target `regime_map`, not in the default run): the benchmark on synthetic worlds of several
# TF -> TF depths, with and without feedback, trained on observational or observational + interventional data.
# Each cell is a whole run of this workflow in its own folder (lembas_core.steps.regime_map).


from lembas_core.common.regime_cells import cell_config, cell_targets, regime_cells
from lembas_core.workflow.resources import synthetic_size

REGIME_MAP = SETTINGS.regime_map
REGIME_CELLS = {cell.name: cell for cell in regime_cells(REGIME_MAP.depths, REGIME_MAP.feedback_depth)}
REGIME_DIR = "results/regime_map"
REGIME_FORMAT = SETTINGS.data.synthetic.file_format
REGIME_SIZE = synthetic_size(REGIME_MAP.preset)


# A cell's only output is a marker: Snakemake deletes a job's outputs before it runs, and the cell's own run must
# keep its results to redo only what a change touches. Its config (params) reruns it; after a code change rerun
# the cells with `snakemake regime_map --forcerun regime_map_cell`.
rule regime_map_cell:
    input:
        code=script_code("regime_map_cell"),
    output:
        f"{REGIME_DIR}/cells/{{cell}}.done",
    log:
        "logs/regime_map/{cell}.log",
    benchmark:
        "logs/benchmarks/regime_map/{cell}.tsv"
    wildcard_constraints:
        cell=alternation(REGIME_CELLS),
    conda:
        "../envs/lembas.yaml"
    threads: workflow.cores
    resources:
        **_requests(lambda wildcards: rule_estimate("regime_map_cell", REGIME_SIZE)),  # sized by the map's preset
    params:
        config=lambda wildcards: cell_config(REGIME_CELLS[wildcards.cell], REGIME_MAP, config),
        targets=lambda wildcards: cell_targets(REGIME_CELLS[wildcards.cell], REGIME_FORMAT),
        snakefile=workflow.main_snakefile,
        folder=lambda wildcards: f"{REGIME_DIR}/cells/{wildcards.cell}",
    script:
        "../workflow_scripts/regime_map_cell.py"


rule regime_map:
    input:
        cells=[f"{REGIME_DIR}/cells/{name}.done" for name in REGIME_CELLS],
        code=script_code("regime_map"),
    output:
        table=report(
            REGIME_MAP_TABLE, caption="captions/regime_map.rst", category="Regime map", labels={"table": "regime map"}
        ),
        figure=report(
            f"{REGIME_DIR}/regime_map.png",
            caption="captions/regime_map.rst",
            category="Regime map",
            labels={"figure": "regime map"},
        ),
    log:
        "logs/regime_map/gather.log",
    benchmark:
        "logs/benchmarks/regime_map/gather.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("summarize_interventions"),
    params:
        cells={name: f"{REGIME_DIR}/cells/{name}" for name in REGIME_CELLS},
        settings=asdict(REGIME_MAP),
        file_format=REGIME_FORMAT,
    script:
        "../workflow_scripts/regime_map.py"
