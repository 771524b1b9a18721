"""The two front doors of the generated `Database`: the users' own mock-client calls and a
postgrest-py style builder, over one backend (the in-memory engine, or a real connection).

Copied verbatim into generated packages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from ._database import DatabaseError, Engine, Filter, Order, Row, SchemaSpec

Where = Mapping[str, Any] | Sequence[Filter] | None
OPERATIONS = ("select", "insert", "update", "delete", "upsert", "count")


class Backend(Protocol):
    """What both front doors need: the engine, or `database_sql.SqlBackend`."""

    def insert(
        self,
        name: str,
        rows: Sequence[Mapping[str, Any]],
        on_conflict: Sequence[str] | None = None,
        ignore_duplicates: bool = False,
        overriding: bool = False,
    ) -> list[Row]: ...

    def update(
        self, name: str, values: Mapping[str, Any], filters: Sequence[Filter]
    ) -> list[Row]: ...

    def delete(self, name: str, filters: Sequence[Filter]) -> list[Row]: ...

    def select(
        self,
        name: str,
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
        limit: int | None = None,
        offset: int = 0,
        columns: Sequence[str] | None = None,
    ) -> list[Row]: ...

    def count(self, name: str, filters: Sequence[Filter] = ()) -> int: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def reset(self) -> None: ...


def filters_of(where: Where) -> list[Filter]:
    """A dict of column equalities (None means IS NULL), or (column, operator, value)s."""
    if where is None:
        return []
    if isinstance(where, Mapping):
        return [(c, "is", None) if v is None else (c, "eq", v) for c, v in where.items()]
    return [(f[0], f[1], f[2]) for f in where]


def order_of(order_by: str | Sequence[str] | None) -> list[Order]:
    """ "col", "-col", "col desc" (or a list of them) -> (column, descending, nulls first)."""
    if order_by is None:
        return []
    items = [order_by] if isinstance(order_by, str) else list(order_by)
    out: list[Order] = []
    for item in items:
        words = item.split()
        name = words[0] if words else item
        desc = name.startswith("-") or [w.lower() for w in words[1:2]] == ["desc"]
        out.append((name.lstrip("-") if name.startswith("-") else name, desc, None))
    return out


def _rows(data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [data] if isinstance(data, Mapping) else list(data)


class Database:
    """An in-memory database enforcing the schema (or, from `connect()`, a real one)."""

    schema: ClassVar[SchemaSpec]
    rpc_client: ClassVar[Any] = None

    def __init__(self, backend: Backend | None = None) -> None:
        self.backend: Backend = backend if backend is not None else Engine(self.schema)

    @classmethod
    def connect(cls, connection: Any) -> Database:
        """The same API as real SQL through a DB-API connection (psycopg, sqlite3, PyMySQL).
        The connection is put in autocommit mode; `transaction()` issues BEGIN/SAVEPOINT."""
        from ._database_sql import SqlBackend

        return cls(SqlBackend(cls.schema, connection))

    # -- the users' front door -------------------------------------------------------------
    def insert(
        self, table: str, rows: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *, overriding: bool = False,
    ) -> list[Row]:  # fmt: skip
        """INSERT ... RETURNING *: the stored rows (defaults, identity, computed filled)."""
        return self.backend.insert(table, _rows(rows), overriding=overriding)

    def upsert(
        self,
        table: str,
        rows: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        on_conflict: str | Sequence[str] | None = None,
        ignore_duplicates: bool = False,
    ) -> list[Row]:
        """INSERT ... ON CONFLICT (on_conflict, default the primary key) DO UPDATE."""
        columns = on_conflict.split(",") if isinstance(on_conflict, str) else on_conflict or ()
        return self.backend.insert(table, _rows(rows), [c.strip() for c in columns],
                                   ignore_duplicates)  # fmt: skip

    def select(
        self,
        table: str,
        where: Where = None,
        order_by: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        return self.backend.select(table, filters_of(where), order_of(order_by), limit,
                                   offset, columns)  # fmt: skip

    def update(self, table: str, values: Mapping[str, Any], where: Where = None) -> list[Row]:
        """UPDATE ... RETURNING *: the changed rows (`where=None` changes every row)."""
        return self.backend.update(table, values, filters_of(where))

    def delete(self, table: str, where: Where = None) -> list[Row]:
        return self.backend.delete(table, filters_of(where))

    def count(self, table: str, where: Where = None) -> int:
        return self.backend.count(table, filters_of(where))

    def execute_query(
        self, table: str, operation: str, data: Any = None, filters: Where = None
    ) -> Any:
        """The hand-written mock's entry point: one of OPERATIONS on `table`."""
        if operation == "select":
            return self.select(table, filters)
        if operation == "insert":
            return self.insert(table, data)
        if operation == "upsert":
            return self.upsert(table, data)
        if operation == "update":
            return self.update(table, data, filters)
        if operation == "delete":
            return self.delete(table, filters)
        if operation == "count":
            return self.count(table, filters)
        raise ValueError(f"execute_query: operation must be one of {OPERATIONS}:"
                         f" not {operation!r}")  # fmt: skip

    def rpc(self, name: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call a SQL function: its compiled or registered implementation (see `RPC`); a
        body over tables reads (or writes) this database's rows. Over a PostgreSQL
        connection, the real function, answered in the same shapes."""
        connection = getattr(self.backend, "conn", None)
        real = connection is not None and getattr(self.backend, "driver", "") == "postgres"
        call = getattr(self.backend, "rpc", None)
        if call is not None and not (real and self.rpc_client is not None):
            return call(name, dict(params or {}))
        if self.rpc_client is None:
            raise DatabaseError("PGRST202", f"Could not find the function {name}")
        source = self.rpc_client.calling(connection) if real else self.rpc_client.reading(self)
        try:
            with source:
                return self.rpc_client.rpc(name, dict(params or {})).execute().data
        except Exception as error:
            if hasattr(error, "code") and hasattr(error, "message"):
                raise DatabaseError(error.code, error.message, getattr(error, "details", None),
                                    getattr(error, "hint", None)) from error  # fmt: skip
            raise

    def transaction(self) -> AbstractContextManager[None]:
        """`with db.transaction():` commits at the end, rolls back on an exception; nested
        blocks are savepoints."""
        return self.backend.transaction()

    def reset(self) -> None:
        """Empty every table and restart the sequences."""
        self.backend.reset()

    # -- the postgrest-py front door ---------------------------------------------------------
    def table(self, name: str) -> Query:
        return Query(self, name)

    from_ = table

    @property
    def client(self) -> Database:
        """supabase-py's shape: `db.client.table(...)`; `db.client.rpc(...)` is `db.call(...)`."""
        return self

    def call(self, name: str, params: Mapping[str, Any] | None = None) -> Query:
        """postgrest-py's `client.rpc(name, params)`: `.execute().data` is the value."""
        query = Query(self, name)
        query._op, query._values = "rpc", [dict(params or {})]
        return query


@dataclass
class APIResponse:
    data: Any
    count: int | None = None


_FILTER_OPS = ("eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "in", "contains")


class Query:
    """`db.table("t").select("*").eq("a", 1).order("b").limit(5).execute()`."""

    def __init__(self, db: Database, table: str) -> None:
        self._db, self._table = db, table
        self._op = "select"
        self._values: list[Mapping[str, Any]] = []
        self._columns: list[str] | None = None
        self._filters: list[Filter] = []
        self._order: list[Order] = []
        self._limit: int | None = None
        self._offset = 0
        self._count: str | None = None
        self._single: str | None = None
        self._conflict: list[str] | None = None
        self._ignore = False
        self._returning = True

    # -- what to do --------------------------------------------------------------------------
    def select(self, *columns: str, count: str | None = None) -> Query:
        text = ",".join(columns) if columns else "*"
        names = [c.strip() for c in text.split(",") if c.strip()]
        if any("(" in n or ":" in n for n in names):
            raise NotImplementedError(f"select({text!r}): embedded resources and renames are"
                                      " not supported by the in-memory database")  # fmt: skip
        self._columns = None if names in ([], ["*"]) else names
        self._count = count
        return self

    def insert(self, json: Any, count: str | None = None, returning: str = "representation",
               upsert: bool = False) -> Query:  # fmt: skip
        self._op, self._values, self._count = "insert", _rows(json), count
        self._returning = returning != "minimal"
        self._conflict = [] if upsert else None
        return self

    def upsert(self, json: Any, count: str | None = None, returning: str = "representation",
               on_conflict: str = "", ignore_duplicates: bool = False) -> Query:  # fmt: skip
        self.insert(json, count, returning)
        self._conflict = [c.strip() for c in on_conflict.split(",") if c.strip()]
        self._ignore = ignore_duplicates
        return self

    def update(self, json: Mapping[str, Any], count: str | None = None) -> Query:
        self._op, self._values, self._count = "update", [json], count
        return self

    def delete(self, count: str | None = None) -> Query:
        self._op, self._count = "delete", count
        return self

    # -- filters and modifiers ----------------------------------------------------------------
    def filter(self, column: str, operator: str, value: Any) -> Query:
        self._filters.append((column, operator, value))
        return self

    def eq(self, column: str, value: Any) -> Query:
        return self.filter(column, "eq", value)

    def neq(self, column: str, value: Any) -> Query:
        return self.filter(column, "neq", value)

    def gt(self, column: str, value: Any) -> Query:
        return self.filter(column, "gt", value)

    def gte(self, column: str, value: Any) -> Query:
        return self.filter(column, "gte", value)

    def lt(self, column: str, value: Any) -> Query:
        return self.filter(column, "lt", value)

    def lte(self, column: str, value: Any) -> Query:
        return self.filter(column, "lte", value)

    def like(self, column: str, pattern: str) -> Query:
        return self.filter(column, "like", pattern)

    def ilike(self, column: str, pattern: str) -> Query:
        return self.filter(column, "ilike", pattern)

    def is_(self, column: str, value: Any) -> Query:
        return self.filter(column, "is", value)

    def in_(self, column: str, values: Sequence[Any]) -> Query:
        return self.filter(column, "in", list(values))

    def contains(self, column: str, value: Any) -> Query:
        return self.filter(column, "contains", value)

    def match(self, query: Mapping[str, Any]) -> Query:
        for column, value in query.items():
            self.eq(column, value)
        return self

    def order(self, column: str, desc: bool = False, nullsfirst: bool | None = None) -> Query:
        self._order.append((column, desc, nullsfirst))
        return self

    def limit(self, size: int) -> Query:
        self._limit = size
        return self

    def range(self, start: int, end: int) -> Query:
        """Rows start..end, both included (PostgREST's Range header)."""
        self._offset, self._limit = start, end - start + 1
        return self

    def single(self) -> Query:
        self._single = "single"
        return self

    def maybe_single(self) -> Query:
        self._single = "maybe"
        return self

    # -- running ------------------------------------------------------------------------------
    def execute(self) -> APIResponse:
        return self._run()

    def _run(self) -> APIResponse:
        db, backend, name = self._db, self._db.backend, self._table
        if self._op == "rpc":
            return APIResponse(db.rpc(name, self._values[0]))
        count: int | None = None
        if self._op == "select":
            rows = backend.select(name, self._filters, self._order, self._limit, self._offset,
                                  self._columns)  # fmt: skip
            if self._count:
                count = backend.count(name, self._filters)
        else:
            rows = self._write(backend, name)
            count = len(rows) if self._count else None
        if self._op != "select" and self._columns is not None:
            rows = [{c: r[c] for c in self._columns} for r in rows]
        return APIResponse(self._shape(rows), count)

    def _write(self, backend: Backend, name: str) -> list[Row]:
        if self._op == "insert":
            rows = backend.insert(name, self._values, self._conflict, self._ignore)
        elif self._op == "update":
            rows = backend.update(name, self._values[0], self._filters)
        else:
            rows = backend.delete(name, self._filters)
        return rows if self._returning else []

    def _shape(self, rows: list[Row]) -> Any:
        if self._single is None:
            return rows
        if len(rows) == 1:
            return rows[0]
        if not rows and self._single == "maybe":
            return None
        raise DatabaseError("PGRST116", "JSON object requested, multiple (or no) rows returned",
                            f"The result contains {len(rows)} rows")  # fmt: skip


# ---------------------------------------------------------------------------------- async


class AsyncQuery(Query):
    async def execute(self) -> APIResponse:  # type: ignore[override]
        return self._run()


class AsyncDatabase:
    """`Database` with awaitable methods, for async code and async fixtures."""

    schema: ClassVar[SchemaSpec]
    rpc_client: ClassVar[Any] = None
    sync: ClassVar[type[Database]] = Database

    def __init__(self, db: Database | None = None) -> None:
        self.db = db if db is not None else self.sync()

    @classmethod
    def connect(cls, connection: Any) -> AsyncDatabase:
        """A blocking DB-API connection behind awaitable methods (for tests, not servers)."""
        return cls(cls.sync.connect(connection))

    async def insert(self, table: str, rows: Any, *, overriding: bool = False) -> list[Row]:
        return self.db.insert(table, rows, overriding=overriding)

    async def upsert(self, table: str, rows: Any, on_conflict: str | Sequence[str] | None = None,
                     ignore_duplicates: bool = False) -> list[Row]:  # fmt: skip
        return self.db.upsert(table, rows, on_conflict, ignore_duplicates)

    async def select(
        self,
        table: str,
        where: Where = None,
        order_by: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        return self.db.select(table, where, order_by, limit, offset, columns)

    async def update(self, table: str, values: Mapping[str, Any], where: Where = None) -> list[Row]:
        return self.db.update(table, values, where)

    async def delete(self, table: str, where: Where = None) -> list[Row]:
        return self.db.delete(table, where)

    async def count(self, table: str, where: Where = None) -> int:
        return self.db.count(table, where)

    async def execute_query(self, table: str, operation: str, data: Any = None,
                            filters: Where = None) -> Any:  # fmt: skip
        return self.db.execute_query(table, operation, data, filters)

    async def rpc(self, name: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.db.rpc(name, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        with self.db.transaction():
            yield

    async def reset(self) -> None:
        self.db.reset()

    def table(self, name: str) -> AsyncQuery:
        return AsyncQuery(self.db, name)

    from_ = table

    def call(self, name: str, params: Mapping[str, Any] | None = None) -> AsyncQuery:
        query = AsyncQuery(self.db, name)
        query._op, query._values = "rpc", [dict(params or {})]
        return query
