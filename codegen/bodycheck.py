"""Function bodies checked against the schema model: drift between SQL and SQL.

PostgreSQL checks the tables and columns a function body reads only when the function runs
(the plpgsql_check extension exists for this reason), so a migration that renames
`subscriptions.seats` leaves `org_mrr_cents` broken until production calls it. This module
reads every `LANGUAGE sql` and `plpgsql` body with pglast (`parse_sql`, `parse_plpgsql`),
resolves each table and column reference in its scope (FROM items, aliases, CTEs,
subqueries, parameters, plpgsql variables and record variables) and reports the references
the current model does not have, naming the migration that renamed or dropped the target:

    org_mrr_cents reads subscriptions.seats, renamed to seat_count at 0005_rename.sql:3

A reference it cannot resolve (a set-returning function, `SELECT *` of an unknown relation,
a record whose query is dynamic) is given the benefit of the doubt: no false alarms. Dynamic
SQL (`EXECUTE`) cannot be checked; it is listed instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pglast
from pglast import ast

from .catalog import Event
from .dialect import of
from .errors import Diagnostic
from .model import Function, Location, Schema
from .naming import quote_ident
from .sqlout import type_sql

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_temp", "pg_toast")
DYNAMIC = {
    "PLpgSQL_stmt_dynexecute": "EXECUTE",
    "PLpgSQL_stmt_dynfors": "FOR ... IN EXECUTE",
    "PLpgSQL_stmt_return_query": "RETURN QUERY EXECUTE",  # only when it has `dynquery`
    "PLpgSQL_stmt_open": "OPEN ... FOR EXECUTE",  # only when it has `dynquery`
}
Columns = frozenset[str] | None  # None: not known statically (nothing is reported)


@dataclass(frozen=True)
class BodyReport:
    drift: tuple[Diagnostic, ...]  # references to what the model does not have: check fails
    unchecked: tuple[Diagnostic, ...]  # EXECUTE and bodies not parsed: listed, not failing


@dataclass(frozen=True)
class Rel:
    """A relation in scope: how the query names it, its columns, the model table it is."""

    name: str
    columns: Columns
    table: str | None = None
    label: str | None = None  # what messages call it when it is no table (a CTE's name)

    @property
    def shown(self) -> str:
        return self.table or self.label or self.name


@dataclass
class Scope:
    frames: list[dict[str, Rel]] = field(default_factory=list)  # innermost first
    ctes: dict[str, Columns] = field(default_factory=dict)
    outputs: frozenset[str] = frozenset()  # select-list names (ORDER BY may use them)

    def inner(self, frame: dict[str, Rel]) -> Scope:
        return Scope([frame, *self.frames], dict(self.ctes), self.outputs)


def check(schema: Schema, history: Sequence[Event] = ()) -> BodyReport:
    """Every SQL and plpgsql function body of `schema`, checked against its tables."""
    drift: list[Diagnostic] = []
    unchecked: list[Diagnostic] = []
    if not of(schema.dialect).pglast_bodies:
        return BodyReport((), ())
    files = _Files()
    for fn in schema.functions:
        language = fn.language.lower()
        if fn.body is None or language not in ("sql", "plpgsql"):
            continue
        body_line = files.body_line(fn)
        checker = _Checker(schema, history, fn, body_line)
        if language == "sql":
            checker.sql_body()
        else:
            checker.plpgsql_body()
        drift += checker.drift
        unchecked += checker.unchecked
    return BodyReport(tuple(drift), tuple(unchecked))


class _Files:
    """Where a function's body starts in its file (parse locations are body-relative)."""

    def __init__(self) -> None:
        self.texts: dict[str, str | None] = {}

    def body_line(self, fn: Function) -> int:
        where = fn.location
        if where.file not in self.texts:
            try:
                self.texts[where.file] = Path(where.file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self.texts[where.file] = None
        text = self.texts[where.file]
        if not text or not fn.body:
            return where.line
        start = sum(len(line) for line in text.splitlines(keepends=True)[: where.line - 1])
        found = text.find(fn.body, start)
        return where.line if found < 0 else text.count("\n", 0, found) + 1


# --------------------------------------------------------------------------- one function


class _Checker:
    def __init__(self, schema: Schema, history: Sequence[Event], fn: Function, line: int) -> None:
        self.schema = schema
        self.history = history
        self.fn = fn
        self.body_line = line  # file line of the body's first line
        self.line = line  # file line of the statement being checked (for messages)
        self.query = ""  # its text (the excerpt under the message)
        self.text, self.text_line = "", line  # what pglast parsed (offsets index it), its line
        self.variables: set[str] = {p.name for p in fn.params if p.name}
        self.variables.add(fn.name.rpartition(".")[2])  # `fn.param` in SQL functions
        self.records: dict[str, Rel] = {}  # record / row variables -> what they hold
        for p in fn.params:
            if p.name:
                self.records[p.name] = self._row_of(p.name, p.type.name or p.type.sql)
        self.drift: list[Diagnostic] = []
        self.unchecked: list[Diagnostic] = []
        self._seen: set[tuple[int, str]] = set()

    # -- bodies ----------------------------------------------------------------------------
    def sql_body(self) -> None:
        body = self.fn.body or ""
        if self.fn.body_style == "standard":
            atomic = re.fullmatch(r"\s*BEGIN\s+ATOMIC\b(.*?)\bEND\s*;?\s*", body, re.I | re.S)
            body = atomic.group(1) if atomic else f"SELECT {body}"  # the model keeps RETURN's
            # expression only
        try:
            statements = pglast.parse_sql(body)
        except pglast.parser.ParseError as error:
            self._unchecked(f"body not parsed ({error}); not checked against the schema")
            return
        self.text, self.text_line = body, self.body_line
        for raw in statements:
            offset = raw.stmt_location or 0
            self.line = self.body_line + body.count("\n", 0, offset)
            self.query = body[offset : offset + (raw.stmt_len or len(body))].strip()
            self.statement(raw.stmt, Scope())

    def plpgsql_body(self) -> None:
        try:
            tree = pglast.parse_plpgsql(create_statement(self.fn))
        except pglast.parser.ParseError as error:
            self._unchecked(f"plpgsql body not parsed ({error}); not checked against the schema")
            return
        function = tree[0]["PLpgSQL_function"]
        for datum in function.get("datums", ()):
            self._declare(datum)
        self._plpgsql(function.get("action"), self.body_line)

    def _declare(self, datum: dict[str, Any]) -> None:
        value = next(iter(datum.values()))
        name = value.get("refname")
        if not name or name.startswith("("):
            return
        self.variables.add(name)
        typname = value.get("datatype", {}).get("PLpgSQL_type", {}).get("typname", "")
        if typname.lower().endswith("%rowtype"):
            typname = typname[: -len("%rowtype")]
        if name not in self.records or typname:
            self.records[name] = self._row_of(name, typname)

    def _plpgsql(self, node: Any, line: int) -> None:
        """Walk the plpgsql tree in source order: SQL expressions are checked where they are,
        record variables get their columns from the query that fills them."""
        if isinstance(node, list):
            for item in node:
                self._plpgsql(item, line)
            return
        if not isinstance(node, dict):
            return
        line = self.body_line + node["lineno"] - 1 if "lineno" in node else line
        for kind, value in node.items():
            if not isinstance(value, dict):
                self._plpgsql(value, line)
                continue
            own = self.body_line + value["lineno"] - 1 if "lineno" in value else line
            dynamic = DYNAMIC.get(kind)
            always = kind in ("PLpgSQL_stmt_dynexecute", "PLpgSQL_stmt_dynfors")
            if dynamic and (always or "dynquery" in value):
                self.line = own
                query = value.get("query") or value.get("dynquery") or {}
                self.query = query.get("PLpgSQL_expr", {}).get("query", "")
                self._unchecked(f"{dynamic} (dynamic SQL) is not checked against the schema")
                continue
            if kind == "PLpgSQL_expr":
                self._expression(value, line)
                continue
            if kind in ("PLpgSQL_stmt_fors", "PLpgSQL_stmt_execsql"):
                self._fills_record(value, own)
            self._plpgsql(value, own)

    def _fills_record(self, stmt: dict[str, Any], line: int) -> None:
        """`FOR r IN SELECT ...` and `SELECT ... INTO r`: r has the query's columns."""
        target = stmt.get("var") or stmt.get("target") or {}
        record = target.get("PLpgSQL_rec", {}).get("refname")
        expr = (stmt.get("query") or stmt.get("sqlstmt") or {}).get("PLpgSQL_expr", {})
        if not record or not expr:
            return
        parsed = self._parse(expr, line, report=False)
        stmt_node = parsed[0].stmt if parsed else None
        if isinstance(stmt_node, ast.SelectStmt):
            before = (len(self.drift), set(self._seen))
            columns = self.select(stmt_node, Scope())
            del self.drift[before[0] :]  # reported again when the query itself is checked
            self._seen = before[1]
            sources = stmt_node.fromClause or ()
            single = sources[0] if len(sources) == 1 else None
            table = None
            if isinstance(single, ast.RangeVar):
                found = self.schema.table(_key(single.schemaname, single.relname or ""))
                table = found.key if found is not None else None
            self.records[record] = Rel(record, columns, table)

    def _expression(self, expr: dict[str, Any], line: int) -> None:
        for raw in self._parse(expr, line) or ():
            self.statement(raw.stmt, Scope())

    def _parse(self, expr: dict[str, Any], line: int, report: bool = True) -> Any:
        query = expr.get("query", "")
        mode = expr.get("parseMode", 0)
        if mode in (3, 4, 5):  # assignment `target := expression` (1, 2 or 3 name parts)
            query = re.sub(r"^[^:=]*:?=", "", query, count=1, flags=re.S)
        text = query if mode == 0 else f"SELECT {query}"
        self.line, self.query = line, query.strip()
        self.text, self.text_line = text, line
        try:
            return pglast.parse_sql(text)
        except pglast.parser.ParseError as error:
            if report:
                self._unchecked(f"SQL not parsed ({error}); not checked against the schema")
            return None

    # -- statements ------------------------------------------------------------------------
    def statement(self, node: Any, scope: Scope) -> None:
        handler = _STATEMENTS.get(type(node))
        if handler is not None:
            handler(self, node, scope)
        else:
            self.expressions(node, scope)

    def select(self, node: Any, scope: Scope) -> Columns:
        """Check a SELECT; returns its output column names (None when not known)."""
        scope = self.with_clause(node.withClause, scope)
        if node.larg is not None and node.rarg is not None:  # UNION / INTERSECT / EXCEPT
            columns = self.select(node.larg, scope)
            self.select(node.rarg, scope)
            return columns
        frame = self.from_items(node.fromClause or (), scope)
        inner = scope.inner(frame)
        outputs = self.outputs(node.targetList or (), frame)
        self.expressions(node.targetList, inner)
        inner.outputs = outputs or frozenset()
        for part in (node.whereClause, node.groupClause, node.havingClause, node.sortClause,
                     node.windowClause, node.distinctClause, node.valuesLists,
                     node.limitCount, node.limitOffset):  # fmt: skip
            self.expressions(part, inner)
        return outputs

    def insert(self, node: Any, scope: Scope) -> None:
        scope = self.with_clause(node.withClause, scope)
        target = self.range_var(node.relation, scope)
        for col in node.cols or ():
            self.writes(target, col.name)
        if node.selectStmt is not None:
            self.statement(node.selectStmt, scope)
        frame = {target.name: target, "excluded": Rel("excluded", target.columns, target.table)}
        conflict = node.onConflictClause
        if conflict is not None:
            for res in conflict.targetList or ():
                self.writes(target, res.name)
            self.expressions((conflict.targetList, conflict.whereClause), scope.inner(frame))
        self.expressions(_returning(node), scope.inner({target.name: target}))

    def update(self, node: Any, scope: Scope) -> None:
        scope = self.with_clause(node.withClause, scope)
        target = self.range_var(node.relation, scope)
        frame = {target.name: target, **self.from_items(node.fromClause or (), scope)}
        for res in node.targetList or ():
            self.writes(target, res.name)
        inner = scope.inner(frame)
        self.expressions((node.targetList, node.whereClause, _returning(node)), inner)

    def delete(self, node: Any, scope: Scope) -> None:
        scope = self.with_clause(node.withClause, scope)
        target = self.range_var(node.relation, scope)
        frame = {target.name: target, **self.from_items(node.usingClause or (), scope)}
        self.expressions((node.whereClause, _returning(node)), scope.inner(frame))

    def with_clause(self, clause: Any, scope: Scope) -> Scope:
        if clause is None:
            return scope
        scope = Scope(scope.frames, dict(scope.ctes), scope.outputs)
        for cte in clause.ctes or ():
            if clause.recursive:
                scope.ctes[cte.ctename] = None
            query = cte.ctequery
            columns = self.select(query, scope) if isinstance(query, ast.SelectStmt) else None
            if not isinstance(query, ast.SelectStmt):
                self.statement(query, scope)
            if cte.aliascolnames:
                columns = frozenset(c.sval for c in cte.aliascolnames)
            scope.ctes[cte.ctename] = columns
        return scope

    # -- FROM ------------------------------------------------------------------------------
    def from_items(self, items: Sequence[Any], scope: Scope) -> dict[str, Rel]:
        frame: dict[str, Rel] = {}
        for item in items:
            self.from_item(item, scope, frame)
        return frame

    def from_item(self, item: Any, scope: Scope, frame: dict[str, Rel]) -> None:
        if isinstance(item, ast.RangeVar):
            rel = self.range_var(item, scope)
            frame[rel.name] = rel
        elif isinstance(item, ast.JoinExpr):
            self.from_item(item.larg, scope, frame)
            self.from_item(item.rarg, scope, frame)
            self.expressions(item.quals, scope.inner(frame))
        elif isinstance(item, ast.RangeSubselect):
            outer = scope.inner(frame) if item.lateral else scope
            columns = self.select(item.subquery, outer)
            name = _alias_name(item)
            frame[name] = Rel(name, _aliased(columns, item.alias))
        elif isinstance(item, ast.RangeFunction):
            self.expressions(item.functions, scope.inner(frame) if item.lateral else scope)
            name = _alias_name(item)
            frame[name] = Rel(name, None)
        else:
            self.expressions(item, scope)

    def range_var(self, node: Any, scope: Scope) -> Rel:
        alias = node.alias.aliasname if node.alias else node.relname
        if node.schemaname is None and node.relname in scope.ctes:
            return Rel(alias, _aliased(scope.ctes[node.relname], node.alias), label=node.relname)
        key = _key(node.schemaname, node.relname)
        table = self.schema.table(key)
        if table is not None:
            columns: Columns = frozenset(c.name for c in table.columns)
            return Rel(alias, _aliased(columns, node.alias), table.key)
        view = next((v for v in self.schema.views if v.name == key), None)
        if view is not None:
            return Rel(alias, _aliased(frozenset(view.columns) or None, node.alias))
        if node.schemaname not in SYSTEM_SCHEMAS and not node.relname.startswith("pg_"):
            self._drift(f"uses table {key}, {self._table_fate(key)}", node.location or 0)
        return Rel(alias, None)

    def outputs(self, targets: Sequence[Any], frame: dict[str, Rel]) -> Columns:
        names: set[str] = set()
        for res in targets:
            if res.name:
                names.add(res.name)
                continue
            value = res.val
            if not isinstance(value, ast.ColumnRef):
                names.add("?column?")
                continue
            fields = tuple(value.fields or ())
            if isinstance(fields[-1], ast.A_Star):
                rels = (
                    [frame.get(f.sval) for f in fields[:-1]] if len(fields) > 1 else frame.values()
                )
                for rel in rels:
                    if rel is None or rel.columns is None:
                        return None
                    names |= rel.columns
            else:
                names.add(fields[-1].sval)
        return frozenset(names)

    # -- expressions -----------------------------------------------------------------------
    def expressions(self, node: Any, scope: Scope) -> None:
        for found in _walk(node):
            if isinstance(found, ast.ColumnRef):
                self.column(found, scope)
            elif type(found) in _STATEMENTS:
                self.statement(found, scope)

    def column(self, node: Any, scope: Scope) -> None:
        fields = node.fields
        if isinstance(fields[-1], ast.A_Star) or not all(isinstance(f, ast.String) for f in fields):
            return
        names = [f.sval for f in fields]
        where = node.location or 0
        if len(names) == 1:
            self._unqualified(names[0], scope, where)
            return
        qualifier, column = names[-2], names[-1]
        if len(names) == 2 and qualifier in self.records and not _in_scope(qualifier, scope):
            record = self.records[qualifier]
            if record.columns is not None and column not in record.columns:
                of = f" (a row of {record.table})" if record.table else ""
                fate = self._column_fate(record, column)
                self._drift(f"reads {qualifier}.{column}{of}, {fate}", where)
            return
        rel = _find(scope, qualifier, _key(names[-3], qualifier) if len(names) == 3 else None)
        if rel is None or rel.columns is None or column in rel.columns:
            return
        what = rel.shown
        self._drift(f"reads {what}.{column}, {self._column_fate(rel, column)}", where)

    def _unqualified(self, name: str, scope: Scope, where: int) -> None:
        if name in self.variables or name in scope.outputs or _in_scope(name, scope):
            return  # a variable, a select-list name, or a whole-row reference
        rels = [rel for frame in scope.frames for rel in frame.values()]
        if not rels or any(r.columns is None or name in r.columns for r in rels):
            return
        hints = [f"{r.shown}.{name}: {self._column_fate(r, name)}" for r in rels]
        moved = [h for h in hints if "renamed" in h or "dropped" in h]
        self._drift(
            f"reads column {name}, which none of {', '.join(sorted({r.shown for r in rels}))}"
            " has" + (f" ({'; '.join(moved)})" if moved else ""),
            where,
        )

    def writes(self, target: Rel, column: str | None) -> None:
        if column and target.columns is not None and column not in target.columns:
            self._drift(
                f"writes {target.shown}.{column}, {self._column_fate(target, column)}",
                0,
            )

    # -- history ---------------------------------------------------------------------------
    def _column_fate(self, rel: Rel, column: str) -> str:
        if rel.table is None:
            return f"which {rel.name if rel.name in self.records else rel.shown} does not have"
        names = self._earlier_names(rel.table)
        for event in reversed(self.history):
            if event.table in names and event.column == column:
                if event.kind == "rename column":
                    return f"renamed to {event.new} at {_where(event.location)}"
                if event.kind == "drop column":
                    return f"dropped at {_where(event.location)}"
        return f"which {rel.table} does not have"

    def _table_fate(self, key: str) -> str:
        for event in reversed(self.history):
            if event.table == key and event.kind == "rename table":
                return f"renamed to {event.new} at {_where(event.location)}"
            if event.table == key and event.kind == "drop table":
                return f"dropped at {_where(event.location)}"
        return "which does not exist"

    def _earlier_names(self, key: str) -> set[str]:
        names = {key}
        for event in reversed(self.history):
            if event.kind == "rename table" and _key_after_rename(event) in names:
                names.add(event.table)
        return names

    def _row_of(self, name: str, type_name: str) -> Rel:
        """A variable of a table's row type holds its columns; any other, nothing known."""
        table = self.schema.table(type_name.strip().strip('"')) if type_name else None
        if table is None:
            return Rel(name, None)
        return Rel(name, frozenset(c.name for c in table.columns), table.key)

    # -- reporting -------------------------------------------------------------------------
    def _drift(self, message: str, offset: int) -> None:
        line = self.text_line + self.text.count("\n", 0, offset) if offset else self.line
        if (line, message) in self._seen:
            return
        self._seen.add((line, message))
        where = Location(self.fn.location.file, line)
        self.drift.append(Diagnostic(where, f"{self.fn.name} {message}", self.query))

    def _unchecked(self, message: str) -> None:
        where = Location(self.fn.location.file, self.line)
        self.unchecked.append(Diagnostic(where, f"{self.fn.name}: {message}", self.query))


_STATEMENTS: dict[type, Callable[[_Checker, Any, Scope], Any]] = {
    ast.SelectStmt: _Checker.select,
    ast.InsertStmt: _Checker.insert,
    ast.UpdateStmt: _Checker.update,
    ast.DeleteStmt: _Checker.delete,
}


# ------------------------------------------------------------------------------- helpers


def _walk(node: Any) -> Iterator[Any]:
    """Column references and nested statements below `node`, not descending into either."""
    if node is None or isinstance(node, (str, int, float, bool)):
        return
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)
        return
    if isinstance(node, ast.ColumnRef) or type(node) in _STATEMENTS:
        yield node
        return
    if isinstance(node, ast.Node):
        for slot in getattr(type(node), "__slots__", ()):
            yield from _walk(getattr(node, slot, None))


def _returning(node: Any) -> Any:
    """RETURNING (a list before PostgreSQL 18's parse tree, a ReturningClause since)."""
    return getattr(node, "returningClause", None) or getattr(node, "returningList", None)


def _alias_name(item: Any) -> str:
    return str(item.alias.aliasname) if item.alias is not None else ""


def _key(schema: str | None, name: str) -> str:
    return name if schema in (None, "public") else f"{schema}.{name}"


def _key_after_rename(event: Event) -> str:
    schema, _, _ = event.table.rpartition(".")
    return f"{schema}.{event.new}" if schema else str(event.new)


def _aliased(columns: Columns, alias: Any) -> Columns:
    if alias is None or not alias.colnames or columns is None:
        return columns
    return frozenset(c.sval for c in alias.colnames) | columns  # renamed leading columns


def _in_scope(name: str, scope: Scope) -> bool:
    return any(name in frame for frame in scope.frames)


def _find(scope: Scope, qualifier: str, key: str | None) -> Rel | None:
    for frame in scope.frames:
        if key is not None:
            rel = next((r for r in frame.values() if r.table == key), None)
        else:
            rel = frame.get(qualifier)
        if rel is not None:
            return rel
    return None


def _where(location: Location) -> str:
    return f"{Path(location.file).name}:{location.line}"


def create_statement(fn: Function) -> str:
    """A CREATE FUNCTION statement parse_plpgsql takes: the body between dollar quotes, the
    parameters (plpgsql knows them as variables) and a return clause of the right kind."""
    tag = "$sg$"
    while tag in (fn.body or ""):
        tag = tag[:-1] + "g$"
    params = ", ".join(
        " ".join(
            x
            for x in (
                p.mode if p.mode not in ("IN", "TABLE") else "",
                quote_ident(p.name) if p.name else "",
                type_sql(p.type),
            )
            if x
        )
        for p in fn.params
        if p.mode != "TABLE"
    )
    r = fn.returns
    if fn.is_procedure:
        head, returns = "PROCEDURE", ""
    elif r.kind == "table":
        cols = ", ".join(
            f"{quote_ident(c.name or f'c{i}')} {type_sql(c.type)}" for i, c in enumerate(r.columns)
        )
        head, returns = "FUNCTION", f" RETURNS TABLE({cols})"
    elif r.kind == "setof":
        head, returns = "FUNCTION", f" RETURNS SETOF {type_sql(r.type) if r.type else 'record'}"
    elif r.kind in ("void", "trigger"):
        head, returns = "FUNCTION", f" RETURNS {r.kind}"
    else:
        head, returns = "FUNCTION", f" RETURNS {type_sql(r.type) if r.type else 'record'}"
    return f"CREATE {head} f({params}){returns} LANGUAGE plpgsql AS {tag}{fn.body}{tag}"
