"""The embedded synthetic cohort: presets, gene names, the true and prior networks, expression, writing."""
