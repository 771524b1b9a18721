"""`database.py`: the in-memory `Database` / `AsyncDatabase` of this schema.

The engine and its front doors are real modules (`codegen/database*.py`) copied verbatim;
this kind only describes the schema to them: columns with their types, NOT NULL, DEFAULTs
(compiled by sqlexpr), identity/serial, generated columns, PRIMARY KEY and UNIQUE rules
(partial and expression indexes compiled too), foreign keys with their actions, and the
CHECKs already compiled into `computed.py`.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

from .. import runtimes, sqlexpr
from ..context import Context
from ..dialect import Dialect, of
from ..digest import sha256
from ..errors import Diagnostic
from ..memo import Taken
from ..model import Column, ForeignKey, Schema, SqlType, Table, Unique
from ..naming import identifier
from ..plan import TablePlan
from ..plan.compiler import _NOPE, default_literal_value
from ..render import LINE_LENGTH, _width, call, literal, py, pystr
from ..sqlexpr import mysql_text
from ..sqlexpr.annotate import Signature
from .database_insert import Facts, RowFn, Rule, covered, insert_source

EXPORTS = {
    "database": ["APIError", "APIResponse", "AsyncDatabase", "Database", "DatabaseError", "SCHEMA"]
}
RUNTIMES = ("_database.py", "_database_api.py", "_database_sql.py", "_database_mysql.py",
            "_database_embed.py", "_database_exclude.py", "_database_ranges.py")  # fmt: skip
# how PostgreSQL names a type in its messages
PG_NAMES = {
    "varchar": "character varying", "char": "character", "double": "double precision",
    "timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
    "bytes": "bytea", "timetz": "time with time zone", "time": "time without time zone",
}  # fmt: skip
TEXTS = ("text", "varchar", "char")
ARG, ITEM = 12, 16  # the columns of a TableSpec's arguments and of their items in SCHEMA
# how much of its table's module name an insert's name takes: `def insert_<that>_<n>(table:
# TableState, kit: FastKit) -> FastInsert:` fits in a line for any n below 10**6
INSERT_NAME = 32


def render(ctx: Context) -> dict[str, str]:
    files = {path: runtimes.source(path) for path in RUNTIMES}
    for path in files:
        ctx.keep_layout(path)
        ctx.fingerprint_of(path, {})
    fns: list[str] = []
    taken = Taken()
    warnings: list[Diagnostic] = []
    inserts: list[str] = []  # each table's generated insert's factory (None: it has none)
    modules: list[tuple[str, str]] = []  # the tables modules the inserts read, and as what
    own: list[bool] = []  # which of `fns` database_insert wrote (the rest: sqlexpr's)
    tables = []
    for t in ctx.plan.tables:
        tables.append(
            ctx.formatter.fitted(_memoised(ctx, t, fns, taken, warnings, (inserts, modules)), 8)
        )
        own += [False] * (len(fns) - len(own))
        if inserts[-1] != "None":  # its insert is the last function a table adds
            own[-1] = True
    any_insert = any(i != "None" for i in inserts)
    shape = {True: ctx.formatter.fitted, False: ctx.formatter.shaped}
    files["database.py"] = ctx.template(
        "database.py.j2",
        functions=[shape[mine](source) for source, mine in zip(fns, own, strict=True)],
        tables=tables,
        inserts=inserts if any_insert else [],
        modules=[_import_line(module, alias) for module, alias in sorted(modules)],
        dialect=pystr(ctx.schema.dialect),
        behaviour=[*_behaviour(of(ctx.schema.dialect)), *(["inserts=INSERTS"] * any_insert)],
    )
    if warnings:
        ctx.plan = dataclasses.replace(ctx.plan, warnings=(*ctx.plan.warnings, *warnings))
    return files


def _memoised(ctx: Context, t: TablePlan, fns: list[str], taken: Taken,
              warnings: list[Diagnostic],
              out: tuple[list[str], list[tuple[str, str]]]) -> str:  # fmt: skip
    """`_table`, memoised by what it reads: the table's plan (locations aside), which
    parents exist, and the rest of the schema (types, domains); the names it gave out (its
    functions', its insert's, named after its table, not its place) are replayed only when
    they are free again. A table whose specs warn is not memoised (warnings carry
    locations)."""
    inserts, modules = out
    parents = [ctx.schema.table(fk.ref_table) is not None for fk in t.table.foreign_keys]
    key = f"{parents} {ctx.schema_wide} {ctx.plan_key(t)}"
    digest = f"database-table:{sha256(key)}"
    hit = ctx.formatter.memo.get(digest)
    if hit is not None:
        header, table, insert, *table_fns = hit.split(_SEP)
        replay, table_modules = json.loads(header)
        if taken.replay(replay):
            fns += table_fns
            inserts.append(insert)
            modules += [(m, alias) for m, alias in table_modules]
            return table
    before = (len(fns), len(warnings), len(modules))
    taken.log = []
    try:
        table = _table(ctx.schema, t, parents, fns, taken, warnings, out)
        log = taken.log
    finally:
        taken.log = None
    texts = [json.dumps([log, modules[before[2] :]]), table, inserts[-1], *fns[before[0] :]]
    if len(warnings) == before[1] and not any(_SEP in text for text in texts):
        ctx.formatter.memo.put(digest, _SEP.join(texts))
    return table


# A memoised table's texts are kept as they are, joined by NUL (generated source holds none:
# the literal printer escapes it; a text that did is not memoised), not as JSON inside the JSON
# cache file, which escaped every quote twice (98 MB against 58 MB of cache at 5000 tables).
_SEP = "\x00"


def _import_line(module: str, alias: str) -> str:
    """`from .factories import module as alias`, wrapped as black wraps a long one."""
    line = f"from .factories import {module} as {alias}"
    return (
        line
        if len(line) <= LINE_LENGTH
        else f"from .factories import (\n    {module} as {alias},\n)"
    )


def _behaviour(d: Dialect) -> list[str]:
    """SchemaSpec's keyword arguments: how the database behaves where databases differ."""
    flags = {
        "affinity": d.type_affinity, "aborts": d.aborts_transactions,
        "per_row": d.statement_per_row, "fields_in_order": d.fields_in_order,
        "nulls_low": d.nulls_sort_low, "like_ignores_case": d.like_ignores_case,
        "restrict_violation": d.restrict_violation,
    }  # fmt: skip
    return [f"{k}={v}" for k, v in flags.items()]


# ----------------------------------------------------------------------------- the specs

# the annotation of a constant DEFAULT's function, from the constant itself
_CONSTANT_TYPES = {bool: "bool", int: "int", float: "float", str: "str", Decimal: "Decimal"}


class _Sources:
    """Compiled helper functions for one table, named uniquely inside `database.py`."""

    def __init__(self, schema: Schema, t: TablePlan, fns: list[str], taken: set[str],
                 warnings: list[Diagnostic]) -> None:  # fmt: skip
        self.schema, self.t, self.fns, self.taken, self.warnings = schema, t, fns, taken, warnings
        self.types = {c.name: _resolve(schema, c.type) for c in t.table.columns}
        self.defaults: dict[str, str] = {}  # column -> its DEFAULT's function
        self.row_fns: list[RowFn] = []  # the unique rules' compiled parts and predicates
        self.rules: list[Rule] = []  # each unique rule, for the generated insert

    def name(self, what: str) -> str:
        return identifier(f"{self.t.module}__{what}", self.taken)

    def default(self, column: Column) -> str | None:
        if column.default is None or column.identity is not None or column.generated:
            return None
        name = self.name(f"{column.name}_default")
        t = self.types[column.name]
        value = default_literal_value(column.default, t, of(self.schema.dialect))
        source = None if value is _NOPE else literal(value)
        if source is not None:  # a constant ('{}' for jsonb and arrays too), as the plan reads it
            source = f"rt.{source}" if isinstance(value, Decimal) else source
            returns = _CONSTANT_TYPES.get(type(value), "Any")  # a MySQL DECIMAL's 0 is an int
            signature = Signature(name, (), returns if value is not None else "None")
            self.fns.append(f"{signature.header()}\n    {signature.returning(source)}\n")
            return name
        return self._value_fn(column, column.default, name, "DEFAULT",
                              "a row that omits the column raises NotImplementedError")  # fmt: skip

    def on_update(self, column: Column) -> str | None:
        """MySQL's ON UPDATE expression (CURRENT_TIMESTAMP), compiled as a DEFAULT is."""
        if column.on_update is None:
            return None
        name = self.name(f"{column.name}_on_update")
        effect = "an UPDATE that changes the row raises NotImplementedError"
        return self._value_fn(column, column.on_update, name, "ON UPDATE", effect)

    def _value_fn(self, column: Column, sql: str, name: str, what: str, effect: str) -> str:
        """A value the database computes for the column (no row in scope), compiled."""
        compiled = sqlexpr.compile_expression(
            sql, self.schema.dialect, {}, name=name, result_type=self.types[column.name]
        )
        self._note(compiled, column.location, f"{self.t.key}.{column.name}: {what}", effect)
        self.fns.append(compiled.source)
        return compiled.name

    def row_fn(self, sql: str, predicate: bool, where: Unique) -> str:
        name = self.name("unique_where" if predicate else "unique_part")
        compile_ = sqlexpr.compile_predicate if predicate else sqlexpr.compile_expression
        compiled = compile_(sql, self.schema.dialect, self.types, name=name)
        self._note(compiled, where.location, f"{self.t.key}: unique index {where.name or ''}",
                   "writes to the table raise NotImplementedError")  # fmt: skip
        self.fns.append(compiled.source)
        self.row_fns.append((compiled.name, compiled.params))
        return f"_of_row({compiled.name}, {py(compiled.params)})"

    def _note(self, compiled: sqlexpr.Compiled, location: object, what: str, then: str) -> None:
        if compiled.unsupported:
            self.warnings.append(Diagnostic(
                location,  # type: ignore[arg-type]
                f"{what} is not compiled ({compiled.unsupported}); in the in-memory Database"
                f" {then}", compiled.sql,
            ))  # fmt: skip


def _table(schema: Schema, t: TablePlan, parents: list[bool], fns: list[str],
           taken: set[str], warnings: list[Diagnostic],
           out: tuple[list[str], list[tuple[str, str]]]) -> str:  # fmt: skip
    """One `TableSpec(...)` laid out as black lays it out as an element of SCHEMA's tables
    (first line at column 8): `render` keeps it (`Formatter.fitted` at 8), black sees only
    a table whose lines do not fit. `parents`: whether each foreign key's table is in the schema."""
    src = _Sources(schema, t, fns, taken, warnings)
    table = t.table
    columns = [_column(schema, table, c, src) for c in table.columns]
    uniques = [_unique(table, u, primary, src) for u, primary in _uniques(table)]
    kept = [
        (fk, plan.ref_columns)
        for fk, plan, present in zip(table.foreign_keys, t.fks, parents, strict=True)
        if plan.ref_columns and present
    ]
    fks = [_foreign_key(table, fk, ref_columns) for fk, ref_columns in kept]
    inserts, modules = out
    inserts.append("None")
    if covered(of(schema.dialect), table):  # named after its table, short: its `def` fits
        inserts[-1] = identifier(f"insert_{t.module[:INSERT_NAME]}", taken)
        functions = identifier(f"{t.module}_functions", taken)
        source, reads = insert_source(
            inserts[-1], t, _facts(schema, t, src, kept), _copies(src), functions
        )
        fns.append(source)
        if reads:
            modules.append((t.module, functions))
    domains = tuple(c.domain for c in t.checks)
    key = pystr(t.key)
    args = [
        f"{key},",
        py(t.sql_name, ARG, "", ","),
        _items("", columns),
        _items("uniques=", uniques),
        _items("foreign_keys=", fks),
        call("checks=_checks", [key, py(domains)], ARG, ","),
        f"computed=COMPUTED_COLUMNS[{key}],",
    ]
    if table.excludes:
        excludes = []
        for x in table.excludes:
            name = x.name or _pg_name(table, x.columns, "excl")
            after = len(uniques) if x.made_after < 0 else x.made_after
            excludes.append(f"{py((name, x.columns, x.operators, after, x.deferred))},")
        args.append(_items("excludes=", excludes))
    return "TableSpec(\n" + "".join(f"{' ' * ARG}{a}\n" for a in args) + " " * (ARG - 4) + ")"


def _facts(
    schema: Schema, t: TablePlan, src: _Sources, fks: list[tuple[ForeignKey, tuple[str, ...]]]
) -> Facts:
    """What the table's generated insert needs to know, in the order of the specs."""
    table = t.table
    return Facts(
        defaults=src.defaults,
        uniques=src.rules,
        fks=[(fk.columns, fk.ref_table, fk.initially_deferred) for fk, _ in fks],
        types=src.types,
        domains=frozenset(c.name for c in table.columns if c.type.category == "domain"),
        domain_checked=frozenset(p for c in t.checks if c.domain for p in c.fn.params),
        not_null=frozenset(
            c.name for c in table.columns
            if not (c.nullable and _domains_nullable(schema, c.type))
        ),
    )  # fmt: skip


def _copies(src: _Sources) -> bool:
    """Rows hold mutable values (JSON, arrays): returned as deep copies."""
    return any(t.category in ("json", "jsonb", "array") for t in src.types.values())


def _items(prefix: str, items: list[str], indent: int = ARG) -> str:
    """An argument holding a tuple of items (each ending in its comma), at column `indent`:
    `()` when empty, flat when it is one item that fits (a one-tuple's comma is not black's
    magic trailing comma), else one item per line."""
    if not items:
        return f"{prefix}(),"
    flat = f"{prefix}({items[0]}),"
    if len(items) == 1 and "\n" not in flat and indent + _width(flat) <= LINE_LENGTH:
        return flat
    pad = " " * (indent + 4)
    return f"{prefix}(\n" + "".join(f"{pad}{i}\n" for i in items) + " " * indent + "),"


def _foreign_key(table: Table, fk: ForeignKey, ref_columns: tuple[str, ...]) -> str:
    args = [
        pystr(fk.name or _pg_name(table, fk.columns, "fkey")), py(fk.columns),
        pystr(fk.ref_table), py(ref_columns), pystr(fk.on_delete.upper()),
        pystr(fk.on_update.upper()),
    ]  # fmt: skip
    if fk.initially_deferred:
        args.append("deferred=True")
    return call("ForeignKeySpec", args, ITEM, ",")


def _uniques(table: Table) -> list[tuple[Unique, bool]]:
    """The primary key first (flagged), then the UNIQUE constraints and unique indexes."""
    out = [(u, False) for u in table.uniques]
    pk = table.primary_key
    if pk is not None:
        name = pk.name or f"{table.name}_pkey"
        out.insert(0, (Unique(pk.columns, name, location=pk.location), True))
    return out


def _unique(table: Table, u: Unique, primary: bool, src: _Sources) -> str:
    name = u.name or _pg_name(table, u.columns + tuple(u.expressions), "key")
    shown = u.columns + tuple(u.expressions)
    args = [pystr(name), py(shown)]
    parts: tuple[RowFn, ...] = ()
    if u.expressions:
        items = [src.row_fn(f'"{c}"', False, u) for c in u.columns]
        items += [src.row_fn(e, False, u) for e in u.expressions]
        parts = tuple(src.row_fns[-len(items) :])
        args.append(_items("parts=", [f"{i}," for i in items], ITEM + 4)[:-1])
    if u.where:
        args.append(f"where={src.row_fn(u.where, True, u)}")
    src.rules.append(Rule(u.columns, u.nulls_distinct, parts, src.row_fns[-1] if u.where else None))
    if primary:
        args.append("primary=True")
    if not u.nulls_distinct:
        args.append("nulls_distinct=False")
    if not any("\n" in a for a in args):
        return call("UniqueSpec", args, ITEM, ",")
    # exploded parts (their trailing comma is black's magic one) explode the call too
    return "UniqueSpec(\n" + "".join(f"{' ' * (ITEM + 4)}{a},\n" for a in args) + " " * ITEM + "),"


def _pg_name(table: Table, parts: tuple[str, ...], suffix: str) -> str:
    """PostgreSQL's name for an unnamed constraint: table_col1_col2_suffix (63 bytes)."""
    words = "_".join(p if p.isidentifier() else "expr" for p in parts)
    return f"{table.name}_{words}_{suffix}"[:63]


def _column(schema: Schema, table: Table, c: Column, src: _Sources) -> str:
    t = src.types[c.name]
    nullable = c.nullable and _domains_nullable(schema, c.type)
    args = [pystr(c.name), _type(schema, t, c.type)]
    if not nullable:
        args.append("nullable=False")
    default = src.default(c)
    if default:
        src.defaults[c.name] = default
        args.append(f"default={default}")
    if c.identity:
        args.append(f"identity={pystr(c.identity)}")
    if c.generated is not None:
        args.append("generated=True")
    collate = _collate(mysql_text.collation(t))
    if of(schema.dialect).collations_fold_case and t.category in (*TEXTS, "enum") and collate:
        args.append(f"collate={pystr(collate)}")
    on_update = src.on_update(c)
    if on_update:
        args.append(f"on_update={on_update}")
    return call("ColumnSpec", args, ITEM, ",")


def _collate(collation: str | None) -> str:
    """How a MySQL collation compares (ColumnSpec.collate): the column's, else the
    table's, else MySQL 8's default, utf8mb4_0900_ai_ci (the reader writes it in the type)."""
    name = (collation or mysql_text.DEFAULT_COLLATION).lower()
    if not name.endswith("_ci"):  # _bin, _cs: exact, but for trailing spaces if PAD SPACE
        return "" if "_0900_" in name or "_nopad_" in name else "pad"
    if "_0900_" in name or "_nopad_" in name:
        return "uca_nopad"
    return "general" if "_general_" in name else "uca"


def _type(schema: Schema, t: SqlType, written: SqlType) -> str:
    category = t.category
    if category == "timestamptz" and not of(schema.dialect).aware_datetimes:
        category = "timestamp"  # the driver exchanges naive datetimes (MySQL's TIMESTAMP)
    if category in ("json", "jsonb") and of(schema.dialect).json_as_text:
        category = "json_text"
    args = [pystr(category), pystr(_sql_name(schema, t))]
    for field in ("length", "precision", "scale"):
        value = getattr(t, field)
        if value is not None:
            args.append(f"{field}={value}")
    if t.category == "enum" and t.name:
        enum = schema.enum(t.name)
        args.append(f"labels={py(enum.labels if enum else ())}")
    if t.element is not None:
        args.append(f"element={_type(schema, _resolve(schema, t.element), t.element)}")
    if of(schema.dialect).type_affinity:
        affinity = of(schema.dialect).expressions.affinity_of(written) or "BLOB"
        args.append(f"affinity={pystr(affinity)}")
    limits = of(schema.dialect).type_limits(t)
    if limits is not None and limits.lo is not None and limits.hi is not None:
        args.append(f"bounds={(limits.lo, limits.hi)!r}")  # a MySQL integer width
    if written.category == "domain" and written.name:
        args.append(f"domain={pystr(written.name)}")
    if category == "char" and of(schema.dialect).char_strips_pad:
        args.append("strips_pad=True")
    if of(schema.dialect).strict_mode_values:
        args.append("strict=True")
    return f"TypeSpec({', '.join(args)})"


def _sql_name(schema: Schema, t: SqlType) -> str:
    """The type as the engine's messages name it (PostgreSQL's names where canonical)."""
    if not of(schema.dialect).canonical_type_names:
        return t.sql
    if t.category == "enum" and t.name:
        return t.name.split(".")[-1]
    base = PG_NAMES.get(t.category, t.sql.split("(")[0])
    if t.category in ("varchar", "char") and t.length is not None:
        return f"{base}({t.length})"
    return base if t.category != "array" else t.sql


def _resolve(schema: Schema, t: SqlType) -> SqlType:
    while t.category == "domain" and t.name and (domain := schema.domain(t.name)) is not None:
        t = domain.base
    return t


def _domains_nullable(schema: Schema, t: SqlType) -> bool:
    while t.category == "domain" and t.name and (domain := schema.domain(t.name)) is not None:
        if not domain.nullable:
            return False
        t = domain.base
    return True
