"""What the database checks a column's values against, read from the model: the `Col` of
the row runtime (`runtimes/_rowcheck.py`). The factories carry one per column (as source);
override validation checks config values with the same coercers at generate time."""

from __future__ import annotations

from .model import Column, Schema, SqlType
from .render import py, pystr
from .runtimes._rowcheck import Col


def col_of(schema: Schema, column: Column) -> Col:
    """Domains resolved to their base type; a domain's NOT NULL holds for the column too
    (its CHECKs are among the table's CHECKs)."""
    t, nullable = schema.base_of(column)
    return _col(schema, t, nullable)


def _col(schema: Schema, t: SqlType, nullable: bool = True) -> Col:
    enum = schema.enum(t.name) if t.category == "enum" and t.name else None
    element = _col(schema, t.element) if t.category == "array" and t.element else None
    return Col(
        kind=t.category,
        sql=t.name if enum is not None and t.name else t.sql,
        nullable=nullable,
        length=t.length,
        precision=t.precision,
        scale=t.scale,
        labels=tuple(enum.labels) if enum is not None else (),
        element=element,
    )


def col_source(col: Col, prefix: str = "sg.") -> str:
    """`sg.Col(...)` source, naming only what differs from the defaults."""
    args = [pystr(col.kind), pystr(col.sql)]
    if not col.nullable:
        args.append("nullable=False")
    for key in ("length", "precision", "scale"):
        if getattr(col, key) is not None:
            args.append(f"{key}={getattr(col, key)}")
    if col.labels:
        args.append(f"labels={py(col.labels)}")
    if col.element is not None:
        args.append(f"element={col_source(col.element, prefix)}")
    return f"{prefix}Col({', '.join(args)})"
