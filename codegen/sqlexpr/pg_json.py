"""PostgreSQL's JSON operators over a json/jsonb column: `->`, `->>`, `#>`, `#>>`, `?` and
json(b)_extract_path[_text]. A document is the Python value psycopg reads (dict, list, str,
number, bool); `->>` gives text as jsonb prints it (`{"a": 1}`, `true`), SQL NULL for a
missing key or a JSON null. Only constant keys and paths compile.
"""

from __future__ import annotations

from sqlglot import exp

from ..model import SqlType
from . import stypes as T
from .core import Compiler, Handler, Typed, Unsupported
from .stypes import py_literal

JSONB = SqlType("jsonb", "jsonb")
_JSON = ("json", "jsonb")


def _document(c: Compiler, node: exp.Expression) -> Typed:
    doc = c.expr(node)
    if doc.type.category not in _JSON and not T.is_null(doc.type):
        raise Unsupported(f"JSON operator on {doc.type.sql}")
    return doc


def _path_keys(node: exp.Expression) -> list[str | int]:
    """The constant keys of `-> 'a'` (a JSONPath), `-> 0`, or `#> '{a,0}'` (a text array)."""
    if isinstance(node, exp.JSONPath):
        keys: list[str | int] = []
        for part in node.expressions:
            key = part.this if isinstance(part, (exp.JSONPathKey, exp.JSONPathSubscript)) else None
            if isinstance(part, exp.JSONPathRoot):
                continue
            if not isinstance(key, (str, int)):
                raise Unsupported(f"JSON path part {part.sql()}")
            keys.append(key)
        return keys
    if isinstance(node, exp.Literal) and node.is_string:
        text = str(node.this).strip()
        if not (text.startswith("{") and text.endswith("}")):
            raise Unsupported(f"JSON path {text!r}")
        return [p.strip().strip('"') for p in text[1:-1].split(",") if p.strip()]
    raise Unsupported(f"JSON key {node.sql()} (only constant keys compile)")


def _keys(keys: list[str | int] | list[str]) -> str:
    return "(" + "".join(py_literal(k) + ", " for k in keys) + ")"


def _get(c: Compiler, node: exp.Expression, as_text: bool, path: bool) -> Typed:
    doc = _document(c, node.this)
    keys = _path_keys(node.expression)
    fn = "json_path_text" if as_text else "json_path"
    steps = "" if path else ", False"
    code = f"rt.{fn}({doc.code}, {_keys(keys)}{steps})"
    return Typed(code, T.TEXT if as_text else doc.type)


def h_extract(c: Compiler, node: exp.Expression) -> Typed:
    return _get(c, node, isinstance(node, exp.JSONExtractScalar), False)


def h_path(c: Compiler, node: exp.Expression) -> Typed:
    return _get(c, node, isinstance(node, exp.JSONBExtractScalar), True)


def h_has_key(c: Compiler, node: exp.JSONBContainsTopKey) -> Typed:
    key = node.expression
    if not (isinstance(key, exp.Literal) and key.is_string):
        raise Unsupported("? with a key that is not a constant")
    inner = node.this
    if isinstance(inner, (exp.JSONExtract, exp.JSONBExtract)):  # `doc -> 'a' ? key`
        doc = _document(c, inner.this)
        path = isinstance(inner, exp.JSONBExtract)
        keys = _keys(_path_keys(inner.expression))
        code = f"rt.json_has_at({doc.code}, {keys}, {path}, {str(key.this)!r})"
        return Typed(code, T.BOOLEAN)
    doc = _document(c, inner)
    return Typed(f"rt.json_has({doc.code}, {str(key.this)!r})", T.BOOLEAN)


def _extract_path(as_text: bool) -> Handler:
    def handler(c: Compiler, node: exp.Anonymous) -> Typed:
        doc, *rest = node.expressions
        keys: list[str] = []
        for key in rest:
            if not (isinstance(key, exp.Literal) and key.is_string):
                raise Unsupported(f"{node.name}() with a key that is not a constant")
            keys.append(str(key.this))
        typed = _document(c, doc)
        fn = "json_path_text" if as_text else "json_path"
        return Typed(f"rt.{fn}({typed.code}, {_keys(keys)})",
                     T.TEXT if as_text else typed.type)  # fmt: skip

    return handler


DISPATCH: dict[type, Handler] = {
    exp.JSONExtract: h_extract,
    exp.JSONExtractScalar: h_extract,
    exp.JSONBExtract: h_path,
    exp.JSONBExtractScalar: h_path,
    exp.JSONBContainsTopKey: h_has_key,
}

ANONYMOUS: dict[str, Handler] = {
    "jsonb_extract_path": _extract_path(False),
    "json_extract_path": _extract_path(False),
    "jsonb_extract_path_text": _extract_path(True),
    "json_extract_path_text": _extract_path(True),
}
