"""Code inputs of a rule, derived from imports: the lembas_core modules its script runs, transitively.

Snakemake tracks a `script:` file by modification time and the library it imports not at all. Each
rule therefore declares as inputs every `lembas_core` source file that its workflow script imports,
directly or through other modules (imports inside functions included, since they run too), plus the
`__init__.py` of every package on the way, which Python executes on import. Editing any of those
files reruns exactly the jobs that run it. Modules named only as strings (a model kind's
implementation in the registry) are added by the rule that dispatches to them (:func:`code_inputs`). Data a
module reads lives in a directory named after it with `_data` appended (`calibration.py`, `calibration_data/`):
its files count as that module's code.

Stdlib only (`ast`): the walk runs while Snakemake parses the workflow, once per file (cached).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "lembas_core"
ROOT = Path(__file__).resolve().parents[2]  # the directory that holds the lembas_core package


def module_file(module: str) -> Path | None:
    """Source file of dotted `module` inside lembas_core (a package's `__init__.py`); None outside it."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _imported_names(path: Path) -> frozenset[str]:
    """Dotted names of the lembas_core modules that `path` imports anywhere in its body (each file parsed once)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against this file's package
                package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # `from pkg import submodule`
    return frozenset(name for name in names if module_file(name) is not None)


def _with_parents(module: str) -> set[str]:
    """`module` and every package above it (`a.b.c` -> a, a.b, a.b.c): importing runs each `__init__`."""
    parts = module.split(".")
    return {".".join(parts[: i + 1]) for i in range(len(parts))}


@cache
def module_closure(path: Path) -> frozenset[Path]:
    """Every lembas_core source file that running `path` imports, transitively (not `path` itself)."""
    seen: set[Path] = set()
    pending = [path]
    while pending:
        current = pending.pop()
        for name in _imported_names(current):
            for module in _with_parents(name):
                found = module_file(module)
                if found is not None and found not in seen:
                    seen.add(found)
                    pending.append(found)
    seen.discard(path)
    return frozenset(seen)


def code_inputs(script: str | Path, *modules: str) -> list[str]:
    """Sorted lembas_core files that `script` and the dotted `modules` import (with the modules themselves)."""
    files = set(module_closure(Path(script).resolve()))
    for module in modules:
        found = module_file(module)
        if found is None:
            raise ValueError(f"{module!r} is not a lembas_core module")
        files |= {found, *module_closure(found)}
        files |= {module_file(parent) for parent in _with_parents(module)}
    files |= {data for path in list(files) for data in module_data(path)}
    return sorted(str(path) for path in files)


def module_data(path: Path) -> list[Path]:
    """The data files of module file `path`: the files in the directory beside it named `<module>_data`."""
    folder = path.with_name(f"{path.stem}_data")
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
