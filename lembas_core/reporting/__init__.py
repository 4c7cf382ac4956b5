"""Reporting: figures and the README's Markdown results table."""
