"""The schema model written back as PostgreSQL DDL: one flat file a database can load.

`schemagen inspect --format sql` prints it (a migrations folder flattened into one schema),
and the tests use it to prove the model complete: loading the original SQL and loading this
rendering of its model must give the database identical catalogs. What the model does not
describe (GRANTs, triggers, aggregates: `inspect -v` lists them) is not written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Column, Domain, Exclude, ForeignKey, Function, Param, Schema, SqlType, Table
from .naming import quote_ident as quote
from .types import PG_TYPES


def type_sql(t: SqlType) -> str:
    """A type as DDL spells it: user-defined type names quoted where they need it."""
    if t.category == "array" and t.element is not None:
        return type_sql(t.element) + t.sql[len(t.element.sql) :]
    if t.category in ("enum", "domain", "composite") and t.name:
        if "." not in t.name and t.name in PG_TYPES:  # `name`, `text`: pg_catalog's win
            return f"public.{quote(t.name)}"
        return quote_key(t.name)
    return t.sql


def quote_key(key: str) -> str:
    return ".".join(quote(part) for part in key.split(".", 1))


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def to_sql(schema: Schema) -> str:
    """PostgreSQL DDL for the schema (externally declared tables left out)."""
    return "\n".join(_statements(schema)) + "\n"


_NEXTVAL = re.compile(r"nextval\((?:CAST\()?'([^']+)'", re.IGNORECASE)


def _statements(schema: Schema) -> Iterator[str]:
    sequences = sorted(
        {m for t in schema.tables for c in t.columns for m in _NEXTVAL.findall(c.default or "")}
    )
    keys = [t.key for t in schema.tables if t.key not in schema.external_tables]
    keys += [e.name for e in schema.enums] + [d.name for d in schema.domains]
    keys += [c.name for c in schema.composites]
    namespaces = {k.split(".", 1)[0] for k in [*keys, *sequences] if "." in k} - {"public"}
    for namespace in sorted(namespaces):
        yield f"CREATE SCHEMA IF NOT EXISTS {quote(namespace)};"
    for extension in schema.extensions:
        yield f"CREATE EXTENSION IF NOT EXISTS {quote(extension)};"
    for sequence in sequences:  # pg_dump's serials: `DEFAULT nextval('t_id_seq'::regclass)`
        yield f"CREATE SEQUENCE IF NOT EXISTS {sequence};"
    for enum in schema.enums:
        labels = ", ".join(literal(label) for label in enum.labels)
        yield f"CREATE TYPE {quote_key(enum.name)} AS ENUM ({labels});"
    for domain in schema.domains:
        yield _domain(domain)
    for composite in schema.composites:
        attributes = ", ".join(f"{quote(n)} {type_sql(t)}" for n, t in composite.attributes)
        yield f"CREATE TYPE {quote_key(composite.name)} AS ({attributes});"
    tables = [t for t in schema.tables if t.key not in schema.external_tables]
    for table in tables:
        yield _create_table(table)
    for table in tables:
        for check in table.checks:
            if check.not_valid:
                yield (
                    f"ALTER TABLE {quote_key(table.key)} ADD CONSTRAINT {quote(check.name or '')} "
                    f"CHECK ({check.sql}) NOT VALID;"
                )
        parent = schema.table(table.partition_of) if table.partition_of else None
        for fk in table.foreign_keys:
            if parent is not None and fk in parent.foreign_keys:
                continue  # the partition gets it from its parent
            if not fk.external:
                yield f"ALTER TABLE {quote_key(table.key)} ADD {_foreign_key(fk)};"
        for unique in table.uniques:
            if unique.from_index:
                yield _unique_index(
                    table,
                    unique.name,
                    unique.columns,
                    unique.expressions,
                    unique.where,
                    unique.nulls_distinct,
                )
        for index in table.indexes:
            target = ", ".join([*(quote(c) for c in index.columns), *index.expressions])
            where = f" WHERE {index.where}" if index.where else ""
            # IF NOT EXISTS: a partitioned parent's index already cascaded to its partitions
            name = f"IF NOT EXISTS {quote(index.name)} " if index.name else ""
            using = f" USING {index.method}" if index.method != "btree" else ""
            yield f"CREATE INDEX {name}ON {quote_key(table.key)}{using} ({target}){where};"
        if table.comment is not None:
            yield f"COMMENT ON TABLE {quote_key(table.key)} IS {literal(table.comment)};"
        for column in table.columns:
            if column.comment is not None:
                yield (
                    f"COMMENT ON COLUMN {quote_key(table.key)}.{quote(column.name)} "
                    f"IS {literal(column.comment)};"
                )
    for function in schema.functions:
        yield _function(function)
        if function.comment is not None:
            kind = "PROCEDURE" if function.is_procedure else "FUNCTION"
            args = ", ".join(type_sql(p.type) for p in function.params if p.mode != "OUT")
            target = f"{kind} {quote_key(function.name)}({args})"
            yield f"COMMENT ON {target} IS {literal(function.comment)};"
    for view in schema.views:
        kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
        yield f"CREATE {kind} {quote_key(view.name)} AS {view.sql};"


def _domain(domain: Domain) -> str:
    parts = [f"CREATE DOMAIN {quote_key(domain.name)} AS {type_sql(domain.base)}"]
    if domain.default is not None:
        parts.append(f"DEFAULT {domain.default}")
    if not domain.nullable:
        parts.append("NOT NULL")
    for check in domain.checks:
        named = f"CONSTRAINT {quote(check.name)} " if check.name else ""
        parts.append(f"{named}CHECK ({check.sql})")
    return " ".join(parts) + ";"


def _create_table(table: Table) -> str:
    if table.partition_of is not None:
        partition = f" PARTITION BY {table.partition_by}" if table.partition_by else ""
        return (
            f"CREATE TABLE {quote_key(table.key)} PARTITION OF {quote_key(table.partition_of)} "
            f"{table.partition_bound or 'DEFAULT'}{partition};"
        )
    lines = [_column(c) for c in table.columns]
    if table.primary_key is not None:
        named = f"CONSTRAINT {quote(table.primary_key.name)} " if table.primary_key.name else ""
        lines.append(f"{named}PRIMARY KEY ({', '.join(map(quote, table.primary_key.columns))})")
    for unique in table.uniques:
        if not unique.from_index:
            named = f"CONSTRAINT {quote(unique.name)} " if unique.name else ""
            nulls = "" if unique.nulls_distinct else " NULLS NOT DISTINCT"
            lines.append(f"{named}UNIQUE{nulls} ({', '.join(map(quote, unique.columns))})")
    for check in table.checks:
        if not check.not_valid:
            named = f"CONSTRAINT {quote(check.name)} " if check.name else ""
            lines.append(f"{named}CHECK ({check.sql})")
    lines += [_exclude(x) for x in table.excludes]
    body = ",\n    ".join(lines)
    partition = f" PARTITION BY {table.partition_by}" if table.partition_by else ""
    return f"CREATE TABLE {quote_key(table.key)} (\n    {body}\n){partition};"


def _exclude(x: Exclude) -> str:
    named = f"CONSTRAINT {quote(x.name)} " if x.name else ""
    elements = ", ".join(f"{quote(c)} WITH {op}" for c, op in zip(x.columns, x.operators,
                                                                   strict=True))  # fmt: skip
    deferred = " DEFERRABLE INITIALLY DEFERRED" if x.deferred else ""
    return f"{named}EXCLUDE USING {x.method} ({elements}){deferred}"


def _column(column: Column) -> str:
    parts = [quote(column.name), type_sql(column.type)]
    if column.identity == "serial":
        parts[1] = {"smallint": "smallserial", "bigint": "bigserial"}.get(column.type.sql, "serial")
    if column.collation:
        parts.append(f"COLLATE {quote_key(column.collation)}")
    if column.identity in ("always", "by default"):
        parts.append(f"GENERATED {column.identity.upper()} AS IDENTITY")
    if column.generated is not None:
        kind = "STORED" if column.generated.stored else "VIRTUAL"
        parts.append(f"GENERATED ALWAYS AS ({column.generated.sql}) {kind}")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if not column.nullable and column.identity not in ("serial", "always", "by default"):
        parts.append("NOT NULL")
    return " ".join(parts)


def _foreign_key(fk: ForeignKey) -> str:
    named = f"CONSTRAINT {quote(fk.name)} " if fk.name else ""
    text = (
        f"{named}FOREIGN KEY ({', '.join(map(quote, fk.columns))}) REFERENCES "
        f"{quote_key(fk.ref_table)} ({', '.join(map(quote, fk.ref_columns))})"
    )
    if fk.on_delete != "NO ACTION":
        text += f" ON DELETE {fk.on_delete}"
    if fk.on_update != "NO ACTION":
        text += f" ON UPDATE {fk.on_update}"
    if fk.deferrable:
        text += " DEFERRABLE"
        if fk.initially_deferred:
            text += " INITIALLY DEFERRED"
    return text


def _unique_index(
    table: Table,
    name: str | None,
    columns: tuple[str, ...],
    expressions: tuple[str, ...],
    where: str | None,
    nulls_distinct: bool = True,
) -> str:
    target = ", ".join([*(quote(c) for c in columns), *expressions])
    named = f"IF NOT EXISTS {quote(name)} " if name else ""
    nulls = "" if nulls_distinct else " NULLS NOT DISTINCT"
    condition = f" WHERE {where}" if where else ""
    return f"CREATE UNIQUE INDEX {named}ON {quote_key(table.key)} ({target}){nulls}{condition};"


def _param(param: Param) -> str:
    parts = [param.mode] if param.mode != "IN" else []
    if param.name:
        parts.append(quote(param.name))
    parts.append(type_sql(param.type))
    if param.default is not None:
        parts.append(f"DEFAULT {param.default}")
    return " ".join(parts)


def _function(fn: Function) -> str:
    kind = "PROCEDURE" if fn.is_procedure else "FUNCTION"
    head = f"CREATE {kind} {quote_key(fn.name)}({', '.join(_param(p) for p in fn.params)})"
    ret = fn.returns
    has_out = any(p.mode in ("OUT", "INOUT") for p in fn.params)
    if fn.is_procedure or (has_out and ret.kind in ("record", "scalar")):
        returns = ""  # PostgreSQL infers it from the OUT parameters
    elif ret.kind == "table":
        cols = ", ".join(f"{quote(c.name or '')} {type_sql(c.type)}" for c in ret.columns)
        returns = f" RETURNS TABLE({cols})"
    elif ret.kind in ("void", "trigger", "record"):
        returns = f" RETURNS {ret.kind}"
    elif ret.kind == "setof":
        returns = f" RETURNS SETOF {type_sql(ret.type) if ret.type else 'record'}"
    else:
        returns = f" RETURNS {type_sql(ret.type) if ret.type else 'void'}"
    attrs = [f"LANGUAGE {fn.language}"]
    if not fn.is_procedure:
        attrs.append(fn.volatility)
        if fn.strict:
            attrs.append("STRICT")
        if fn.parallel != "UNSAFE":
            attrs.append(f"PARALLEL {fn.parallel}")
    if fn.body_style == "standard":
        body = fn.body or ""
        tail = body if body.startswith("BEGIN ATOMIC") else f"RETURN {body}"
        return f"{head}{returns} {' '.join(attrs)} {tail};"
    tag = "$$"
    n = 0
    while tag in (fn.body or ""):
        n += 1
        tag = f"$f{n}$"
    return f"{head}{returns} {' '.join(attrs)} AS {tag}{fn.body or ''}{tag};"
