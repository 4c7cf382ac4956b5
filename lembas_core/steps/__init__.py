"""Pipeline steps: one module per Snakemake rule, each a function that opens its inputs, calls the
library and writes the rule's outputs atomically. Workflow scripts call one of these, after building its
typed arguments (settings, inputs, outputs) from `snakemake.*`.

One module per rule on purpose: a rule's code inputs are the modules its script imports, so a step
module imports exactly what its rule needs.
"""
