"""Runs the SQL functions whose body is one SELECT over tables: a small relational plan
(scan, join, filter, group and aggregate, project, distinct, sort, offset/limit), compiled
at generate time (`codegen/plan/table_bodies.py`), executed here against rows.

The rows come from a `Database` (`db.rpc(...)`: its tables) or from the test
(`RPC.bind_rows({"orders": [...]})`). Every expression is a function compiled by the SQL
expression compiler; this module only moves rows between them. An environment maps
`"<n>.<column>"` (the n-th table of FROM), `"$<param>"`, `"#<n>"` (an aggregate) and
`"@<n>"` (an output column, for ORDER BY) to values.

Imports only the standard library and the package's own modules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from . import _sqlruntime as rt

Env = dict[str, Any]


class Expr(NamedTuple):
    """A compiled expression and the environment keys it takes, in its parameter order."""

    fn: Callable[..., Any]
    names: tuple[str, ...]


class Source(NamedTuple):
    table: str  # the TABLE_SCHEMAS key (a WITH query's name)
    columns: tuple[str, ...]  # the columns the body reads (all of them for `*`)
    cte: bool = False  # the rows of a WITH query of the statement, not of a table


class Join(NamedTuple):
    source: Source
    kind: str  # "inner", "left", "right", "full" or "cross"
    on: Expr | None


class Agg(NamedTuple):
    func: str  # count, sum, avg, min, max
    arg: Expr | None  # None: count(*)
    distinct: bool
    kind: str  # the argument's arithmetic: "int", "bigint", "numeric", "float" or "other"
    labels: tuple[str, ...] = ()  # min / max of an enum: in the order of its labels


class Order(NamedTuple):
    key: Expr
    desc: bool
    nulls_first: bool
    labels: tuple[str, ...] = ()  # an enum's: its values sort in this order


class Sub(NamedTuple):
    """An uncorrelated subquery, run once, when first needed (as PostgreSQL's InitPlan):
    its values (`x IN (SELECT ...)`), whether it has rows (EXISTS), or its one value."""

    key: str  # "%<n>"
    query: Query
    kind: str  # "list", "exists" or "value"
    outer: tuple[str, ...] = ()  # the outer row's keys it reads (correlated), as "^<key>"


class Query(NamedTuple):
    """One SELECT: FROM's first table (None: a SELECT without FROM, one row), then its
    joins, in the order PostgreSQL reads them."""

    source: Source | None = None
    joins: tuple[Join, ...] = ()
    where: Expr | None = None
    group: tuple[Expr, ...] = ()
    aggs: tuple[Agg, ...] = ()
    grouped: bool = False  # GROUP BY, or an aggregate without it (one group)
    having: Expr | None = None
    select: tuple[Expr, ...] = ()
    distinct: bool = False
    order: tuple[Order, ...] = ()
    limit: Expr | None = None
    offset: Expr | None = None
    names: tuple[str, ...] = ()  # what the function returns: its columns, in order
    subqueries: tuple[Sub, ...] = ()
    ctes: tuple[tuple[str, Query], ...] = ()  # WITH's queries, by name, in order

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables it reads: FROM's, its WITH queries' and its subqueries'."""
        sources = [self.source, *(j.source for j in self.joins)]
        own = [s.table for s in sources if s is not None and not s.cte]
        ctes = [t for _, q in self.ctes for t in q.tables]
        subs = [t for sub in self.subqueries for t in sub.query.tables]
        return tuple(dict.fromkeys([*own, *ctes, *subs]))


class Write(NamedTuple):
    """One INSERT ... VALUES, UPDATE or DELETE, run through a `Database` (its enforcement,
    defaults and cascades), in one transaction; RETURNING over the rows as stored."""

    op: str  # insert, update, delete
    table: str
    source: Source  # the columns read: the WHERE's, the key's, RETURNING's
    columns: tuple[str, ...] = ()  # INSERT's column list, UPDATE's SET columns
    values: tuple[tuple[Expr | None, ...], ...] = ()  # INSERT: each VALUES row (None:
    # DEFAULT); UPDATE: the SET expressions, over the old row
    key: tuple[str, ...] = ()  # the primary key: how a changed or deleted row is found
    where: Expr | None = None
    returning: tuple[Expr, ...] = ()
    names: tuple[str, ...] = ()
    conflict: tuple[str, ...] | None = None  # INSERT's ON CONFLICT (columns): an upsert
    ignore: bool = False  # ... DO NOTHING (else DO UPDATE SET each column = EXCLUDED's)

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table,)


def run_write(write: Write, db: Any, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The rows RETURNING gives, after the write went through `db` (a Database)."""
    if not callable(getattr(db, "insert", None)) or isinstance(db, Mapping):
        raise QueryError(
            f"{write.op.upper()} on {write.table}: a body that writes runs on a Database"
            " (db.rpc(...)), not on rows bound with RPC.bind_rows"
        )
    base = _params(params)
    with db.transaction():
        if write.op == "insert":
            rows = [
                {
                    c: _eval(e, base)
                    for c, e in zip(write.columns, row, strict=True)
                    if e is not None  # DEFAULT: left to the database
                }
                for row in write.values
            ]
            if write.conflict is None:
                stored = db.insert(write.table, rows)
            else:
                stored = db.upsert(write.table, rows, list(write.conflict), write.ignore)
        else:
            envs = _scan(write.source, 0, lambda source: db.select(source.table), base)
            if write.where is not None:
                envs = [env for env in envs if _eval(write.where, env) is True]
            stored = []
            for env in envs:
                found = {k: env[f"0.{k}"] for k in write.key}
                if write.op == "delete":
                    stored += db.delete(write.table, found)
                    continue
                changes = {
                    c: _eval(e, env) if e is not None else None
                    for c, e in zip(write.columns, write.values[0], strict=True)
                }
                stored += db.update(write.table, changes, found)
    out = []
    for row in stored:
        env = {**base, **{f"0.{k}": v for k, v in row.items()}}
        out.append(tuple(_eval(e, env) for e in write.returning))
    return out


class Steps(NamedTuple):
    """plpgsql's RETURN QUERY statements, in order: each query's rows are appended; a step
    marked True runs only when the one before returned no row (`IF NOT FOUND THEN`)."""

    steps: tuple[tuple[Query, bool], ...]
    names: tuple[str, ...] = ()

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for q, _ in self.steps for t in q.tables))


def run_steps(steps: Steps, rows_of: RowsOf, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    found = False
    for query, if_none in steps.steps:
        if if_none and found:
            continue
        rows = run(query, rows_of, params)
        out += rows
        found = bool(rows)
    return out


class QueryError(Exception):
    """Rows the query cannot read (a table missing from a `Database`, a row without a
    column the body reads): a mistake in the test's setup, not a database error."""


RowsOf = Callable[[str], Sequence[Mapping[str, Any]]]


def rows_reader(source: Any) -> RowsOf:
    """`table -> rows` from a mapping of lists (missing tables are empty) or a Database."""
    if isinstance(source, Mapping):
        return lambda table: source.get(table, ())
    return lambda table: source.select(table)


def run(
    query: Query,
    rows_of: RowsOf,
    params: Mapping[str, Any],
    outer: Mapping[str, Any] | None = None,
    ctes: Mapping[str, Rows] | None = None,
) -> list[tuple[Any, ...]]:
    """The rows the SELECT returns, as tuples in its select-list order; `outer`: the outer
    row's values a correlated subquery reads; `ctes`: the WITH queries' rows it sees."""
    ctes = _with(query, rows_of, params, ctes or {})
    read = _reader(rows_of, ctes)
    base = _params(params)
    base.update({f"^{k}": v for k, v in (outer or {}).items()})
    for sub in query.subqueries:
        base[sub.key] = _Lazy(sub, rows_of, params, ctes)
    envs = _scan(query.source, 0, read, base) if query.source is not None else [base]
    left = {f"0.{c}": None for c in query.source.columns} if query.source is not None else {}
    for n, join in enumerate(query.joins, 1):
        envs = _join(envs, join, n, read, {**base, **left})
        left.update({f"{n}.{c}": None for c in join.source.columns})
    if query.where is not None:
        envs = [env for env in envs if _eval(query.where, env) is True]
    if query.grouped:
        envs = _groups(query, envs, base)
    out = [(tuple(_eval(e, env) for e in query.select), env) for env in envs]
    if query.distinct:
        out = _distinct(out)
    if query.order:
        out = _sorted(query.order, out)
    return _window(query, [values for values, _ in out], base)


Rows = Sequence[Mapping[str, Any]]


def _with(
    query: Query, rows_of: RowsOf, params: Mapping[str, Any], seen: Mapping[str, Rows]
) -> Mapping[str, Rows]:
    """WITH's queries run once each, in order (a later one reads the earlier ones), before
    the SELECT; with those of the statement around it, which they hide."""
    if not query.ctes:
        return seen
    ctes = dict(seen)
    for name, q in query.ctes:
        rows = run(q, rows_of, params, None, ctes)
        ctes[name] = [dict(zip(q.names, r, strict=True)) for r in rows]
    return ctes


def _reader(rows_of: RowsOf, ctes: Mapping[str, Rows]) -> Callable[[Source], Rows]:
    """A source's rows: its WITH query's, or its table's."""
    return lambda source: ctes[source.table] if source.cte else rows_of(source.table)


def _params(params: Mapping[str, Any]) -> Env:
    """`$n` for each argument; `$n.field` too for a row (a parameter of a table's type)."""
    env: Env = {}
    for k, v in params.items():
        env[f"${k}"] = v
        if isinstance(v, Mapping):
            env.update({f"${k}.{field}": fv for field, fv in v.items()})
    return env


def value(x: Any) -> Any:
    """An output column's value as it is (ORDER BY 2, ORDER BY <output name>)."""
    return x


def columns(n: int, names: Sequence[str]) -> tuple[Expr, ...]:
    """The select list of `SELECT t.*` (or `t.a, t.b`): FROM's n-th table's columns as
    they are; the plan names the list once instead of an `Expr` per column."""
    return tuple(Expr(value, (f"{n}.{c}",)) for c in names)


class _Lazy:
    """A subquery's result, computed on first use (never, if no row needs it); a correlated
    one once per distinct outer value."""

    def __init__(
        self, sub: Sub, rows_of: RowsOf, params: Mapping[str, Any], ctes: Mapping[str, Rows]
    ) -> None:
        self.sub, self.rows_of, self.params, self.ctes = sub, rows_of, params, ctes
        self.values: dict[tuple[Any, ...], Any] = {}

    def get(self, env: Env) -> Any:
        outer = {k: env.get(k) for k in self.sub.outer}
        key = tuple(_key(v) for v in outer.values())
        if key not in self.values:
            rows = run(self.sub.query, self.rows_of, self.params, outer, self.ctes)
            self.values[key] = self._value(rows)
        return self.values[key]

    def _value(self, rows: list[tuple[Any, ...]]) -> Any:
        if self.sub.kind == "exists":
            return bool(rows)
        if self.sub.kind == "list":
            return [r[0] for r in rows]
        if len(rows) > 1:
            raise rt.SqlError(
                "more than one row returned by a subquery used as an expression", "21000"
            )
        return rows[0][0] if rows else None


def _eval(expr: Expr, env: Env) -> Any:
    args = [env.get(name) for name in expr.names]
    return expr.fn(*[a.get(env) if isinstance(a, _Lazy) else a for a in args])


def _scan(source: Source, n: int, read: Callable[[Source], Rows], base: Env) -> list[Env]:
    envs = []
    for i, row in enumerate(read(source)):
        env = dict(base)
        for column in source.columns:
            if column not in row:
                raise QueryError(
                    f"row {i} of {source.table} has no column {column!r} (build rows with the"
                    " factories, or store them in a Database)"
                )
            env[f"{n}.{column}"] = row[column]
        envs.append(env)
    return envs


def _join(
    left: list[Env], join: Join, n: int, read: Callable[[Source], Rows], no_left: Env
) -> list[Env]:
    """A nested-loop join; `no_left`: the row a RIGHT / FULL join pairs an unmatched right
    row with (the parameters, and NULL for every column read so far)."""
    right = _scan(join.source, n, read, {})
    nulls = {f"{n}.{c}": None for c in join.source.columns}
    out = []
    paired = [False] * len(right)
    for env in left:
        matched = False
        for i, other in enumerate(right):
            both = {**env, **other}
            if join.on is None or _eval(join.on, both) is True:
                out.append(both)
                matched = paired[i] = True
        if not matched and join.kind in ("left", "full"):
            out.append({**env, **nulls})
    if join.kind in ("right", "full"):
        out += [{**no_left, **other} for i, other in enumerate(right) if not paired[i]]
    return out


def _groups(query: Query, envs: list[Env], base: Env) -> list[Env]:
    """One environment per group: its first row (the columns PostgreSQL lets a grouped
    query read are grouped or functionally dependent on the key) plus the aggregates."""
    groups: dict[tuple[Any, ...], list[Env]] = {}
    for env in envs:
        key = tuple(_key(_eval(e, env)) for e in query.group)
        groups.setdefault(key, []).append(env)
    if not query.group and not groups:
        groups[()] = []  # an aggregate over no rows still returns one row
    out = []
    for members in groups.values():
        env = dict(members[0]) if members else dict(base)
        for i, agg in enumerate(query.aggs):
            env[f"#{i}"] = _aggregate(agg, members)
        if query.having is None or _eval(query.having, env) is True:
            out.append(env)
    return out


def _key(value: Any) -> Any:
    """A hashable grouping key (NULLs group together; arrays and JSON by their value)."""
    if isinstance(value, (list, dict)):
        return repr(value)
    return value


def _aggregate(agg: Agg, members: list[Env]) -> Any:
    if agg.arg is None:
        return len(members)
    values = [v for v in (_eval(agg.arg, env) for env in members) if v is not None]
    if agg.distinct:
        seen: dict[Any, Any] = {}
        for v in values:
            seen.setdefault(_key(v), v)
        values = list(seen.values())
    if agg.func == "count":
        return len(values)
    if not values:
        return None
    if agg.labels:  # an enum's order is its labels'
        return agg.labels[AGGREGATES[agg.func]([agg.labels.index(v) for v in values], "")]
    return AGGREGATES[agg.func](values, agg.kind)


def _numeric_sum(values: list[Any]) -> Any:
    total = values[0]
    for v in values[1:]:
        total = rt.num_add(total, v)
    return total


def _sum(values: list[Any], kind: str) -> Any:
    if kind == "numeric":
        return _numeric_sum(values)
    if kind == "int":  # sum(smallint | integer) is bigint
        return rt.int_check(sum(values), "bigint")
    if kind == "bigint":  # sum(bigint) is numeric
        return Decimal(sum(values))
    return sum(values[1:], values[0])


def _avg(values: list[Any], kind: str) -> Any:
    if kind in ("int", "bigint", "numeric"):
        return rt.num_div(_numeric_sum([Decimal(v) for v in values]), Decimal(len(values)))
    return sum(values) / len(values)


def _extreme(pick: int) -> Callable[[list[Any], str], Any]:
    def choose(values: list[Any], kind: str) -> Any:
        best = values[0]
        for v in values[1:]:
            if rt.compare(v, best) * pick > 0:
                best = v
        return best

    return choose


AGGREGATES: dict[str, Callable[[list[Any], str], Any]] = {
    "sum": _sum,
    "avg": _avg,
    "min": _extreme(-1),
    "max": _extreme(1),
    "bool_and": lambda values, kind: all(values),
    "bool_or": lambda values, kind: any(values),
}


def _distinct(out: list[tuple[tuple[Any, ...], Env]]) -> list[tuple[tuple[Any, ...], Env]]:
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for values, env in out:
        key = tuple(_key(v) for v in values)
        if key not in seen:
            seen.add(key)
            kept.append((values, env))
    return kept


def _sorted(
    order: Sequence[Order], out: list[tuple[tuple[Any, ...], Env]]
) -> list[tuple[tuple[Any, ...], Env]]:
    keyed = []
    for values, env in out:
        full = {**env, **{f"@{i}": v for i, v in enumerate(values)}}
        keys = [_eval(o.key, full) for o in order]
        keys = [
            o.labels.index(k) if o.labels and k is not None else k
            for o, k in zip(order, keys, strict=True)
        ]
        keyed.append((keys, values, env))

    def cmp(a: tuple[list[Any], Any, Any], b: tuple[list[Any], Any, Any]) -> int:
        for o, x, y in zip(order, a[0], b[0], strict=True):
            c = rt.order_compare(x, y, o.desc, o.nulls_first)
            if c:
                return c
        return 0

    keyed.sort(key=functools.cmp_to_key(cmp))
    return [(values, env) for _, values, env in keyed]


def _window(query: Query, rows: list[tuple[Any, ...]], base: Env) -> list[tuple[Any, ...]]:
    """OFFSET, then LIMIT (NULL means none; a negative one is an error, as in PostgreSQL)."""
    offset = _eval(query.offset, base) if query.offset is not None else None
    limit = _eval(query.limit, base) if query.limit is not None else None
    if offset is not None:
        if offset < 0:
            raise rt.SqlError("OFFSET must not be negative", "2201X")
        rows = rows[offset:]
    if limit is not None:
        if limit < 0:
            raise rt.SqlError("LIMIT must not be negative", "2201W")
        rows = rows[:limit]
    return rows


def shaped(rows: Iterable[tuple[Any, ...]], shape: str, names: Sequence[str]) -> Any:
    """The result in the function's shape: one value, a set of values, one row (None when
    there is none), or rows keyed by the declared column names."""
    rows = list(rows)
    if shape == "scalar":
        return rows[0][0] if rows else None
    if shape == "set":
        return [r[0] for r in rows]
    dicts = [dict(zip(names, r, strict=True)) for r in rows]
    if shape == "row":
        return dicts[0] if dicts and any(v is not None for v in dicts[0].values()) else None
    return dicts
