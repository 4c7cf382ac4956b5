"""Config problems found while the workflow is parsed: schema failures naming the bad key, unusable input paths."""

from __future__ import annotations

import os


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


def input_file_problem(config: dict) -> str | None:
    """With `data.source: files`, the first configured input path that is not a readable regular file,
    described with the key, the path as resolved against the working directory, and the fix; else None.

    Checked while the workflow is parsed: before any job, any format guess or memory request.
    """
    data = config["data"]
    if data["source"] != "files":
        return None
    for role in ("tf_expression", "gene_expression", "network", "validation"):
        path = data["files"].get(role)
        if not path:
            return f"data.files.{role} is not set\n  How to fix: give the path of the {role} table"
        problem = path_problem(role, path)
        if problem:
            return problem
    return intervention_file_problem(data["files"])


def intervention_file_problem(files: dict) -> str | None:
    """The optional perturbation data (`data.files.interventions` with its `intervention_design`): both or
    neither, each a readable file; the first problem, else None."""
    given = [role for role in ("interventions", "intervention_design") if files.get(role)]
    if len(given) == 1:
        missing = ({"interventions", "intervention_design"} - set(given)).pop()
        return (
            f"data.files.{given[0]} is set but data.files.{missing} is not\n  How to fix: perturbation data need "
            "both the expression matrix (interventions) and its design table (intervention_design), or neither"
        )
    for role in given:
        problem = path_problem(role, files[role])
        if problem:
            return problem
    return None


def path_problem(role: str, path: str) -> str | None:
    """Why input file `path` (config `data.files.<role>`) cannot be read: missing, a folder or empty; else None."""
    resolved = os.path.abspath(path)
    where = f"data.files.{role} = {path!r}" + ("" if os.path.isabs(path) else f" (resolved: {resolved})")
    if not os.path.exists(resolved):
        hint = "relative paths resolve against the working directory (snakemake -d / --directory)"
        if path.startswith("~"):
            hint = f"'~' is not expanded in the config: write the full path ({os.path.expanduser(path)})"
        return f"{where}: no such file\n  How to fix: check the path; {hint}"
    if os.path.isdir(resolved):
        return f"{where}: is a folder, not a file\n  How to fix: point data.files.{role} at the table inside it"
    if os.path.getsize(resolved) == 0:
        return f"{where}: the file is empty\n  How to fix: regenerate or re-export the {role} table"
    return None
