"""Evaluation: metrics with intervals, paired comparisons, inference latency, SHAP explainers, ground-truth recovery."""
