"""Which text columns the schema's expressions read as JSON, and at which paths.

A `payload TEXT` read by `json_extract(payload, '$.kind')` in a generated column or a CHECK
must hold JSON, with the keys the expressions read, or the database rejects the row
("malformed JSON") and every computed value is NULL. Paths are tuples of object keys and
array indexes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlglot
from sqlglot import exp, jsonpath
from sqlglot.errors import ParseError, TokenError

Path = tuple[str | int, ...]
_JSON_FUNCTIONS = {"json_valid", "json_type", "json_array_length", "json_extract", "json_keys"}


def json_reads(sqls: Iterable[str], dialect: str) -> dict[str, tuple[Path, ...]]:
    """Lower-cased column name -> the JSON paths read from it (maybe none: json_valid)."""
    found: dict[str, dict[Path, None]] = {}
    for sql in sqls:
        if "json" not in sql.lower() and "->" not in sql:
            continue  # the common case, without a parse
        try:
            tree = sqlglot.parse_one(sql, read=dialect)
        except (ParseError, TokenError):
            continue
        for node in tree.walk():
            target, path = _read(node)
            if isinstance(target, exp.Column):
                paths = found.setdefault(target.name.lower(), {})
                if path:
                    paths[path] = None
    return {name: tuple(paths) for name, paths in found.items()}


def _read(node: Any) -> tuple[exp.Expression | None, Path]:
    if isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)):
        return node.this, _path(node.expression)
    if isinstance(node, exp.Anonymous) and node.name.lower() in _JSON_FUNCTIONS:
        args = node.expressions
        return (args[0] if args else None), _path(args[1]) if len(args) > 1 else ()
    if isinstance(node, (exp.JSONType, exp.ParseJSON)):
        return node.this, _path(node.args.get("expression"))
    return None, ()


def _path(node: exp.Expression | None) -> Path:
    return path_steps(node) or ()


def path_steps(node: exp.Expression | None) -> Path | None:
    """A constant JSON path of keys and indexes (`'$.a.b[0]'` -> `("a", "b", 0)`), or
    None for anything else (wildcards, `#-1`, a path computed at run time)."""
    if isinstance(node, exp.Literal) and node.is_string:
        text = node.this if node.this.startswith("$") else f"$.{node.this}"
        try:
            node = jsonpath.parse(text)
        except (ParseError, TokenError):
            return None
    if not isinstance(node, exp.JSONPath):
        return None
    steps: list[str | int] = []
    for part in node.expressions:
        key = isinstance(part, exp.JSONPathKey) and isinstance(part.this, str)
        if key or (isinstance(part, exp.JSONPathSubscript) and isinstance(part.this, int)):
            steps.append(part.this)
        elif not isinstance(part, exp.JSONPathRoot):
            return None
    return tuple(steps)
