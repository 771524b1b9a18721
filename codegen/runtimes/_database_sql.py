"""`Database.connect(dbapi_connection)`: the front doors' calls run as real SQL.

Copied verbatim into generated packages. Errors come back as the
same `DatabaseError` the in-memory engine raises (SQLite and MySQL report no SQLSTATE: their
error codes and messages are mapped to PostgreSQL's), so one test suite can run against
the fake and the real database by switching a fixture.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ._database import (
    DatabaseError,
    Filter,
    Order,
    Row,
    SchemaSpec,
    TableSpec,
    sqlite_bind,
)
from ._database_ranges import SUBTYPES
from ._dbapi import driver_of, quote_name

SQLITE_CODES = (
    ("UNIQUE constraint failed", "23505"),
    ("NOT NULL constraint failed", "23502"),
    ("FOREIGN KEY constraint failed", "23503"),
    ("CHECK constraint failed", "23514"),
    ("no such table", "42P01"),
    ("no such column", "42703"),
    ("has no column named", "42703"),
    ("generated column", "428C9"),
    ("datatype mismatch", "22P02"),
    ("does not match any PRIMARY KEY or UNIQUE", "42P10"),
)
MYSQL_CODES = {
    1062: "23505", 1048: "23502", 1364: "23502", 1452: "23503", 1451: "23503", 1216: "23503",
    1217: "23503", 3819: "23514", 4025: "23514", 1146: "42P01", 1054: "42703", 1406: "22001",
    1264: "22003", 1265: "22P02", 1366: "22P02", 3105: "428C9", 1906: "428C9", 1292: "22007",
}  # fmt: skip
# MySQL 8's default sql_mode, which the in-memory database follows (MariaDB's default lacks
# NO_ZERO_IN_DATE and NO_ZERO_DATE): set for the session by Database.connect()
MYSQL_SQL_MODE = ("STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
                  "NO_ENGINE_SUBSTITUTION")  # fmt: skip
# read back as PostgreSQL's text, the value the in-memory database stores for them (psycopg
# would make Range / Multirange objects, which the in-memory database cannot)
RANGE_TYPES = tuple(f"{kind}{multi}" for kind in SUBTYPES for multi in ("range", "multirange"))
_IS_WORDS: dict[Any, str] = {None: "NULL", "null": "NULL", True: "TRUE", "true": "TRUE"}
_OPS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


class SqlBackend:
    """The backend of `Database.connect()`: every call is one SQL statement (or a few, in a
    savepoint, where the dialect has no RETURNING for them)."""

    def __init__(self, schema: SchemaSpec, connection: Any) -> None:
        self.schema = schema
        self.conn = connection
        self.driver = driver_of(connection, "Database.connect()")
        self.specs = {t.key: t for t in schema.tables}
        self.mark = "?" if self.driver == "sqlite" else "%s"
        self._depth = 0
        self._as_text: list[tuple[int, Any]] = []  # psycopg: (type oid, its text loader)
        self._setup()

    def _setup(self) -> None:
        if self.driver == "postgres":
            self.conn.autocommit = True
            # never server-side prepared: a generic plan would convert bound values row by
            # row (after earlier columns' DEFAULTs), a fresh one when it is planned: the
            # order of errors would depend on how often the same SQL ran before
            self.conn.prepare_threshold = None
            self._run("SET TIME ZONE 'UTC'")
            adapters = self.conn.adapters
            text = adapters.get_loader(25, 0)  # the loader of `text` values in text format
            self._as_text = [(adapters.types[name].oid, text) for name in RANGE_TYPES]
        elif self.driver == "sqlite":
            self.conn.isolation_level = None
            self._run("PRAGMA foreign_keys=ON")
        else:
            self.conn.autocommit(True)
            self._run("SET time_zone = '+00:00'")
            self._run(f"SET SESSION sql_mode = '{MYSQL_SQL_MODE}'")

    # -- plumbing ------------------------------------------------------------------------------
    def q(self, name: str) -> str:
        return quote_name(name, self.driver)

    def target(self, spec: TableSpec) -> str:
        return ".".join(self.q(p) for p in spec.sql_name)

    def spec(self, name: str) -> TableSpec:
        found = self.specs.get(name)
        if found is None:
            found = next((t for t in self.specs.values() if t.name == name), None)
        if found is None:  # let the database say it, in its words
            return TableSpec(name, (name,), ())
        return found

    def adapt(self, spec: TableSpec, column: str, value: Any) -> Any:
        col = next((c for c in spec.columns if c.name == column), None)
        is_json = col is not None and col.type.category in ("json", "jsonb")
        if self.driver == "postgres":
            return json.dumps(value) if is_json and value is not None else value
        if self.driver == "sqlite":
            return sqlite_bind(value)
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value) if isinstance(value, uuid.UUID) else value

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = self.conn.cursor()
        for oid, loader in self._as_text:  # this cursor only: the connection is the user's
            cursor.adapters.register_loader(oid, loader)
        try:
            cursor.execute(sql, list(params))
            if cursor.description is None:
                return []
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        except Exception as error:
            raise self._error(error) from error
        finally:
            cursor.close()

    def _error(self, error: Exception) -> Exception:
        if isinstance(error, DatabaseError):
            return error
        sqlstate = getattr(error, "sqlstate", None)
        if sqlstate and self.driver == "postgres":
            diag = getattr(error, "diag", None)
            primary = getattr(diag, "message_primary", None) or str(error)
            return DatabaseError(sqlstate, primary, getattr(diag, "message_detail", None),
                                 getattr(diag, "message_hint", None))  # fmt: skip
        text = str(error)
        if self.driver == "sqlite":
            code = next((c for words, c in SQLITE_CODES if words in text), None)
        else:
            args: tuple[Any, ...] = getattr(error, "args", ())
            code = MYSQL_CODES.get(args[0]) if args and isinstance(args[0], int) else None
            text = str(args[1]) if len(args) > 1 else text
        if code is None:
            return error
        return DatabaseError(code, text)

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        with self.transaction():
            yield

    # -- statements ----------------------------------------------------------------------------
    def insert(
        self,
        name: str,
        rows: Sequence[Mapping[str, Any]],
        on_conflict: Sequence[str] | None = None,
        ignore_duplicates: bool = False,
        overriding: bool = False,
    ) -> list[Row]:
        if not rows:
            return []
        spec = self.spec(name)
        if self.driver == "postgres":
            return self._run(*self._insert_sql(spec, rows, on_conflict, ignore_duplicates,
                                               overriding))  # fmt: skip
        out: list[Row] = []
        with self._atomic():
            for row in rows:
                out.extend(self._run(*self._insert_sql(spec, [row], on_conflict,
                                                       ignore_duplicates, overriding)))  # fmt: skip
        return out

    def _insert_sql(
        self,
        spec: TableSpec,
        rows: Sequence[Mapping[str, Any]],
        on_conflict: Sequence[str] | None,
        ignore: bool,
        overriding: bool,
    ) -> tuple[str, list[Any]]:
        names = list(dict.fromkeys(c for row in rows for c in row))
        params: list[Any] = []
        if not names:
            first = spec.columns[0].name if spec.columns else "id"
            names, rows = [first], [{} for _ in rows]
        values = []
        for row in rows:
            marks = []
            for c in names:
                if c in row:
                    params.append(self.adapt(spec, c, row[c]))
                    marks.append(self.mark)
                else:
                    marks.append("DEFAULT" if self.driver != "sqlite" else "NULL")
            values.append(f"({', '.join(marks)})")
        if self.driver == "sqlite" and not rows[0]:
            sql = f"INSERT INTO {self.target(spec)} DEFAULT VALUES"
            params = []
        else:
            sql = (f"INSERT INTO {self.target(spec)} ({', '.join(self.q(c) for c in names)})"
                   + (" OVERRIDING SYSTEM VALUE" if overriding and self.driver == "postgres"
                      else "") + f" VALUES {', '.join(values)}")  # fmt: skip
        if on_conflict is not None:
            sql += self._conflict_sql(spec, on_conflict, [c for c in names if c in rows[0]],
                                      ignore)  # fmt: skip
        return sql + " RETURNING *", params

    def _conflict_sql(
        self, spec: TableSpec, on_conflict: Sequence[str], names: list[str], ignore: bool
    ) -> str:
        if self.driver == "mysql":
            first = names[0] if names else spec.columns[0].name
            sets = ", ".join(f"{self.q(c)} = VALUES({self.q(c)})" for c in names) if not ignore \
                else f"{self.q(first)} = {self.q(first)}"  # fmt: skip
            return f" ON DUPLICATE KEY UPDATE {sets}"
        target = list(on_conflict) or next(
            (list(u.columns) for u in spec.uniques if u.primary), [])  # fmt: skip
        head = f" ON CONFLICT ({', '.join(self.q(c) for c in target)})"
        if ignore or not names:
            return head + " DO NOTHING"
        sets = ", ".join(f"{self.q(c)} = excluded.{self.q(c)}" for c in names)
        return f"{head} DO UPDATE SET {sets}"

    def update(self, name: str, values: Mapping[str, Any], filters: Sequence[Filter]) -> list[Row]:
        spec = self.spec(name)
        where, params = self._where(spec, filters)
        sets = ", ".join(f"{self.q(c)} = {self.mark}" for c in values)
        first = [self.adapt(spec, c, v) for c, v in values.items()]
        if not values:
            return self.select(name, filters)
        sql = f"UPDATE {self.target(spec)} SET {sets}{where}"
        if self.driver != "mysql":
            return self._run(sql + " RETURNING *", first + params)
        keys = self._keys(spec)
        with self._atomic():
            before = self._run(f"SELECT {', '.join(self.q(k) for k in keys)} FROM"
                               f" {self.target(spec)}{where}", params)  # fmt: skip
            self._run(sql, first + params)
            return [r for key in before for r in self._reselect(spec, keys, key, values)]

    def _keys(self, spec: TableSpec) -> list[str]:
        pk = next((u.columns for u in spec.uniques if u.primary), None)
        return list(pk) if pk else [c.name for c in spec.columns]

    def _reselect(
        self, spec: TableSpec, keys: list[str], old: Row, values: Mapping[str, Any]
    ) -> list[Row]:
        current = {k: values.get(k, old[k]) for k in keys}
        cond = " AND ".join(f"{self.q(k)} = {self.mark}" for k in keys)
        return self._run(f"SELECT * FROM {self.target(spec)} WHERE {cond}",
                         [self.adapt(spec, k, current[k]) for k in keys])  # fmt: skip

    def delete(self, name: str, filters: Sequence[Filter]) -> list[Row]:
        spec = self.spec(name)
        where, params = self._where(spec, filters)
        return self._run(f"DELETE FROM {self.target(spec)}{where} RETURNING *", params)

    def select(
        self,
        name: str,
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
        limit: int | None = None,
        offset: int = 0,
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        spec = self.spec(name)
        where, params = self._where(spec, filters)
        shown = "*" if columns is None else ", ".join(self.q(c) for c in columns)
        sql = f"SELECT {shown} FROM {self.target(spec)}{where}{self._order(order)}"
        if limit is not None or offset:
            sql += f" LIMIT {int(limit if limit is not None else 2**62)}"
            sql += f" OFFSET {int(offset)}" if offset else ""
        return self._run(sql, params)

    def count(self, name: str, filters: Sequence[Filter] = ()) -> int:
        spec = self.spec(name)
        where, params = self._where(spec, filters)
        rows = self._run(f"SELECT count(*) AS n FROM {self.target(spec)}{where}", params)
        return int(rows[0]["n"])

    def rpc(self, name: str, params: Mapping[str, Any]) -> Any:
        if self.driver != "postgres":
            raise NotImplementedError(f"rpc({name!r}) over a {self.driver} connection")
        args = ", ".join(f"{self.q(p)} => %s" for p in params)
        rows = self._run(f"SELECT {self.q(name)}({args}) AS value", list(params.values()))
        return rows[0]["value"] if rows else None

    # -- clauses -------------------------------------------------------------------------------
    def _where(self, spec: TableSpec, filters: Sequence[Filter]) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for column, op, value in filters:
            col = self.q(column)
            if op in _OPS:
                parts.append(f"{col} {_OPS[op]} {self.mark}")
                params.append(self.adapt(spec, column, value))
            elif op == "in":
                items = list(value)
                parts.append(f"{col} IN ({', '.join(self.mark for _ in items)})" if items
                             else "1 = 0")  # fmt: skip
                params.extend(self.adapt(spec, column, v) for v in items)
            elif op == "is":
                parts.append(f"{col} IS {_IS_WORDS.get(value, 'FALSE')}")
            else:
                parts.append(self._pattern(spec, col, op, column, value, params))
        return (" WHERE " + " AND ".join(parts) if parts else ""), params

    def _pattern(
        self, spec: TableSpec, col: str, op: str, column: str, value: Any, params: list[Any]
    ) -> str:
        if op == "contains" and self.driver == "postgres":
            params.append(self.adapt(spec, column, value))
            return f"{col} @> {self.mark}"
        if op == "like" or (op == "ilike" and self.driver == "sqlite"):
            params.append(value)
            return f"{col} LIKE {self.mark}"
        if op == "ilike":
            params.append(value)
            return (f"{col} ILIKE {self.mark}" if self.driver == "postgres"
                    else f"LOWER({col}) LIKE LOWER({self.mark})")  # fmt: skip
        raise NotImplementedError(f"filter {op!r} over a {self.driver} connection")

    def _order(self, order: Sequence[Order]) -> str:
        parts = []
        for column, desc, nulls_first in order:
            col = self.q(column)
            if nulls_first is not None and self.driver == "mysql":
                parts.append(f"({col} IS NULL) {'ASC' if nulls_first else 'DESC'}")
            text = f"{col} {'DESC' if desc else 'ASC'}"
            if nulls_first is not None and self.driver != "mysql":
                text += " NULLS FIRST" if nulls_first else " NULLS LAST"
            parts.append(text)
        return " ORDER BY " + ", ".join(parts) if parts else ""

    # -- transactions ----------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        depth = self._depth
        savepoint = f"sg_{depth}"
        self._run("BEGIN" if depth == 0 else f"SAVEPOINT {savepoint}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth = depth
            self._run("ROLLBACK" if depth == 0 else f"ROLLBACK TO SAVEPOINT {savepoint}")
            if depth:
                self._run(f"RELEASE SAVEPOINT {savepoint}")
            raise
        self._depth = depth
        if depth == 0:
            self._run("COMMIT")
            return
        try:
            self._run(f"RELEASE SAVEPOINT {savepoint}")
        except DatabaseError:
            self._run(f"ROLLBACK TO SAVEPOINT {savepoint}")
            self._run(f"RELEASE SAVEPOINT {savepoint}")
            raise

    def reset(self) -> None:
        specs = list(self.specs.values())
        if self.driver == "postgres":
            names = ", ".join(self.target(s) for s in specs)
            self._run(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return
        off, on = (("PRAGMA foreign_keys=OFF", "PRAGMA foreign_keys=ON") if self.driver == "sqlite"
                   else ("SET FOREIGN_KEY_CHECKS=0", "SET FOREIGN_KEY_CHECKS=1"))  # fmt: skip
        self._run(off)
        try:
            for s in specs:
                self._run(f"DELETE FROM {self.target(s)}")
                if self.driver == "mysql":
                    self._run(f"ALTER TABLE {self.target(s)} AUTO_INCREMENT = 1")
            if self.driver == "sqlite" and self._run(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
            ):
                self._run("DELETE FROM sqlite_sequence")
        finally:
            self._run(on)
