# The regime map (target `regime_map`, not in the default run): the benchmark on synthetic worlds of several
# TF -> TF depths, with and without feedback, trained on observational or observational + interventional data.
# Each cell is a whole run of this workflow in its own folder (lembas_core.steps.regime_map).


import glob

from lembas_core.common.regime_cells import cell_overlay, cell_targets, regime_cells

REGIME_MAP = SETTINGS.regime_map
REGIME_CELLS = {cell.name: cell for cell in regime_cells(REGIME_MAP.depths, REGIME_MAP.feedback_depth)}
REGIME_DIR = "results/regime_map"
# A cell reruns when any code of the workflow changes; its own Snakemake run then redoes only what the change touches.
WORKFLOW_CODE = sorted(
    glob.glob(os.path.join(workflow.basedir, "lembas_core", "**", "*.py"), recursive=True)
    + glob.glob(os.path.join(workflow.basedir, "rules", "*.smk"))
    + glob.glob(os.path.join(workflow.basedir, "workflow_scripts", "*.py"))
    + [os.path.join(workflow.basedir, "Snakefile")]
)


rule regime_map_cell:
    input:
        code=WORKFLOW_CODE,
    output:
        [f"{REGIME_DIR}/cells/{{cell}}/{target}" for target in cell_targets(SETTINGS.data.synthetic.file_format)],
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
        **job_resources("regime_map_cell"),
    params:
        overlay=lambda wildcards: cell_overlay(REGIME_CELLS[wildcards.cell], REGIME_MAP, config),
        config=config,
        snakefile=workflow.main_snakefile,
        folder=lambda wildcards: f"{REGIME_DIR}/cells/{wildcards.cell}",
    script:
        "../workflow_scripts/regime_map_cell.py"


rule regime_map:
    input:
        cells=[
            f"{REGIME_DIR}/cells/{name}/{target}"
            for name in REGIME_CELLS
            for target in cell_targets(SETTINGS.data.synthetic.file_format)
        ],
        code=script_code("regime_map"),
    output:
        table=REGIME_MAP_TABLE,
        figure=f"{REGIME_DIR}/regime_map.png",
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
    script:
        "../workflow_scripts/regime_map.py"
