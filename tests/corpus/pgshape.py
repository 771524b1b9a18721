"""The shape of a PostgreSQL schema that the model must equal: per table, its columns in
order with NOT NULL and identity (ALWAYS / BY DEFAULT), and the names of its PRIMARY KEY,
UNIQUE, FOREIGN KEY and CHECK constraints, read from pg_catalog or from a schemagen model,
as the same plain data."""

from __future__ import annotations

from typing import Any

import psycopg

from codegen.model import Schema, table_key

Shape = dict[str, dict[str, Any]]

_USER_SCHEMAS = """
    n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
"""


_IDENTITY = {"a": "always", "d": "by default"}


def _empty() -> dict[str, Any]:
    return {"columns": [], "pk": None, "unique": [], "fk": [], "check": []}


def from_catalog(conn: psycopg.Connection, skip_schemas: tuple[str, ...] = ()) -> Shape:
    shape: Shape = {}
    for schema, table, column, not_null, identity in conn.execute(
        f"""
        SELECT n.nspname, c.relname, a.attname, a.attnotnull, a.attidentity
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND {_USER_SCHEMAS}
        ORDER BY n.nspname, c.relname, a.attnum
        """
    ).fetchall():
        if schema in skip_schemas:
            continue
        key = table_key(schema, table, "postgres")
        column_shape = (column, bool(not_null), _IDENTITY.get(identity))
        shape.setdefault(key, _empty())["columns"].append(column_shape)
    for schema, table, name, kind, columns in conn.execute(
        f"""
        SELECT n.nspname, c.relname, con.conname, con.contype,
               ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.n
                     ORDER BY k.i)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype IN ('p', 'u', 'f', 'c') AND c.relkind IN ('r', 'p')
          AND {_USER_SCHEMAS}
        """
    ).fetchall():
        key = table_key(schema, table, "postgres")
        if key not in shape:
            continue
        if kind == "p":
            shape[key]["pk"] = (name, tuple(columns))
        else:
            shape[key][{"u": "unique", "f": "fk", "c": "check"}[kind]].append(name)
    for table in shape.values():
        for part in ("unique", "fk", "check"):
            table[part].sort()
    return shape


def from_model(schema: Schema) -> Shape:
    shape: Shape = {}
    for table in schema.tables:
        if table.key in schema.external_tables:
            continue
        pk = table.primary_key
        shape[table.key] = {
            "columns": [
                (c.name, not c.nullable, c.identity if c.identity != "serial" else None)
                for c in table.columns
            ],
            "pk": (pk.name, pk.columns) if pk else None,
            "unique": sorted(str(u.name) for u in table.uniques if not u.from_index),
            "fk": sorted(str(fk.name) for fk in table.foreign_keys),
            "check": sorted(str(c.name) for c in table.checks),
        }
    return shape


def differences(model: Shape, catalog: Shape) -> list[str]:
    out = [f"{key}: only in the model" for key in sorted(set(model) - set(catalog))]
    out += [f"{key}: only in PostgreSQL" for key in sorted(set(catalog) - set(model))]
    for key in sorted(set(model) & set(catalog)):
        for part, mine in model[key].items():
            theirs = catalog[key][part]
            if mine != theirs:
                out.append(f"{key}.{part}:\n  model:      {mine}\n  PostgreSQL: {theirs}")
    return out
