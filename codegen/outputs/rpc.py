"""`rpc.py` and `_rpcruntime.py`: the mock RPC client and one typed stub per callable function.

`rpc.py` holds what depends on the schema: the functions compiled from simple `LANGUAGE sql`
bodies (`SELECT <expr>` without FROM, SQL-standard `RETURN <expr>`), every callable
function's description (`FUNCTIONS`), the clients `RPC` / `AsyncRPC` and the typed stubs.
`_rpcruntime.py` (codegen/runtimes/_rpcruntime.py) is the schema-independent runtime: PostgREST's
validation, argument coercion, registered implementations, fakes and the request builders.

What PostgREST cannot call (trigger functions, procedures) is left out, listed at the top of
rpc.py and reported as a generate-time note.
"""

from __future__ import annotations

import dataclasses
import keyword
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from .. import plpgsql, runtimes, sqlexpr
from ..config import Config
from ..context import Context
from ..dialect import of
from ..errors import Diagnostic
from ..model import Function, Param, Schema, SqlType, without_locations
from ..naming import identifier
from ..render import literal, py, pystr

EXPORTS = {"rpc": ["AsyncRPC", "RPC", "RPCError"]}

# Names rpc.py defines or imports: stubs never take them, parameters never shadow RPC.
RESERVED = {
    "RPC", "AsyncRPC", "RPCError", "RPCClient", "AsyncRPCClient", "FUNCTIONS", "NOT_CALLABLE",
    "DEFAULT", "Computed", "Function", "Param", "Type", "Decimal", "date", "datetime", "time",
    "timedelta", "UUID", "Any", "Literal", "rt", "annotations",
}  # fmt: skip
NOT_CALLABLE_RETURNS = {"trigger": "trigger function", "event_trigger": "event trigger function"}
NOT_CALLABLE_TYPES = {"internal", "language_handler", "fdw_handler", "index_am_handler",
                      "tsm_handler", "table_am_handler"}  # fmt: skip

_PY_TYPES = {
    "smallint": "int", "integer": "int", "bigint": "int", "year": "int",
    "numeric": "Decimal", "money": "Decimal", "real": "float", "double": "float",
    "text": "str", "varchar": "str", "char": "str", "xml": "str", "tsvector": "str",
    "inet": "str", "cidr": "str", "macaddr": "str", "bit": "str", "varbit": "str",
    "boolean": "bool", "date": "date", "time": "time", "timetz": "time",
    "timestamp": "datetime", "timestamptz": "datetime", "interval": "timedelta",
    "uuid": "UUID", "json": "Any", "jsonb": "Any", "bytes": "bytes",
}  # fmt: skip
_ROW_CATEGORIES = ("unknown", "composite")


# --------------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class StubParam:
    sql_name: str | None
    py_name: str
    annotation: str
    default: str | None  # Python source of the stub default ("DEFAULT": the SQL default)
    positional_only: bool


@dataclass(frozen=True)
class RpcFunction:
    """One callable function, ready for the template."""

    key: str
    stub: str  # the stub's Python name
    spec: str  # the module-level name of its `Function(...)` description
    params: tuple[StubParam, ...]
    signature: str  # the stub's parameter list
    returns: str  # the stub's return annotation
    doc: str  # the stub's docstring literal
    spec_source: str  # `Function(...)` source
    sources: tuple[str, ...]  # compiled defaults and body (`def ...`), in that order
    call: str  # the stub body's argument list
    compiled: bool
    reason: str


@dataclass(frozen=True)
class RpcPlan:
    functions: tuple[RpcFunction, ...]
    left_out: tuple[tuple[str, str], ...]  # (SQL signature, why)
    not_callable: dict[str, str]  # name -> why, for names with no callable overload
    warnings: tuple[Diagnostic, ...]


class _NotSimple(Exception):
    pass


def build_plan(schema: Schema, config: Config) -> RpcPlan:
    """Decide stub names, types, defaults, shapes and compiled bodies for every function."""
    dialect = schema.dialect
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
    functions = []
    for fn in callable_fns:
        base = re.sub(r"[^0-9A-Za-z_]+", "_", fn.name.replace(".", "__"))
        if fn.name in overloaded:
            base += "__" + (
                "_".join(p.name or f"arg{i}" for i, p in enumerate(_inputs(fn), 1)) or "noargs"
            )
        stub = identifier(base, taken, RESERVED)
        functions.append(_function(schema, dialect, fn, stub, warnings))
    callable_names = {f.name for f in callable_fns}
    not_callable = {
        fn.name: why
        for fn in schema.functions
        if fn.name not in callable_names and (why := _not_callable(fn)) is not None
    }
    return RpcPlan(tuple(functions), tuple(left_out), not_callable, tuple(warnings))


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


def _inputs(fn: Function) -> list[Param]:
    return [p for p in fn.params if p.mode in ("IN", "INOUT", "VARIADIC")]


def _outputs(fn: Function) -> list[Param]:
    return [p for p in fn.params if p.mode in ("OUT", "INOUT", "TABLE")]


# ----------------------------------------------------------------------------- one function


def _function(
    schema: Schema, dialect: str, fn: Function, stub: str, warnings: list[Diagnostic]
) -> RpcFunction:
    inputs = _inputs(fn)
    shape, rtype, columns = _shape(schema, fn)
    spec = f"_F_{stub}"
    taken: set[str] = set()
    py_names = [
        identifier(p.name, taken, {"RPC"}) if p.name else identifier(f"arg{i}", taken, {"RPC"})
        for i, p in enumerate(inputs, 1)
    ]
    last_unnamed = max((i for i, p in enumerate(inputs) if p.name is None), default=-1)

    # defaults: a literal when constant, else compiled and evaluated per call
    sources: list[str] = []
    default_specs: list[str | None] = []
    stub_defaults: list[str | None] = []
    default_reason = ""
    for p, py_name in zip(inputs, py_names, strict=True):
        if p.default is None:
            default_specs.append(None)
            stub_defaults.append(None)
            continue
        ptype = _bare(_base(schema, p.type))
        compiled = sqlexpr.compile_expression(
            p.default, dialect, {}, name=f"_default_{stub}__{py_name}", result_type=ptype
        )
        if compiled.unsupported:
            default_specs.append(f"Computed(None, {pystr(p.default)})")
            stub_defaults.append("DEFAULT")
            default_reason = default_reason or (
                f"unsupported DEFAULT of {p.name or py_name} ({compiled.unsupported})"
            )
            continue
        literal = _constant_default(p.default, dialect, compiled)
        if literal is not None:
            default_specs.append(literal)
            stub_defaults.append(literal)
        else:
            sources.append(compiled.source)
            default_specs.append(f"Computed({compiled.name}, {pystr(p.default)})")
            stub_defaults.append("DEFAULT")

    # the body
    impl: sqlexpr.Compiled | None = None
    impl_params: tuple[int, ...] = ()
    reason = ""
    if shape != "scalar" or rtype is None:
        reason = _fake_reason(fn, shape)
    else:
        try:
            sql, keys = _expression(fn, dialect, inputs)
        except _NotSimple as why:
            reason = str(why)
        else:
            compiled = sqlexpr.compile_expression(
                sql, dialect, {k: _bare(_base(schema, inputs[i].type)) for k, i in keys.items()},
                name=f"_impl_{stub}", result_type=_bare(_base(schema, rtype)),
            )  # fmt: skip
            if compiled.unsupported:
                reason = f"unsupported {compiled.unsupported}"
                warnings.append(
                    Diagnostic(fn.location, f"{fn.name}: SQL body not compiled"
                               f" ({compiled.unsupported}); RPC calls raise unless a test"
                               " registers an implementation", sql)
                )  # fmt: skip
            elif default_reason:
                reason = default_reason
            else:
                impl = compiled
                impl_params = tuple(keys[k] for k in compiled.params)
                sources.append(compiled.source)

    params = tuple(
        StubParam(p.name, py_names[i], _annotation(schema, p.type, variadic=p.mode == "VARIADIC"),
                  stub_defaults[i], i <= last_unnamed)
        for i, p in enumerate(inputs)
    )  # fmt: skip
    spec_params = [
        f"Param({py(p.name)}, {_type_src(schema, p.type)}"
        + (f", {default_specs[i]}" if default_specs[i] is not None else "")
        + (", variadic=True" if p.mode == "VARIADIC" else "")
        + ")"
        for i, p in enumerate(inputs)
    ]
    fields = [
        f"name={pystr(fn.name)}",
        f"signature={pystr(signature(fn))}",
        f"params=({', '.join(spec_params)}{',' if len(spec_params) == 1 else ''})",
        f"shape={pystr(shape)}",
    ]
    if rtype is not None:
        fields.append(f"type={_type_src(schema, rtype)}")
    if columns:
        cols = ", ".join(f"({pystr(n)}, {_type_src(schema, t)})" for n, t in columns)
        fields.append(f"columns=({cols}{',' if len(columns) == 1 else ''})")
    if fn.strict:
        fields.append("strict=True")
    fields.append(f"body={pystr(display_body(fn))}")
    if impl is not None:
        fields.append(f"impl={impl.name}")
        fields.append(f"impl_params={py(impl_params)}")
    else:
        fields.append(f"reason={pystr(reason)}")
    spec_source = f"{spec} = Function({', '.join(fields)})"

    positional = [sp.py_name for sp in params if sp.positional_only]
    keywords = [sp for sp in params if not sp.positional_only]
    plain = [f"{sp.sql_name}={sp.py_name}" for sp in keywords if _plain_kwarg(sp)]
    odd = [f"{pystr(sp.sql_name or '')}: {sp.py_name}" for sp in keywords if not _plain_kwarg(sp)]
    call = ", ".join([spec, *positional, *plain, *([f"**{{{', '.join(odd)}}}"] if odd else [])])
    return RpcFunction(
        key=fn.name,
        stub=stub,
        spec=spec,
        params=params,
        signature=_stub_signature(params),
        returns=_returns_annotation(schema, shape, rtype),
        doc=docstring(_doc_text(fn, impl is not None, reason), indent=4),
        spec_source=spec_source,
        sources=tuple(sources),
        call=call,
        compiled=impl is not None,
        reason=reason,
    )


def _stub_signature(params: tuple[StubParam, ...]) -> str:
    parts = []
    for i, sp in enumerate(params):
        text = f"{sp.py_name}: {sp.annotation}"
        parts.append(text if sp.default is None else f"{text} = {sp.default}")
        if sp.positional_only and (i + 1 == len(params) or not params[i + 1].positional_only):
            parts.append("/")
    return ", ".join(parts)


def _plain_kwarg(sp: StubParam) -> bool:
    name = sp.sql_name
    return bool(name) and name == sp.py_name and name.isidentifier() and not keyword.iskeyword(name)


def _fake_reason(fn: Function, shape: str) -> str:
    if fn.language.lower() != "sql":
        return f"LANGUAGE {fn.language}"
    if shape == "void":
        return "returns void"
    return "returns rows; only scalar SQL bodies are compiled"


# ---------------------------------------------------------------------------- body → expr


def _expression(fn: Function, dialect: str, inputs: list[Param]) -> tuple[str, dict[str, int]]:
    """The one expression a simple SQL body returns, as the compiler takes it: `$n` and
    `fn.param` become plain parameter references, the rest of the text is kept as written.
    Returns (sql, compiler name -> parameter index)."""
    read = of(dialect).sqlglot
    typed = [p.type for p in inputs] + ([fn.returns.type] if fn.returns.type else [])
    if any(t.category == "domain" for t in typed):  # the database checks them on each call
        raise _NotSimple("a domain-typed parameter or result (domain CHECKs are not compiled)")
    if fn.language.lower() == "plpgsql":
        try:
            text = plpgsql.expression(fn)
        except plpgsql.NotSimple as why:
            raise _NotSimple(str(why)) from None
        keys = {p.name if p.name is not None else f"${i + 1}": i for i, p in enumerate(inputs)}
        return _rewrite_references(text, read, fn.name.rpartition(".")[2], inputs), keys
    if fn.language.lower() != "sql":
        raise _NotSimple(f"LANGUAGE {fn.language}")
    text = (fn.body or "").strip()
    statement = fn.body_style != "standard"
    atomic = re.fullmatch(r"BEGIN\s+ATOMIC\b(.*?)\bEND\s*;?", text, re.I | re.S)
    if fn.body_style == "standard" and atomic:
        text, statement = atomic.group(1).strip(), True
    text = re.sub(r"[\s;]+$", "", text)
    if statement:
        returned = re.fullmatch(r"RETURN\b(.*)", text, re.I | re.S)
        if returned:
            text, statement = returned.group(1).strip(), False
    try:
        if statement:
            trees = [t for t in sqlglot.parse(text, read=read) if t is not None]
            if len(trees) != 1 or not isinstance(trees[0], exp.Select):
                raise _NotSimple("body is not a single SELECT")
            select = trees[0]
            extra = [
                k.rstrip("_").upper() for k, v in select.args.items() if v and k != "expressions"
            ]
            if extra or len(select.expressions) != 1:
                what = ", ".join(extra) or "several columns"
                raise _NotSimple(f"body is not `SELECT <expression>` ({what})")
            tree = select.expressions[0]
            if isinstance(tree, exp.Alias):
                text, tree = tree.this.sql(dialect=read), tree.this
            else:
                text = re.sub(r"^\s*SELECT\b", "", text, count=1, flags=re.I).strip()
        else:
            tree = sqlglot.parse_one(text, read=read)
    except SqlglotError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise _NotSimple(f"body not parsed ({first})") from None
    bare = fn.name.rpartition(".")[2]
    for node in tree.walk():
        if (
            isinstance(node, exp.Column)
            and node.table
            and (node.table.lower() != bare.lower() or node.args.get("db"))
        ):
            raise _NotSimple(f"qualified reference {node.sql(dialect=read)}")
    keys = {p.name if p.name is not None else f"${i + 1}": i for i, p in enumerate(inputs)}
    return _rewrite_references(text, read, bare, inputs), keys


def _rewrite_references(text: str, read: str, bare: str, inputs: list[Param]) -> str:
    """Token-level edits of the SQL text: `$n` -> "name", `fn.param` -> param."""
    try:
        tokens = sqlglot.Dialect.get_or_raise(read).tokenize(text)
    except SqlglotError as error:
        raise _NotSimple(f"body not tokenized ({error})") from None
    edits: list[tuple[int, int, str]] = []  # (start, end exclusive, replacement)
    names = (TokenType.VAR, TokenType.IDENTIFIER)
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.token_type == TokenType.PARAMETER and nxt is not None and nxt.start == tok.end + 1:
            if not nxt.text.isdigit() or not 1 <= int(nxt.text) <= len(inputs):
                raise _NotSimple(f"parameter reference ${nxt.text}")
            p = inputs[int(nxt.text) - 1]
            name = p.name if p.name is not None else f"${nxt.text}"
            edits.append((tok.start, nxt.end + 1, '"' + name.replace('"', '""') + '"'))
        elif (
            tok.token_type in names
            and nxt is not None
            and nxt.token_type == TokenType.DOT
            and i + 2 < len(tokens)
            and tokens[i + 2].token_type in names
            and (i == 0 or tokens[i - 1].token_type != TokenType.DOT)
            and (
                tok.text == bare
                if tok.token_type == TokenType.IDENTIFIER
                else tok.text.lower() == bare.lower()
            )
        ):
            edits.append((tok.start, nxt.end + 1, ""))
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


# ------------------------------------------------------------------------------ defaults


def _constant_default(sql: str, dialect: str, compiled: sqlexpr.Compiled) -> str | None:
    """Python source of the default's value when it is a constant (literals, casts,
    arithmetic); None when it must be evaluated per call (now(), gen_random_uuid())."""
    try:
        tree = sqlglot.parse_one(sql, read=of(dialect).sqlglot)
    except SqlglotError:
        return None
    for node in tree.walk():
        if isinstance(node, (exp.Column, exp.Parameter, exp.Placeholder)):
            return None
        if isinstance(node, exp.Func) and not isinstance(node, (exp.Cast, exp.Array)):
            return None
    try:
        value = sqlexpr.load(compiled)[compiled.name]()
    except Exception:  # raises at call time instead, as the database would
        return None
    return literal(value)  # rpc.py imports date, datetime, time, Decimal and UUID by name


# ------------------------------------------------------------------------------- types


def _base(schema: Schema, t: SqlType) -> SqlType:
    """Domains resolved to their base type (PostgreSQL hands the function the base value)."""
    seen = 0
    while t.category == "domain" and t.name and seen < 20:
        domain = schema.domain(t.name)
        if domain is None:
            break
        t, seen = domain.base, seen + 1
    return t


def _bare(t: SqlType) -> SqlType:
    """Without type modifiers: PostgreSQL ignores them in function signatures."""
    element = _bare(t.element) if t.element is not None else None
    return dataclasses.replace(
        t, sql=re.sub(r"\s*\([^)]*\)", "", t.sql), length=None, precision=None, scale=None,
        element=element,
    )  # fmt: skip


def _row_of(
    schema: Schema, t: SqlType
) -> tuple[str, str, tuple[tuple[str, SqlType | None], ...]] | None:
    """(kind, key, fields) when `t` names a table, view or composite type."""
    if t.category not in _ROW_CATEGORIES or not t.name:
        return None
    default = of(schema.dialect).default_schema
    names = [t.name]
    if default and t.name.startswith(default + "."):
        names.append(t.name[len(default) + 1 :])
    for name in names:
        table = schema.table(name)
        if table is not None:
            return "table", table.key, tuple((c.name, c.type) for c in table.columns)
        for comp in schema.composites:
            if comp.name == name:
                return "composite", comp.name, tuple(comp.attributes)
        for view in schema.views:
            if view.name == name:
                return "view", view.name, tuple((c, None) for c in view.columns)
    return None


def _type_src(schema: Schema, t: SqlType | None, depth: int = 0) -> str:
    """`Type(...)` source for the runtime."""
    if t is None or depth > 5:
        return 'Type("unknown", "unknown")'
    t = _bare(_base(schema, t))
    row = _row_of(schema, t)
    if row is not None:
        kind, key, fields = row
        parts = [pystr("row" if kind == "table" else "composite"), pystr(t.sql)]
        if kind != "table" or depth:
            inner = ", ".join(
                f"({pystr(n)}, {_type_src(schema, ft, depth + 1)})" for n, ft in fields
            )
            parts.append(f"fields=({inner}{',' if len(fields) == 1 else ''})")
        if kind == "table":
            parts.append(f"table={pystr(key)}")
        return f"Type({', '.join(parts)})"
    if t.category == "unknown" and t.sql.lower() == "record":
        return 'Type("record", "record")'
    parts = [pystr(t.category), pystr(t.sql)]
    if t.category == "array" and t.element is not None:
        parts.append(f"element={_type_src(schema, t.element, depth + 1)}")
    if t.category == "enum" and t.name:
        enum = schema.enum(t.name)
        if enum is not None:
            parts.append(f"labels={py(enum.labels)}")
    return f"Type({', '.join(parts)})"


def _annotation(schema: Schema, t: SqlType | None, variadic: bool = False) -> str:
    if t is None:
        return "Any"
    t = _base(schema, t)
    if t.category == "array":
        return f"list[{_annotation(schema, t.element)}]"
    if variadic:
        return f"list[{_annotation(schema, t)}]"
    if t.category == "enum" and t.name:
        enum = schema.enum(t.name)
        if enum is not None and enum.labels:
            return f"Literal[{', '.join(pystr(label) for label in enum.labels)}]"
        return "str"
    if _row_of(schema, t) is not None:
        return "dict[str, Any]"
    return _PY_TYPES.get(t.category, "Any")


def _shape(
    schema: Schema, fn: Function
) -> tuple[str, SqlType | None, tuple[tuple[str, SqlType], ...]]:
    """(scalar | set | row | rows | void, scalar/element/row type, RETURNS TABLE / OUT columns)."""
    r = fn.returns
    outs = tuple((p.name or f"column{i}", p.type) for i, p in enumerate(_outputs(fn), 1))
    if r.kind == "void":
        return "void", None, ()
    if r.kind == "table":
        return (
            "rows",
            None,
            tuple((c.name or f"column{i}", c.type) for i, c in enumerate(r.columns, 1)),
        )
    is_record = r.type is None or r.type.sql.lower() == "record"
    if r.kind == "setof":
        if is_record:
            if len(outs) == 1:
                return "set", outs[0][1], ()
            return "rows", None, outs
        assert r.type is not None
        if _row_of(schema, _base(schema, r.type)) is not None:
            return "rows", r.type, ()
        return "set", r.type, ()
    if is_record:
        if len(outs) == 1:
            return "scalar", outs[0][1], ()
        return "row", None, outs
    assert r.type is not None
    if _row_of(schema, _base(schema, r.type)) is not None:
        return "row", r.type, ()
    return "scalar", r.type, ()


def _returns_annotation(schema: Schema, shape: str, t: SqlType | None) -> str:
    if shape == "void":
        return "None"
    if shape == "row":
        return "dict[str, Any]"
    if shape == "rows":
        return "list[dict[str, Any]]"
    if shape == "set":
        return f"list[{_annotation(schema, t)}]"
    return _annotation(schema, t)


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


def _doc_text(fn: Function, compiled: bool, reason: str) -> str:
    attrs = [f"LANGUAGE {fn.language}", fn.volatility]
    if fn.strict:
        attrs.append("STRICT")
    lines = [signature(fn), " ".join(attrs), ""]
    if fn.comment:
        lines += [fn.comment, ""]
    if compiled:
        lines.append("Implementation: compiled from the SQL body, unless a test registers one.")
    else:
        lines.append("Implementation: none; calls raise unless a test registers one")
        lines.append(f"(RPC.register) or binds a connection. Not compiled: {reason}.")
    lines += ["", display_body(fn)]
    return "\n".join(lines)


def docstring(text: str, indent: int = 4) -> str:
    """A triple-quoted literal for `text`: quotes, backslashes, tabs and control characters are
    escaped, so no SQL can end the string early; lines are indented for the function body."""
    pad = " " * indent
    out = []
    for ch in text.rstrip():
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\n" + pad)
        elif ch.isprintable() and ch not in "\u2028\u2029\x85":
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    lines = "".join(out).split("\n")
    body = "\n".join(line.rstrip() if line.strip() else "" for line in lines)
    multi = "\n" in body
    return '"""' + body + (f"\n{pad}" if multi else "") + '"""'


# -------------------------------------------------------------------------------- render


def render(ctx: Context) -> dict[str, str]:
    schema = ctx.schema
    plan = build_plan(schema, ctx.config)
    _warn(ctx, plan.warnings)
    ctx.notes.append(summary(plan, ctx.config.strict_rpc))
    groups: dict[str, list[str]] = {}
    for f in plan.functions:
        groups.setdefault(f.key, []).append(f.spec)
    rpc = ctx.template(
        "rpc.py.j2",
        functions=plan.functions,
        groups=groups,
        left_out=plan.left_out,
        not_callable=py(plan.not_callable, 0, "NOT_CALLABLE: dict[str, str] = "),
    )
    ctx.verbatim("_rpcruntime.py")  # codegen/runtimes/ is black-formatted (a test checks)
    ctx.fingerprint_of("rpc.py", _depends_on(ctx))
    ctx.fingerprint_of("_rpcruntime.py", {})  # its settings are in _settings.py
    return {"rpc.py": rpc, "_rpcruntime.py": runtimes.source("_rpcruntime.py")}


def summary(plan: RpcPlan, strict: bool) -> str:
    """The one line `generate` prints: which functions run compiled SQL and which need an
    implementation in the tests (registered, or the real function via RPC.bind)."""
    compiled = sorted({f.key for f in plan.functions if f.compiled})
    needed = sorted({f.key for f in plan.functions if not f.compiled})

    def names(keys: list[str]) -> str:
        return f" ({', '.join(keys)})" if keys else ""

    fate = "raise until a test registers one" if strict else "answer with fakes (strict_rpc)"
    return (
        f"RPC: {len(compiled)} compiled{names(compiled)}; {len(needed)} need an implementation"
        f"{names(needed)}, calls {fate}"
        + (f"; {len(plan.left_out)} not callable" if plan.left_out else "")
    )


def _warn(ctx: Context, warnings: tuple[Diagnostic, ...]) -> None:
    """Generate-time notes. The generate stage collects the plan's warnings; until it offers
    a hook for output kinds (`ctx.warn`), they are appended to the plan it reports."""
    if not warnings:
        return
    hook = getattr(ctx, "warn", None)
    if callable(hook):
        for w in warnings:
            hook(w)
        return
    ctx.plan = dataclasses.replace(ctx.plan, warnings=(*ctx.plan.warnings, *warnings))


def _depends_on(ctx: Context) -> Mapping[str, Any]:
    schema = ctx.schema
    rows: dict[str, Any] = {}
    for fn in schema.functions:
        for t in (
            [p.type for p in fn.params]
            + [c.type for c in fn.returns.columns]
            + ([fn.returns.type] if fn.returns.type is not None else [])
        ):
            row = _row_of(schema, _base(schema, t))
            if row is not None:
                rows[row[1]] = ctx.table_json(row[1]) or [(n, repr(ft)) for n, ft in row[2]]
    return {
        "dialect": schema.dialect,
        "functions": [without_locations(f.to_json()) for f in schema.functions],
        "enums": [without_locations(e.to_json()) for e in schema.enums],
        "domains": [without_locations(d.to_json()) for d in schema.domains],
        "rows": rows,
    }
