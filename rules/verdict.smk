# The answer first: results/verdict.md and the report's first page, generated from the result tables.


rule verdict:
    input:
        **split_input(),  # whether the models trained on perturbations
        summary="results/metrics/summary.tsv",
        paired="results/metrics/paired.tsv",
        ladder_paired=ladder_outputs()["paired"],
        fits="results/metrics/fits.tsv",
        dataset="results/dataset",
        description=os.path.join(workflow.basedir, "rules", "captions", "workflow.rst"),
        interventions=(
            [intervention_outputs()[n] for n in ("interventions_summary", "interventions_paired")] if LEVELS else []
        ),
        code=script_code("verdict"),
    output:
        markdown="results/verdict.md",
        rst="results/verdict.rst",
        forest="results/figures/verdict_forest.png",
        forest_svg="results/figures/verdict_forest.svg",
    log:
        "logs/verdict.log",
    benchmark:
        "logs/benchmarks/verdict.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("verdict"),
    params:
        roster=SETTINGS.roster(SHOWN_FORECASTERS),
        method=SETTINGS.evaluate.score.interval,
        observed_interventions=USER_PERTURBATIONS,
        # the regime map once its target has run, read but not an input (a plain run must not rebuild it): its
        # digest reruns the verdict when it appears or changes
        regime_map=REGIME_MAP_TABLE,
        regime_map_digest=file_digest(REGIME_MAP_TABLE),
    script:
        "../workflow_scripts/verdict.py"


rule summary:
    input:
        verdict="results/verdict.md",
        summary="results/metrics/summary.tsv",
        fits="results/metrics/fits.tsv",
        ladder=ladder_outputs()["table"],
        ladder_figure=ladder_outputs()["figure"],
        interventions=intervention_outputs().get("interventions_summary", []),
        interventions_figure=intervention_outputs().get("figure", []),
        forest="results/figures/verdict_forest.png",
        code=script_code("summary"),
    output:
        "results/summary.md",
    log:
        "logs/summary.log",
    benchmark:
        "logs/benchmarks/summary.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("summary"),
    params:
        roster=SETTINGS.roster(SHOWN_FORECASTERS),
        # the stamp of the settings that made the page: a change that changes no input reruns nothing
        config_digest=rerunning_nothing(config_digest(config)),
    script:
        "../workflow_scripts/summary.py"
