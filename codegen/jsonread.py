"""Which columns the schema's expressions read as JSON, and at which paths.

A `payload TEXT` read by `json_extract(payload, '$.kind')` in a generated column or a CHECK
must hold JSON, with the keys the expressions read, or the database rejects the row
("malformed JSON") and every computed value is NULL. A `jsonb` column read by a CHECK
(`payload ? 'kind'`), a generated column (`payload -> 'a' ->> 'b'`) or an index
(`data #>> '{owner,id}'`) stores NULL or fails on a document without the key. One reader
for every dialect: sqlglot's tree of the expression, PostgreSQL's operators (`->`, `->>`,
`#>`, `#>>`, `?`, `?|`, `?&`, `json(b)_extract_path[_text]`) among them. Paths are tuples of
object keys and array indexes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlglot
from sqlglot import exp, jsonpath
from sqlglot.errors import ParseError, TokenError

Path = tuple[str | int, ...]
_JSON_FUNCTIONS = {"json_valid", "json_type", "json_array_length", "json_extract", "json_keys"}
_EXTRACT_PATH = {"jsonb_extract_path", "jsonb_extract_path_text", "json_extract_path",
                 "json_extract_path_text"}  # fmt: skip
_EXTRACTS = (exp.JSONExtract, exp.JSONExtractScalar, exp.JSONBExtract, exp.JSONBExtractScalar)
_HAS_KEYS = (exp.JSONBContainsAnyTopKeys, exp.JSONBContainsAllTopKeys)
_JSON_HINTS = ("json", "->", "#>", "?")


def json_reads(sqls: Iterable[str], dialect: str) -> dict[str, tuple[Path, ...]]:
    """Lower-cased column name -> the JSON paths read from it (maybe none: json_valid).
    A path that only leads to a longer one read too is left out: the document holds an
    object there, not a value."""
    found: dict[str, dict[Path, None]] = {}
    for sql in sqls:
        if not any(hint in sql.lower() for hint in _JSON_HINTS):
            continue  # the common case, without a parse
        try:
            tree = sqlglot.parse_one(sql, read=dialect)
        except (ParseError, TokenError):
            continue
        for node in tree.walk():
            for target, path in _reads(node):
                paths = found.setdefault(target.name.lower(), {})
                if path:
                    paths[path] = None
    return {name: _leaves(paths) for name, paths in found.items()}


def _leaves(paths: Iterable[Path]) -> tuple[Path, ...]:
    every = tuple(paths)
    return tuple(p for p in every if not any(len(q) > len(p) and q[: len(p)] == p for q in every))


def _reads(node: exp.Expr) -> Iterator[tuple[exp.Column, Path]]:
    """(column, path) for each read `node` makes of a column, directly or through a chain
    of extractions (`a -> 'b' ->> 'c'` reads ("b", "c") of a)."""
    if isinstance(node, _EXTRACTS):
        yield from _chain(node.this, _steps(node.expression))
    elif isinstance(node, exp.JSONBContainsTopKey):
        yield from _chain(node.this, _key(node.expression))
    elif isinstance(node, _HAS_KEYS) and isinstance(node.expression, exp.Array):
        for key in node.expression.expressions:
            yield from _chain(node.this, _key(key))
    elif isinstance(node, exp.Anonymous) and node.name.lower() in _EXTRACT_PATH:
        base, *keys = node.expressions or [None]
        steps = [_key(k) for k in keys]
        if all(s is not None for s in steps):
            yield from _chain(base, tuple(k for s in steps for k in s or ()))
    elif isinstance(node, exp.Anonymous) and node.name.lower() in _JSON_FUNCTIONS:
        args = node.expressions
        yield from _chain(args[0] if args else None, _path(args[1]) if len(args) > 1 else ())
    elif isinstance(node, (exp.JSONType, exp.ParseJSON)):
        yield from _chain(node.this, _path(node.args.get("expression")))


def _chain(base: exp.Expression | None, path: Path | None) -> Iterator[tuple[exp.Column, Path]]:
    """The column under `base` (through parentheses, casts and outer extractions) and the
    whole path read from it; nothing when a step is not a constant."""
    while isinstance(base, (exp.Paren, exp.Cast)):
        base = base.this
    if path is None:
        return
    if isinstance(base, exp.Column):
        yield base, path
    elif isinstance(base, _EXTRACTS):
        yield from _chain(base.this, _join(_steps(base.expression), path))


def _join(head: Path | None, tail: Path) -> Path | None:
    return None if head is None else head + tail


def _key(node: exp.Expression | None) -> Path | None:
    if isinstance(node, exp.Literal) and node.is_string:
        return (node.this,)
    return None


def _steps(node: exp.Expression | None) -> Path | None:
    """The steps of one extraction: a JSON path, an array index (`-> 0`) or PostgreSQL's
    text-array path (`#> '{a,b}'`, keys, which also index arrays by their text)."""
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        return (int(node.this),)
    if isinstance(node, exp.Literal) and node.this.startswith("{") and node.this.endswith("}"):
        parts = [p.strip().strip('"') for p in node.this[1:-1].split(",")]
        return tuple(p for p in parts if p)
    return path_steps(node)


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
