"""SQL types as the generated code annotates them: a table's row (its TypedDict's fields)
and, for the RPC stubs, function parameters and results: domains resolved, modifiers
dropped, rows recognised, the Python annotation and the runtime's `Type(...)` source, and
the shape of what a function returns."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Literal

from ..dialect import of
from ..model import Function, Param, Schema, SqlType, Table
from ..render import py, pystr

# What a function returns: one value, a list of values, one row, a list of rows, nothing
Shape = Literal["scalar", "set", "row", "rows", "void"]
Rows = Mapping[str, str]  # table key -> the name of its row's TypedDict
_NO_ROWS: Rows = {}

_ROW_CATEGORIES = ("unknown", "composite")


def inputs(fn: Function) -> list[Param]:
    return [p for p in fn.params if p.mode in ("IN", "INOUT", "VARIADIC")]


def outputs(fn: Function) -> list[Param]:
    return [p for p in fn.params if p.mode in ("OUT", "INOUT", "TABLE")]


def base(schema: Schema, t: SqlType) -> SqlType:
    """Domains resolved to their base type (PostgreSQL hands the function the base value)."""
    seen = 0
    while t.category == "domain" and t.name and seen < 20:
        domain = schema.domain(t.name)
        if domain is None:
            break
        t, seen = domain.base, seen + 1
    return t


def bare(t: SqlType) -> SqlType:
    """Without type modifiers: PostgreSQL ignores them in function signatures."""
    element = bare(t.element) if t.element is not None else None
    return dataclasses.replace(
        t, sql=re.sub(r"\s*\([^)]*\)", "", t.sql), length=None, precision=None, scale=None,
        element=element,
    )  # fmt: skip


def row_of(
    schema: Schema, t: SqlType
) -> tuple[str, str, tuple[tuple[str, SqlType | None], ...]] | None:
    """(kind, key, fields) when `t` names a table, view or composite type."""
    if t.category not in _ROW_CATEGORIES or not t.name:
        return None
    default = of(schema.dialect).default_schema
    names = [t.name]
    if default and t.name.startswith(default + "."):
        names.append(t.name[len(default) + 1 :])
    for name in names:
        table = schema.table(name)
        if table is not None:
            return "table", table.key, tuple((c.name, c.type) for c in table.columns)
        for comp in schema.composites:
            if comp.name == name:
                return "composite", comp.name, tuple(comp.attributes)
        for view in schema.views:
            if view.name == name:
                return "view", view.name, tuple((c, None) for c in view.columns)
    return None


def type_src(schema: Schema, t: SqlType | None, depth: int = 0) -> str:
    """`Type(...)` source for the runtime."""
    if t is None or depth > 5:
        return 'Type("unknown", "unknown")'
    t = bare(base(schema, t))
    row = row_of(schema, t)
    if row is not None:
        kind, key, fields = row
        parts = [pystr("row" if kind == "table" else "composite"), pystr(t.sql)]
        if kind != "table" or depth:
            inner = ", ".join(
                f"({pystr(n)}, {type_src(schema, ft, depth + 1)})" for n, ft in fields
            )
            parts.append(f"fields=({inner}{',' if len(fields) == 1 else ''})")
        if kind == "table":
            parts.append(f"table={pystr(key)}")
        return f"Type({', '.join(parts)})"
    if t.category == "unknown" and t.sql.lower() == "record":
        return 'Type("record", "record")'
    parts = [pystr(t.category), pystr(t.sql)]
    if t.category == "array" and t.element is not None:
        parts.append(f"element={type_src(schema, t.element, depth + 1)}")
    if t.category == "enum" and t.name:
        enum = schema.enum(t.name)
        if enum is not None:
            parts.append(f"labels={py(enum.labels)}")
    return f"Type({', '.join(parts)})"


def annotation(
    schema: Schema, t: SqlType | None, variadic: bool = False, rows: Rows = _NO_ROWS
) -> str:
    """The Python annotation of a value of type `t`; a table's row is its TypedDict
    (`rows`: table key -> TypedDict name), other rows `dict[str, Any]`."""
    if t is None:
        return "Any"
    t = base(schema, t)
    if t.category == "array":
        return f"list[{annotation(schema, t.element, rows=rows)}]"
    if variadic:
        return f"list[{annotation(schema, t, rows=rows)}]"
    if t.category == "enum" and t.name:
        enum = schema.enum(t.name)
        if enum is not None and enum.labels:
            return f"Literal[{', '.join(pystr(label) for label in enum.labels)}]"
        return "str"
    row = row_of(schema, t)
    if row is not None:
        return rows.get(row[1], "dict[str, Any]") if row[0] == "table" else "dict[str, Any]"
    return of(schema.dialect).python_type(t)


def row_fields(schema: Schema, table: Table) -> tuple[tuple[str, str], ...]:
    """column -> the annotation of its values in a row (`X | None` unless NOT NULL, the
    column's own or its domain's)."""
    return tuple((c.name, _nullable(annotation(schema, c.type), schema.base_of(c)[1]))
                 for c in table.columns)  # fmt: skip


def _nullable(annotation: str, nullable: bool) -> str:
    return f"{annotation} | None" if nullable and annotation != "Any" else annotation


def shape(
    schema: Schema, fn: Function
) -> tuple[Shape, SqlType | None, tuple[tuple[str, SqlType], ...]]:
    """(scalar | set | row | rows | void, scalar/element/row type, RETURNS TABLE / OUT columns)."""
    r = fn.returns
    outs = tuple((p.name or f"column{i}", p.type) for i, p in enumerate(outputs(fn), 1))
    if r.kind == "void":
        return "void", None, ()
    if r.kind == "table":
        return (
            "rows",
            None,
            tuple((c.name or f"column{i}", c.type) for i, c in enumerate(r.columns, 1)),
        )
    is_record = r.type is None or r.type.sql.lower() == "record"
    # (one value, rows): SETOF returns a list of either, anything else one of either
    pair: tuple[Shape, Shape] = ("set", "rows") if r.kind == "setof" else ("scalar", "row")
    one, rows = pair
    if is_record:
        if len(outs) == 1:
            return one, outs[0][1], ()
        return rows, None, outs
    assert r.type is not None
    if row_of(schema, base(schema, r.type)) is not None:
        return rows, r.type, ()
    return one, r.type, ()


def returns_annotation(
    schema: Schema,
    shape: Shape,
    t: SqlType | None,
    rows: Rows = _NO_ROWS,
    result: str | None = None,
) -> str:
    """`result`: the TypedDict of a RETURNS TABLE / OUT row."""
    if shape == "void":
        return "None"
    row = annotation(schema, t, rows=rows) if t is not None else result or "dict[str, Any]"
    if shape == "row":
        return row
    if shape == "rows":
        return f"list[{row}]"
    if shape == "set":
        return f"list[{annotation(schema, t, rows=rows)}]"
    return annotation(schema, t, rows=rows)
