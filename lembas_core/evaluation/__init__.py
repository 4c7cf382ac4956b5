"""Evaluation: metrics with bootstrap intervals, inference latency, SHAP explainers, ground-truth recovery."""
