"""The configuration table of config/README.md, generated from `config/config.yaml`: every key, its default and the
comment on its line, so that the table can never drift from the defaults.

    python -m lembas_core.workflow.config_table           # rewrite the table in config/README.md
    python -m lembas_core.workflow.config_table --check   # exit 1 when config/README.md is out of date

A key is one row unless its value is a mapping whose keys the schema lists (then each of those is a row);
free-form mappings (`models.xgbrf.params`, `models.variants`, `data.synthetic.overrides`) are one row.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
BEGIN = "<!-- config table: generated from config/config.yaml by `python -m lembas_core.workflow.config_table` -->"
END = "<!-- end of the generated config table -->"
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z_][\w]*):(?P<rest>.*)$")


def line_comments(config_text: str) -> dict[tuple[str, ...], str]:
    """The comment after each key of a YAML mapping written in block style, by key path."""
    comments: dict[tuple[str, ...], str] = {}
    stack: list[tuple[int, str]] = []  # (indent, key) of the enclosing keys
    for line in config_text.splitlines():
        match = _KEY_LINE.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match["key"]))
        _, hash_, comment = match["rest"].partition(" #")
        if hash_:
            comments[tuple(key for _, key in stack)] = comment.strip()
    return comments


def rows(config: Mapping[str, Any], schema: Mapping[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple]:
    """(key path, default) of every row: keys whose value is not a mapping the schema describes key by key."""
    for key, value in config.items():
        node = schema.get("properties", {}).get(key, {})
        if isinstance(value, Mapping) and value and node.get("properties"):
            yield from rows(value, node, (*path, key))
        else:
            yield (*path, key), value


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _value(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


def render(config_text: str, schema: Mapping[str, Any]) -> str:
    """The Markdown table (key, default, meaning) of the config in `config_text`."""
    comments = line_comments(config_text)
    lines = ["| key | default | meaning |", "|---|---|---|"]
    for path, value in rows(yaml.safe_load(config_text), schema):
        meaning = comments.get(path, "")
        lines.append(f"| `{'.'.join(path)}` | `{_cell(_value(value))}` | {_cell(meaning)} |")
    return "\n".join(lines)


def generated_section(repo: Path = REPO) -> str:
    """The section of config/README.md between the markers, from the repository's config and schema."""
    config_text = (repo / "config" / "config.yaml").read_text(encoding="utf-8")
    schema = yaml.safe_load((repo / "config" / "config.schema.yaml").read_text(encoding="utf-8"))
    return f"{BEGIN}\n{render(config_text, schema)}\n{END}"


def with_table(readme: str, section: str) -> str:
    """`readme` with its generated section replaced by `section` (ValueError without the markers)."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"config/README.md lacks the markers {BEGIN!r} ... {END!r}")
    return readme[:start] + section + readme[end + len(END) :]


def main(argv: list[str] | None = None) -> int:
    """Rewrite config/README.md's table, or with --check report (exit 1) that it is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when config/README.md's table is out of date")
    args = parser.parse_args(argv)
    readme_path = REPO / "config" / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    updated = with_table(readme, generated_section())
    if args.check:
        if updated != readme:
            print("config/README.md's table is out of date: run python -m lembas_core.workflow.config_table")
            return 1
        return 0
    readme_path.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
