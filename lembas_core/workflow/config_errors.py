"""Config problems found while the workflow is parsed: schema failures naming the bad key, unusable input paths."""

from __future__ import annotations

import os

COHORT_ROLES = {
    "tf_expression": "TF expression matrix (samples x TFs, sample IDs first)",
    "gene_expression": "gene expression matrix (samples x target genes, the same sample IDs)",
    "network": "network table (columns TF, Gene, Interaction)",
    "validation": "validation cohort (an independent cohort: samples x genes, the training identifiers)",
}


def missing_cohort_file(role: str) -> str:
    """The problem and fix for a cohort file left unset (null) with `data.source: files`."""
    what = COHORT_ROLES[role]
    fix = f"set data.files.{role} to the path of the {what.split(' (')[0]}"
    if role == "validation":
        fix += (
            " (an external cohort is required: the models are scored on it; if you have none, move a share of "
            "your samples out of both training matrices into a separate file and give that, or run the synthetic "
            "cohort with data.source: synthetic)"
        )
    return f"data.files.{role} is not set: with data.source: files the {what} is required\n  How to fix: {fix}"


def _broken_link(path: str) -> str | None:
    """The target of `path` when it is a symbolic link to nothing, else None."""
    return os.readlink(path) if os.path.islink(path) and not os.path.exists(path) else None


def describe_validation_error(exc: BaseException) -> str:
    """Describe the jsonschema error wrapped in Snakemake's `validate` WorkflowError."""
    cause = exc.__cause__ or exc.__context__
    if not (hasattr(cause, "absolute_path") and hasattr(cause, "message")):
        return str(exc)
    key = ".".join(str(p) for p in cause.absolute_path) or "(top level)"
    role = key.removeprefix("data.files.")
    if getattr(cause, "instance", "") is None and role in COHORT_ROLES:
        return missing_cohort_file(role)
    return (
        f"invalid configuration at key '{key}': {cause.message}\n"
        "  How to fix: see config/config.schema.yaml for the allowed keys and values (config/README.md)."
    )


def input_file_problem(config: dict) -> str | None:
    """With `data.source: files`, the first configured input path that is not a readable regular file,
    described with the key, the path as resolved against the working directory, and the fix; else None.

    Checked while the workflow is parsed: before any job, any format guess or memory request. Also (any
    source) the interventional training settings (:func:`intervention_training_problem`).
    """
    data = config["data"]
    if data["source"] != "files":
        return intervention_training_problem(config)
    for role in COHORT_ROLES:
        path = data["files"].get(role)
        if not path:
            return missing_cohort_file(role)
        problem = path_problem(role, path)
        if problem:
            return problem
    return intervention_file_problem(data["files"]) or intervention_training_problem(config)


def intervention_training_problem(config: dict) -> str | None:
    """The interventional training settings (`interventions.train_fraction` / `train_tfs`): one of the two,
    and with `data.source: files` only next to perturbation data to train on; the problem, else None."""
    settings, files = config.get("interventions", {}), config["data"].get("files", {})
    if settings.get("train_fraction") and settings.get("train_tfs"):
        return (
            "interventions.train_fraction and interventions.train_tfs are both set\n  How to fix: give one of the "
            "two: a share of the perturbed TFs drawn with interventions.seed, or the training TFs by name"
        )
    wanted = bool(settings.get("train_fraction") or settings.get("train_tfs"))
    if wanted and config["data"]["source"] == "files" and not files.get("interventions"):
        return (
            "interventions.train_fraction / train_tfs ask for interventional training data, but data.files has "
            "no perturbation data\n  How to fix: set data.files.interventions and data.files.intervention_design "
            "(the perturbed samples to train on), or set interventions.train_fraction: 0 and train_tfs: []"
        )
    return None


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
    """Why input file `path` (config `data.files.<role>`) cannot be read: a broken symbolic link, missing, a
    folder or empty; else None."""
    resolved = os.path.abspath(path)
    where = f"data.files.{role} = {path!r}" + ("" if os.path.isabs(path) else f" (resolved: {resolved})")
    target = _broken_link(resolved)
    if target is not None:
        missing = os.path.normpath(os.path.join(os.path.dirname(resolved), target))
        shown = repr(target) + ("" if missing == target else f" ({missing})")
        return (
            f"{where}: is a symbolic link to {shown}, which does not exist\n"
            "  How to fix: restore the link's target, or point the config at the file itself"
        )
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
