"""Statements: what the parsers produce and the catalog applies, in order.

Each dialect's reader turns its parser's AST into these small, dialect-neutral operations
(reusing the model's pieces: a parsed column is already a `Column`), so the catalog applies
one vocabulary whatever the source. Every statement knows its location and SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import (
    Check,
    Column,
    CompositeType,
    Domain,
    EnumType,
    ForeignKey,
    Function,
    Identity,
    Index,
    Location,
    PrimaryKey,
    SqlType,
    Table,
    Unique,
    View,
)

Constraint = PrimaryKey | ForeignKey | Unique | Check


@dataclass(frozen=True)
class Origin:
    location: Location
    sql: str


# ----------------------------------------------------------------- ALTER TABLE actions


@dataclass(frozen=True)
class AddColumn:
    column: Column
    constraints: tuple[Constraint, ...] = ()
    if_not_exists: bool = False


@dataclass(frozen=True)
class DropColumn:
    name: str
    if_exists: bool = False


@dataclass(frozen=True)
class RenameColumn:
    old: str
    new: str


@dataclass(frozen=True)
class AlterColumnType:
    name: str
    type: SqlType


@dataclass(frozen=True)
class SetNotNull:
    name: str
    not_null: bool


@dataclass(frozen=True)
class SetDefault:
    name: str
    default: str | None


@dataclass(frozen=True)
class SetIdentity:
    name: str
    identity: Identity | None  # "always" | "by default" | None (DROP IDENTITY)


@dataclass(frozen=True)
class DropExpression:
    name: str


@dataclass(frozen=True)
class ReplaceColumn:
    """MySQL MODIFY / CHANGE: the column is redefined (and maybe renamed) whole."""

    old: str
    column: Column
    constraints: tuple[Constraint, ...] = ()


@dataclass(frozen=True)
class AddConstraint:
    constraint: Constraint


@dataclass(frozen=True)
class DropConstraint:
    name: str
    if_exists: bool = False


@dataclass(frozen=True)
class RenameConstraint:
    old: str
    new: str


@dataclass(frozen=True)
class AttachPartition:
    child: str  # table key of the partition
    bound: str  # "FOR VALUES ..." / "DEFAULT"


Action = (
    AddColumn
    | DropColumn
    | RenameColumn
    | AlterColumnType
    | SetNotNull
    | SetDefault
    | SetIdentity
    | DropExpression
    | ReplaceColumn
    | AddConstraint
    | DropConstraint
    | RenameConstraint
    | AttachPartition
)

# ------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class CreateTable:
    origin: Origin
    table: Table
    if_not_exists: bool = False


@dataclass(frozen=True)
class AlterTable:
    origin: Origin
    table: str  # table key
    actions: tuple[Action, ...]
    if_exists: bool = False
    recurse: bool = True  # False for ALTER TABLE ONLY: partitions are left alone


@dataclass(frozen=True)
class RenameTable:
    origin: Origin
    table: str
    new_name: str
    if_exists: bool = False


@dataclass(frozen=True)
class CreateIndex:
    origin: Origin
    table: str
    index: Unique | Index
    if_not_exists: bool = False


@dataclass(frozen=True)
class CreateEnum:
    origin: Origin
    enum: EnumType


@dataclass(frozen=True)
class AddEnumValue:
    origin: Origin
    enum: str
    label: str
    neighbor: str | None = None
    after: bool = True
    if_not_exists: bool = False


@dataclass(frozen=True)
class RenameEnumValue:
    origin: Origin
    enum: str
    old: str
    new: str


@dataclass(frozen=True)
class CreateDomain:
    origin: Origin
    domain: Domain


@dataclass(frozen=True)
class CreateComposite:
    origin: Origin
    composite: CompositeType


@dataclass(frozen=True)
class CreateFunction:
    origin: Origin
    function: Function
    or_replace: bool = False


@dataclass(frozen=True)
class CreateView:
    origin: Origin
    view: View
    or_replace: bool = False


@dataclass(frozen=True)
class Comment:
    origin: Origin
    kind: str  # "table" | "column" | "function" | ...
    target: str  # table key, function name, ...
    column: str | None
    text: str | None


@dataclass(frozen=True)
class Drop:
    origin: Origin
    kind: str  # "table" | "view" | "type" | "domain" | "function" | "index"
    names: tuple[str, ...]
    if_exists: bool = False


@dataclass(frozen=True)
class CreateExtension:
    origin: Origin
    name: str


@dataclass(frozen=True)
class Skip:
    """Read and deliberately not applied; listed in `Schema.skipped`."""

    origin: Origin
    reason: str


@dataclass(frozen=True)
class Unsupported:
    """A statement that may change the schema but that schemagen cannot apply: a warning."""

    origin: Origin
    reason: str


Statement = (
    CreateTable
    | AlterTable
    | RenameTable
    | CreateIndex
    | CreateEnum
    | AddEnumValue
    | RenameEnumValue
    | CreateDomain
    | CreateComposite
    | CreateFunction
    | CreateView
    | Comment
    | Drop
    | CreateExtension
    | Skip
    | Unsupported
)
