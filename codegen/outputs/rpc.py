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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import runtimes
from ..context import Context
from ..errors import Diagnostic
from ..model import without_locations
from ..plan.function_types import base, row_of
from ..plan.functions import (
    RpcFunction,
    RpcPlan,
    StubParam,
    display_body,
    plan_functions,
    signature,
)
from ..render import py, pystr, typed_dict

EXPORTS = {"rpc": ["AsyncRPC", "RPC", "RPCError"]}
RUNTIMES = ("_rpcruntime.py", "_relruntime.py")


@dataclass(frozen=True)
class _Stub:
    """One planned function as the template lays it out."""

    stub: str
    signature: str  # the stub's parameter list
    returns: str  # the stub's return annotation
    doc: str  # the stub's docstring literal
    spec_source: str  # `Function(...)` source
    sources: tuple[str, ...]  # compiled defaults and body (`def ...`), in that order
    call: str  # the stub body's argument list
    result_class: str | None  # the TypedDict of its RETURNS TABLE / OUT row
    result_type: str | None  # and its source


def _stub(f: RpcFunction) -> _Stub:
    return _Stub(
        result_class=f.result_class,
        result_type=_result_type(f),
        stub=f.stub,
        signature=_stub_signature(f.params),
        returns=f.returns,
        doc=docstring(_doc_text(f), indent=4),
        spec_source=_spec_source(f),
        sources=f.sources,
        call=_call(f),
    )


def _result_type(f: RpcFunction) -> str | None:
    """The TypedDict of a RETURNS TABLE / OUT row."""
    return typed_dict(f.result_class, f.result_fields) if f.result_class else None


def _spec_source(f: RpcFunction) -> str:
    """`_F_name = Function(...)`: the description the runtime validates calls with."""
    spec_params = [
        f"Param({py(p.sql_name)}, {p.type_src}"
        + (f", {p.spec_default}" if p.spec_default is not None else "")
        + (", variadic=True" if p.variadic else "")
        + (f", checks=({', '.join(p.checks)},)" if p.checks else "")
        + ")"
        for p in f.params
    ]
    fields = [
        f"name={pystr(f.fn.name)}",
        f"signature={pystr(signature(f.fn))}",
        f"params=({', '.join(spec_params)}{',' if len(spec_params) == 1 else ''})",
        f"shape={pystr(f.shape)}",
    ]
    if f.type_src is not None:
        fields.append(f"type={f.type_src}")
    if f.columns:
        cols = ", ".join(f"({pystr(n)}, {t})" for n, t in f.columns)
        fields.append(f"columns=({cols}{',' if len(f.columns) == 1 else ''})")
    if f.fn.strict:
        fields.append("strict=True")
    fields.append(f"body=_sql_body({f.stub}, {_doc_head(f).count(chr(10)) + 1})")
    if f.impl is not None:
        fields.append(f"impl={f.impl}")
        fields.append(f"impl_params={py(f.impl_params)}")
    elif f.query is not None:
        fields.append(f"query={f.query}")
    else:
        fields.append(f"reason={pystr(f.reason)}")
    return f"{f.spec} = Function({', '.join(fields)})"


def _call(f: RpcFunction) -> str:
    """The stub body's arguments: positional-only ones in order, the rest by SQL name."""
    positional = [sp.py_name for sp in f.params if sp.positional_only]
    keywords = [sp for sp in f.params if not sp.positional_only]
    plain = [f"{sp.sql_name}={sp.py_name}" for sp in keywords if _plain_kwarg(sp)]
    odd = [f"{pystr(sp.sql_name or '')}: {sp.py_name}" for sp in keywords if not _plain_kwarg(sp)]
    return ", ".join([f.spec, *positional, *plain, *([f"**{{{', '.join(odd)}}}"] if odd else [])])


def _stub_signature(params: tuple[StubParam, ...]) -> str:
    parts = []
    for i, sp in enumerate(params):
        text = f"{sp.py_name}: {sp.annotation}"
        parts.append(text if sp.default is None else f"{text} = {sp.default}")
        if sp.positional_only and (i + 1 == len(params) or not params[i + 1].positional_only):
            parts.append("/")
    return ", ".join(parts)


def _plain_kwarg(sp: StubParam) -> bool:
    """`date=date_` where the SQL name is a Python name; `**{"order total": ...}` where not."""
    name = sp.sql_name
    return name is not None and name.isidentifier() and not keyword.iskeyword(name)


def _doc_text(f: RpcFunction) -> str:
    """The stub's docstring: what the function is, then its SQL body, written once: the
    `Function` reads it back (`_sql_body(stub, lines)`)."""
    return _doc_head(f) + "\n" + display_body(f.fn)


def _doc_head(f: RpcFunction) -> str:
    """The docstring's lines before the SQL body (the last of them blank)."""
    fn = f.fn
    attrs = [f"LANGUAGE {fn.language}", fn.volatility]
    if fn.strict:
        attrs.append("STRICT")
    lines = [signature(fn), " ".join(attrs), ""]
    if fn.comment:
        lines += [fn.comment, ""]
    if f.compiled:
        lines.append("Implementation: compiled from the SQL body, unless a test registers one.")
    elif f.on_rows:
        lines.append(f"Implementation: the SELECT compiled, run on rows of {', '.join(f.tables)}")
        lines.append("(Database.rpc, or RPC.bind_rows), unless a test registers one.")
    else:
        lines.append("Implementation: none; calls raise unless a test registers one")
        lines.append(f"(RPC.register) or binds a connection. Not compiled: {f.reason}.")
    lines.append("")
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
    row_classes = {t.key: t.row_class for t in ctx.plan.tables}
    plan = plan_functions(schema, ctx.config, row_classes)
    _warn(ctx, plan.warnings)
    ctx.notes.append(summary(plan, ctx.config.strict_rpc))
    groups: dict[str, list[str]] = {}
    for f in plan.functions:
        groups.setdefault(f.key, []).append(f.spec)
    rpc = ctx.template(
        "rpc.py.j2",
        functions=[_stub(f) for f in plan.functions],
        groups=groups,
        left_out=plan.left_out,
        not_callable=py(plan.not_callable, 0, "NOT_CALLABLE: dict[str, str] = "),
        row_classes=sorted(row_classes.values()),
        column_lists=[py(cols, 0, f"{name} = ") for name, cols in plan.column_lists],
    )
    ctx.fingerprint_of("rpc.py", _depends_on(ctx))
    files = {"rpc.py": rpc}
    for path in RUNTIMES:
        ctx.keep_layout(path)  # codegen/runtimes/ is black-formatted (a test checks)
        ctx.fingerprint_of(path, {})  # its settings are in _settings.py
        files[path] = runtimes.source(path)
    return files


def summary(plan: RpcPlan, strict: bool) -> str:
    """The one line `generate` prints: which functions run compiled SQL and which need an
    implementation in the tests (registered, or the real function via RPC.bind)."""
    compiled = sorted({f.key for f in plan.functions if f.compiled})
    on_rows = sorted({f.key for f in plan.functions if f.on_rows})
    needed = sorted({f.key for f in plan.functions if not f.compiled and not f.on_rows})

    def names(keys: list[str]) -> str:
        return f" ({', '.join(keys)})" if keys else ""

    fate = "raise until a test registers one" if strict else "answer with fakes (strict_rpc)"
    return (
        f"RPC: {len(compiled)} compiled{names(compiled)}; "
        + (f"{len(on_rows)} run on rows{names(on_rows)}; " if on_rows else "")
        + f"{len(needed)} need an implementation"
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
            row = row_of(schema, base(schema, t))
            if row is not None:
                rows[row[1]] = ctx.table_json(row[1]) or [(n, repr(ft)) for n, ft in row[2]]
    return {
        "dialect": schema.dialect,
        "functions": [without_locations(f.to_json()) for f in schema.functions],
        "enums": [without_locations(e.to_json()) for e in schema.enums],
        "domains": [without_locations(d.to_json()) for d in schema.domains],
        "rows": rows,
        "row_classes": {t.key: t.row_class for t in ctx.plan.tables if t.key in rows},
    }
