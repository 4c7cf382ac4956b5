"""lembas_core: the library behind the lembas-bench Snakemake pipeline.

All logic of the pipeline lives here (data ingest, preprocessing, synthetic cohorts, models,
scoring); the Snakemake rules and workflow scripts only wire these functions together.
"""

__version__ = "0.1.0"
