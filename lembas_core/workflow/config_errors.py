"""Turn a config-schema validation failure into a one-paragraph message naming the bad key."""

from __future__ import annotations


def describe_validation_error(exc: BaseException) -> str:
    """Describe the jsonschema error wrapped in Snakemake's `validate` WorkflowError."""
    cause = exc.__cause__ or exc.__context__
    if not (hasattr(cause, "absolute_path") and hasattr(cause, "message")):
        return str(exc)
    key = ".".join(str(p) for p in cause.absolute_path) or "(top level)"
    return (
        f"invalid configuration at key '{key}': {cause.message}\n"
        "  How to fix: see config/config.schema.yaml for the allowed keys and values (README, 'Configuration')."
    )
