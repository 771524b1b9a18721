"""A simple plpgsql body as the one SQL expression it computes, for the expression compiler.

Bodies made only of assignments (`x := ...`, DECLARE defaults), IF / ELSIF / ELSE, searched
CASE with an ELSE, and RETURN are executed symbolically: each variable holds the SQL
expression of its current value (cast to its declared type, as plpgsql's assignment casts),
an IF becomes `CASE WHEN cond THEN <rest of the body with the THEN branch> ELSE ... END`,
and RETURN ends a path. The result goes through the same compiler as `LANGUAGE sql`
bodies, so it has the database's semantics. Anything else (queries, loops, RAISE, a path
without RETURN) is not simple: the function stays uncompiled, saying why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pglast
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from .bodycheck import create_statement
from .model import Function

_RETURN_VARIABLE = re.compile(r'\bRETURN\s+([A-Za-z_][\w$]*|"(?:[^"]|"")+"|\$\d+)\s*;', re.I)
MAX_PATHS = 64  # IFs multiply the paths; a body with more is not "simple"


class NotSimple(Exception):
    """Why a plpgsql body is not compiled (the message is shown to the user)."""


def expression(fn: Function) -> str:
    """The SQL expression `fn` returns, in terms of its parameters only."""
    try:
        tree = pglast.parse_plpgsql(create_statement(fn))
    except pglast.parser.ParseError as error:
        raise NotSimple(f"plpgsql body not parsed ({error})") from None
    function = tree[0]["PLpgSQL_function"]
    datums = function.get("datums", [])
    names = [next(iter(d.values())).get("refname", "") for d in datums]
    params = {p.name for p in fn.params if p.name}
    env: dict[str, exp.Expression] = {}
    for datum in datums:
        kind, value = next(iter(datum.items()))
        name = value.get("refname", "")
        if kind != "PLpgSQL_var" or name in params or name == "found":
            continue
        default = value.get("default_val", {}).get("PLpgSQL_expr", {}).get("query")
        typname = value.get("datatype", {}).get("PLpgSQL_type", {}).get("typname", "")
        env[name] = _cast(_parse(default, env) if default else exp.Null(), typname)
    types = {
        name: next(iter(d.values())).get("datatype", {}).get("PLpgSQL_type", {}).get("typname", "")
        for name, d in zip(names, datums, strict=True)
    }
    action = function.get("action", {}).get("PLpgSQL_stmt_block", {})
    if action.get("exceptions"):
        raise NotSimple("plpgsql EXCEPTION block")
    outs = any(p.mode in ("OUT", "INOUT", "TABLE") for p in fn.params)
    walker = _Paths(names, types, outs, fn.body or "")
    return walker.block(action.get("body", []), env).sql(dialect="postgres")


def return_queries(fn: Function) -> tuple[list[tuple[str, bool]], set[str]]:
    """The queries of a body made of `RETURN QUERY <select>;` statements, a later one maybe
    under `IF NOT FOUND THEN` (True: only when the one before returned no row), and the
    body's variable names (parameters, OUT and TABLE columns): a column of the same name is
    ambiguous in plpgsql, where SQL would take the column."""
    try:
        tree = pglast.parse_plpgsql(create_statement(fn))
    except pglast.parser.ParseError as error:
        raise NotSimple(f"plpgsql body not parsed ({error})") from None
    function = tree[0]["PLpgSQL_function"]
    action = function.get("action", {}).get("PLpgSQL_stmt_block", {})
    if action.get("exceptions"):
        raise NotSimple("plpgsql EXCEPTION block")
    queries: list[tuple[str, bool]] = []
    for stmt in action.get("body", []):
        kind, value = next(iter(stmt.items()))
        if kind == "PLpgSQL_stmt_return" and not value:
            continue  # the RETURN plpgsql adds at the end
        if kind == "PLpgSQL_stmt_return_query":
            queries.append((_returned_query(stmt), False))
        elif kind == "PLpgSQL_stmt_if" and _if_not_found(value):
            queries += [(_returned_query(s), True) for s in value.get("then_body", [])]
        else:
            raise NotSimple("a plpgsql body other than RETURN QUERY <SELECT> (IF NOT FOUND ...)")
    names = {next(iter(d.values())).get("refname", "") for d in function.get("datums", [])}
    names -= {"found", "(unnamed row)"}  # plpgsql's own: FOUND, the OUT columns' row
    outs = {c.name for c in fn.returns.columns if c.name}
    declared = names - {p.name for p in fn.params if p.name} - outs
    if declared:
        raise NotSimple(f"plpgsql variables ({', '.join(sorted(declared))})")
    return queries, {n.lower() for n in names}


def _returned_query(stmt: dict[str, Any]) -> str:
    returned = stmt.get("PLpgSQL_stmt_return_query")
    if returned is None:
        raise NotSimple("a plpgsql body other than RETURN QUERY <SELECT> (IF NOT FOUND ...)")
    query = returned.get("query", {}).get("PLpgSQL_expr", {}).get("query")
    if returned.get("dynquery") or not query:
        raise NotSimple("RETURN QUERY EXECUTE (dynamic SQL)")
    return str(query)


def _if_not_found(stmt: dict[str, Any]) -> bool:
    cond = stmt.get("cond", {}).get("PLpgSQL_expr", {}).get("query", "")
    plain = not stmt.get("elsif_list") and not stmt.get("else_body")
    return plain and " ".join(str(cond).split()).upper() == "NOT FOUND"


class _Paths:
    def __init__(
        self, names: Sequence[str], types: Mapping[str, str], outs: bool, body: str
    ) -> None:
        self.body = body
        self.names = names  # datum number -> variable name
        self.types = types
        self.outs = outs  # OUT parameters: a bare RETURN returns them
        self.paths = 0

    def block(
        self, stmts: Sequence[dict[str, Any]], env: dict[str, exp.Expression]
    ) -> exp.Expression:
        """The value returned by running `stmts` from `env` (every path must RETURN)."""
        for i, stmt in enumerate(stmts):
            kind, value = next(iter(stmt.items()))
            rest = list(stmts[i + 1 :])
            if kind == "PLpgSQL_stmt_assign":
                name = self.names[value["varno"]]
                query = _query(value["expr"])
                rhs = re.sub(r"^[^:=]*:?=", "", query, count=1, flags=re.S)
                env = {**env, name: _cast(_parse(rhs, env), self.types.get(name, ""))}
            elif kind == "PLpgSQL_stmt_return":
                if "expr" in value:
                    return _parse(_query(value["expr"]), env)
                if self.outs:
                    raise NotSimple("RETURN with OUT parameters")
                return _parse(self.returned_variable(value.get("lineno", 0)), env)
            elif kind == "PLpgSQL_stmt_if":
                branches = [(value["cond"], value.get("then_body", []))]
                branches += [
                    (e["PLpgSQL_if_elsif"]["cond"], e["PLpgSQL_if_elsif"].get("stmts", []))
                    for e in value.get("elsif_list", [])
                ]
                return self.choose(branches, value.get("else_body", []), rest, env)
            elif kind == "PLpgSQL_stmt_case" and "t_expr" not in value:
                if not value.get("have_else"):
                    raise NotSimple("CASE without ELSE (raises case_not_found)")
                branches = [
                    (w["PLpgSQL_case_when"]["expr"], w["PLpgSQL_case_when"].get("stmts", []))
                    for w in value.get("case_when_list", [])
                ]
                return self.choose(branches, value.get("else_stmts", []), rest, env)
            elif kind == "PLpgSQL_stmt_block" and not value.get("exceptions"):
                return self.block([*value.get("body", []), *rest], env)
            else:
                raise NotSimple(f"plpgsql {kind.removeprefix('PLpgSQL_stmt_')} statement")
        raise NotSimple("a path of the body ends without RETURN")

    def returned_variable(self, lineno: int) -> str:
        """`RETURN x;`: the parse tree keeps no trace of which variable (libpg_query leaves
        retvarno out of its JSON), so it is read from the body's line, when unambiguous."""
        lines = self.body.split("\n")
        line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
        found = {str(name) for name in _RETURN_VARIABLE.findall(line)}
        if len(found) != 1:
            raise NotSimple("RETURN of a variable that is not located in the body")
        return found.pop()

    def choose(
        self,
        branches: Sequence[tuple[dict[str, Any], Sequence[dict[str, Any]]]],
        otherwise: Sequence[dict[str, Any]],
        rest: Sequence[dict[str, Any]],
        env: dict[str, exp.Expression],
    ) -> exp.Expression:
        self.paths += len(branches)
        if self.paths > MAX_PATHS:
            raise NotSimple(f"more than {MAX_PATHS} paths through IF / CASE")
        case = exp.Case()
        for cond, body in branches:
            case = case.when(_parse(_query(cond), env), self.block([*body, *rest], env))
        return case.else_(self.block([*otherwise, *rest], env))


def _query(expr: dict[str, Any]) -> str:
    return str(expr["PLpgSQL_expr"]["query"])


def _parse(sql: str, env: Mapping[str, exp.Expression]) -> exp.Expression:
    """`sql` with every variable replaced by the expression of its current value."""
    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except SqlglotError as error:
        raise NotSimple(f"expression not parsed: {sql} ({error})") from None
    if isinstance(tree, (exp.Select, exp.Subquery)) or tree.find(exp.Select) is not None:
        raise NotSimple(f"a query in an expression: {sql}")

    def substitute(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in env:
            return exp.Paren(this=env[node.name].copy())
        return node

    return tree.transform(substitute)


def _cast(value: exp.Expression, typname: str) -> exp.Expression:
    """Assignment to a variable converts to its declared type, as plpgsql does."""
    if not typname or "%" in typname:
        return value
    try:
        return exp.cast(value, exp.DataType.build(typname, dialect="postgres"))
    except (SqlglotError, ValueError):
        raise NotSimple(f"variable type {typname}") from None
