"""Human-readable rendering of the schema model for `schemagen inspect --format table`."""

from __future__ import annotations

from collections.abc import Iterator

from .model import Column, Schema, Table


def render(schema: Schema, verbose: bool = False) -> str:
    return "\n".join(_lines(schema, verbose)) + "\n"


def _lines(schema: Schema, verbose: bool) -> Iterator[str]:
    yield f"dialect: {schema.dialect}"
    for table in schema.tables:
        yield ""
        yield from _table(table, schema.external_tables)
    if schema.enums:
        yield ""
        yield "enums:"
        for enum in schema.enums:
            yield f"  {enum.name}: {', '.join(enum.labels)}"
    if schema.domains:
        yield ""
        yield "domains:"
        for domain in schema.domains:
            null = "" if domain.nullable else " NOT NULL"
            checks = "".join(f" CHECK ({c.sql})" for c in domain.checks)
            yield f"  {domain.name}: {domain.base.sql}{null}{checks}"
    if schema.functions:
        yield ""
        yield "functions:"
        for fn in schema.functions:
            ret = fn.returns
            shown = ret.type.sql if ret.type else ""
            if ret.kind == "table":
                shown = "TABLE(" + ", ".join(f"{c.name} {c.type.sql}" for c in ret.columns) + ")"
            elif ret.kind == "setof":
                shown = f"SETOF {shown or 'record'}"
            elif ret.kind in ("void", "trigger", "record"):
                shown = ret.kind
            flags = ", ".join(
                x for x in (fn.language, fn.volatility, "STRICT" if fn.strict else "") if x
            )
            yield f"  {fn.signature} -> {shown}  [{flags}]"
    if schema.views:
        yield ""
        yield "views:"
        for view in schema.views:
            cols = ", ".join(view.columns) if view.columns else "(columns not derivable)"
            yield f"  {view.name}: {cols}"
    if schema.skipped:
        yield ""
        if verbose:
            yield f"skipped ({len(schema.skipped)}):"
            for s in schema.skipped:
                yield f"  {s.location}: {s.reason}: {s.sql[:100]}"
        else:
            count = len(schema.skipped)
            yield f"skipped: {count} statement(s) with no schema (--verbose lists them)"


def _table(table: Table, externals: tuple[str, ...]) -> Iterator[str]:
    tags = [str(table.location)]
    if table.key in externals:
        tags.append("external")
    if table.partition_by:
        tags.append(f"PARTITION BY {table.partition_by}")
    if table.partition_of:
        tags.append(f"PARTITION OF {table.partition_of}")
    yield f"{table.key}  ({'; '.join(tags)})"
    if table.comment:
        yield f"  -- {table.comment}"
    width = max((len(c.name) for c in table.columns), default=0)
    type_width = max((len(c.type.sql) for c in table.columns), default=0)
    pk = set(table.primary_key.columns) if table.primary_key else set()
    for column in table.columns:
        flags = _column_flags(column, pk)
        yield f"  {column.name:<{width}}  {column.type.sql:<{type_width}}  {flags}".rstrip()
    if table.primary_key:
        yield f"  PRIMARY KEY ({', '.join(table.primary_key.columns)})"
    for fk in table.foreign_keys:
        ext = " [external]" if fk.external else ""
        yield (
            f"  FOREIGN KEY ({', '.join(fk.columns)}) -> "
            f"{fk.ref_table}({', '.join(fk.ref_columns)})"
            f" ON DELETE {fk.on_delete}{ext}"
        )
    for u in table.uniques:
        target = ", ".join((*u.columns, *u.expressions))
        where = f" WHERE {u.where}" if u.where else ""
        yield f"  UNIQUE ({target}){where}"
    for check in table.checks:
        yield f"  CHECK ({check.sql})"


def _column_flags(column: Column, pk: set[str]) -> str:
    flags = ["NOT NULL" if not column.nullable else "NULL"]
    if column.name in pk:
        flags.append("PK")
    if column.identity:
        flags.append(f"IDENTITY {column.identity}")
    if column.default is not None:
        flags.append(f"DEFAULT {column.default}")
    if column.on_update:
        flags.append(f"ON UPDATE {column.on_update}")
    if column.generated:
        kind = "STORED" if column.generated.stored else "VIRTUAL"
        flags.append(f"GENERATED ({column.generated.sql}) {kind}")
    if column.comment:
        flags.append(f"-- {column.comment}")
    return "  ".join(flags)
