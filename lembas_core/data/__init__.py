"""Cohort data: ingest (validate and convert once), preprocessing, and the dataset store reader."""
