"""Read a PostgreSQL database's schema from the catalog into plain, comparable data.

`snapshot(conn)` returns nested dicts/lists/tuples describing everything user-defined in a
schema (default `public`): tables and their columns in order, constraints, indexes,
sequences, enums, domains, functions, views, triggers, comments and table privileges.
Two databases built from different SQL are equivalent when their snapshots are equal.
Differential tests can also use it as the ground truth to compare a parsed model with.
"""

from __future__ import annotations

from typing import Any

import psycopg

Snapshot = dict[str, Any]


def _rows(conn: psycopg.Connection, sql: str, schema: str) -> list[tuple[Any, ...]]:
    return conn.execute(sql, {"schema": schema}).fetchall()


def columns(conn: psycopg.Connection, schema: str = "public") -> dict[str, list[dict[str, Any]]]:
    """table -> its live columns in attnum order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(
        conn,
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
               CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
               a.attgenerated, a.attidentity, co.collname,
               col_description(c.oid, a.attnum)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collname <> 'default'
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum
        """,
        schema,
    ):
        table, name, type_, notnull, default, generated, gen_kind, identity, coll, comment = row
        out.setdefault(table, []).append(
            {
                "name": name,
                "type": type_,
                "not_null": notnull,
                "default": default,
                "generated": generated,
                "generated_kind": gen_kind,
                "identity": identity,
                "collation": coll,
                "comment": comment,
            }
        )
    return out


def snapshot(conn: psycopg.Connection, schema: str = "public") -> Snapshot:
    """Everything user-defined in `schema`, as comparable plain data."""
    snap: Snapshot = {"columns": columns(conn, schema)}
    snap["relations"] = _rows(
        conn,
        """
        SELECT c.relname, c.relkind, obj_description(c.oid, 'pg_class'),
               c.relacl::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        ORDER BY c.relname
        """,
        schema,
    )
    snap["constraints"] = _rows(
        conn,
        """
        SELECT coalesce(cl.relname, t.typname), con.conname, con.contype,
               pg_get_constraintdef(con.oid, true)
        FROM pg_constraint con
        JOIN pg_namespace n ON n.oid = con.connamespace
        LEFT JOIN pg_class cl ON cl.oid = con.conrelid
        LEFT JOIN pg_type t ON t.oid = con.contypid
        WHERE n.nspname = %(schema)s AND con.contype <> 'n'
        ORDER BY 1, 2
        """,
        schema,
    )  # PostgreSQL 18 lists NOT NULL as named constraints ('n'); columns compare NOT NULL
    snap["indexes"] = _rows(
        conn,
        """
        SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = %(schema)s ORDER BY tablename, indexname
        """,
        schema,
    )
    snap["sequences"] = _rows(
        conn,
        """
        SELECT s.sequencename, s.data_type::text, s.start_value, s.increment_by,
               s.min_value, s.max_value, s.cycle,
               (SELECT dc.relname || '.' || a.attname
                FROM pg_depend dep
                JOIN pg_class dc ON dc.oid = dep.refobjid
                JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
                WHERE dep.objid = (quote_ident(s.schemaname) || '.'
                                   || quote_ident(s.sequencename))::regclass
                  AND dep.classid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i'))
        FROM pg_sequences s
        WHERE s.schemaname = %(schema)s ORDER BY s.sequencename
        """,
        schema,
    )
    snap["enums"] = _rows(
        conn,
        """
        SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = %(schema)s GROUP BY t.typname ORDER BY t.typname
        """,
        schema,
    )
    snap["domains"] = _rows(
        conn,
        """
        SELECT t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = %(schema)s AND t.typtype = 'd' ORDER BY t.typname
        """,
        schema,
    )
    snap["functions"] = _rows(
        conn,
        """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid),
               pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc')
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(schema)s AND p.prokind IN ('f', 'p')
        ORDER BY 1, 2
        """,
        schema,
    )
    snap["views"] = _rows(
        conn,
        """
        SELECT viewname, definition FROM pg_views
        WHERE schemaname = %(schema)s ORDER BY viewname
        """,
        schema,
    )
    snap["triggers"] = _rows(
        conn,
        """
        SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid, true)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
        ORDER BY 1, 2
        """,
        schema,
    )
    return snap


def diff(left: Snapshot, right: Snapshot) -> list[str]:
    """Human-readable differences between two snapshots (empty when equal)."""
    problems: list[str] = []
    for section in sorted(set(left) | set(right)):
        a, b = left.get(section), right.get(section)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                ca, cb = a.get(key), b.get(key)
                if ca == cb:
                    continue
                if ca is None or cb is None:
                    problems.append(f"{section}[{key}]: only {'right' if ca is None else 'left'}")
                    continue
                order_a, order_b = [c["name"] for c in ca], [c["name"] for c in cb]
                if order_a != order_b:
                    problems.append(
                        f"{section}[{key}] order:\n  left:  {order_a}\n  right: {order_b}"
                    )
                right_by_name = {c["name"]: c for c in cb}
                for col in ca:
                    other = right_by_name.get(col["name"])
                    if other is not None and other != col:
                        fields = {f: (col[f], other[f]) for f in col if col[f] != other.get(f)}
                        problems.append(f"{section}[{key}.{col['name']}] left/right: {fields}")
        else:
            left_only = [x for x in (a or []) if x not in (b or [])]
            right_only = [x for x in (b or []) if x not in (a or [])]
            problems.append(f"{section}:\n  only left:  {left_only}\n  only right: {right_only}")
    return problems
