"""PostgreSQL reader: pglast (PostgreSQL's own grammar) -> `codegen.ddl` statements.

One handler per pglast node class, looked up in `_HANDLERS`; a node class with no handler
is either in `_SCHEMALESS` (skipped and listed: GRANT, SET, DML, ...) or reported as
unsupported. Expressions are deparsed back to SQL text with pglast's RawStream, which
sqlglot reads back for the expression compiler.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import pglast
from pglast import ast, enums, parser
from pglast.enums import (
    A_Expr_Kind,
    ConstrType,
    DropBehavior,
    FunctionParameterMode,
    MinMaxOp,
    ObjectType,
)
from pglast.enums.parsenodes import AlterTableType
from pglast.stream import RawStream
from pglast.visitors import Ancestor

from .. import ddl
from ..errors import LineIndex, SchemagenError, line_col
from ..model import (
    Check,
    Column,
    CompositeType,
    Domain,
    EnumType,
    Exclude,
    ForeignKey,
    Function,
    Generated,
    Identity,
    Index,
    Location,
    Param,
    PrimaryKey,
    Returns,
    SqlType,
    Table,
    Unique,
    View,
    table_key,
)
from ..naming import quoted
from ..sources import SourceFile
from ..types import EXTENSION_TYPES, PG_SERIALS, pg_type
from .cache import StatementCache

DIALECT = "postgres"
DEFAULT_SCHEMA = "public"

_FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_VOLATILITY = {"immutable": "IMMUTABLE", "stable": "STABLE", "volatile": "VOLATILE"}
_PARAM_MODES = {
    FunctionParameterMode.FUNC_PARAM_IN: "IN",
    FunctionParameterMode.FUNC_PARAM_DEFAULT: "IN",
    FunctionParameterMode.FUNC_PARAM_OUT: "OUT",
    FunctionParameterMode.FUNC_PARAM_INOUT: "INOUT",
    FunctionParameterMode.FUNC_PARAM_VARIADIC: "VARIADIC",
    FunctionParameterMode.FUNC_PARAM_TABLE: "TABLE",
}

# Statements that carry no schema: read, skipped, listed (never silently dropped).
_SCHEMALESS: dict[str, str] = {
    "VariableSetStmt": "SET",
    "VariableShowStmt": "SHOW",
    "GrantStmt": "GRANT/REVOKE",
    "GrantRoleStmt": "GRANT/REVOKE role",
    "AlterDefaultPrivilegesStmt": "default privileges",
    "TransactionStmt": "transaction control",
    "SelectStmt": "query (DML)",
    "InsertStmt": "DML",
    "UpdateStmt": "DML",
    "DeleteStmt": "DML",
    "MergeStmt": "DML",
    "CopyStmt": "COPY (data)",
    "CallStmt": "CALL",
    "CreatedbStmt": "CREATE DATABASE",
    "DropdbStmt": "DROP DATABASE",
    "AlterDatabaseStmt": "ALTER DATABASE",
    "AlterDatabaseSetStmt": "ALTER DATABASE",
    "CreateRoleStmt": "role",
    "AlterRoleStmt": "role",
    "AlterRoleSetStmt": "role",
    "DropRoleStmt": "role",
    "AlterOwnerStmt": "OWNER TO",
    "CreatePolicyStmt": "row level security policy",
    "AlterPolicyStmt": "row level security policy",
    "CreatePublicationStmt": "publication",
    "AlterPublicationStmt": "publication",
    "CreateSubscriptionStmt": "subscription",
    "AlterExtensionStmt": "extension",
    "AlterExtensionContentsStmt": "extension",
    "CreateSchemaStmt": "schema",
    "CreateTrigStmt": "trigger",
    "CreateEventTrigStmt": "event trigger",
    "CreateSeqStmt": "sequence",
    "AlterSeqStmt": "sequence",
    "CreateStatsStmt": "statistics",
    "CreateCastStmt": "cast",
    "CreateConversionStmt": "conversion",
    "CreateOpClassStmt": "operator class",
    "CreateOpFamilyStmt": "operator family",
    "DefineStmt": "aggregate/operator/collation definition",
    "RuleStmt": "rule",
    "NotifyStmt": "NOTIFY",
    "ListenStmt": "LISTEN",
    "LockStmt": "LOCK",
    "VacuumStmt": "VACUUM/ANALYZE",
    "ClusterStmt": "CLUSTER",
    "ReindexStmt": "REINDEX",
    "CheckPointStmt": "CHECKPOINT",
    "DiscardStmt": "DISCARD",
    "ExplainStmt": "EXPLAIN",
    "PrepareStmt": "PREPARE",
    "ExecuteStmt": "EXECUTE",
    "DeallocateStmt": "DEALLOCATE",
    "CreateForeignServerStmt": "foreign server",
    "CreateFdwStmt": "foreign data wrapper",
    "CreateUserMappingStmt": "user mapping",
    "SecLabelStmt": "security label",
    "AlterFunctionStmt": "function attributes",
    "RefreshMatViewStmt": "REFRESH MATERIALIZED VIEW",
    "CreateTableSpaceStmt": "tablespace",
    "ImportForeignSchemaStmt": "foreign schema",
}


def read(source: SourceFile, cache: StatementCache | None = None) -> list[ddl.Statement]:
    """Parse one file into statements (raises SchemagenError with file:line:col on bad SQL).

    The file is split into statements by PostgreSQL's parser (in C, no Python tree), then
    each statement is read on its own, through `cache`: a warm run builds pglast's Python
    tree only for the statements that changed. (The cyclic collector is paused by the
    pipeline for the whole run, `collector.paused`: pglast's trees hold no cycle
    once `deparse` is done with them.)
    """
    text = _strip_client_lines(source.text)
    try:
        pieces = parser.split(text, only_slices=True)
    except parser.ParseError as error:
        message, index = error.args[0], error.args[1] if len(error.args) > 1 else None
        index = len(text) if index is None else index  # "syntax error at end of input"
        line, col = line_col(text, index)
        raise SchemagenError(
            f"cannot parse SQL: {message} (expected a valid PostgreSQL statement)",
            Location(source.path, line, col),
            _line_at(text, index),
        ) from None
    cache = cache or StatementCache(DIALECT)
    lines = LineIndex(text)
    out: list[ddl.Statement] = []
    for piece in pieces:
        start = _skip_blank(text, piece.start)
        if start < piece.stop:
            at = Location(source.path, *lines.line_col(start))
            read_one = functools.partial(_read_statement, source.path, lines, start)
            out.extend(cache.read(text[start : piece.stop], read_one, at))
    return out


def _read_statement(path: str, lines: LineIndex, offset: int, sql: str) -> list[ddl.Statement]:
    """The statements of one statement's text `sql`, found at `offset` in file `path`."""

    def locate(at: int) -> Location:
        return Location(path, *lines.line_col(offset + at))

    try:
        raws: Any = parse_unchecked(sql)
    except parser.ParseError as error:  # the whole file parsed: not expected, but located
        index = error.args[1] if len(error.args) > 1 and error.args[1] is not None else 0
        raise SchemagenError(f"cannot parse SQL: {error.args[0]}", locate(index), sql) from None
    origin = ddl.Origin(locate(0), sql)
    out: list[ddl.Statement] = []
    for raw in raws:
        out.extend(_StatementReader(origin, locate).read(raw.stmt))
    return out


# ----------------------------------------------------------------------- text helpers

_CLIENT_LINE = re.compile(r"^\\.*$", re.MULTILINE)
_COPY_FROM_STDIN = re.compile(
    r"^COPY\b[^;]*\bFROM\s+stdin\s*;[ \t]*$", re.IGNORECASE | re.MULTILINE
)


def _strip_client_lines(text: str) -> str:
    """Blank psql meta-commands (`\\c db`, `\\restrict`) and COPY ... FROM stdin data.

    Lines are blanked, not removed, so every location still points at the user's file.
    """
    lines = text.split("\n")
    in_copy = False
    for i, line in enumerate(lines):
        if in_copy:
            in_copy = line != "\\."
            lines[i] = ""
        elif _COPY_FROM_STDIN.match(line):
            in_copy = True
        elif line.startswith("\\"):
            lines[i] = ""
    return "\n".join(lines)


def _skip_blank(text: str, pos: int) -> int:
    """Move past whitespace and comments to the statement's first token."""
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
        elif text.startswith("--", pos):
            nl = text.find("\n", pos)
            pos = len(text) if nl < 0 else nl + 1
        elif text.startswith("/*", pos):
            close = text.find("*/", pos + 2)
            pos = len(text) if close < 0 else close + 2
        else:
            break
    return pos


def _line_at(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)]


_VALIDATING_SETATTR = ast.Node.__dict__.get("__setattr__")


def _changed_ints() -> dict[type[Any], frozenset[str]]:
    """Per node class, the attributes whose check changes an int it is given: booleans
    (PostgreSQL's C gives some as 0/1), single characters and enums. Every other value
    the C parser hands over passes the check unchanged."""
    out: dict[type[Any], frozenset[str]] = {}
    for cls in vars(ast).values():
        slots = getattr(cls, "__slots__", None)
        if isinstance(cls, type) and issubclass(cls, ast.Node) and isinstance(slots, dict):
            out[cls] = frozenset(
                name
                for name, (ctype, ptype, adaptor) in slots.items()
                if adaptor is not None
                or hasattr(enums, ctype)
                or int not in (ptype if isinstance(ptype, tuple) else (ptype,))
            )
    return out


def _quick_node(cls: type[Any], changed: frozenset[str]) -> Callable[..., Any]:
    """`cls(*values)` as pglast's C parser calls it (every attribute, in `__slots__`
    order), the node built without `Node.__setattr__`: each value stored through its
    slot, an int for a boolean, char or enum still through the check (`True` for 1, an
    enum member for its value). Any other call is the class's own."""
    assert _VALIDATING_SETATTR is not None
    check = _VALIDATING_SETATTR
    plan = tuple((name, cls.__dict__[name].__set__, name in changed) for name in cls.__slots__)
    new = object.__new__

    def build(*values: Any) -> Any:
        if len(values) != len(plan):
            return cls(*values)
        node = new(cls)
        for (name, put, checked), value in zip(plan, values, strict=True):
            if checked and value.__class__ is int:
                check(node, name, value)
            else:
                put(node, value)
        return node

    return build


def _positional(cls: type[Any]) -> bool:
    """Whether `cls(a, b, ...)` sets its `__slots__` in order (every class the C parser
    builds; pglast's ValUnion names its one argument otherwise)."""
    code = cls.__init__.__code__
    return bool(code.co_varnames[1 : code.co_argcount] == tuple(cls.__slots__))


@functools.cache
def _quick_ast() -> Any:
    """pglast.ast as its C parser reads it (`ast.ColumnDef(...)`, a global of
    `pglast.parser`) with every node class a `_quick_node`; None for a pglast that reads
    its classes otherwise or checks nothing (its own parse is then used)."""
    if _VALIDATING_SETATTR is None or getattr(parser, "ast", None) is not ast:
        return None
    quick = types.ModuleType(ast.__name__, ast.__doc__)
    quick.__dict__.update(vars(ast))
    for cls, changed in _changed_ints().items():
        if all(n in cls.__dict__ for n in cls.__slots__) and _positional(cls):
            setattr(quick, cls.__name__, _quick_node(cls, changed))
    return quick


def parse_unchecked(sql: str) -> Any:
    """`parser.parse_sql(sql)`, the same tree, without most of `Node.__setattr__`'s checks.

    pglast builds each node in C by calling its Python class, whose every attribute goes
    through `Node.__setattr__`: a check, made for trees built by hand, that the value fits
    the C field (~9 of every 10 seconds of `parse_sql` on a schema). What PostgreSQL's own
    parser hands over fits, and passes unchanged except for ints given to booleans and
    enums (still converted by the check). So for the call, the one name through which
    pglast's parser finds its node classes (`pglast.parser.ast`, read by `parse_sql` alone)
    points at builders of the same nodes (`_quick_ast`), and back at `pglast.ast` after.
    Nodes built by hand anywhere, in any thread, keep every check; another thread's
    `parse_sql` meanwhile builds the same tree either way, so no lock is needed (a parse
    whose builders are put back midway finishes checked). `tests/foundation/test_deparse.py`
    compares the trees with pglast's, value types and locations included."""
    quick = _quick_ast()
    if quick is None:
        return parser.parse_sql(sql)
    setattr(parser, "ast", quick)  # noqa: B010
    try:
        return parser.parse_sql(sql)
    finally:
        setattr(parser, "ast", ast)  # noqa: B010


def deparse(node: Any) -> str:
    """SQL text of `node`, printed by pglast's own printer (byte for byte its output)."""
    if not isinstance(node, ast.Node) or isinstance(node, ast.RawStmt):  # pglast's own way
        return str(RawStream()(node))
    touched = _ancestry(node)
    try:
        stream = RawStream()
        stream.print_node(node)
        return str(stream.getvalue())
    finally:
        for each in touched:  # no node -> ancestors -> parent node cycle outlives the print
            object.__setattr__(each, "ancestors", None)


def _ancestry(node: Any) -> list[Any]:
    """Set each node's `ancestors` as `RawStream.__call__` does (pglast's printers read
    them), and return the nodes set. pglast's `populate_ancestors` builds a Visitor class
    and reflects over it on every call: half of each deparse, ~6 per table."""
    touched: list[Any] = []
    todo: list[tuple[Ancestor, Any]] = [(Ancestor(Ancestor(), (node,), 0), node)]
    while todo:
        ancestors, value = todo.pop()
        if isinstance(value, ast.Node):
            object.__setattr__(value, "ancestors", ancestors)
            touched.append(value)
            for member in value:
                child = getattr(value, member)
                if isinstance(child, (tuple, ast.Node)):
                    todo.append((Ancestor(ancestors, value, member), child))
        else:
            for index, item in enumerate(value):
                if isinstance(item, (tuple, ast.Node)):
                    todo.append((Ancestor(ancestors, value, index), item))
    return touched


_EXCLUDE_METHODS = ("gist", "btree", "hash")


def _exclude_refusal(con: Any, elements: list[tuple[Any, tuple[str, ...]]]) -> str:
    """Why an EXCLUDE constraint cannot be planned ("" when it can)."""
    if con.where_clause is not None:
        return "a WHERE predicate"
    if (con.access_method or "btree") not in _EXCLUDE_METHODS:
        return f"USING {con.access_method}"
    if any(elem.name is None for elem, _ in elements):
        return "an expression element"
    return ""


def _names(nodes: Sequence[Any] | None) -> list[str]:
    return [n.sval for n in nodes or ()]


def _qualified(schema: str | None, name: str) -> str:
    return table_key(schema or DEFAULT_SCHEMA, name, DIALECT)


def _range_key(rv: Any) -> str:
    return _qualified(rv.schemaname, rv.relname)


def _name_key(names: Sequence[str]) -> str:
    return _qualified(names[0], names[1]) if len(names) > 1 else names[0]


# PostGIS types take a shape and an SRID: geometry(Point, 4326), spelled as written
_SPATIAL = ("geometry", "geography")


def type_of(tn: Any) -> SqlType:
    names = written = _names(tn.names)
    if len(names) == 2 and names[1] in EXTENSION_TYPES and names[0] != "pg_catalog":
        names = names[1:]  # pg_dump qualifies extension types: `public.citext` is citext
    if names[-1] in _SPATIAL and len(names) == 1:
        spelled = re.sub(r"\s+", "", deparse(tn).lower()).removeprefix("public.")
        return pg_type([names[-1]], [], len(tn.arrayBounds or ()), deparse(tn), spelled)
    mods = tuple(m.val.ival for m in tn.typmods or () if type(m).__name__ == "A_Const")
    dims = len(tn.arrayBounds or ())
    if len(mods) != len(tn.typmods or ()):
        return pg_type(names, list(mods), dims, deparse(tn))
    key = (tuple(written), mods, dims, bool(tn.setof), bool(tn.pct_type))
    found = _TYPES.get(key)
    if found is None:  # types repeat across columns: deparse each spelling once
        found = _TYPES[key] = pg_type(names, list(mods), dims, deparse(tn))
    return found


_TYPES: dict[tuple[Any, ...], SqlType] = {}


# ------------------------------------------------------------------ statement reader


class _StatementReader:
    """Turns one pglast statement node into zero or more `ddl` statements."""

    def __init__(self, origin: ddl.Origin, locate: Callable[[int], Location]) -> None:
        self.origin = origin
        self._locate = locate
        self.unmodelled: list[str] = []  # parts of the statement read but not modelled
        self.not_null: list[str] = []  # columns of `CONSTRAINT n NOT NULL col` (PG 18)
        self.notes: list[str] = []  # parts applied, but not wholly modelled

    def at(self, node: Any) -> Location:
        """The location of a node inside the statement (the statement's, if it has none)."""
        offset = getattr(node, "location", None)
        return self._locate(offset) if isinstance(offset, int) and offset >= 0 else self.location

    @property
    def location(self) -> Location:
        return self.origin.location

    def read(self, node: Any) -> Iterator[ddl.Statement]:
        kind = type(node).__name__
        handler = _HANDLERS.get(kind)
        if handler is not None:
            yield from handler(self, node)
            for note in self.unmodelled:
                yield ddl.Unsupported(self.origin, " ".join(note.split()))
            for note in self.notes:
                yield ddl.Note(self.origin, note)
        elif kind in _SCHEMALESS:
            yield ddl.Skip(self.origin, _SCHEMALESS[kind])
        else:
            yield ddl.Unsupported(self.origin, f"statement {kind} is not supported")

    def error(self, message: str) -> SchemagenError:
        return SchemagenError(message, self.location, self.origin.sql)

    # -- tables ---------------------------------------------------------------------

    def create_table(self, node: Any) -> Iterator[ddl.Statement]:
        key_schema = node.relation.schemaname or DEFAULT_SCHEMA
        if node.relation.relpersistence == "t" or key_schema == "pg_temp":
            yield ddl.CreateTemporary(self.origin, _range_key(node.relation))
            return
        columns: list[Column] = []
        constraints: list[ddl.Constraint] = []
        likes: list[ddl.Like] = []
        for element in node.tableElts or ():
            if isinstance(element, ast.ColumnDef):
                column, extra = self.column(element)
                columns.append(column)
                constraints.extend(extra)
            elif isinstance(element, ast.Constraint):
                constraints.extend(self.constraint(element, None))
            else:  # TableLikeClause
                options = tuple(
                    name for bit, name in _LIKE_OPTIONS.items() if element.options & bit
                )
                likes.append(ddl.Like(_range_key(element.relation), len(columns), options))
        if self.not_null:
            columns = [replace(c, nullable=False) if c.name in self.not_null else c
                       for c in columns]  # fmt: skip
        partition_of = partition_bound = None
        inherits: tuple[str, ...] = ()
        if node.partbound is not None and node.inhRelations:
            partition_of = _range_key(node.inhRelations[0])
            partition_bound = deparse(node.partbound)
        elif node.inhRelations:
            inherits = tuple(_range_key(r) for r in node.inhRelations)
        partition_by = None
        if node.partspec is not None:
            params = ", ".join(
                p.name if p.name else deparse(p.expr) for p in node.partspec.partParams
            )
            strategy = {"r": "RANGE", "l": "LIST", "h": "HASH"}[str(node.partspec.strategy.value)]
            partition_by = f"{strategy} ({params})"
        table = _assemble(
            Table(
                name=node.relation.relname,
                schema=key_schema,
                columns=tuple(columns),
                partition_by=partition_by,
                partition_of=partition_of,
                partition_bound=partition_bound,
                inherits=inherits,
                dialect=DIALECT,
                location=self.location,
            ),
            constraints,
        )
        yield ddl.CreateTable(self.origin, table, bool(node.if_not_exists), tuple(likes))

    def column(self, node: Any) -> tuple[Column, list[ddl.Constraint]]:
        names = _names(node.typeName.names)
        serial = PG_SERIALS.get(names[-1]) if len(names) == 1 else None
        sql_type = (
            pg_type(["pg_catalog", serial], [], 0, deparse(node.typeName))
            if serial
            else type_of(node.typeName)
        )
        nullable, default, generated = True, None, None
        identity: Identity | None = None
        extra: list[ddl.Constraint] = []
        for con in node.constraints or ():
            contype = con.contype
            if contype == ConstrType.CONSTR_NOTNULL:
                nullable = False
            elif contype == ConstrType.CONSTR_NULL:
                nullable = True
            elif contype == ConstrType.CONSTR_DEFAULT:
                default = deparse(con.raw_expr)
            elif contype == ConstrType.CONSTR_GENERATED:
                generated = Generated(deparse(con.raw_expr), con.generated_kind != "v")
            elif contype == ConstrType.CONSTR_IDENTITY:
                identity = "always" if con.generated_when == "a" else "by default"
                nullable = False
            elif contype in _CONSTRAINT_ATTRIBUTES:
                extra = _with_attribute(extra, contype)
            else:
                if contype == ConstrType.CONSTR_PRIMARY:
                    nullable = False
                extra.extend(self.constraint(con, node.colname))
        if serial:
            identity, nullable = "serial", False
        collation = (
            ".".join(n for n in _names(node.collClause.collname) if n != "pg_catalog")
            if node.collClause
            else None
        )  # pg_dump writes `COLLATE pg_catalog."C"`: the same collation as `COLLATE "C"`
        column = Column(
            name=node.colname,
            type=sql_type,
            nullable=nullable,
            default=default,
            generated=generated,
            identity=identity,
            collation=collation,
            location=self.at(node),
        )
        return column, extra

    def constraint(self, con: Any, column: str | None) -> list[ddl.Constraint]:
        contype = con.contype
        name = con.conname or None
        own = (column,) if column else ()
        where = self.at(con)
        if getattr(con, "without_overlaps", False):
            self.notes.append(
                f"{'PRIMARY KEY' if contype == ConstrType.CONSTR_PRIMARY else 'UNIQUE'}"
                f" ({', '.join(_names(con.keys))} WITHOUT OVERLAPS) is kept as a plain key:"
                " rows keep the whole key distinct, but periods that overlap are refused"
            )
        if contype == ConstrType.CONSTR_PRIMARY:
            if con.indexname:
                raise self.error("PRIMARY KEY USING INDEX is not supported")
            return [PrimaryKey(tuple(_names(con.keys)) or own, name, where)]
        if contype == ConstrType.CONSTR_UNIQUE:
            cols = tuple(_names(con.keys)) or own
            distinct = not getattr(con, "nulls_not_distinct", False)
            return [Unique(cols, name, location=where, nulls_distinct=distinct)]
        if contype == ConstrType.CONSTR_CHECK:
            return [
                Check(
                    deparse(con.raw_expr),
                    name,
                    where,
                    bool(con.skip_validation),
                    bool(con.is_no_inherit),
                )
            ]
        if contype == ConstrType.CONSTR_FOREIGN:
            return [
                ForeignKey(
                    columns=tuple(_names(con.fk_attrs)) or own,
                    ref_table=_range_key(con.pktable),
                    ref_columns=tuple(_names(con.pk_attrs)),
                    name=name,
                    on_delete=_FK_ACTIONS.get(con.fk_del_action, "NO ACTION"),
                    on_update=_FK_ACTIONS.get(con.fk_upd_action, "NO ACTION"),
                    deferrable=bool(con.deferrable),
                    initially_deferred=bool(con.initdeferred),
                    location=where,
                )
            ]
        if contype == ConstrType.CONSTR_NOTNULL and con.keys:
            # PostgreSQL 18's named NOT NULL (NOT VALID / NO INHERIT): new rows must obey it
            self.not_null.extend(_names(con.keys))
            return []
        if contype == ConstrType.CONSTR_EXCLUSION:
            return self._exclude(con, name, where)
        raise self.error(f"constraint {contype.name} is not supported here")

    def _exclude(self, con: Any, name: str | None, where: Location) -> list[ddl.Constraint]:
        """EXCLUDE over plain columns is modelled, whatever its operators (the planner and
        the in-memory database say which they cannot keep); a WHERE predicate or an
        expression element stays unmodelled, and the table's warning says its rows may
        violate it."""
        elements = [(elem, tuple(op.sval for op in ops)) for elem, ops in con.exclusions]
        refused = _exclude_refusal(con, elements)
        if refused:
            self.unmodelled.append(
                f"EXCLUDE constraint{' ' + name if name else ''} is not modelled ({refused}):"
                " generated rows may violate it"
            )
            return []
        columns = tuple(elem.name for elem, _ in elements)
        operators = tuple(ops[-1] for _, ops in elements)
        method = con.access_method or "btree"
        return [Exclude(columns, operators, name, where, method, bool(con.initdeferred))]

    def alter_table(self, node: Any) -> Iterator[ddl.Statement]:
        objtype = node.objtype
        if objtype == ObjectType.OBJECT_TYPE:
            yield from self._alter_composite(node)
            return
        if objtype not in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_FOREIGN_TABLE):
            yield ddl.Skip(self.origin, f"ALTER {objtype.name.removeprefix('OBJECT_')}")
            return
        actions: list[ddl.Action] = []
        skipped: list[str] = []
        for cmd in node.cmds:
            handler = _ALTER_HANDLERS.get(cmd.subtype)
            if handler is None:
                skipped.append(cmd.subtype.name.removeprefix("AT_"))
            else:
                actions.extend(handler(self, cmd))
        if actions:
            yield ddl.AlterTable(
                self.origin,
                _range_key(node.relation),
                tuple(actions),
                bool(node.missing_ok),
                recurse=bool(node.relation.inh),
            )
        if skipped and not actions:
            yield ddl.Skip(self.origin, "ALTER TABLE " + ", ".join(skipped))
        elif skipped:
            yield ddl.Skip(self.origin, "partly applied; ignored: " + ", ".join(skipped))

    def _alter_composite(self, node: Any) -> Iterator[ddl.Statement]:
        """ALTER TYPE ... ADD / DROP ATTRIBUTE, ALTER ATTRIBUTE ... TYPE."""
        actions: list[ddl.AddColumn | ddl.DropColumn | ddl.AlterColumnType | ddl.RenameColumn] = []
        for cmd in node.cmds:
            if cmd.subtype == AlterTableType.AT_AddColumn:
                column, _ = self.column(cmd.def_)
                actions.append(ddl.AddColumn(column, (), bool(cmd.missing_ok)))
            elif cmd.subtype == AlterTableType.AT_DropColumn:
                actions.append(ddl.DropColumn(cmd.name, bool(cmd.missing_ok)))
            elif cmd.subtype == AlterTableType.AT_AlterColumnType:
                actions.append(ddl.AlterColumnType(cmd.name, type_of(cmd.def_.typeName)))
            else:
                yield ddl.Skip(self.origin, f"ALTER TYPE {cmd.subtype.name.removeprefix('AT_')}")
        if actions:
            yield ddl.AlterComposite(self.origin, _range_key(node.relation), tuple(actions))

    def _add_column(self, cmd: Any) -> list[ddl.Action]:
        column, constraints = self.column(cmd.def_)
        return [ddl.AddColumn(column, tuple(constraints), bool(cmd.missing_ok))]

    def _alter_type(self, cmd: Any) -> list[ddl.Action]:
        return [ddl.AlterColumnType(cmd.name, type_of(cmd.def_.typeName))]

    def _add_constraint(self, cmd: Any) -> list[ddl.Action]:
        actions: list[ddl.Action] = [ddl.AddConstraint(c) for c in self.constraint(cmd.def_, None)]
        actions += [ddl.SetNotNull(name, True) for name in self.not_null]
        self.not_null.clear()
        return actions

    def _add_identity(self, cmd: Any) -> list[ddl.Action]:
        con = cmd.def_
        return [ddl.SetIdentity(cmd.name, "always" if con.generated_when == "a" else "by default")]

    def _set_identity(self, cmd: Any) -> list[ddl.Action]:
        """SET GENERATED ALWAYS / BY DEFAULT; the sequence options beside it (INCREMENT,
        RESTART) are the sequence's, not the model's."""
        for option in cmd.def_ or ():
            if option.defname == "generated":
                kind: Identity = "always" if option.arg.ival == ord("a") else "by default"
                return [ddl.SetIdentity(cmd.name, kind)]
        return []

    def rename(self, node: Any) -> Iterator[ddl.Statement]:
        rt = node.renameType
        if rt in (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW):
            yield ddl.RenameTable(
                self.origin, _range_key(node.relation), node.newname, bool(node.missing_ok)
            )
        elif rt == ObjectType.OBJECT_COLUMN and node.relationType in _RELATIONS:
            yield ddl.AlterTable(
                self.origin,
                _range_key(node.relation),
                (ddl.RenameColumn(node.subname, node.newname),),
                bool(node.missing_ok),
            )
        elif rt == ObjectType.OBJECT_TABCONSTRAINT:
            yield ddl.AlterTable(
                self.origin,
                _range_key(node.relation),
                (ddl.RenameConstraint(node.subname, node.newname),),
                bool(node.missing_ok),
            )
        elif rt in (ObjectType.OBJECT_TYPE, ObjectType.OBJECT_DOMAIN):
            names = _names(node.object.names if isinstance(node.object, ast.TypeName)
                           else node.object)  # fmt: skip
            yield ddl.RenameType(self.origin, _name_key(names), node.newname)
        elif rt == ObjectType.OBJECT_ATTRIBUTE:
            rename = ddl.RenameColumn(node.subname, node.newname)
            yield ddl.AlterComposite(self.origin, _range_key(node.relation), (rename,))
        elif rt == ObjectType.OBJECT_INDEX:
            yield ddl.RenameIndex(
                self.origin, _range_key(node.relation), node.newname, bool(node.missing_ok)
            )
        elif rt == ObjectType.OBJECT_SCHEMA:
            yield ddl.RenameSchema(self.origin, node.subname, node.newname)
        elif rt in (ObjectType.OBJECT_SEQUENCE, ObjectType.OBJECT_TRIGGER, ObjectType.OBJECT_ROLE):
            yield ddl.Skip(self.origin, f"rename {rt.name.removeprefix('OBJECT_').lower()}")
        else:
            yield ddl.Unsupported(
                self.origin, f"renaming a {rt.name.removeprefix('OBJECT_').lower()} is not applied"
            )

    def create_index(self, node: Any) -> Iterator[ddl.Statement]:
        columns: list[str] = []
        expressions: list[str] = []
        for elem in node.indexParams:
            text = deparse(elem)
            # a bare column (deparsed quoted when its name needs it, `"default"`)
            if elem.name and text in (elem.name, quoted(elem.name)):
                columns.append(elem.name)
            else:  # an expression, or a column with ordering / opclass: kept as written
                expressions.append(text)
        where = deparse(node.whereClause) if node.whereClause is not None else None
        index: Unique | Index
        if node.unique:
            index = Unique(
                tuple(columns),
                node.idxname,
                tuple(expressions),
                where,
                True,
                self.location,
                not getattr(node, "nulls_not_distinct", False),
            )
        else:
            index = Index(
                node.idxname, tuple(columns), tuple(expressions), where, self.location,
                node.accessMethod or "btree",
            )  # fmt: skip
        yield ddl.CreateIndex(
            self.origin,
            _range_key(node.relation),
            index,
            bool(node.if_not_exists),
            recurse=bool(node.relation.inh),
        )

    # -- types ----------------------------------------------------------------------

    def create_enum(self, node: Any) -> Iterator[ddl.Statement]:
        labels = tuple(v.sval for v in node.vals or ())
        yield ddl.CreateEnum(
            self.origin, EnumType(_name_key(_names(node.typeName)), labels, self.location)
        )

    def alter_enum(self, node: Any) -> Iterator[ddl.Statement]:
        key = _name_key(_names(node.typeName))
        if node.oldVal:
            yield ddl.RenameEnumValue(self.origin, key, node.oldVal, node.newVal)
        else:
            yield ddl.AddEnumValue(
                self.origin,
                key,
                node.newVal,
                node.newValNeighbor or None,
                bool(node.newValIsAfter) or not node.newValNeighbor,
                bool(node.skipIfNewValExists),
            )

    def create_domain(self, node: Any) -> Iterator[ddl.Statement]:
        nullable, default, checks = True, None, []
        for con in node.constraints or ():
            if con.contype == ConstrType.CONSTR_NOTNULL:
                nullable = False
            elif con.contype == ConstrType.CONSTR_DEFAULT:
                default = deparse(con.raw_expr)
            elif con.contype == ConstrType.CONSTR_CHECK:
                checks.append(Check(deparse(con.raw_expr), con.conname or None, self.location))
        domain = Domain(
            _name_key(_names(node.domainname)),
            type_of(node.typeName),
            nullable,
            default,
            tuple(checks),
            self.location,
        )
        yield ddl.CreateDomain(self.origin, domain)

    def create_composite(self, node: Any) -> Iterator[ddl.Statement]:
        attrs = tuple((c.colname, type_of(c.typeName)) for c in node.coldeflist or ())
        key = _qualified(node.typevar.schemaname, node.typevar.relname)
        yield ddl.CreateComposite(self.origin, CompositeType(key, attrs, self.location))

    # -- functions and views --------------------------------------------------------

    def create_function(self, node: Any) -> Iterator[ddl.Statement]:
        options = {o.defname: o.arg for o in node.options or ()}
        language = options["language"].sval.lower() if "language" in options else "sql"
        body, style = None, "string"
        if node.sql_body is not None:
            body, style = _standard_body(node.sql_body, self.origin.sql), "standard"
        elif "as" in options:
            parts = options["as"]
            body = parts[0].sval if len(parts) == 1 else None  # C functions: (file, symbol)
        params: list[Param] = []
        table_columns: list[Param] = []
        for p in node.parameters or ():
            mode = _PARAM_MODES[p.mode]
            param = Param(
                p.name or None,
                type_of(p.argType),
                "IN" if mode == "TABLE" else mode,
                deparse(p.defexpr) if p.defexpr is not None else None,
            )
            (table_columns if mode == "TABLE" else params).append(param)
        returns = _returns(node.returnType, tuple(table_columns), node.is_procedure, params)
        function = Function(
            name=_name_key(_names(node.funcname)),
            params=tuple(params),
            returns=returns,
            language=language,
            volatility=_VOLATILITY.get(
                options["volatility"].sval if "volatility" in options else "", "VOLATILE"
            ),
            strict=bool(options["strict"].boolval) if "strict" in options else False,
            parallel=options["parallel"].sval.upper() if "parallel" in options else "UNSAFE",
            body=body,
            body_style=style,
            is_procedure=bool(node.is_procedure),
            location=self.location,
        )
        yield ddl.CreateFunction(self.origin, function, bool(node.replace))

    def create_view(self, node: Any) -> Iterator[ddl.Statement]:
        columns = _names(node.aliases) or _select_columns(node.query)
        view = View(
            _range_key(node.view), tuple(columns), deparse(node.query), False, self.location
        )
        yield ddl.CreateView(self.origin, view, bool(node.replace))

    def create_table_as(self, node: Any) -> Iterator[ddl.Statement]:
        if node.objtype == ObjectType.OBJECT_MATVIEW:
            into = node.into
            columns = _names(into.colNames) or _select_columns(node.query)
            view = View(
                _range_key(into.rel), tuple(columns), deparse(node.query), True, self.location
            )
            yield ddl.CreateView(self.origin, view)
        elif node.into.rel.relpersistence == "t" or node.into.rel.schemaname == "pg_temp":
            yield ddl.CreateTemporary(self.origin, _range_key(node.into.rel))
        else:
            rel, query = node.into.rel, node.query
            simple = isinstance(query, ast.SelectStmt) and query.targetList is not None
            entries = tuple(map(_select_column, query.targetList)) if simple else ()
            yield ddl.CreateTableAs(
                self.origin,
                Table(rel.relname, rel.schemaname or DEFAULT_SCHEMA, location=self.location),
                entries,
                tuple(_from_sources(query.fromClause)) if simple else (),
                tuple(_names(node.into.colNames)),
                bool(node.if_not_exists),
            )

    # -- comments and drops ---------------------------------------------------------

    def comment(self, node: Any) -> Iterator[ddl.Statement]:
        objtype = node.objtype
        if objtype == ObjectType.OBJECT_COLUMN:
            names = _names(node.object)
            table = _qualified(names[-3], names[-2]) if len(names) > 2 else names[0]
            yield ddl.Comment(self.origin, "column", table, names[-1], node.comment)
        elif objtype == ObjectType.OBJECT_TABLE:
            yield ddl.Comment(
                self.origin, "table", _name_key(_names(node.object)), None, node.comment
            )
        elif objtype == ObjectType.OBJECT_FUNCTION:
            func = node.object
            yield ddl.Comment(
                self.origin, "function", _name_key(_names(func.objname)), None, node.comment
            )
        else:
            yield ddl.Skip(self.origin, f"COMMENT ON {objtype.name.removeprefix('OBJECT_')}")

    def do_block(self, node: Any) -> Iterator[ddl.Statement]:
        """A DO block that only guards DDL (`IF NOT EXISTS (...) THEN CREATE TYPE ...`,
        `EXCEPTION WHEN duplicate_object THEN null`) applies that DDL; others are skipped."""
        options = {o.defname: o.arg for o in node.args or ()}
        language = options["language"].sval if "language" in options else "plpgsql"
        body = options["as"].sval if "as" in options else ""
        statements = _guarded_ddl(body) if language == "plpgsql" else None
        if not statements:
            yield ddl.Skip(self.origin, "DO block")
            return
        at = max(self.origin.sql.find(body), 0)
        for sql in statements:
            at = self.origin.sql.find(sql, at)
            yield from self._nested(sql, max(at, 0))

    def _nested(self, sql: str, offset: int) -> Iterator[ddl.Statement]:
        """The statements of SQL found at `offset` inside this statement's text."""

        def locate(at: int) -> Location:
            return self._locate(offset + at)

        origin = ddl.Origin(locate(0), sql)
        for raw in parser.parse_sql(sql):
            yield from _StatementReader(origin, locate).read(raw.stmt)

    def set_schema(self, node: Any) -> Iterator[ddl.Statement]:
        kind = _SET_SCHEMA_KINDS.get(node.objectType)
        if kind is None:
            what = node.objectType.name.removeprefix("OBJECT_")
            yield ddl.Skip(self.origin, f"{what} SET SCHEMA")
            return
        name = _range_key(node.relation) if node.relation else _name_key(_names(node.object))
        yield ddl.SetSchema(self.origin, kind, name, node.newschema, bool(node.missing_ok))

    def create_extension(self, node: Any) -> Iterator[ddl.Statement]:
        yield ddl.CreateExtension(self.origin, node.extname)

    def drop(self, node: Any) -> Iterator[ddl.Statement]:
        kind = _DROP_KINDS.get(node.removeType)
        if kind is None:
            yield ddl.Skip(self.origin, f"DROP {node.removeType.name.removeprefix('OBJECT_')}")
            return
        names: list[str] = []
        for obj in node.objects:
            if isinstance(obj, ast.ObjectWithArgs):
                names.append(_name_key(_names(obj.objname)))
            elif isinstance(obj, ast.TypeName):
                names.append(_name_key(_names(obj.names)))
            elif isinstance(obj, ast.String):  # DROP SCHEMA
                names.append(str(obj.sval))
            else:
                names.append(_name_key(_names(obj)))
        cascade = node.behavior == DropBehavior.DROP_CASCADE
        yield ddl.Drop(self.origin, kind, tuple(names), bool(node.missing_ok), cascade)


_LIKE_OPTIONS = {
    1: "comments",
    4: "constraints",
    8: "defaults",
    16: "generated",
    32: "identity",
    64: "indexes",
}  # TableLikeOption bits; compression, statistics and storage are not modelled

_CONSTRAINT_ATTRIBUTES: dict[Any, dict[str, Any]] = {
    ConstrType.CONSTR_ATTR_DEFERRABLE: {"deferrable": True},
    ConstrType.CONSTR_ATTR_NOT_DEFERRABLE: {"deferrable": False},
    ConstrType.CONSTR_ATTR_DEFERRED: {"initially_deferred": True},
    ConstrType.CONSTR_ATTR_IMMEDIATE: {"initially_deferred": False},
}


def _with_attribute(extra: list[ddl.Constraint], contype: Any) -> list[ddl.Constraint]:
    """`REFERENCES p DEFERRABLE INITIALLY DEFERRED` on a column: PostgreSQL's grammar gives
    the attributes as constraints of their own, which qualify the constraint before them."""
    if not extra or not isinstance(extra[-1], ForeignKey):
        # PostgreSQL itself only allows them after REFERENCES (and UNIQUE / PRIMARY KEY,
        # whose deferrability the model does not keep)
        return extra
    return [*extra[:-1], replace(extra[-1], **_CONSTRAINT_ATTRIBUTES[contype])]


def _assemble(table: Table, constraints: Sequence[ddl.Constraint]) -> Table:
    """Put parsed constraints in their slots on the table (catalog validates them)."""
    pks = [c for c in constraints if isinstance(c, PrimaryKey)]
    constraints = _exclude_places(constraints, bool(pks))
    return Table(
        name=table.name,
        schema=table.schema,
        columns=table.columns,
        primary_key=pks[-1] if pks else None,
        foreign_keys=tuple(c for c in constraints if isinstance(c, ForeignKey)),
        uniques=tuple(c for c in constraints if isinstance(c, Unique)),
        checks=tuple(c for c in constraints if isinstance(c, Check)),
        excludes=tuple(c for c in constraints if isinstance(c, Exclude)),
        partition_by=table.partition_by,
        partition_of=table.partition_of,
        partition_bound=table.partition_bound,
        inherits=table.inherits,
        dialect=table.dialect,
        location=table.location,
    )


def _exclude_places(constraints: Sequence[ddl.Constraint], pk: bool) -> list[ddl.Constraint]:
    """Each EXCLUDE's place among the unique rules: CREATE TABLE builds the primary key's
    index first, then the others in the order written."""
    out: list[ddl.Constraint] = []
    uniques = 0
    for c in constraints:
        if isinstance(c, Unique):
            uniques += 1
        out.append(replace(c, made_after=int(pk) + uniques) if isinstance(c, Exclude) else c)
    return out


_BEGIN_ATOMIC = re.compile(r"\bBEGIN\s+ATOMIC\b.*\bEND\b", re.IGNORECASE | re.DOTALL)


def _standard_body(body: Any, statement: str) -> str:
    """`RETURN expr` as the deparsed expression; `BEGIN ATOMIC ... END` as written."""
    if isinstance(body, ast.ReturnStmt):
        return deparse(body.returnval)
    match = _BEGIN_ATOMIC.search(statement)
    if match:
        return match.group(0)
    statements = [s for group in body for s in (group or ())]
    return "BEGIN ATOMIC " + "; ".join(deparse(s) for s in statements) + "; END"


def _returns(tn: Any, table: tuple[Param, ...], is_procedure: bool, params: list[Param]) -> Returns:
    outs = [p for p in params if p.mode in ("OUT", "INOUT")]
    if tn is None and outs and not is_procedure:
        # PostgreSQL infers it: the single OUT parameter's type, else record
        return Returns("scalar", outs[0].type) if len(outs) == 1 else Returns("record")
    if tn is None:
        return Returns("void") if is_procedure or not table else Returns("table", None, table)
    if table:
        return Returns("table", None, table)
    sql_type = type_of(tn)
    if tn.setof:  # the element type, as written without SETOF
        sql_type = replace(sql_type, original=sql_type.original.removeprefix("SETOF "))
    base = sql_type.name if sql_type.category == "unknown" else None
    if base in ("void",):
        return Returns("void")
    if base in ("trigger", "event_trigger"):
        return Returns("trigger")
    if base == "record":
        return Returns("setof" if tn.setof else "record", None)
    return Returns("setof" if tn.setof else "scalar", sql_type)


def _last(target: Any) -> Any:
    return target.val.fields[-1]


def _select_columns(query: Any) -> list[str]:
    """Output column names of a simple SELECT, where they can be known without a database."""
    if not isinstance(query, ast.SelectStmt) or not query.targetList:
        return []
    names = []
    for target in query.targetList:
        if target.name:
            names.append(target.name)
        elif isinstance(target.val, ast.ColumnRef) and isinstance(
            last := _last(target), ast.String
        ):
            names.append(last.sval)
        else:
            return []  # `*` or an unnamed expression: not derivable here
    return names


def _select_column(target: Any) -> ddl.SelectColumn:
    """A SELECT list entry: PostgreSQL's name for it, and its type where the entry gives it."""
    value: Any = target.val
    sql = deparse(value)
    if type(value).__name__ == "ColumnRef":
        ref = tuple("*" if type(f).__name__ == "A_Star" else f.sval for f in value.fields)
        return ddl.SelectColumn(target.name or ref[-1], sql, None, ref[-2:])
    return ddl.SelectColumn(target.name or _figure_name(value), sql, _value_type(value))


_FIXED_NAMES = {"CaseExpr": "case", "CoalesceExpr": "coalesce", "A_ArrayExpr": "array",
                "RowExpr": "row"}  # fmt: skip


def _figure_name(value: Any) -> str:
    """The name PostgreSQL gives an unnamed SELECT entry (its FigureColname)."""
    kind = type(value).__name__
    if kind == "ColumnRef" and type(value.fields[-1]).__name__ == "String":
        return str(value.fields[-1].sval)
    if kind == "TypeCast":
        inner = _figure_name(value.arg)
        return inner if inner != "?column?" else str(value.typeName.names[-1].sval)
    if kind == "FuncCall":
        return str(value.funcname[-1].sval)
    if kind == "SQLValueFunction":
        return _SQL_VALUE_FUNCTIONS[value.op.name][0]
    if kind == "MinMaxExpr":
        return "greatest" if value.op == 0 else "least"
    return _FIXED_NAMES.get(kind, "?column?")


# SQLValueFunction op -> (its column name, its type)
_SQL_VALUE_FUNCTIONS: dict[str, tuple[str, str]] = {
    f"SVFOP_{name.upper()}{suffix}": (name, t)
    for name, t in (("current_date", "date"), ("current_time", "timetz"),
                    ("current_timestamp", "timestamptz"), ("localtime", "time"),
                    ("localtimestamp", "timestamp"), ("current_role", "name"),
                    ("current_user", "name"), ("user", "name"), ("session_user", "name"),
                    ("current_catalog", "name"), ("current_schema", "name"))
    for suffix in ("", "_N")
}  # fmt: skip

# functions whose result type does not depend on their arguments
_FUNCTION_TYPES = {"count": "bigint", "row_number": "bigint", "rank": "bigint",
                   "dense_rank": "bigint", "now": "timestamptz", "clock_timestamp": "timestamptz",
                   "statement_timestamp": "timestamptz", "transaction_timestamp": "timestamptz",
                   "gen_random_uuid": "uuid", "uuidv4": "uuid", "uuidv7": "uuid"}  # fmt: skip
# literal node -> its type in a new table (an untyped string is text there)
_LITERAL_TYPES = {"String": "text", "Integer": "integer", "Boolean": "boolean"}


def _value_type(value: Any) -> SqlType | None:
    """The type of a SELECT entry that says it itself: a cast, a literal (an untyped string
    or NULL is text in a new table), a function of a fixed result type; else None."""
    kind = type(value).__name__
    name: str | None = None
    if kind == "TypeCast":
        return type_of(value.typeName)
    if kind == "A_Const":
        literal = type(value.val).__name__
        name = "text" if value.isnull else _LITERAL_TYPES.get(literal)
        if literal == "Float":  # an integer too large for int4 is read as a Float too
            text = str(value.val.fval)
            name = "bigint" if text.isdigit() and int(text) < 2**63 else "numeric"
    elif kind == "SQLValueFunction":
        name = _SQL_VALUE_FUNCTIONS[value.op.name][1]
    elif kind == "FuncCall" and len(value.funcname) == 1:
        name = _FUNCTION_TYPES.get(value.funcname[0].sval)
    return pg_type([name], [], 0, name) if name else None


def _from_sources(items: Any) -> Iterator[tuple[str, str]]:
    """(name or alias, relation key) of each table a FROM reads, in order (joins opened;
    a JOIN ... USING or NATURAL, or a subquery, with "" for its key: its columns are not
    known here)."""
    for item in items or ():
        kind = type(item).__name__
        if kind == "RangeVar":
            yield str(item.alias.aliasname if item.alias else item.relname), _range_key(item)
        elif kind == "JoinExpr" and not item.usingClause and not item.isNatural:
            yield from _from_sources((item.larg, item.rarg))
        else:
            alias = getattr(item, "alias", None)
            yield (str(alias.aliasname) if alias is not None else ""), ""


# relations whose columns RENAME COLUMN reaches (ALTER TABLE / VIEW / MATERIALIZED VIEW)
_RELATIONS = (ObjectType.OBJECT_TABLE, ObjectType.OBJECT_VIEW, ObjectType.OBJECT_MATVIEW,
              ObjectType.OBJECT_FOREIGN_TABLE)  # fmt: skip

_DROP_KINDS = {
    ObjectType.OBJECT_TABLE: "table",
    ObjectType.OBJECT_VIEW: "view",
    ObjectType.OBJECT_MATVIEW: "view",
    ObjectType.OBJECT_TYPE: "type",
    ObjectType.OBJECT_DOMAIN: "domain",
    ObjectType.OBJECT_FUNCTION: "function",
    ObjectType.OBJECT_PROCEDURE: "function",
    ObjectType.OBJECT_INDEX: "index",
    ObjectType.OBJECT_SCHEMA: "schema",
}

_DML = (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt, ast.MergeStmt)


def _guarded_ddl(body: str) -> list[str] | None:
    """The DDL statements of a plpgsql DO body made only of guards around DDL; None if it
    does anything else (loops, DML, RAISE, dynamic SQL, an ELSE, a handler that acts)."""
    try:
        wrapped = f"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $sg${body}$sg$"
        function = pglast.parse_plpgsql(wrapped)[0]["PLpgSQL_function"]
    except (parser.ParseError, KeyError, IndexError):
        return None
    out: list[str] = []
    return out if _collect_ddl([function["action"]], out) else None


def _collect_ddl(statements: list[dict[str, Any]], out: list[str]) -> bool:
    for statement in statements:
        ((kind, node),) = statement.items()
        if kind == "PLpgSQL_stmt_block":
            handlers = (node.get("exceptions") or {}).get("PLpgSQL_exception_block", {})
            if any(h["PLpgSQL_exception"].get("action") for h in handlers.get("exc_list", ())):
                return False
            if not _collect_ddl(node.get("body", []), out):
                return False
        elif kind == "PLpgSQL_stmt_if":
            if node.get("elsif_list") or node.get("else_body"):
                return False
            if not _collect_ddl(node.get("then_body", []), out):
                return False
        elif kind == "PLpgSQL_stmt_execsql":
            query = node["sqlstmt"]["PLpgSQL_expr"]["query"]
            try:
                parsed = parser.parse_sql(query)
            except parser.ParseError:
                return False
            if any(isinstance(raw.stmt, _DML) for raw in parsed):
                return False
            out.append(query)
        elif kind != "PLpgSQL_stmt_return" or node:
            return False
    return True


_SET_SCHEMA_KINDS = {
    ObjectType.OBJECT_TABLE: "table",
    ObjectType.OBJECT_FOREIGN_TABLE: "table",
    ObjectType.OBJECT_VIEW: "view",
    ObjectType.OBJECT_MATVIEW: "view",
    ObjectType.OBJECT_TYPE: "type",
    ObjectType.OBJECT_DOMAIN: "type",
}

_R = _StatementReader
_HANDLERS: dict[str, Callable[[_R, Any], Iterator[ddl.Statement]]] = {
    "CreateStmt": _R.create_table,
    "AlterTableStmt": _R.alter_table,
    "RenameStmt": _R.rename,
    "IndexStmt": _R.create_index,
    "CreateEnumStmt": _R.create_enum,
    "AlterEnumStmt": _R.alter_enum,
    "CreateDomainStmt": _R.create_domain,
    "CompositeTypeStmt": _R.create_composite,
    "CreateFunctionStmt": _R.create_function,
    "ViewStmt": _R.create_view,
    "CreateTableAsStmt": _R.create_table_as,
    "CommentStmt": _R.comment,
    "DropStmt": _R.drop,
    "CreateExtensionStmt": _R.create_extension,
    "AlterObjectSchemaStmt": _R.set_schema,
    "DoStmt": _R.do_block,
}

_ALTER_HANDLERS: dict[AlterTableType, Callable[[_R, Any], list[ddl.Action]]] = {
    AlterTableType.AT_AddColumn: _R._add_column,
    AlterTableType.AT_DropColumn: lambda r, c: [ddl.DropColumn(c.name, bool(c.missing_ok))],
    AlterTableType.AT_AlterColumnType: _R._alter_type,
    AlterTableType.AT_SetNotNull: lambda r, c: [ddl.SetNotNull(c.name, True)],
    AlterTableType.AT_DropNotNull: lambda r, c: [ddl.SetNotNull(c.name, False)],
    AlterTableType.AT_ColumnDefault: lambda r, c: [
        ddl.SetDefault(c.name, deparse(c.def_) if c.def_ is not None else None)
    ],
    AlterTableType.AT_AddConstraint: _R._add_constraint,
    AlterTableType.AT_DropConstraint: lambda r, c: [ddl.DropConstraint(c.name, bool(c.missing_ok))],
    AlterTableType.AT_AddIdentity: _R._add_identity,
    AlterTableType.AT_DropIdentity: lambda r, c: [ddl.SetIdentity(c.name, None)],
    AlterTableType.AT_SetIdentity: _R._set_identity,
    AlterTableType.AT_DropExpression: lambda r, c: [ddl.DropExpression(c.name)],
    AlterTableType.AT_AttachPartition: lambda r, c: [
        ddl.AttachPartition(_range_key(c.def_.name), deparse(c.def_.bound))
    ],
    AlterTableType.AT_AddInherit: lambda r, c: [ddl.SetInherit(_range_key(c.def_), True)],
    AlterTableType.AT_DropInherit: lambda r, c: [ddl.SetInherit(_range_key(c.def_), False)],
    AlterTableType.AT_DetachPartition: lambda r, c: [ddl.DetachPartition(_range_key(c.def_.name))],
    # DETACH ... FINALIZE completes a CONCURRENTLY detach, already applied
    AlterTableType.AT_DetachPartitionFinalize: lambda r, c: [],
}


# ------------------------------------------------------------- expressions kept as text


def _expression_tree(sql: str, index_element: bool) -> Any | None:
    """The tree of an expression as this reader deparsed it (an IndexElem for index parts)."""
    try:
        if index_element:
            index: Any = parser.parse_sql(f"CREATE INDEX i ON t ({sql})")[0].stmt
            return index.indexParams[0]
        select: Any = parser.parse_sql(f"SELECT {sql}")[0].stmt
        return select.targetList[0].val
    except (parser.ParseError, AttributeError, IndexError):
        return None


def _column_refs(tree: Any) -> list[Any]:
    """The ColumnRef nodes of a tree (an IndexElem's bare column as one too)."""
    from pglast.visitors import Visitor

    found: list[Any] = []

    class _Refs(Visitor):
        def visit_ColumnRef(self, ancestors: Any, node: Any) -> None:
            found.append(node)

    _Refs()(tree)
    if isinstance(tree, ast.IndexElem) and tree.name:
        found.append(ast.ColumnRef(fields=(ast.String(sval=tree.name),)))
    return found


def expression_columns(sql: str, index_element: bool = False) -> set[str] | None:
    tree = _expression_tree(sql, index_element)
    if tree is None:
        return None
    return {
        str(ref.fields[-1].sval)
        for ref in _column_refs(tree)
        if isinstance(ref.fields[-1], ast.String)
    }


@functools.lru_cache(maxsize=1024)
def _query_relations(sql: str) -> frozenset[str] | None:
    from pglast.visitors import Visitor

    try:
        tree = parser.parse_sql(sql)
    except parser.ParseError:
        return None
    found: set[str] = set()

    class _Relations(Visitor):
        def visit_RangeVar(self, ancestors: Any, node: Any) -> None:
            found.add(_range_key(node))

    _Relations()(tree)
    return frozenset(found)


def query_relations(sql: str) -> set[str] | None:
    """Keys of the relations a query reads (CTE names included: they name nothing here)."""
    found = _query_relations(sql)
    return None if found is None else set(found)


def rename_column(sql: str, old: str, new: str, index_element: bool = False) -> str:
    tree = _expression_tree(sql, index_element)
    if tree is None or old not in (expression_columns(sql, index_element) or ()):
        return sql
    for ref in _column_refs(tree):
        if isinstance(ref.fields[-1], ast.String) and ref.fields[-1].sval == old:
            ref.fields = (*ref.fields[:-1], ast.String(sval=new))
    if isinstance(tree, ast.IndexElem) and tree.name == old:
        tree.name = new
    return deparse(tree)


# -------------------------------------------------------------- partition bounds


def partition_bound(bound: str) -> tuple[str, list[list[str | None]]] | None:
    """A partition's bound as (strategy, datums): ("range", [lower, upper]), ("list",
    [values]), ("hash", []), ("default", []); a datum is SQL text, the bare word MINVALUE
    or MAXVALUE, or None for NULL. None when the text is not a bound."""
    try:
        statement: Any = parser.parse_sql(f"CREATE TABLE x PARTITION OF y {bound}")[0].stmt
        node: Any = statement.partbound
    except (parser.ParseError, AttributeError, IndexError):
        return None
    if node.is_default:
        return "default", []

    def datums(nodes: Any) -> list[str | None]:
        return [
            str(d.fields[0].sval).upper() if type(d).__name__ == "ColumnRef"
            else None if getattr(d, "isnull", False) else deparse(d)
            for d in nodes or ()
        ]  # fmt: skip

    if node.strategy == "r":
        return "range", [datums(node.lowerdatums), datums(node.upperdatums)]
    if node.strategy == "l":
        return "list", [datums(node.listdatums)]
    return "hash", []


# ------------------------------------------------------------------- index names


def index_column_names(statement: str) -> list[str] | None:
    """The column names PostgreSQL builds an unnamed index's name from
    (ChooseIndexColumnNames: a column's name, an expression's FigureColname or "expr",
    INCLUDE columns too, a repeated name numbered); None if `statement` is no CREATE INDEX."""
    try:
        node = parser.parse_sql(statement)[0].stmt
    except parser.ParseError:
        return None
    if not isinstance(node, ast.IndexStmt):
        return None
    names: list[str] = []
    for elem in (*(node.indexParams or ()), *(node.indexIncludingParams or ())):
        original = elem.indexcolname or elem.name or _figure_colname(elem.expr)[1] or "expr"
        name, n = original, 0
        while name in names:
            n += 1
            name = f"{original}{n}"
        names.append(name)
    return names


def _figure_colname(node: Any) -> tuple[int, str | None]:
    """PostgreSQL's FigureColnameInternal: (strength, name) of an expression's column."""
    kind = type(node).__name__  # (by name: pglast's stubs make every field Optional)
    if kind == "ColumnRef":
        last = node.fields[-1]
        return (2, last.sval) if type(last).__name__ == "String" else (0, None)
    if kind == "A_Indirection":
        last = node.indirection[-1]
        return (2, last.sval) if type(last).__name__ == "String" else _figure_colname(node.arg)
    if kind == "FuncCall":
        return 2, node.funcname[-1].sval
    if kind == "A_Expr":
        return (2, "nullif") if node.kind == A_Expr_Kind.AEXPR_NULLIF else (0, None)
    if kind == "TypeCast":
        strength, name = _figure_colname(node.arg)
        if strength <= 1 and node.typeName is not None:
            return 1, node.typeName.names[-1].sval
        return strength, name
    if kind == "CollateClause":
        return _figure_colname(node.arg)
    if kind == "CaseExpr":
        strength, name = _figure_colname(node.defresult) if node.defresult else (0, None)
        return (1, "case") if strength <= 1 else (strength, name)
    fixed = {"A_ArrayExpr": "array", "RowExpr": "row", "CoalesceExpr": "coalesce"}
    if kind in fixed:
        return 2, fixed[kind]
    if kind == "MinMaxExpr":
        return 2, "greatest" if node.op == MinMaxOp.IS_GREATEST else "least"
    return 0, None
