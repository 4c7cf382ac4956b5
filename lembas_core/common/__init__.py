"""The bottom layer: names, file layout, job-size arithmetic and the settings dataclasses that several
layers share. Standard library only, and no import from the rest of lembas_core, so that every layer
(and the Snakefile while it parses) can import it."""
