"""What the database checks a column's values against, read from the model: the `Col` of
the row runtime (`runtimes/_rowcheck.py`). The factories carry one per column (as a constant);
override validation checks config values with the same coercers at generate time."""

from __future__ import annotations

from .model import Column, Schema, SqlType
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


def col_spec(col: Col) -> tuple[object, ...]:
    """The Col as the constant a factory's spec holds (`Col.of` reads it back): its fields
    in order, the trailing defaults left out, an array's element as a spec of its own."""
    fields: list[object] = [*col[:7], None if col.element is None else col_spec(col.element)]
    defaults = [*Col._field_defaults.values()]
    while len(fields) > 2 and fields[-1] == defaults[len(fields) - 3]:
        fields.pop()
    return tuple(fields)
