"""The two front doors of the generated `Database`: the users' own mock-client calls and a
postgrest-py style builder, over one backend (the in-memory engine, or a real connection).

Copied verbatim into generated packages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Concatenate, ParamSpec, Protocol, TypeVar, cast

from . import _database_embed as embedding
from ._database import (
    DatabaseError,
    Engine,
    Filter,
    Order,
    Row,
    SchemaSpec,
    undefined_column,
    undefined_table,
)

Where = Mapping[str, Any] | Sequence[Filter] | None
Path = str | None  # an embedded resource's path in the select: "orders", "orders.items"
P = ParamSpec("P")
T = TypeVar("T")
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
    if type(data) is dict:  # the usual row: no ABC check (it costs more than a small insert)
        return [data]
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
        self._embeds: tuple[embedding.Embed, ...] = ()
        self._filters: list[Filter] = []
        self._order: list[Order] = []
        self._shapes: dict[str, embedding.Shape] = {}  # by embedded path: foreign_table=
        self._limit: int | None = None
        self._offset = 0
        self._count: str | None = None
        self._single: str | None = None
        self._conflict: list[str] | None = None
        self._ignore = False
        self._returning = True

    # -- what to do --------------------------------------------------------------------------
    def select(self, *columns: str, count: str | None = None) -> Query:
        """Columns, `*`, and embedded related tables: `select("*, customers(email)")`."""
        self._columns, self._embeds = embedding.parse(",".join(columns) if columns else "*")
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

    def order(self, column: str, desc: bool = False, nullsfirst: bool | None = None, *,
              foreign_table: Path = None, reference_table: Path = None) -> Query:  # fmt: skip
        """Order the rows, or with `foreign_table` (postgrest-py's newer `reference_table`)
        the embedded rows of that path."""
        path = reference_table or foreign_table
        if path:
            shape = self._shapes.get(path, embedding.Shape())
            order = (*shape.order, (column, desc, nullsfirst))
            self._shapes[path] = dataclasses.replace(shape, order=order)
        else:
            self._order.append((column, desc, nullsfirst))
        return self

    def limit(self, size: int, *, foreign_table: Path = None,
              reference_table: Path = None) -> Query:  # fmt: skip
        return self._window(reference_table or foreign_table, None, size)

    def range(self, start: int, end: int, *, foreign_table: Path = None,
              reference_table: Path = None) -> Query:  # fmt: skip
        """Rows start..end, both included (PostgREST's Range header)."""
        return self._window(reference_table or foreign_table, start, end - start + 1)

    def _window(self, path: str | None, offset: int | None, limit: int) -> Query:
        if path:
            shape = self._shapes.get(path, embedding.Shape())
            start = shape.offset if offset is None else offset
            self._shapes[path] = dataclasses.replace(shape, limit=limit, offset=start)
        else:
            self._offset, self._limit = self._offset if offset is None else offset, limit
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
        embedding.check_paths(self._embeds, list(self._shapes))
        if self._op == "select" and self._embeds:
            rows, count = self._embedded(backend, name)
        elif self._op == "select":
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

    def _embedded(self, backend: Backend, name: str) -> tuple[list[Row], int | None]:
        """The rows with their embedded resources (an `!inner` one drops rows before the
        range is taken, as PostgREST's inner join does)."""
        table = next((t for t in self._db.schema.tables if name in (t.key, t.name)), None)
        if table is None:
            raise undefined_table(name)
        for column in self._columns or ():
            if column not in {c.name for c in table.columns}:
                raise undefined_column(table, column)
        own = [f for f in self._filters if "." not in f[0]]
        inner = any(e.inner for e in self._embeds)
        limit, offset = (None, 0) if inner else (self._limit, self._offset)
        rows = backend.select(name, own, self._order, limit, offset)
        rows = embedding.embed_rows(
            self._db.schema, table, rows, self._embeds,
            [f for f in self._filters if "." in f[0]], lambda t, f, o: backend.select(t, f, o),
            self._shapes,
        )  # fmt: skip
        count = (len(rows) if inner else backend.count(name, own)) if self._count else None
        if inner:
            end = None if self._limit is None else self._offset + self._limit
            rows = rows[self._offset : end]
        if self._columns is not None:
            shown = (*self._columns, *(e.key for e in self._embeds))
            rows = [{c: r[c] for c in shown} for r in rows]
        return rows, count

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


def _awaitable(
    method: Callable[Concatenate[Database, P], T],
) -> Callable[Concatenate[AsyncDatabase, P], Coroutine[Any, Any, T]]:
    """`Database`'s method as an awaitable one of `AsyncDatabase` (same parameters), run
    on its `db` (a subclass's override included)."""
    name = method.__name__

    async def call(self: AsyncDatabase, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return cast(T, getattr(self.db, name)(*args, **kwargs))

    call.__name__, call.__qualname__, call.__doc__ = name, f"AsyncDatabase.{name}", method.__doc__

    return call


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

    insert = _awaitable(Database.insert)
    upsert = _awaitable(Database.upsert)
    select = _awaitable(Database.select)
    update = _awaitable(Database.update)
    delete = _awaitable(Database.delete)
    count = _awaitable(Database.count)
    execute_query = _awaitable(Database.execute_query)
    rpc = _awaitable(Database.rpc)
    reset = _awaitable(Database.reset)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        with self.db.transaction():
            yield

    def table(self, name: str) -> AsyncQuery:
        return AsyncQuery(self.db, name)

    from_ = table

    def call(self, name: str, params: Mapping[str, Any] | None = None) -> AsyncQuery:
        query = AsyncQuery(self.db, name)
        query._op, query._values = "rpc", [dict(params or {})]
        return query
