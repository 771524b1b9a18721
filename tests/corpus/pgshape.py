"""The shape of a PostgreSQL schema that the model must equal: per table, its columns in
order with NOT NULL and identity (ALWAYS / BY DEFAULT), the names of its PRIMARY KEY,
UNIQUE, FOREIGN KEY and CHECK constraints and of its indexes (EXCLUDE's aside: not
modelled); per view, its columns; read from pg_catalog or from a schemagen model, as the
same plain data."""

from __future__ import annotations

from typing import Any

import psycopg

from codegen.model import Schema, Table, table_key

Shape = dict[str, dict[str, Any]]

_USER_SCHEMAS = """
    n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
"""


_IDENTITY = {"a": "always", "d": "by default"}


def _empty() -> dict[str, Any]:
    return {"columns": [], "pk": None, "unique": [], "fk": [], "check": [], "indexes": []}


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
    for schema, table, index in conn.execute(
        f"""
        SELECT n.nspname, c.relname, i.relname
        FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND {_USER_SCHEMAS} AND NOT EXISTS (
            SELECT 1 FROM pg_constraint x WHERE x.conindid = i.oid AND x.contype = 'x')
        """
    ).fetchall():
        key = table_key(schema, table, "postgres")
        if key in shape:
            shape[key]["indexes"].append(index)
    for table in shape.values():
        for part in ("unique", "fk", "check", "indexes"):
            table[part].sort()
    for schema, view, column in conn.execute(
        f"""
        SELECT n.nspname, c.relname, a.attname
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
          AND {_USER_SCHEMAS}
        ORDER BY n.nspname, c.relname, a.attnum
        """
    ).fetchall():
        key = "view " + table_key(schema, view, "postgres")
        shape.setdefault(key, {"columns": []})["columns"].append(column)
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
            "indexes": sorted(str(name) for name in _index_names(table) if name is not None),
        }
    for view in schema.views:
        shape["view " + view.name] = {"columns": list(view.columns)}
    return shape


def _index_names(table: Table) -> list[str | None]:
    pk = table.primary_key
    return [pk.name if pk else None, *(u.name for u in table.uniques),
            *(i.name for i in table.indexes)]  # fmt: skip


def differences(model: Shape, catalog: Shape) -> list[str]:
    out = [f"{key}: only in the model" for key in sorted(set(model) - set(catalog))]
    out += [f"{key}: only in PostgreSQL" for key in sorted(set(catalog) - set(model))]
    for key in sorted(set(model) & set(catalog)):
        for part, mine in model[key].items():
            theirs = catalog[key][part]
            if key.startswith("view ") and not mine:
                continue  # a view whose columns the model does not know (SELECT *)
            if mine != theirs:
                out.append(f"{key}.{part}:\n  model:      {mine}\n  PostgreSQL: {theirs}")
    return out
