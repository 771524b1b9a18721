"""The parsed SQLite model agrees with SQLite's own catalog (stdlib sqlite3 is the oracle).

Each schema is loaded into an in-memory SQLite and read back through PRAGMA table_xinfo,
foreign_key_list, index_list and index_info; the same facts are read from the model and the
two descriptions must be equal. Defaults are compared after both are normalised through
sqlglot's sqlite dialect, since SQLite keeps the default's text as written.
"""

from __future__ import annotations

import re
import sqlite3
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlglot

from codegen import pipeline
from codegen.model import Schema, Table
from tests.foundation.foundation_helpers import differences

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_schemas" / "sqlite" / "schema.sql"

HIDDEN = {0: None, 2: "virtual", 3: "stored"}  # PRAGMA table_xinfo.hidden


def spelling(declared: str) -> str:
    """A declared type compared as SQLite reads it: case and whitespace do not matter."""
    return re.sub(r"\s*([(),])\s*", r"\1", " ".join(declared.lower().split()))


def normalise_default(sql: str | None) -> str | None:
    if sql is None:
        return None
    tree = sqlglot.parse_one(sql, read="sqlite")
    while isinstance(tree, sqlglot.exp.Paren):
        tree = tree.this
    return tree.sql(dialect="sqlite")


# ------------------------------------------------------------------ the oracle's view


def catalog_of(conn: sqlite3.Connection) -> dict[str, Any]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    tables = {name: table_of(conn, name) for name in names}
    views = {
        name: [row[1] for row in conn.execute(f"PRAGMA table_xinfo({quote(name)})")]
        for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'view'")
    }
    return {"tables": tables, "views": dict(sorted(views.items()))}


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_of(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    columns = [
        {
            "name": col,
            "type": spelling(declared),
            "notnull": bool(notnull),
            "default": normalise_default(default),
            "pk": pk,
            "generated": HIDDEN[hidden],
        }
        for _cid, col, declared, notnull, default, pk, hidden in conn.execute(
            f"PRAGMA table_xinfo({quote(name)})"
        )
    ]
    fks: dict[int, dict[str, Any]] = {}
    for fid, _seq, target, src, dst, on_update, on_delete, _match in conn.execute(
        f"PRAGMA foreign_key_list({quote(name)})"
    ):
        fk = fks.setdefault(
            fid, {"table": target, "from": [], "to": [], "on_delete": on_delete,
                  "on_update": on_update},
        )  # fmt: skip
        fk["from"].append(src)
        fk["to"].append(dst)
    for fk in fks.values():
        if all(to is None for to in fk["to"]):  # `REFERENCES t`: t's primary key
            pk = [r[1] for r in sorted(conn.execute(f"PRAGMA table_info({quote(fk['table'])})"),
                                       key=lambda r: r[5]) if r[5]]  # fmt: skip
            fk["to"] = pk
        # SQLite reports the reference as written; names are case-insensitive
        fk["table"], fk["to"] = fk["table"].lower(), [to.lower() for to in fk["to"]]
    uniques, indexes = [], []
    for _seq, index, unique, origin, partial in conn.execute(f"PRAGMA index_list({quote(name)})"):
        if origin == "pk":
            continue
        cols = [
            col if col is not None else "<expr>"
            for _rank, _cid, col in conn.execute(f"PRAGMA index_info({quote(index)})")
        ]
        entry = {
            # SQLite names UNIQUE constraints' indexes sqlite_autoindex_<table>_<n>
            "name": None if index.startswith("sqlite_autoindex_") else index,
            "columns": cols,
            "partial": bool(partial),
        }
        (uniques if unique else indexes).append(entry)
    return {
        "columns": columns,
        "foreign_keys": sorted(fks.values(), key=repr),
        "unique": sorted(uniques, key=repr),
        "indexes": sorted(indexes, key=repr),
    }


# -------------------------------------------------------------------- the model's view


def model_of(schema: Schema) -> dict[str, Any]:
    tables = {t.name: model_table(schema, t) for t in sorted(schema.tables, key=lambda t: t.name)}
    views = {v.name: list(v.columns) for v in sorted(schema.views, key=lambda v: v.name)}
    return {"tables": tables, "views": views}


def model_table(schema: Schema, table: Table) -> dict[str, Any]:
    pk = list(table.primary_key.columns) if table.primary_key else []
    columns = [
        {
            "name": c.name,
            "type": spelling(c.type.sql),
            "notnull": not c.nullable,
            "default": normalise_default(c.default),
            "pk": pk.index(c.name) + 1 if c.name in pk else 0,
            "generated": (
                None if c.generated is None else "stored" if c.generated.stored else "virtual"
            ),
        }
        for c in table.columns
    ]
    fks = [
        {
            "table": fk.ref_table.lower(),
            "from": list(fk.columns),
            "to": [c.lower() for c in fk.ref_columns],
            "on_delete": fk.on_delete,
            "on_update": fk.on_update,
        }
        for fk in table.foreign_keys
    ]
    uniques = [
        {
            "name": u.name if u.from_index else None,
            "columns": [*u.columns, *("<expr>" for _ in u.expressions)],
            "partial": u.where is not None,
        }
        for u in table.uniques
    ]
    indexes = [
        {
            "name": i.name,
            "columns": [*i.columns, *("<expr>" for _ in i.expressions)],
            "partial": i.where is not None,
        }
        for i in table.indexes
    ]
    return {
        "columns": columns,
        "foreign_keys": sorted(fks, key=repr),
        "unique": sorted(uniques, key=repr),
        "indexes": sorted(indexes, key=repr),
    }


def assert_same_as_sqlite(sql: str, tmp_path: Path) -> Schema:
    sql = textwrap.dedent(sql)
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(sql)
        oracle = catalog_of(conn)
    finally:
        conn.close()
    (tmp_path / "schema.sql").write_text(sql)
    schema = pipeline.load(["schema.sql"], "sqlite", cwd=str(tmp_path)).schema
    problems = differences(model_of(schema), oracle, ("model", "sqlite"))
    assert not problems, "model != sqlite:\n" + "\n".join(problems)
    return schema


# ------------------------------------------------------------------------------ tests


def test_sample_sqlite_schema_matches_sqlite(tmp_path: Path) -> None:
    schema = assert_same_as_sqlite(SAMPLE.read_text(), tmp_path)
    assert len(schema.tables) == 8


def test_declared_types_are_kept_verbatim(tmp_path: Path) -> None:
    assert_same_as_sqlite(
        """
        CREATE TABLE t (
            a INT, b integer, c UNSIGNED BIG INT, d VARCHAR(255), e NCHAR(55),
            f NATIVE CHARACTER(70), g DOUBLE PRECISION, h DECIMAL(10,5), i BOOLEAN,
            j DATE, k DATETIME, l BLOB, m CLOB, n, o Text, p "numeric", q JSON, r UUID,
            s VARCHAR (20), t2 NUMERIC( 10 ,2 ), u VARYING CHARACTER(255), v FLOATING POINT,
            w INT8 NOT NULL, x BIG INT UNIQUE
        );
        """,
        tmp_path,
    )


def test_defaults_of_every_shape(tmp_path: Path) -> None:
    assert_same_as_sqlite(
        """
        CREATE TABLE t (
            a INTEGER DEFAULT 0, b INTEGER DEFAULT -1, c REAL DEFAULT 1.5e3,
            d TEXT DEFAULT 'it''s', e TEXT DEFAULT CURRENT_TIMESTAMP, f TEXT DEFAULT CURRENT_DATE,
            g BLOB DEFAULT x'00ff', h TEXT DEFAULT (lower('ABC')), i INTEGER DEFAULT (1 + 2),
            j BOOLEAN DEFAULT TRUE, k TEXT DEFAULT NULL, l INTEGER DEFAULT +5
        );
        """,
        tmp_path,
    )


def test_primary_keys_rowid_alias_composite_and_without_rowid(tmp_path: Path) -> None:
    schema = assert_same_as_sqlite(
        """
        CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);
        CREATE TABLE b (x TEXT, y INTEGER, z INTEGER, PRIMARY KEY (y, x));
        CREATE TABLE c (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
        CREATE TABLE d (k INTEGER PRIMARY KEY, v TEXT) STRICT, WITHOUT ROWID;
        CREATE TABLE e (id INT PRIMARY KEY);
        CREATE TABLE f (id INTEGER PRIMARY KEY, v TEXT);
        """,
        tmp_path,
    )
    identity = {t.name: [c.identity for c in t.columns] for t in schema.tables}
    # only the exact type name INTEGER makes a rowid alias, and never WITHOUT ROWID;
    # AUTOINCREMENT makes it one that never hands out an id twice (sqlite_sequence)
    assert identity == {"a": ["autoincrement", None], "b": [None, None, None],
                        "c": [None, None], "d": [None, None], "e": [None],
                        "f": ["rowid", None]}  # fmt: skip


def test_foreign_keys_composite_implicit_and_actions(tmp_path: Path) -> None:
    assert_same_as_sqlite(
        """
        CREATE TABLE parent (a INTEGER, b TEXT, PRIMARY KEY (a, b));
        CREATE TABLE single (id INTEGER PRIMARY KEY);
        CREATE TABLE child (
            id INTEGER PRIMARY KEY,
            pa INTEGER, pb TEXT,
            s INTEGER REFERENCES single ON DELETE SET NULL ON UPDATE CASCADE,
            s2 INTEGER REFERENCES single (id) ON DELETE SET DEFAULT,
            FOREIGN KEY (pa, pb) REFERENCES parent (a, b) ON DELETE CASCADE,
            CONSTRAINT named FOREIGN KEY (s) REFERENCES single (id) ON DELETE RESTRICT
        );
        """,
        tmp_path,
    )


def test_unique_constraints_and_indexes_partial_and_expression(tmp_path: Path) -> None:
    schema = assert_same_as_sqlite(
        """
        CREATE TABLE t (
            id INTEGER PRIMARY KEY,
            email TEXT UNIQUE,
            a INTEGER, b INTEGER, status TEXT,
            UNIQUE (a, b)
        );
        CREATE UNIQUE INDEX t_lower_email ON t (lower(email));
        CREATE UNIQUE INDEX t_open ON t (a) WHERE status = 'open';
        CREATE INDEX t_b ON t (b DESC, a);
        CREATE INDEX t_partial ON t (status) WHERE status IS NOT NULL;
        """,
        tmp_path,
    )
    (t,) = schema.tables
    assert [(u.name, u.where) for u in t.uniques if u.from_index] == [
        ("t_lower_email", None),
        ("t_open", "status = 'open'"),
    ]


def test_generated_columns_stored_and_virtual(tmp_path: Path) -> None:
    assert_same_as_sqlite(
        """
        CREATE TABLE t (
            a INTEGER, b INTEGER,
            s INTEGER GENERATED ALWAYS AS (a + b) STORED,
            v INTEGER GENERATED ALWAYS AS (a * b) VIRTUAL,
            w INTEGER AS (a - b),
            x TEXT GENERATED ALWAYS AS (printf('%d-%d', a, b))
        );
        """,
        tmp_path,
    )


def test_quoted_identifiers_in_every_style(tmp_path: Path) -> None:
    schema = assert_same_as_sqlite(
        """
        CREATE TABLE "Order Items" ("Id" INTEGER PRIMARY KEY, [unit price] REAL,
                                    `select` TEXT NOT NULL);
        CREATE TABLE ref (id INTEGER PRIMARY KEY,
                          item INTEGER REFERENCES "Order Items" ("Id"));
        """,
        tmp_path,
    )
    assert [c.name for c in schema.tables[0].columns] == ["Id", "unit price", "select"]


def test_migrations_with_alter_table(tmp_path: Path) -> None:
    assert_same_as_sqlite(
        """
        CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
        ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 7;
        ALTER TABLE t RENAME COLUMN a TO a2;
        ALTER TABLE t DROP COLUMN b;
        ALTER TABLE t RENAME TO t2;
        CREATE TABLE u (x INTEGER REFERENCES t2 (id));
        CREATE INDEX t2_c ON t2 (c);
        DROP INDEX t2_c;
        CREATE VIEW v AS SELECT id, a2 AS renamed FROM t2;
        """,
        tmp_path,
    )


@pytest.mark.parametrize(
    "declared",
    ["INTEGER", "INT", "BIGINT", "TEXT", "VARCHAR(10)", "REAL", "NUMERIC(10,2)", "BLOB", ""],
)
def test_nullability_of_primary_key_columns(tmp_path: Path, declared: str) -> None:
    # SQLite (unlike the others) lets PRIMARY KEY columns hold NULL unless declared NOT NULL
    assert_same_as_sqlite(
        f"""
        CREATE TABLE t (k {declared} PRIMARY KEY, v TEXT);
        CREATE TABLE n (k {declared} NOT NULL PRIMARY KEY);
        """,
        tmp_path,
    )


def test_names_in_any_case_refer_to_the_declared_ones(tmp_path: Path) -> None:
    schema = assert_same_as_sqlite(
        """
        CREATE TABLE Users (Id INTEGER PRIMARY KEY, Email TEXT, Name TEXT);
        CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (ID));
        ALTER TABLE USERS ADD COLUMN Age INTEGER;
        CREATE UNIQUE INDEX users_email ON users (EMAIL);
        ALTER TABLE users RENAME COLUMN NAME TO full_name;
        ALTER TABLE Users DROP COLUMN AGE;
        """,
        tmp_path,
    )
    assert [c.name for c in schema.tables[0].columns] == ["Id", "Email", "full_name"]
    (fk,) = schema.tables[1].foreign_keys
    assert (fk.ref_table, fk.ref_columns) == ("Users", ("Id",))
