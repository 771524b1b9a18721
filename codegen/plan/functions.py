"""The function (RPC) plan: which functions PostgREST can call, each stub's name, parameter
names, annotations and defaults, the shape it returns, and the Python compiled from simple
bodies and DEFAULTs. `outputs/rpc.py` only lays it out.

    plan_functions        callable or left out, stub names (overloads get their parameters)
    _function             one function, in steps:
      _py_names             Python names of its parameters, which are positional-only
      _defaults             each DEFAULT: a constant literal, or compiled and run per call
      _domain_checks        each domain-typed parameter's CHECKs and NOT NULL, compiled
      _body                 the SQL body compiled (one expression, or a SELECT over tables as
                            a relational plan: `table_bodies`), or why it is not
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from dataclasses import dataclass

from .. import sqlexpr
from ..config import Config
from ..errors import Diagnostic
from ..model import Function, Param, Schema, SqlType
from ..naming import camel, identifier
from ..render import pystr
from ..sqlexpr.annotate import optional
from .function_bodies import NotSimple, constant_default, expression
from .function_types import (
    _NO_ROWS,
    Rows,
    Shape,
    annotation,
    bare,
    base,
    inputs,
    returns_annotation,
    shape,
    type_src,
)
from .table_bodies import ColumnLists, TableBody, linked, plan_query

# Names rpc.py defines or imports: stubs never take them, parameters never shadow RPC.
RESERVED = {
    "RPC", "AsyncRPC", "RPCError", "RPCClient", "AsyncRPCClient", "FUNCTIONS", "NOT_CALLABLE",
    "DEFAULT", "Computed", "Function", "Param", "Type", "Decimal", "date", "datetime", "time",
    "timedelta", "UUID", "Any", "Literal", "rt", "annotations", "Callable", "TypedDict",
}  # fmt: skip
NOT_CALLABLE_RETURNS = {"trigger": "trigger function", "event_trigger": "event trigger function"}
NOT_CALLABLE_TYPES = {"internal", "language_handler", "fdw_handler", "index_am_handler",
                      "tsm_handler", "table_am_handler"}  # fmt: skip


@dataclass(frozen=True)
class StubParam:
    sql_name: str | None
    py_name: str
    annotation: str
    default: str | None  # Python source of the stub default ("DEFAULT": the SQL default)
    positional_only: bool
    type_src: str  # the runtime's `Type(...)` source
    spec_default: str | None  # the `Param`'s default: a literal or `Computed(...)` source
    variadic: bool
    checks: tuple[str, ...] = ()  # `DomainCheck(...)` sources: the database checks them per call


@dataclass(frozen=True)
class RpcFunction:
    """One callable function, decided."""

    fn: Function
    stub: str  # the stub's Python name
    spec: str  # the module-level name of its `Function(...)` description
    params: tuple[StubParam, ...]
    shape: Shape
    type_src: str | None  # `Type(...)` source of the scalar / element / row type
    columns: tuple[tuple[str, str], ...]  # RETURNS TABLE / OUT columns: (name, `Type(...)`)
    returns: str  # the stub's return annotation
    sources: tuple[str, ...]  # compiled defaults and body (`def ...`), in that order
    impl: str | None  # the compiled body's name
    impl_params: tuple[int, ...]  # parameter index of each argument of `impl`
    reason: str  # why the body is not compiled
    query: str | None = None  # `rel.Query(...)` source: the body reads tables
    tables: tuple[str, ...] = ()  # the tables it reads
    # the TypedDict of a RETURNS TABLE / OUT row (`GetOrderSummaryResult`) and its fields
    result_class: str | None = None
    result_fields: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return self.fn.name

    @property
    def compiled(self) -> bool:
        """Runs as it is: one expression, or a SELECT reading no table."""
        return self.impl is not None or (self.query is not None and not self.tables)

    @property
    def on_rows(self) -> bool:
        """Runs against rows (a Database's, or the test's through RPC.bind_rows)."""
        return self.query is not None and bool(self.tables)


@dataclass(frozen=True)
class RpcPlan:
    functions: tuple[RpcFunction, ...]
    left_out: tuple[tuple[str, str], ...]  # (SQL signature, why)
    not_callable: dict[str, str]  # name -> why, for names with no callable overload
    warnings: tuple[Diagnostic, ...]
    column_lists: tuple[tuple[str, tuple[str, ...]], ...] = ()  # constants the plans share


def plan_functions(schema: Schema, config: Config, rows: Rows = _NO_ROWS) -> RpcPlan:
    """Decide stub names, types, defaults, shapes and compiled bodies for every function
    (`rows`: table key -> its row's TypedDict, for the annotations)."""
    warnings: list[Diagnostic] = []
    left_out: list[tuple[str, str]] = []
    callable_fns: list[Function] = []
    for fn in schema.functions:
        why = _not_callable(fn)
        if why is None:
            callable_fns.append(fn)
            continue
        left_out.append((signature(fn), why))
        warnings.append(
            Diagnostic(
                fn.location, f"{fn.name}: {why}, not callable through RPC; left out of rpc.py"
            )
        )
    overloaded = {f.name for f in callable_fns if sum(g.name == f.name for g in callable_fns) > 1}
    taken: set[str] = set()
    results: set[str] = set()  # the names of RETURNS TABLE / OUT rows' TypedDicts
    functions = []
    lists = ColumnLists()
    for fn in callable_fns:
        base_name = re.sub(r"[^0-9A-Za-z_]+", "_", fn.name.replace(".", "__"))
        if fn.name in overloaded:
            base_name += "__" + (
                "_".join(p.name or f"arg{i}" for i, p in enumerate(inputs(fn), 1)) or "noargs"
            )
        stub = identifier(base_name, taken, RESERVED)
        functions.append(_function(schema, fn, stub, warnings, (rows, results, lists)))
    callable_names = {f.name for f in callable_fns}
    not_callable = {
        fn.name: why
        for fn in schema.functions
        if fn.name not in callable_names and (why := _not_callable(fn)) is not None
    }
    constants, written = lists.link(f.query or "" for f in functions)
    functions = [
        f if f.query is None else dataclasses.replace(f, query=linked(f.query, written))
        for f in functions
    ]
    return RpcPlan(
        tuple(functions), tuple(left_out), not_callable, tuple(warnings), tuple(constants.items())
    )


def _not_callable(fn: Function) -> str | None:
    if fn.is_procedure:
        return "procedure"
    returned = fn.returns.type.sql.lower() if fn.returns.type is not None else ""
    if fn.returns.kind == "trigger" or returned in NOT_CALLABLE_RETURNS:
        return NOT_CALLABLE_RETURNS.get(returned, "trigger function")
    if (
        any(p.type.sql.lower() in NOT_CALLABLE_TYPES for p in fn.params)
        or returned in NOT_CALLABLE_TYPES
    ):
        return "function taking or returning an internal type"
    return None


# ----------------------------------------------------------------------------- one function


def _function(
    schema: Schema,
    fn: Function,
    stub: str,
    warnings: list[Diagnostic],
    shared: tuple[Rows, set[str], ColumnLists],
) -> RpcFunction:
    """`shared`: the rows' TypedDicts, the result TypedDicts' names given out so far, and
    the column lists of the plans."""
    rows, results, lists = shared
    ins = inputs(fn)
    fn_shape, rtype, columns = shape(schema, fn)
    result = None
    if columns and fn_shape in ("row", "rows"):
        result = identifier(camel(stub) + "Result", results, set(RESERVED) | set(rows.values()))
    returns = returns_annotation(schema, fn_shape, rtype, rows, result)
    py_names, last_unnamed = _py_names(ins, returns)
    defaults = _defaults(schema, ins, py_names, stub)
    checks, check_sources = _domain_checks(schema, ins, py_names, stub, warnings)
    body = _body(schema, fn, stub, ins, (fn_shape, rtype, columns), (warnings, lists))
    if (body.impl is not None or body.table is not None) and defaults.reason:
        body = _Body(None, (), defaults.reason)
    params = tuple(
        StubParam(
            sql_name=p.name,
            py_name=py_names[i],
            annotation=annotation(schema, p.type, p.mode == "VARIADIC", rows),
            default=defaults.stub[i],
            positional_only=i <= last_unnamed,
            type_src=type_src(schema, p.type),
            spec_default=defaults.spec[i],
            variadic=p.mode == "VARIADIC",
            checks=checks[i],
        )
        for i, p in enumerate(ins)
    )
    return RpcFunction(
        fn=fn,
        stub=stub,
        spec=f"_F_{stub}",
        params=params,
        shape=fn_shape,
        type_src=type_src(schema, rtype) if rtype is not None else None,
        columns=tuple((n, type_src(schema, t)) for n, t in columns),
        returns=returns,
        sources=(
            *defaults.sources,
            *check_sources,
            *([body.impl.source] if body.impl is not None else []),
            *(body.table.sources if body.table is not None else []),
        ),
        impl=body.impl.name if body.impl is not None else None,
        impl_params=body.impl_params,
        reason=body.reason,
        query=body.table.query if body.table is not None else None,
        tables=body.table.tables if body.table is not None else (),
        result_class=result,
        result_fields=tuple((n, optional(annotation(schema, t, rows=rows))) for n, t in columns),
    )


def _py_names(ins: list[Param], returns: str) -> tuple[list[str], int]:
    """Python names of the parameters (unnamed ones become argN), and the index of the last
    unnamed one: it and those before it are positional-only. No name hides what the stub's
    body reads: `RPC`, its typed `result` and the names of its return annotation."""
    taken: set[str] = set()
    hidden = {"RPC", "result", *re.findall(r"[A-Za-z_]\w*", returns)}
    names = [
        identifier(p.name, taken, hidden) if p.name else identifier(f"arg{i}", taken, hidden)
        for i, p in enumerate(ins, 1)
    ]
    return names, max((i for i, p in enumerate(ins) if p.name is None), default=-1)


@dataclass(frozen=True)
class _Defaults:
    spec: tuple[str | None, ...]  # per parameter: the `Param`'s default source
    stub: tuple[str | None, ...]  # per parameter: the stub's default source
    sources: tuple[str, ...]  # compiled defaults evaluated per call
    reason: str  # the first unsupported DEFAULT: the body is not compiled either


def _defaults(schema: Schema, ins: list[Param], py_names: list[str], stub: str) -> _Defaults:
    """A literal when the DEFAULT is constant, else compiled and evaluated per call."""
    dialect = schema.dialect
    sources: list[str] = []
    spec: list[str | None] = []
    stub_defaults: list[str | None] = []
    reason = ""
    for p, py_name in zip(ins, py_names, strict=True):
        if p.default is None:
            spec.append(None)
            stub_defaults.append(None)
            continue
        ptype = bare(base(schema, p.type))
        compiled = sqlexpr.compile_expression(
            p.default, dialect, {}, name=f"_default_{stub}__{py_name}", result_type=ptype
        )
        if compiled.unsupported:
            spec.append(f"Computed(None, {pystr(p.default)})")
            stub_defaults.append("DEFAULT")
            reason = reason or (
                f"unsupported DEFAULT of {p.name or py_name} ({compiled.unsupported})"
            )
            continue
        value = constant_default(p.default, dialect, compiled)
        if value is not None:
            spec.append(value)
            stub_defaults.append(value)
        else:
            sources.append(compiled.source)
            spec.append(f"Computed({compiled.name}, {pystr(p.default)})")
            stub_defaults.append("DEFAULT")
    return _Defaults(tuple(spec), tuple(stub_defaults), tuple(sources), reason)


def _domain_checks(
    schema: Schema, ins: list[Param], py_names: list[str], stub: str, warnings: list[Diagnostic]
) -> tuple[list[tuple[str, ...]], list[str]]:
    """Per parameter, the `DomainCheck(...)`s of its domain and the domains under it (NOT
    NULL, then each CHECK, as PostgreSQL casts the argument), and their compiled sources."""
    per_param: list[tuple[str, ...]] = []
    sources: list[str] = []
    for p, py_name in zip(ins, py_names, strict=True):
        found: list[str] = []
        t = p.type
        while t.category == "domain" and (domain := schema.domain(t.name or "")) is not None:
            if not domain.nullable:
                found.append(f"DomainCheck({pystr(domain.name)}, None)")
            value_type = bare(base(schema, domain.base))
            for check in domain.checks:
                name = f"_check_{stub}__{py_name}_{len(sources)}"
                compiled = sqlexpr.compile_predicate(
                    check.sql, schema.dialect, {"value": value_type}, name=name
                )
                if compiled.unsupported:
                    warnings.append(Diagnostic(
                        check.location, f"domain {domain.name}: CHECK not compiled"
                        f" ({compiled.unsupported}); RPC calls passing {p.name or py_name} raise",
                        check.sql,
                    ))  # fmt: skip
                sources.append(compiled.source)
                cname = check.name or f"{domain.name.rpartition('.')[2]}_check"
                found.append(f"DomainCheck({pystr(domain.name)}, {pystr(cname)}, {name})")
            t = domain.base
        per_param.append(tuple(found))
    return per_param, sources


@dataclass(frozen=True)
class _Body:
    impl: sqlexpr.Compiled | None
    impl_params: tuple[int, ...]
    reason: str
    table: TableBody | None = None


def _body(
    schema: Schema,
    fn: Function,
    stub: str,
    ins: list[Param],
    shaped: tuple[Shape, SqlType | None, tuple[tuple[str, SqlType], ...]],
    out: tuple[list[Diagnostic], ColumnLists],
) -> _Body:
    """The body compiled when it is one scalar expression the compiler supports, else
    planned when it is one SELECT over tables."""
    fn_shape, rtype, columns = shaped
    warnings, lists = out
    reason = _fake_reason(fn, fn_shape)
    scalar: _Body | None = None  # compiled as one expression, but with an unsupported part
    if fn_shape == "scalar" and rtype is not None:
        try:
            scalar = _scalar_body(schema, fn, stub, ins, rtype)
        except NotSimple as why:
            reason = str(why)
        if scalar is not None and scalar.impl is not None:
            return scalar
    try:
        table = plan_query(schema, fn, stub, ins, fn_shape, rtype, columns, lists)
    except NotSimple as why:
        if scalar is not None:  # `SELECT EXISTS (SELECT ...)` may run as a plan, else not
            warnings.append(
                Diagnostic(fn.location, f"{fn.name}: SQL body not compiled ({scalar.reason});"
                           " RPC calls raise unless a test registers an implementation",
                           fn.body or "")
            )  # fmt: skip
            return scalar
        if fn.language.lower() in ("sql", "plpgsql") and not str(why).startswith(_NOT_A_TABLE_READ):
            reason = str(why)
        return _Body(None, (), reason)
    return _Body(None, (), "", table)


# the table planner's reasons that only say the body is not its kind (the scalar's stands)
_NOT_A_TABLE_READ = ("RETURN of an expression", "a plpgsql body other than", "plpgsql ")


def _scalar_body(
    schema: Schema,
    fn: Function,
    stub: str,
    ins: list[Param],
    rtype: SqlType,
) -> _Body:
    sql, keys = expression(fn, schema.dialect, ins)
    compiled = sqlexpr.compile_expression(
        sql, schema.dialect, {k: bare(base(schema, ins[i].type)) for k, i in keys.items()},
        name=f"_impl_{stub}", result_type=bare(base(schema, rtype)),
    )  # fmt: skip
    if compiled.unsupported:
        return _Body(None, (), f"unsupported {compiled.unsupported}")
    return _Body(compiled, tuple(keys[k] for k in compiled.params), "")


def _fake_reason(fn: Function, fn_shape: Shape) -> str:
    if fn.language.lower() != "sql":
        return f"LANGUAGE {fn.language}"
    if fn_shape == "void":
        return "returns void"
    return "returns rows; only scalar SQL bodies are compiled"


# ---------------------------------------------------------------------------- SQL text


def signature(fn: Function) -> str:
    """`name(a integer, b text DEFAULT 'x') RETURNS integer`, as the docstrings show it."""
    params = []
    for p in fn.params:
        if p.mode == "TABLE":
            continue
        words = [p.mode if p.mode != "IN" else "", p.name or "", p.type.sql]
        text = " ".join(w for w in words if w)
        if p.default is not None:
            text += f" DEFAULT {p.default}"
        params.append(text)
    r = fn.returns
    if fn.is_procedure:
        returns = ""
    elif r.kind == "table":
        returns = " RETURNS TABLE(" + ", ".join(f"{c.name} {c.type.sql}" for c in r.columns) + ")"
    elif r.kind == "setof":
        returns = f" RETURNS SETOF {r.type.sql if r.type else 'record'}"
    elif r.kind in ("void", "trigger"):
        returns = f" RETURNS {r.kind}"
    else:
        returns = f" RETURNS {r.type.sql if r.type else 'record'}"
    return f"{fn.name}({', '.join(params)}){returns}"


def display_body(fn: Function) -> str:
    body = textwrap.dedent((fn.body or "").strip("\n")).strip()
    if fn.body_style == "standard" and not re.match(r"BEGIN\s+ATOMIC\b", body, re.I):
        return f"RETURN {body}"
    return body
