"""What the phases of one table's plan share: its columns being planned (`Col`), and
small helpers over the schema (domains resolved, enum labels)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..config import Config
from ..dialect import Dialect
from ..errors import Diagnostic
from ..model import Column, Domain, Index, Location, Schema, SqlType, Table, Unique
from ..valuegen import Gen
from .compiler import Compiler
from .plans import ColumnKind, CompiledFn


@dataclass
class Col:
    column: Column
    attr: str
    type: SqlType  # domain resolved
    kind: ColumnKind = "value"
    gen: Gen | None = None
    decl: str | None = None
    nullable_ratio: bool = False
    note: str = ""
    depends: set[str] = field(default_factory=set)


def resolve(schema: Schema, t: SqlType) -> tuple[SqlType, Domain | None]:
    if t.category == "array" and t.element is not None and t.element.category == "domain":
        element, _ = resolve(schema, t.element)  # an array of a domain: of its base type
        return replace(t, element=element), None
    if t.category == "domain" and t.name:
        domain = schema.domain(t.name)
        if domain is not None:
            base, _ = resolve(schema, domain.base)
            return base, domain
    return t, None


def labels(schema: Schema, t: SqlType) -> tuple[str, ...]:
    while t.category == "array" and t.element is not None:
        t = t.element
    if t.category == "enum" and t.name:
        enum = schema.enum(t.name)
        if enum is not None:
            return enum.labels
    return ()


def attributes(schema: Schema, t: SqlType) -> tuple[tuple[str, SqlType], ...]:
    """A composite type's attributes, their domains resolved (empty for other types)."""
    composite = schema.composite(t.name or "") if t.category == "composite" else None
    if composite is None:
        return ()
    return tuple((name, resolve(schema, a)[0]) for name, a in composite.attributes)


def is_json(t: SqlType) -> bool:
    return t.category in ("json", "jsonb")


def expressions(table: Table) -> list[str]:
    """The SQL of every expression on a table: CHECKs, computed columns, index parts."""
    out = [c.sql for c in table.checks]
    out += [c.generated.sql for c in table.columns if c.generated is not None]
    rules: list[Unique | Index] = [*table.uniques, *table.indexes]
    for rule in rules:
        out += [*rule.expressions, *([rule.where] if rule.where else [])]
    return out


def at(fn: CompiledFn, location: Location) -> CompiledFn:
    return CompiledFn(fn.name, fn.params, fn.source, fn.sql, fn.unsupported, location)


@dataclass
class Scope:
    """One table being planned: what every phase reads (schema, config, the table and its
    columns), and what they add to: warnings, and the function names taken in its module."""

    schema: Schema
    config: Config
    compiler: Compiler
    table: Table
    module: str
    dialect: Dialect
    cols: dict[str, Col]
    types: dict[str, SqlType]  # column -> type, domains resolved
    warnings: list[Diagnostic]
    taken_fns: set[str] = field(default_factory=set)

    @property
    def names(self) -> set[str]:
        return set(self.types)
