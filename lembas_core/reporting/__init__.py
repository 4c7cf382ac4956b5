"""Reporting: figures, display names and colours, the verdict and its forest plot, the results page."""
