# Interventions: every model forecasts TF knock-downs and over-expressions; the forecasts are scored against
# the synthetic cohort's true counterfactuals (or the user's perturbation data, data.files.interventions).


rule intervention_design:
    input:
        dataset="results/dataset",
        cohort=synthetic_cohort_files()["summary"],
        code=script_code("intervention_design"),
    output:
        design="results/interventions/design.tsv",
        state=f"{COHORT_DIR}/interventions/individuals.npz",
    log:
        "logs/interventions/design.log",
    benchmark:
        "logs/benchmarks/interventions/design.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("intervention_design"),
    params:
        synthetic=asdict(SETTINGS.data.synthetic),
        seed=SETTINGS.seed,
        choice=asdict(INTERVENTIONS.choice),
    script:
        "../workflow_scripts/intervention_design.py"


rule intervention_truth:
    input:
        **split_input(),
        dataset="results/dataset",
        design="results/interventions/design.tsv",
        state=f"{COHORT_DIR}/interventions/individuals.npz",
        code=script_code("intervention_truth"),
    output:
        f"{COHORT_DIR}/interventions/{{level}}.npz",
    log:
        "logs/interventions/truth_{level}.log",
    benchmark:
        "logs/benchmarks/interventions/truth_{level}.tsv"
    wildcard_constraints:
        level=alternation(LEVELS),
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("intervention_truth"),
    params:
        level=lambda wildcards: asdict(INTERVENTIONS.levels[wildcards.level]),
    script:
        "../workflow_scripts/intervention_truth.py"


rule forecast_interventions:
    input:
        model=wildcard_model_file,
        parts=model_parts,
        perturbations=lambda wildcards: perturbation_file(wildcards.level),
        code=model_code("forecast_interventions"),
    output:
        "results/interventions/forecasts/{model}_{level}.npz",
    log:
        "logs/interventions/{model}_{level}.log",
    benchmark:
        "logs/benchmarks/interventions/{model}_{level}.tsv"
    wildcard_constraints:
        level=alternation(LEVELS),
    conda:
        "../envs/lembas.yaml"
    threads: threads_of("forecast_interventions")
    resources:
        **job_resources("forecast_interventions"),
    params:
        kind=wildcard_kind,
        settings=model_params,
    script:
        "../workflow_scripts/forecast_interventions.py"


rule score_interventions:
    input:
        effects="results/interventions/forecasts/{model}_{level}.npz",
        perturbations=lambda wildcards: perturbation_file(wildcards.level),
        code=script_code("score_interventions"),
    output:
        "results/interventions/scores/{model}_{level}.tsv",
    log:
        "logs/interventions/score/{model}_{level}.log",
    benchmark:
        "logs/benchmarks/interventions/score/{model}_{level}.tsv"
    wildcard_constraints:
        level=alternation(LEVELS),
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("score_interventions"),
    params:
        top_genes=INTERVENTIONS.top_genes,
    script:
        "../workflow_scripts/score_interventions.py"


rule summarize_interventions:
    input:
        scores=expand("results/interventions/scores/{model}_{level}.tsv", model=SHOWN_FORECASTERS, level=LEVELS),
        effects=expand("results/interventions/forecasts/{model}_{level}.npz", model=SHOWN_FORECASTERS, level=LEVELS),
        perturbations=[perturbation_file(level) for level in LEVELS],
        code=script_code("summarize_interventions"),
    output:
        **{
            name: report(
                path,
                caption=f"captions/{'interventions_figure' if name == 'figure' else 'interventions'}.rst",
                category="Interventions",
                labels={"figure" if name == "figure" else "table": name},
            )
            for name, path in intervention_outputs().items()
        },
    log:
        "logs/interventions/summarize.log",
    benchmark:
        "logs/benchmarks/interventions/summarize.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("summarize_interventions"),
    params:
        roster=SETTINGS.roster(SHOWN_FORECASTERS),
        levels=LEVELS,
        top_genes=INTERVENTIONS.top_genes,
    script:
        "../workflow_scripts/summarize_interventions.py"


# The user's perturbation data: checked right after ingest (preprocess waits for it, so a bad design table
# stops the run before any model trains), then turned into perturbations once the dataset exists.
rule ingest_interventions:
    input:
        matrix=SETTINGS.data.files.interventions or [],
        design=SETTINGS.data.files.intervention_design or [],
        ingest="results/ingest",
        code=script_code("ingest_interventions"),
    output:
        PERTURBATION_DATA,
    log:
        "logs/interventions/ingest.log",
    benchmark:
        "logs/benchmarks/interventions/ingest.tsv"
    retries: 0  # deterministic: a bad input fails the same way again, so it is reported once
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("ingest"),
    params:
        format=SETTINGS.data.files.format,
        settings=asdict(SETTINGS.data.ingest),
    script:
        "../workflow_scripts/ingest_interventions.py"


rule observed_interventions:
    input:
        **split_input(),
        data=PERTURBATION_DATA,
        dataset="results/dataset",
        code=script_code("observed_interventions"),
    output:
        f"results/interventions/{OBSERVED_LEVEL}.npz",
    log:
        "logs/interventions/observed.log",
    benchmark:
        "logs/benchmarks/interventions/observed.tsv"
    conda:
        "../envs/lembas.yaml"
    threads: 1
    resources:
        **job_resources("preprocess"),
    script:
        "../workflow_scripts/observed_interventions.py"


# Interventional training data (interventions.train_*; lembas_core.data.perturbation_training): which perturbed
# TFs the models train on, and the rows every training rule then adds to the training split.
if SYNTHETIC_TRAINING:

    rule synthetic_training_data:
        input:
            dataset="results/dataset",
            cohort=synthetic_cohort_files()["summary"],
            code=script_code("synthetic_training_data"),
        output:
            matrix=f"{COHORT_DIR}/interventions/training_perturbations.{SETTINGS.data.synthetic.file_format}",
            design=f"{COHORT_DIR}/interventions/training_design.{SETTINGS.data.synthetic.file_format}",
            split=PERTURBATION_SPLIT,
        log:
            "logs/interventions/synthetic_training_data.log",
        benchmark:
            "logs/benchmarks/interventions/synthetic_training_data.tsv"
        conda:
            "../envs/lembas.yaml"
        threads: 1
        resources:
            **job_resources("intervention_design"),
        params:
            synthetic=asdict(SETTINGS.data.synthetic),
            seed=SETTINGS.seed,
            choice=asdict(INTERVENTIONS.choice),
            training=asdict(INTERVENTIONS.training),
        script:
            "../workflow_scripts/synthetic_training_data.py"

    # The generated samples go through the user's path: read and checked as perturbation data are.
    use rule ingest_interventions as ingest_synthetic_training_data with:
        input:
            matrix=rules.synthetic_training_data.output.matrix,
            design=rules.synthetic_training_data.output.design,
            ingest="results/ingest",
            code=script_code("ingest_interventions"),
        output:
            SYNTHETIC_TRAINING_DATA,
        log:
            "logs/interventions/ingest_synthetic_training_data.log",
        benchmark:
            "logs/benchmarks/interventions/ingest_synthetic_training_data.tsv"
        params:
            format=SETTINGS.data.synthetic.file_format,  # the generator's, not data.files.format
            settings=asdict(SETTINGS.data.ingest),


if USER_PERTURBATIONS:

    rule split_perturbation_data:
        input:
            data=PERTURBATION_DATA,
            dataset="results/dataset",
            code=script_code("split_perturbation_data"),
        output:
            PERTURBATION_SPLIT,
        log:
            "logs/interventions/split.log",
        benchmark:
            "logs/benchmarks/interventions/split.tsv"
        conda:
            "../envs/lembas.yaml"
        threads: 1
        resources:
            **job_resources("preprocess"),
        params:
            training=asdict(INTERVENTIONS.training),
            seed=INTERVENTIONS.choice.seed,
        script:
            "../workflow_scripts/split_perturbation_data.py"


if TRAINS_ON_PERTURBATIONS:

    rule perturbation_training_rows:
        input:
            data=SYNTHETIC_TRAINING_DATA if SYNTHETIC else PERTURBATION_DATA,
            split=PERTURBATION_SPLIT,
            dataset="results/dataset",
            code=script_code("perturbation_training_rows"),
        output:
            TRAINING_ROWS,
        log:
            "logs/interventions/training_rows.log",
        benchmark:
            "logs/benchmarks/interventions/training_rows.tsv"
        conda:
            "../envs/lembas.yaml"
        threads: 1
        resources:
            **job_resources("preprocess"),
        script:
            "../workflow_scripts/perturbation_training_rows.py"
