"""A SQL function whose body is one SELECT over tables, as a small relational plan the RPC
runtime executes against rows (`runtimes/_relruntime.py`): FROM's tables and their joins
(inner, left, right, full, cross), WHERE, GROUP BY with count / sum / avg / min / max,
HAVING, the select list, DISTINCT, ORDER BY, LIMIT and OFFSET, subqueries; or one INSERT
... VALUES (ON CONFLICT as `Database.upsert`), UPDATE or DELETE (with RETURNING), run
through a `Database`; or plpgsql's RETURN QUERY statements. Every expression goes through
the SQL expression compiler; anything outside this (subqueries in a subquery's FROM,
LATERAL, WITH RECURSIVE, window functions, views, set operations, another ON CONFLICT,
INSERT ... SELECT) raises NotSimple with the reason, and the function stays uncompiled.
JOIN ... USING and NATURAL JOIN are joins ON the merged columns' equality, the merged
column read once (`_Scope._using`); a WITH query, and a subquery in the SELECT's FROM, is
a SELECT planned on its own whose rows FROM reads by name (`_With`).

    plan_query         the function's one statement, planned; its sources and `Query(...)`
      _plpgsql           RETURN QUERY statements (IF NOT FOUND too) as `Steps(...)`
      _With              WITH queries and FROM's subqueries, each planned on its own
      _Scope             FROM: aliases, tables and the columns each one reads
      _Builder.query     a SELECT as a `Query(...)`; `_subqueries` plans each subquery
      _Builder.write     INSERT / UPDATE / DELETE as a `Write(...)`
      _Builder._compiled an expression rewritten to environment keys and compiled
    ColumnLists        the column lists of all plans, each written once (`link`)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from .. import plpgsql, sqlexpr
from ..dialect import of
from ..model import DEFAULT_SCHEMA, Column, Function, Param, Schema, SqlType, Table
from ..naming import identifier
from ..render import py, pystr
from ..sqlexpr import stypes as T
from .function_bodies import NotSimple
from .function_types import Shape, bare, base, row_of

_AGGREGATES = {exp.Count: "count", exp.Sum: "sum", exp.Avg: "avg", exp.Min: "min", exp.Max: "max"}
_OUT_OF_REACH = {
    exp.Window: "a window function", exp.With: "a WITH query", exp.Lateral: "LATERAL",
    exp.Unnest: "unnest in FROM", exp.SetOperation: "UNION / INTERSECT / EXCEPT",
}  # fmt: skip
_SUBQUERIES = (exp.Subquery, exp.Exists)


_NOT_IN_WRITES = {"with_": "a WITH query", "from_": "FROM", "using": "USING"}


class ColumnLists:
    """The column lists of one rpc.py's plans (a source's columns, a `SELECT t.*` list, the
    names a function returns), each written once: one the plans write twice or more becomes
    a module constant (`_COLUMNS_products`). A plan holds a marker per list until every
    function is planned; `link` then writes each marker as the constant or the list."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, ...], int] = {}
        self.tables: dict[int, str] = {}  # the table a list is all the columns of

    def ref(self, columns: tuple[str, ...], table: Table | None = None) -> str:
        """The list's marker (a list of one column is written as it is)."""
        if len(columns) < 2:
            return py(columns)
        i = self.index.setdefault(columns, len(self.index))
        if table is not None and columns == tuple(c.name for c in table.columns):
            self.tables.setdefault(i, table.key)
        return f"\0{i}\0"

    def link(self, texts: Iterable[str]) -> tuple[dict[str, tuple[str, ...]], dict[int, str]]:
        """The constants (name -> columns, in the order of first use) for the lists `texts`
        write twice or more, and what each marker is written as."""
        uses: dict[int, int] = {}  # in the order of first use
        for text in texts:
            for m in _MARKER.finditer(text):
                uses[int(m.group(1))] = uses.get(int(m.group(1)), 0) + 1
        by_index = {i: columns for columns, i in self.index.items()}
        taken: set[str] = set()
        constants: dict[str, tuple[str, ...]] = {}
        written: dict[int, str] = {}
        numbered = 0
        for i, count in uses.items():
            if count == 1:
                written[i] = py(by_index[i])
                continue
            table = self.tables.get(i)  # `_COLUMNS_products`; no other name starts so, and
            if table is not None:  # a table's identifier never starts with a digit
                written[i] = "_COLUMNS_" + identifier(table, taken)
            else:
                written[i], numbered = f"_COLUMNS_{numbered}", numbered + 1
            constants[written[i]] = by_index[i]
        return constants, written


_MARKER = re.compile("\0(\\d+)\0")


def linked(text: str, written: dict[int, str]) -> str:
    """A plan's source with each list marker written as `ColumnLists.link` decided."""
    return _MARKER.sub(lambda m: written[int(m.group(1))], text)


@dataclass(frozen=True)
class TableBody:
    """The plan of a table-reading body: compiled expressions and the `Query(...)` source."""

    sources: tuple[str, ...]
    query: str
    tables: tuple[str, ...]


def plan_query(
    schema: Schema,
    fn: Function,
    stub: str,
    ins: list[Param],
    fn_shape: Shape,
    rtype: SqlType | None,
    columns: tuple[tuple[str, SqlType], ...],
    lists: ColumnLists,
) -> TableBody:
    """The body's SELECT as a relational plan, or NotSimple saying why it is not one."""
    if fn.language.lower() == "plpgsql":
        return _plpgsql(schema, fn, stub, ins, (fn_shape, rtype, columns), lists)
    if fn.language.lower() != "sql":
        raise NotSimple(f"LANGUAGE {fn.language}")
    tree = _statement(fn.body or "", fn.body_style, schema.dialect, set())
    bare_name = fn.name.rpartition(".")[2]
    if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):
        returning = tree.args.get("returning")
        outputs = _outputs(schema, fn_shape, rtype, columns) if returning else []
        if not returning and fn_shape != "void":
            raise NotSimple("a write without RETURNING in a function that returns a value")
        scope = _Scope(schema, None, bare_name, ins)
        scope.add(tree.this.this if isinstance(tree.this, exp.Schema) else tree.this)
        return _Builder(schema.dialect, stub, scope, ([], {}), lists).write(tree, outputs)
    outputs = _outputs(schema, fn_shape, rtype, columns)
    shared: tuple[list[str], dict[str, str]] = ([], {})
    with_ = _With(schema, bare_name, ins, set(), (stub, shared, lists)).plan(tree)
    b = _Builder(schema.dialect, stub, with_.scope(tree), shared, lists)
    b.ctes, b.tables = with_.sources, with_.tables
    return b.query(tree, outputs)


def _plpgsql(
    schema: Schema,
    fn: Function,
    stub: str,
    ins: list[Param],
    shaped: tuple[Shape, SqlType | None, tuple[tuple[str, SqlType], ...]],
    lists: ColumnLists,
) -> TableBody:
    """`RETURN QUERY <select>;` statements, a later one maybe under `IF NOT FOUND THEN`:
    each planned on its own, their rows appended in order."""
    try:
        queries, variables = plpgsql.return_queries(fn)
    except plpgsql.NotSimple as why:
        raise NotSimple(str(why)) from None
    outputs = _outputs(schema, *shaped)
    sources: list[str] = []
    names: dict[str, str] = {}
    steps: list[str] = []
    tables: list[str] = []
    for i, (text, if_none) in enumerate(queries):
        tree = _statement(text, "", schema.dialect, variables)
        if not isinstance(tree, exp.Select):
            raise NotSimple(f"RETURN QUERY {type(tree).__name__.upper()}")
        name = stub if len(queries) == 1 else f"{stub}_r{i}"
        bare_name = fn.name.rpartition(".")[2]
        with_ = _With(schema, bare_name, ins, variables, (name, (sources, names), lists)).plan(tree)
        b = _Builder(schema.dialect, name, with_.scope(tree), (sources, names), lists)
        b.ctes, b.tables = with_.sources, with_.tables
        body = b.query(tree, outputs)
        steps.append(f"({body.query}, {if_none})")
        tables += body.tables
    if len(steps) == 1 and not queries[0][1]:
        return body
    query = f"rel.Steps({_tuple(steps)}, {lists.ref(tuple(n for n, _ in outputs))})"
    return TableBody(tuple(sources), query, tuple(dict.fromkeys(tables)))


class _With:
    """A SELECT's WITH queries (not RECURSIVE), each planned as a SELECT of its own that
    sees the ones before it; FROM then reads each by name, as a table of its columns. A
    subquery in the SELECT's own FROM (`FROM (SELECT ...) AS x`, never correlated without
    LATERAL) is one more, under a name no query can write."""

    def __init__(
        self, schema: Schema, bare_name: str, ins: list[Param], variables: set[str],
        builder: tuple[str, tuple[list[str], dict[str, str]], ColumnLists],
    ) -> None:  # fmt: skip
        self.schema, self.bare_name, self.ins, self.variables = schema, bare_name, ins, variables
        self.stub, self.shared, self.lists = builder
        self.ctes: dict[str, Table] = {}  # by name: the table FROM reads
        self.sources: list[str] = []  # `(name, Query(...))`
        self.tables: list[str] = []  # the tables they read
        self.derived: dict[int, tuple[str, str]] = {}  # FROM's subquery -> (alias, name)

    def scope(self, select: exp.Select | None) -> _Scope:
        scope = _Scope(self.schema, select, self.bare_name, self.ins, dict(self.ctes),
                       self.derived)  # fmt: skip
        scope.variables = self.variables
        return scope

    def plan(self, select: exp.Select) -> _With:
        with_ = select.args.get("with_")
        for cte in with_.expressions if with_ is not None else ():
            alias = cte.args.get("alias")
            if alias is None:
                raise NotSimple(f"a WITH query without a name ({cte.sql()[:60]})")
            self._one(_folded(alias.this), cte.this, alias)
        joins = select.args.get("joins") or ()
        items = [select.args["from_"].this] if select.args.get("from_") else []
        for node in [*items, *(j.this for j in joins)]:
            alias = node.args.get("alias")
            if isinstance(node, exp.Subquery) and alias is not None:
                name = f"(FROM {_folded(alias.this)})"  # no table or WITH query is named so
                while name in self.ctes or self.schema.table(name) is not None:
                    name = f"({name})"
                self._one(name, node.this, alias)
                self.derived[id(node)] = (_folded(alias.this), name)
        return self

    def _one(self, name: str, body: exp.Expression, alias: exp.TableAlias) -> None:
        if not isinstance(body, exp.Select):
            raise NotSimple(f"{name}: not a SELECT ({body.sql()[:60]})")
        b = _Builder(self.schema.dialect, f"{self.stub}_w{len(self.sources)}", self.scope(body),
                     self.shared, self.lists)  # fmt: skip
        items = [n for n, _ in b._items(body)]
        given = [_folded(c) for c in alias.args.get("columns") or ()]
        names = [*given, *items[len(given) :]]
        if len(given) > len(items) or None in names or len(set(names)) < len(names):
            raise NotSimple(f"WITH {name}: its columns are not named once each")
        try:
            planned = b.query(body, [(str(n), None) for n in names])
        except NotSimple as why:
            raise NotSimple(f"WITH {name} ({why})") from None
        if None in b.out_types:
            raise NotSimple(f"WITH {name}: a column of unknown type")
        columns = tuple(Column(str(n), t) for n, t in zip(names, b.out_types, strict=True)
                        if t is not None)  # fmt: skip
        self.ctes[name] = Table(name, DEFAULT_SCHEMA.get(self.schema.dialect, ""), columns,
                                dialect=self.schema.dialect)  # fmt: skip
        self.sources.append(f"({pystr(name)}, {planned.query})")
        self.tables += planned.tables


_Statement = exp.Select | exp.Insert | exp.Update | exp.Delete


def _statement(text: str, body_style: str, dialect: str, variables: set[str]) -> _Statement:
    """The body's one statement (plpgsql's `variables`: a SELECT only)."""
    text = text.strip()
    atomic = re.fullmatch(r"BEGIN\s+ATOMIC\b(.*?)\bEND\s*;?", text, re.I | re.S)
    if body_style == "standard" and not atomic:
        raise NotSimple("RETURN of an expression")
    if atomic:
        text = atomic.group(1)
    try:
        trees = [t for t in sqlglot.parse(text, read=of(dialect).sqlglot) if t is not None]
    except SqlglotError as error:
        raise NotSimple(f"body not parsed ({str(error).splitlines()[0]})") from None
    if len(trees) != 1:
        raise NotSimple(f"{len(trees)} statements in the body")
    tree = trees[0]
    if not isinstance(tree, (exp.Select, exp.Insert, exp.Update, exp.Delete)) or (
        variables and not isinstance(tree, exp.Select)
    ):
        raise NotSimple(f"body is not a single SELECT ({type(tree).__name__.upper()})")
    top = tree.args.get("with_") if isinstance(tree, exp.Select) else None
    for node in tree.walk():
        what = next((w for k, w in _OUT_OF_REACH.items() if isinstance(node, k)), None)
        if what is not None and not (node is top and not node.args.get("recursive")):
            raise NotSimple(f"{what} in the body")
    if not isinstance(tree, exp.Select):
        for key, words in _NOT_IN_WRITES.items():
            if tree.args.get(key):
                raise NotSimple(f"{words} in the {type(tree).__name__.upper()}")
        if isinstance(tree, exp.Insert) and not isinstance(tree.expression, exp.Values):
            raise NotSimple("INSERT ... SELECT")
        return tree
    for select in tree.find_all(exp.Select):  # the body's, its subqueries' and WITH's
        for key in ("distinct", "qualify", "windows", "locks", "sample", "connect", "prewhere"):
            value = select.args.get(key)
            if value and not (key == "distinct" and not value.args.get("on")):
                raise NotSimple(f"{key.upper()} {'ON ' if key == 'distinct' else ''}in the SELECT")
    return tree


def _outputs(
    schema: Schema, fn_shape: Shape, rtype: SqlType | None, columns: tuple[tuple[str, SqlType], ...]
) -> list[tuple[str, SqlType | None]]:
    """The names and types the function returns, in order."""
    if fn_shape in ("scalar", "set"):
        return [("value", bare(base(schema, rtype)) if rtype is not None else None)]
    if fn_shape == "void":
        raise NotSimple("returns void")
    if columns:
        return [(n, bare(base(schema, t))) for n, t in columns]
    row = row_of(schema, base(schema, rtype)) if rtype is not None else None
    if row is None or row[0] != "table":
        raise NotSimple("returns a record of unknown columns")
    return [(n, bare(base(schema, t)) if t is not None else None) for n, t in row[2]]


def _folded(ident: exp.Expression | str | None) -> str:
    """An identifier as PostgreSQL reads it: unquoted names fold to lower case."""
    if ident is None:
        return ""
    if isinstance(ident, str):
        return ident.lower()
    if isinstance(ident, exp.Identifier):
        return ident.name if ident.args.get("quoted") else ident.name.lower()
    return ident.name.lower()


@dataclass
class _Source:
    alias: str
    table: Table
    used: list[str] = field(default_factory=list)
    cte: bool = False  # a WITH query of the statement

    def has(self, column: str) -> bool:
        return any(c.name == column for c in self.table.columns)


class _Scope:
    """FROM's tables by alias, the parameters by name and position, what each key holds."""

    def __init__(
        self, schema: Schema, select: exp.Select | None, bare_name: str, ins: list[Param],
        ctes: dict[str, Table] | None = None, derived: dict[int, tuple[str, str]] | None = None,
    ) -> None:  # fmt: skip
        self.schema = schema
        self.ctes = ctes or {}  # the WITH queries FROM may name, as tables
        self.derived = derived or {}  # FROM's subqueries: (alias, the WITH query planned)
        self.fn_name = bare_name.lower()
        self.sources: list[_Source] = []
        self.joins: list[tuple[str, exp.Expression | None]] = []
        self.types: dict[str, SqlType] = {}
        self.params = {(p.name or "").lower(): i for i, p in enumerate(ins) if p.name}
        self.ins = ins
        self.variables: set[str] = set()  # plpgsql's: a column of the same name is ambiguous
        self.outer: _Scope | None = None  # a subquery's: the query it is in
        self.outer_used: list[str] = []  # the outer keys a correlated subquery reads
        # FROM's output columns in order, what `SELECT *` gives: (name, what it reads); a
        # JOIN ... USING / NATURAL JOIN puts each column it merges first, once
        self.visible: list[tuple[str, exp.Expression]] = []
        self.merged: dict[str, exp.Expression] = {}  # a merged column's unqualified name
        if select is not None and select.args.get("from_"):
            self._add(select.args["from_"].this, "inner", None)
        for join in (select.args.get("joins") if select is not None else None) or ():
            self._join(join)

    def add(self, node: exp.Expression) -> None:
        """The table a write targets."""
        self._add(node, "inner", None)

    def _join(self, join: exp.Join) -> None:
        side, kind = (join.args.get("side") or "").upper(), (join.args.get("kind") or "").upper()
        method = (join.args.get("method") or "").upper()
        if method not in ("", "NATURAL"):
            raise NotSimple(f"{method} JOIN")
        merging = bool(join.args.get("using")) or method == "NATURAL"
        if side in ("LEFT", "RIGHT", "FULL") and kind in ("", "OUTER"):
            how = side.lower()
        elif not side and kind in ("", "INNER", "CROSS"):
            how = "cross" if join.args.get("on") is None and not merging else "inner"
        else:
            raise NotSimple(f"{' '.join(w for w in (side, kind) if w)} JOIN")
        self._add(join.this, how, join.args.get("on"))
        if merging:
            self._using(join, how)

    def _using(self, join: exp.Join, how: str) -> None:
        """JOIN ... USING (c, ...) / NATURAL JOIN: ON left.c = right.c for each merged
        column; the column, once, reads the left side's (RIGHT JOIN: the right's; FULL JOIN:
        COALESCE of both), and comes first in `SELECT *`."""
        right = self.sources[-1]
        right_columns = [c.name for c in right.table.columns]
        left = self.visible[: len(self.visible) - len(right_columns)]
        if join.args.get("using"):
            names = [_folded(i) for i in join.args["using"]]
        else:  # NATURAL: the names both sides have, in the left side's order
            names = [n for n, _ in left if n in right_columns]
        conditions: list[exp.Expression] = []
        merged: list[tuple[str, exp.Expression]] = []
        for name in dict.fromkeys(names):
            found = [e for n, e in left if n == name]
            if len(found) != 1 or name not in right_columns:
                raise NotSimple(f"USING ({name}): not one column of each side")
            mine = exp.column(name, table=right.alias, quoted=True)
            conditions.append(exp.EQ(this=found[0].copy(), expression=mine.copy()))
            both = exp.Coalesce(this=found[0].copy(), expressions=[mine.copy()])
            merged.append((name, {"right": mine, "full": both}.get(how, found[0])))
        on: exp.Expression | None = None
        for condition in conditions:
            on = condition if on is None else exp.And(this=on, expression=condition)
        if on is None and how != "inner":  # NATURAL, nothing in common: an outer join ON TRUE
            on = exp.true()
        self.joins[-1] = ("cross" if on is None else how, on)
        self.merged.update(merged)
        taken = {n for n, _ in merged}
        self.visible = [
            *merged,
            *((n, e) for n, e in left if n not in taken),
            *((n, e) for n, e in self.visible[len(left) :] if n not in taken),
        ]

    def _add(self, node: exp.Expression, how: str, on: exp.Expression | None) -> None:
        if id(node) in self.derived:
            alias, planned = self.derived[id(node)]
            self._source(alias, self.ctes[planned], how, on, cte=True)
            return
        if not isinstance(node, exp.Table) or not isinstance(node.this, exp.Identifier):
            raise NotSimple(f"FROM {node.sql()}")
        name = _folded(node.this)
        key = f"{_folded(node.args.get('db'))}.{name}" if node.args.get("db") else name
        cte = self.ctes.get(name) if not node.args.get("db") else None
        table = cte or self.schema.table(key) or self.schema.table(name)
        if table is None:
            raise NotSimple(f"reads {key}, which is not a table of the schema (a view?)")
        alias = _folded(node.args["alias"].this) if node.args.get("alias") else name
        self._source(alias, table, how, on, cte=cte is not None)

    def _source(
        self, alias: str, table: Table, how: str, on: exp.Expression | None, cte: bool
    ) -> None:
        self.sources.append(_Source(alias, table, cte=cte))
        self.joins.append((how, on))
        self.visible += [
            (c.name, exp.column(c.name, table=alias, quoted=True)) for c in table.columns
        ]

    def column(self, node: exp.Column) -> str:
        """The environment key of a column or parameter reference."""
        if node.args.get("db") or node.args.get("catalog"):
            raise NotSimple(f"qualified reference {node.sql()}")
        name, qualifier = _folded(node.this), _folded(node.args.get("table"))
        if qualifier:
            for i, source in enumerate(self.sources):
                if source.alias == qualifier and source.has(name):
                    return self._use(i, name)
            if self.outer is not None and all(s.alias != qualifier for s in self.sources):
                return self._outer(node)
            if qualifier == self.fn_name and name in self.params:
                return self._param(self.params[name])
            if qualifier in self.params:
                return self._field(self.params[qualifier], name, node)
            raise NotSimple(f"unknown reference {node.sql()}")
        merged = self.merged.get(name)  # a column JOIN ... USING merged
        if isinstance(merged, exp.Column):
            return self.column(merged)
        if merged is not None:
            raise NotSimple(f"{name} of a FULL JOIN ... USING read as a key")
        found = [i for i, source in enumerate(self.sources) if source.has(name)]
        if not found and self.outer is not None:
            return self._outer(node)
        if len(found) == 1 and name in self.variables:
            raise NotSimple(f"ambiguous reference {node.sql()} (a column and a plpgsql variable)")
        if len(found) == 1:
            return self._use(found[0], name)  # a column wins over a parameter, as in PostgreSQL
        if not found and name in self.params:
            return self._param(self.params[name])
        raise NotSimple(f"{'ambiguous' if found else 'unknown'} reference {node.sql()}")

    def positional(self, node: exp.Parameter) -> str:
        text = node.this.name if node.this is not None else ""
        if not text.isdigit() or not 1 <= int(text) <= len(self.ins):
            raise NotSimple(f"parameter reference ${text}")
        return self._param(int(text) - 1)

    def star(self, qualifier: str | None) -> list[tuple[str, str | exp.Expression]]:
        """`*` (FROM's output columns) or `t.*`: each column's name and its key, or the
        expression a FULL JOIN ... USING column is."""
        if qualifier is None:
            return [(n, self.column(e) if isinstance(e, exp.Column) else e.copy())
                    for n, e in self.visible]  # fmt: skip
        keys: list[tuple[str, str | exp.Expression]] = []
        for i, source in enumerate(self.sources):
            if source.alias == qualifier:
                keys += [(c.name, self._use(i, c.name)) for c in source.table.columns]
        if not keys:
            raise NotSimple(f"unknown {qualifier}.*")
        return keys

    def used(self, i: int, column: str) -> None:
        self._use(i, column)

    def _use(self, i: int, column: str) -> str:
        source = self.sources[i]
        if column not in source.used:
            source.used.append(column)
        key = f"{i}.{column}"
        self.types[key] = next(c.type for c in source.table.columns if c.name == column)
        self.types[key] = base(self.schema, self.types[key])
        return key

    def _outer(self, node: exp.Column) -> str:
        """A name the subquery's own FROM does not have: the outer query's (correlated),
        or, at the top, a parameter."""
        assert self.outer is not None
        key = self.outer.column(node)
        if key.startswith("$"):  # a parameter: the subquery has them too
            self.types[key] = self.outer.types[key]
            return key
        if key not in self.outer_used:
            self.outer_used.append(key)
        self.types[f"^{key}"] = self.outer.types[key]
        return f"^{key}"

    def _field(self, i: int, name: str, node: exp.Column) -> str:
        """`c.email` where parameter c is a row of a table: the field of the argument."""
        row = row_of(self.schema, base(self.schema, self.ins[i].type))
        fields = dict(row[2]) if row is not None else {}
        t = fields.get(name)
        if t is None:
            raise NotSimple(f"unknown reference {node.sql()}")
        self.types[f"${i}.{name}"] = base(self.schema, t)
        return f"${i}.{name}"

    def _param(self, i: int) -> str:
        self.types[f"${i}"] = bare(base(self.schema, self.ins[i].type))
        return f"${i}"


class _Builder:
    """Compiles the SELECT's expressions, each a function of environment keys."""

    def __init__(
        self, dialect: str, stub: str, scope: _Scope, shared: tuple[list[str], dict[str, str]],
        lists: ColumnLists,
    ) -> None:  # fmt: skip
        self.dialect, self.stub, self.scope, self.lists = dialect, stub, scope, lists
        # the compiled functions of the whole body, and the name of each by its code: two
        # places compiling to the same code share one function
        self.sources, self.names = shared
        self.count = 0  # the functions this builder compiled
        self.subs: list[str] = []  # `Sub(...)` sources: its subqueries
        self.tables: list[str] = []  # the tables the subqueries read
        self.aggs: list[str] = []  # `Agg(...)` sources
        self.agg_types: dict[str, SqlType] = {}
        self.placed: set[int] = set()  # ids of the key columns put in place of SQL
        self.out_types: list[SqlType | None] = []
        self.kept: list[exp.Expression] = []
        self.plain: dict[str, str] = {}  # `rel.Expr(rel.value, (key,))` source -> its key
        self.ctes: list[str] = []  # `(name, Query(...))` sources: WITH's queries

    def _placed(self, key: str) -> exp.Column:
        node = exp.column(key, quoted=True)
        self.placed.add(id(node))
        self.kept.append(node)  # alive, so that no other node gets its id
        return node

    def query(self, select: exp.Select, outputs: list[tuple[str, SqlType | None]]) -> TableBody:
        scope = self.scope
        items = self._items(select)
        if len(items) != len(outputs):
            raise NotSimple(f"the SELECT returns {len(items)} columns, the function"
                            f" {len(outputs)}")  # fmt: skip
        aliases = {alias: i for i, (alias, _) in enumerate(items) if alias}
        group = [self._group_item(g, items, aliases) for g in _group_of(select)]
        having = select.args.get("having")
        having_src = (
            self.expr(self._aggregates(having.this), predicate=True, copy=False) if having else None
        )
        compiled = [
            self._compiled(self._aggregates(e), t, False, copy=False)
            for (_, e), (_, t) in zip(items, outputs, strict=True)
        ]
        projected = [src for src, _ in compiled]
        self.out_types = [t for _, t in compiled]
        order = [self._order(o, aliases, len(items)) for o in _order_of(select)]
        where = select.args.get("where")
        where_src = self.expr(where.this, predicate=True) if where else None
        ons = [self.expr(on, predicate=True) if on is not None else None for _, on in scope.joins]
        limit, offset = self._bound(select, "limit"), self._bound(select, "offset")
        joins = [  # rendered last: the expressions above say which columns each source reads
            f"rel.Join({self._source(i)}, {pystr(how)}, {ons[i]})"
            for i, (how, _) in enumerate(scope.joins[1:], 1)
        ]
        fields = {
            "source": self._source(0) if scope.sources else None,
            "joins": _tuple(joins),
            "where": where_src,
            "group": _tuple(group),
            "aggs": _tuple(self.aggs),
            "grouped": bool(group or self.aggs),
            "having": having_src,
            "select": self._columns(projected) or _tuple(projected),
            "distinct": bool(select.args.get("distinct")),
            "order": _tuple(order),
            "limit": limit,
            "offset": offset,
            "names": self.lists.ref(tuple(n for n, _ in outputs)),
            "subqueries": _tuple(self.subs),
            "ctes": _tuple(self.ctes),
        }
        defaults = {"joins": "()", "group": "()", "aggs": "()", "grouped": False,
                    "order": "()", "distinct": False, "subqueries": "()", "ctes": "()"}  # fmt: skip
        args = ", ".join(
            f"{k}={v}" for k, v in fields.items() if v is not None and defaults.get(k) != v
        )
        own = [s.table.key for s in scope.sources if not s.cte]
        tables = tuple(dict.fromkeys([*own, *self.tables]))
        return TableBody(tuple(self.sources), f"rel.Query({args})", tables)

    def write(
        self, tree: exp.Insert | exp.Update | exp.Delete, outputs: list[tuple[str, SqlType | None]]
    ) -> TableBody:
        """One INSERT ... VALUES, UPDATE or DELETE on a table with a primary key (a changed
        or deleted row is found again by it), its RETURNING list over the stored rows."""
        table = self.scope.sources[0].table
        op = type(tree).__name__.lower()
        fields: dict[str, str | None] = {"op": pystr(op), "table": pystr(table.key)}
        if isinstance(tree, exp.Insert):
            fields.update(self._insert(tree, table))
        else:
            key = table.primary_key.columns if table.primary_key is not None else ()
            if not key:
                raise NotSimple(f"{op.upper()} of {table.key}, which has no primary key")
            for column in key:
                self.scope.used(0, column)
            fields["key"] = py(tuple(key))
            if isinstance(tree, exp.Update):
                fields.update(self._set(tree, table))
            where = tree.args.get("where")
            fields["where"] = self.expr(where.this, predicate=True) if where else None
        returning = tree.args.get("returning")
        items = self._items(returning) if returning is not None else []
        if len(items) != len(outputs):
            raise NotSimple(f"RETURNING gives {len(items)} columns, the function {len(outputs)}")
        fields["returning"] = _tuple(
            [
                self.expr(e, result=t, copy=id(e) not in self.placed)
                for (_, e), (_, t) in zip(items, outputs, strict=True)
            ]
        )
        fields["names"] = self.lists.ref(tuple(n for n, _ in outputs))
        fields["source"] = self._source(0)
        args = ", ".join(f"{k}={v}" for k, v in fields.items() if v not in (None, "()"))
        return TableBody(tuple(self.sources), f"rel.Write({args})", (table.key,))

    def _insert(self, tree: exp.Insert, table: Table) -> dict[str, str]:
        target = tree.this
        names = (
            [_folded(i) for i in target.expressions]
            if isinstance(target, exp.Schema)
            else [c.name for c in table.columns]
        )
        types = {c.name: c.type for c in table.columns}
        if any(n not in types for n in names):
            raise NotSimple(f"INSERT into a column {table.key} does not have")
        rows = []
        defaulted: set[str] = set()  # the columns a VALUES row leaves to their DEFAULT
        for row in tree.expression.expressions:
            values = row.expressions if isinstance(row, exp.Tuple) else [row]
            if len(values) != len(names):
                raise NotSimple("a VALUES row of another width than the column list")
            default = [isinstance(v, exp.Var) and v.name.upper() == "DEFAULT" for v in values]
            defaulted |= {n for n, d in zip(names, default, strict=True) if d}
            rows.append(_tuple([
                "None" if d else self.expr(v, result=base(self.scope.schema, types[n]))
                for n, v, d in zip(names, values, default, strict=True)
            ]))  # fmt: skip
        conflict = tree.args.get("conflict")
        found = _conflict(conflict, names, defaulted) if conflict is not None else {}
        return {"columns": py(tuple(names)), "values": _tuple(rows), **found}

    def _set(self, tree: exp.Update, table: Table) -> dict[str, str]:
        names, values = [], []
        types = {c.name: c.type for c in table.columns}
        for item in tree.expressions:
            if not isinstance(item, exp.EQ) or not isinstance(item.this, exp.Column):
                raise NotSimple(f"SET {item.sql()}")
            name = _folded(item.this.this)
            if name not in types:
                raise NotSimple(f"SET of a column {table.key} does not have")
            names.append(name)
            values.append(self.expr(item.expression, result=base(self.scope.schema, types[name])))
        for column in table.columns:  # an UPDATE reads, and returns, whole rows
            self.scope.used(0, column.name)
        return {"columns": py(tuple(names)), "values": f"({_tuple(values)},)"}

    def _items(self, select: exp.Expression) -> list[tuple[str | None, exp.Expression]]:
        items: list[tuple[str | None, exp.Expression]] = []
        for e in select.expressions:
            if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and e.is_star):
                qualifier = _folded(e.args.get("table")) if isinstance(e, exp.Column) else None
                for name, key in self.scope.star(qualifier or None):
                    items.append((name, self._placed(key) if isinstance(key, str) else key))
            elif isinstance(e, exp.Alias):
                items.append((_folded(e.args["alias"]), e.this))
            else:
                items.append((_folded(e.this) if isinstance(e, exp.Column) else None, e))
        return items

    def _group_item(
        self, g: exp.Expression, items: list[tuple[str | None, exp.Expression]],
        aliases: dict[str, int],
    ) -> str:  # fmt: skip
        """GROUP BY 1, and GROUP BY a name no input column has, mean an output column."""
        if isinstance(g, exp.Literal) and g.is_int and 1 <= int(g.name) <= len(items):
            g = items[int(g.name) - 1][1]
        elif (
            isinstance(g, exp.Column) and not g.args.get("table") and _folded(g.this) in aliases
            and not any(s.has(_folded(g.this)) for s in self.scope.sources)
        ):  # fmt: skip
            g = items[aliases[_folded(g.this)]][1]
        return self.expr(g)

    def _order(self, o: exp.Ordered, aliases: dict[str, int], width: int) -> str:
        e = o.this
        position = None
        if isinstance(e, exp.Literal) and e.is_int and 1 <= int(e.name) <= width:
            position = int(e.name) - 1
        elif isinstance(e, exp.Column) and not e.args.get("table") and _folded(e.this) in aliases:
            position = aliases[_folded(e.this)]
        if position is not None:
            t = self.out_types[position]
            key = f"rel.Expr(rel.value, ({pystr(f'@{position}')},))"
        else:
            key, t = self._compiled(self._aggregates(e), None, False, copy=False)
        labels = self._labels(t)
        if labels is None:
            _orderable(t, "ORDER BY")
        desc = bool(o.args.get("desc"))
        nulls_first = o.args.get("nulls_first")
        nulls_first = desc if nulls_first is None else bool(nulls_first)
        return f"rel.Order({key}, {desc}, {nulls_first}{f', {py(labels)}' if labels else ''})"

    def _labels(self, t: SqlType | None) -> tuple[str, ...] | None:
        """An enum's labels, in the order its values sort (the order of CREATE TYPE)."""
        if t is None or t.category != "enum" or not t.name:
            return None
        enum = self.scope.schema.enum(t.name)
        return tuple(enum.labels) if enum is not None and enum.labels else None

    def _bound(self, select: exp.Select, key: str) -> str | None:
        node = select.args.get(key)
        if node is None:
            return None
        value = node.args.get("expression")
        return self.expr(value if value is not None else node.this, result=T.BIGINT)

    def _source(self, i: int) -> str:
        source = self.scope.sources[i]
        columns = tuple(c.name for c in source.table.columns if c.name in source.used)
        listed = self.lists.ref(columns, source.table)
        cte = ", cte=True" if source.cte else ""
        return f"rel.Source({pystr(source.table.key)}, {listed}{cte})"

    def _columns(self, projected: list[str]) -> str | None:
        """`rel.columns(n, <list>)` for a select list reading FROM's n-th table's columns as
        they are (`SELECT t.*`, `SELECT t.a, t.b`); None for any other."""
        keys = [self.plain.get(src, "") for src in projected]
        sources = {k.split(".", 1)[0] for k in keys}
        if len(keys) < 2 or len(sources) != 1 or not keys[0][:1].isdigit():
            return None  # "0.a"; never "$0", "#0", "%0", "^0.a" or "@0"
        n = int(sources.pop())
        columns = tuple(k.split(".", 1)[1] for k in keys)
        return f"rel.columns({n}, {self.lists.ref(columns, self.scope.sources[n].table)})"

    def _aggregates(self, tree: exp.Expression) -> exp.Expression:
        """Each aggregate call replaced by its `#n` key, its argument compiled per row."""
        if id(tree) in self.placed:
            return tree
        tree = self._subqueries(exp.Paren(this=tree.copy()))  # a root is replaced via its parent
        for node in list(tree.walk()):
            if id(node) in self.placed or not isinstance(node, exp.AggFunc):
                continue
            func = _AGGREGATES.get(type(node))
            if func is None:
                raise NotSimple(f"aggregate {node.sql(dialect=self.dialect)}")
            key = f"#{len(self.aggs)}"
            self.aggs.append(self._agg(func, node, key))
            node.replace(self._placed(key))
        return tree

    def _agg(self, func: str, node: exp.AggFunc, key: str) -> str:
        arg = node.this
        distinct = isinstance(arg, exp.Distinct)
        if distinct:
            if len(arg.expressions) != 1:
                raise NotSimple(f"aggregate {node.sql(dialect=self.dialect)}")
            arg = arg.expressions[0]
        if isinstance(arg, exp.Star):
            self.agg_types[key] = T.BIGINT
            return 'rel.Agg("count", None, False, "other")'
        compiled_src, t = self._compiled(arg, None, False, copy=True)
        if "'^" in compiled_src or '"^' in compiled_src:  # PostgreSQL: the outer query's
            raise NotSimple(f"an aggregate of the outer query's columns: {node.sql()}")
        category = t.category if t is not None else "unknown"
        kind = {"smallint": "int", "integer": "int", "bigint": "bigint", "numeric": "numeric",
                "real": "float", "double": "float"}.get(category, "other")  # fmt: skip
        if func in ("sum", "avg") and kind == "other":
            raise NotSimple(f"{func}() of {category}")
        labels = self._labels(t) if func in ("min", "max") else None
        if func in ("min", "max") and labels is None:
            _orderable(t, f"{func}()")
        self.agg_types[key] = _agg_type(func, kind, t)
        extra = f", {py(labels)}" if labels else ""
        return f"rel.Agg({pystr(func)}, {compiled_src}, {distinct}, {pystr(kind)}{extra})"

    def expr(
        self, tree: exp.Expression, *, predicate: bool = False, result: SqlType | None = None,
        copy: bool = True,
    ) -> str:  # fmt: skip
        return self._compiled(tree, result, predicate, copy)[0]

    def _compiled(
        self, tree: exp.Expression, result: SqlType | None, predicate: bool, copy: bool
    ) -> tuple[str, SqlType | None]:
        """`rel.Expr(fn, keys)` source for an expression, and its type. Without `copy`,
        the tree is the builder's own (from `_aggregates`) and its key columns stay."""
        if copy:
            tree = tree.copy()
        tree = self._subqueries(exp.Paren(this=tree))  # a root is replaced via its parent
        for node in list(tree.walk()):  # FULL JOIN ... USING's columns: COALESCE(l, r)
            if isinstance(node, exp.Column) and not node.is_star and not node.table:
                merged = self.scope.merged.get(_folded(node.this))
                if merged is not None and not isinstance(merged, exp.Column):
                    node.replace(merged.copy())
        for node in list(tree.walk()):
            if id(node) in self.placed:
                continue
            if isinstance(node, exp.Column) and not node.is_star:
                node.replace(self._placed(self._key(node)))
            elif isinstance(node, exp.Parameter):
                node.replace(self._placed(self.scope.positional(node)))
            elif isinstance(node, exp.Star):
                raise NotSimple("* outside the select list")
        sql = tree.sql(dialect=of(self.dialect).sqlglot)
        types = {**self.scope.types, **self.agg_types}
        name = f"_q_{self.stub}_{self.count}"
        self.count += 1
        if predicate:
            compiled = sqlexpr.compile_predicate(sql, self.dialect, types, name=name)
        else:
            compiled = sqlexpr.compile_expression(
                sql, self.dialect, types, name=name, result_type=result
            )
        if compiled.unsupported:
            raise NotSimple(f"unsupported {compiled.unsupported}")
        python = compiled.python_params
        if len(python) == 1 and compiled.source.rstrip().endswith(f"\n    return {python[0]}"):
            src = f"rel.Expr(rel.value, {py(compiled.params)})"
            self.plain[src] = compiled.params[0]
            return src, compiled.result_type
        code = compiled.source.split("(", 1)[1]
        if code not in self.names:
            self.names[code] = name
            self.sources.append(compiled.source)
        return f"rel.Expr({self.names[code]}, {py(compiled.params)})", compiled.result_type

    def _subqueries(self, tree: exp.Expression) -> exp.Expression:
        """Each subquery planned on its own and replaced by the key of what it gives:
        `x IN (SELECT ...)` becomes `x = ANY (<its values>)`, EXISTS a boolean, a scalar
        subquery its value. One that reads the outer row (correlated) runs per outer value."""
        while True:
            found = [n for n in tree.find_all(*_SUBQUERIES) if id(n) not in self.placed]
            if not found:
                return tree
            node: exp.Expression = found[0]
            parent = node.parent
            assert parent is not None  # the root is a Paren
            select = node.this
            if not isinstance(select, exp.Select):
                raise NotSimple(f"subquery {node.sql(dialect=self.dialect)}")
            kind = "exists" if isinstance(node, exp.Exists) else "value"
            if isinstance(parent, exp.In) and parent.args.get("query") is node:
                kind = "list"
            key, t = self._sub(select, kind)
            column = self._placed(key)
            if kind == "list":
                assert isinstance(parent, exp.In)
                replacement: exp.Expression = exp.EQ(
                    this=parent.this, expression=exp.Any(this=column)
                )
                self.scope.types[key] = SqlType("array", f"{t.sql}[]", element=t)
                parent.replace(replacement)
            else:
                self.scope.types[key] = T.BOOLEAN if kind == "exists" else t
                node.replace(column)

    def _sub(self, select: exp.Select, kind: str) -> tuple[str, SqlType]:
        key = f"%{len(self.subs)}"
        scope = _Scope(self.scope.schema, select, "", self.scope.ins, self.scope.ctes)
        scope.fn_name, scope.variables = self.scope.fn_name, self.scope.variables
        scope.outer = self.scope
        shared = (self.sources, self.names)
        sub = _Builder(self.dialect, f"{self.stub}_s{len(self.subs)}", scope, shared, self.lists)
        width = len(sub._items(select))
        if kind != "exists" and width != 1:
            raise NotSimple(f"a subquery returning {width} columns")
        try:
            body = sub.query(select, [(f"c{i}", None) for i in range(width)])
        except NotSimple as why:
            raise NotSimple(f"a subquery out of reach ({why})") from None
        self.tables += body.tables
        outer = f", {py(tuple(scope.outer_used))}" if scope.outer_used else ""
        self.subs.append(f"rel.Sub({pystr(key)}, {body.query}, {pystr(kind)}{outer})")
        t = sub.out_types[0] if sub.out_types else None
        if t is None and kind != "exists":
            raise NotSimple("a subquery whose type is unknown")
        return key, t or T.BOOLEAN

    def _key(self, node: exp.Column) -> str:
        return self.scope.column(node)


def _conflict(conflict: exp.OnConflict, names: list[str], defaulted: set[str]) -> dict[str, str]:
    """ON CONFLICT (keys) DO NOTHING, or DO UPDATE SET each inserted column (the keys may be
    left out) = EXCLUDED.column: what `Database.upsert` does. Anything else is refused."""
    if any(conflict.args.get(k) for k in ("constraint", "where", "duplicate")):
        raise NotSimple("ON CONFLICT ON CONSTRAINT / ... WHERE")
    ordered = conflict.args.get("conflict_keys") or []
    if not ordered or not all(isinstance(o, exp.Ordered) and isinstance(o.this, exp.Column)
                              and not o.this.table for o in ordered):  # fmt: skip
        raise NotSimple("ON CONFLICT without a list of columns")
    keys = [_folded(o.this.this) for o in ordered]
    action = conflict.args.get("action")
    if action is not None and action.name.upper() == "DO NOTHING":
        return {"conflict": py(tuple(keys)), "ignore": "True"}
    sets = set()
    for item in conflict.expressions:
        target, value = item.this, item.expression
        if not (isinstance(item, exp.EQ) and isinstance(target, exp.Column)
                and isinstance(value, exp.Column) and _folded(value.args.get("table")) == "excluded"
                and _folded(target.this) == _folded(value.this) and not target.table):  # fmt: skip
            raise NotSimple(f"ON CONFLICT DO UPDATE SET {item.sql()}")
        sets.add(_folded(target.this))
    if sets - set(keys) != set(names) - set(keys) or not sets <= set(names) or sets & defaulted:
        raise NotSimple("ON CONFLICT DO UPDATE SET other than each column given = EXCLUDED")
    return {"conflict": py(tuple(keys))}


# ordered in Python as the database orders them (text: by code point, the C collation)
_ORDERABLE = ("smallint", "integer", "bigint", "numeric", "real", "double", "text", "varchar",
              "char", "boolean", "date", "time", "timestamp", "timestamptz", "uuid")  # fmt: skip


def _orderable(t: SqlType | None, what: str) -> None:
    category = t.category if t is not None else "unknown"
    if category not in _ORDERABLE:
        raise NotSimple(f"{what} a value of type {t.sql if t is not None else 'unknown'}"
                        " (its order is not modelled)")  # fmt: skip


def _agg_type(func: str, kind: str, t: SqlType | None) -> SqlType:
    if func == "count":
        return T.BIGINT
    if func == "sum":
        return {"int": T.BIGINT, "bigint": T.NUMERIC, "numeric": T.NUMERIC}.get(kind, t or T.DOUBLE)
    if func == "avg":
        return T.DOUBLE if kind == "float" else T.NUMERIC
    return t if t is not None else T.UNKNOWN


def _group_of(select: exp.Select) -> list[exp.Expression]:
    group = select.args.get("group")
    if group is None:
        return []
    if any(group.args.get(k) for k in ("grouping_sets", "cube", "rollup")):
        raise NotSimple("GROUPING SETS / CUBE / ROLLUP")
    return list(group.expressions)


def _order_of(select: exp.Select) -> list[exp.Ordered]:
    order = select.args.get("order")
    return list(order.expressions) if order is not None else []


def _tuple(items: list[str]) -> str:
    if not items:
        return "()"
    return f"({', '.join(items)}{',' if len(items) == 1 else ''})"
