"""What the plan hands on to the output kinds: frozen plans per table, per column, per
foreign key and CHECK. Enumerated strings are `Literal`s, so mypy checks every use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..errors import Diagnostic
from ..model import Location, Table

# How a column gets its value (see the ladder in plan/__init__.py)
ColumnKind = Literal[
    "computed",
    "identity",
    "override",
    "fk",
    "fk_part",
    "null",
    "unique",
    "default",
    "value",
    "unsupported",
]
# How a foreign key is filled: a SubFactory of the parent, NULL, or left to the caller
FkMode = Literal["sub", "null", "external"]

RESERVED_ATTRS = {
    "Meta",
    "Params",
    "build",
    "create",
    "stub",
    "generate",
    "simple_generate",
    "build_batch",
    "create_batch",
    "stub_batch",
    "generate_batch",
    "simple_generate_batch",
    "reset_sequence",
    "attributes",
    "declarations",
    "sg",
    "rt",
    "factory",
    "n",
    "o",
    "Decimal",
    "uuid",
}

RESERVED_MODULES = {"__init__", "factory", "factories"}

UUID_DEFAULT_CATEGORIES = {"uuid"}


@dataclass(frozen=True)
class CompiledFn:
    """A compiled SQL expression placed in a generated module."""

    name: str
    params: tuple[str, ...]  # the SQL column names it reads, in call order
    source: str
    sql: str
    unsupported: str | None
    location: Location


@dataclass(frozen=True)
class ColumnPlan:
    name: str
    attr: str
    sql_type: str
    kind: ColumnKind
    decl: str | None  # the factory declaration (None: not declared, e.g. computed)
    regen: str | None  # `lambda o: ...` to regenerate the value when a CHECK fails
    insert: bool  # part of the INSERT (generated and identity-ALWAYS columns are not)
    identity: bool  # left to the database on INSERT unless the caller passed a value
    json: bool
    note: str = ""


@dataclass(frozen=True)
class FkPlan:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    mode: FkMode
    factory: str | None  # the parent's factory class, found through the factories package


@dataclass(frozen=True)
class CheckPlan:
    name: str
    sql: str
    columns: tuple[str, ...]
    fn: CompiledFn
    domain: str | None = None


@dataclass(frozen=True)
class TablePlan:
    key: str
    table: Table
    class_name: str
    module: str
    columns: tuple[ColumnPlan, ...]
    fks: tuple[FkPlan, ...]
    checks: tuple[CheckPlan, ...]
    computed: tuple[tuple[str, CompiledFn], ...]
    default_fns: tuple[CompiledFn, ...]
    sql_name: tuple[str, ...]
    schema_entry: dict[str, str]
    meta: dict[str, Any]
    depends_on: tuple[str, ...]  # parent table keys (SubFactory targets)
    # where the factory's sequence starts: a partition's rows share its root table's keys,
    # so each partition counts from its own offset (see partitions.sequence_start)
    sequence_start: int = 0
    # UNIQUE over `column % k`: (column, k, the UNIQUE), checked on every row made
    residues: tuple[tuple[str, int, str], ...] = ()
    # column -> the Python annotation of its values: the row's TypedDict (`row_class`)
    row_fields: tuple[tuple[str, str], ...] = ()
    # a digest of all the plan was made from (plan/stored.py), "" when not known: the key
    # memoised outputs start from instead of the plan's own, which costs more to compute
    memo_key: str = ""

    @property
    def row_class(self) -> str:
        """`OrdersRow` beside `OrdersFactory` (class names are unique, so these are too)."""
        return self.class_name.removesuffix("Factory") + "Row"


@dataclass(frozen=True)
class Plan:
    dialect: str
    tables: tuple[TablePlan, ...]
    order: tuple[str, ...]  # table keys, parents first
    warnings: tuple[Diagnostic, ...] = ()
