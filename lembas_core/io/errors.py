"""Error types that carry a user-facing message: what is wrong, where, and how to fix it."""

from __future__ import annotations

from pathlib import Path


class InputDataError(ValueError):
    """A user-supplied file is missing, malformed or inconsistent with another input.

    The message names the file, the location (row/column) when there is one, and a fix.
    """

    def __init__(self, path: str | Path | None, problem: str, fix: str, where: str | None = None):
        self.path = None if path is None else str(path)
        self.problem = problem
        self.fix = fix
        self.where = where
        location = f" ({where})" if where else ""
        prefix = f"{self.path}{location}: " if self.path else (f"{where}: " if where else "")
        super().__init__(f"{prefix}{problem}\n  How to fix: {fix}")


def preview(items, limit: int = 5) -> str:
    """Render the first `limit` items of a collection for an error message, with a count."""
    items = list(items)
    shown = ", ".join(repr(x) for x in items[:limit])
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return f"{shown}{more}"
