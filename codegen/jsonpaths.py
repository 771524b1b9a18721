"""The keys a schema reads out of its JSON columns, so generated documents have them.

A CHECK (`payload ? 'kind'`), a generated column (`payload ->> 'kind'`) or an index
expression (`data #>> '{owner,id}'`) that reads a key fails, or stores NULL, on a document
without it. Paths are read from the PostgreSQL text of those expressions: `->`, `->>`,
`#>`, `#>>`, `?`, `?|`, `?&`, `jsonb_extract_path[_text]` / `json_extract_path[_text]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_QUOTED = r"'((?:[^']|'')*)'"


def _column(name: str) -> str:
    quoted = '"' + name.replace('"', '""') + '"'
    return rf"(?:{re.escape(quoted)}|(?<![\w.\"]){re.escape(name)}(?![\w\"]))(?:\s*::\s*jsonb?)?"


def _unquote(text: str) -> str:
    return text.replace("''", "'")


def paths(sql: str, column: str) -> set[tuple[str, ...]]:
    """The key paths expression `sql` reads from JSON column `column`."""
    col = _column(column)
    found: set[tuple[str, ...]] = set()
    for match in re.finditer(rf"{col}\s*((?:->>?\s*{_QUOTED}\s*)+)", sql):
        found.add(tuple(_unquote(k) for k in re.findall(rf"->>?\s*{_QUOTED}", match.group(1))))
    for match in re.finditer(rf"{col}\s*#>>?\s*'\{{([^}}']*)\}}'", sql):
        found.add(tuple(p.strip().strip('"') for p in match.group(1).split(",") if p.strip()))
    for match in re.finditer(rf"{col}\s*\?\s*{_QUOTED}", sql):
        found.add((_unquote(match.group(1)),))
    for match in re.finditer(rf"{col}\s*\?[|&]\s*(?:ARRAY\s*)?\[([^\]]*)\]", sql, re.I):
        found.update((_unquote(k),) for k in re.findall(_QUOTED, match.group(1)))
    call = rf"json[b]?_extract_path(?:_text)?\s*\(\s*{col}\s*((?:,\s*{_QUOTED}\s*)+)\)"
    for match in re.finditer(call, sql, re.I):
        found.add(tuple(_unquote(k) for k in re.findall(_QUOTED, match.group(1))))
    return {p for p in found if p}


def all_paths(expressions: Iterable[str], column: str) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({p for sql in expressions for p in paths(sql, column)}))
