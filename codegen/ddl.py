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
    Exclude,
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

Constraint = PrimaryKey | ForeignKey | Unique | Check | Exclude


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


@dataclass(frozen=True)
class SetInherit:
    """ALTER TABLE ... INHERIT parent / NO INHERIT parent."""

    parent: str  # table key
    inherit: bool


@dataclass(frozen=True)
class DetachPartition:
    child: str  # table key of the partition, a table of its own afterwards


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
    | DetachPartition
    | SetInherit
)

# ------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class Like:
    """`LIKE source INCLUDING ...` inside CREATE TABLE: the catalog copies the source's
    columns (at `position` among the table's own) and the parts `options` name."""

    source: str  # table key
    position: int
    options: tuple[str, ...]  # of comments constraints defaults generated identity indexes


@dataclass(frozen=True)
class CreateTable:
    origin: Origin
    table: Table
    if_not_exists: bool = False
    likes: tuple[Like, ...] = ()


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
class RenameIndex:
    """ALTER INDEX ... RENAME TO: a PRIMARY KEY or UNIQUE constraint follows its index."""

    origin: Origin
    index: str  # key: "name", or "schema.name" outside the default schema
    new_name: str
    if_exists: bool = False


@dataclass(frozen=True)
class RenameSchema:
    """ALTER SCHEMA ... RENAME TO: the tables, views and types in it move with it."""

    origin: Origin
    old: str
    new: str


@dataclass(frozen=True)
class CreateIndex:
    origin: Origin
    table: str
    index: Unique | Index
    if_not_exists: bool = False
    recurse: bool = True  # not ON ONLY: a partitioned table's partitions get it too


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
class AlterComposite:
    """ALTER TYPE ... ADD / DROP / ALTER ATTRIBUTE ... TYPE, ... RENAME ATTRIBUTE: the
    column actions of ALTER TABLE, on a composite type's attributes."""

    origin: Origin
    name: str  # the type's key
    actions: tuple[AddColumn | DropColumn | AlterColumnType | RenameColumn, ...]


@dataclass(frozen=True)
class SelectColumn:
    """One entry of a SELECT list, as far as the SELECT itself tells: its output name, its
    type when the entry gives it (a cast, a literal, count(*)), else the column it reads."""

    name: str  # PostgreSQL's name for it (`?column?` when it has none)
    sql: str  # the entry as written, for messages
    type: SqlType | None = None
    ref: tuple[str, ...] = ()  # a column reference: ("c",), ("t", "c"), ("*",), ("t", "*")


@dataclass(frozen=True)
class CreateTableAs:
    """CREATE TABLE ... AS SELECT (WITH [NO] DATA: the same table): columns from the
    SELECT list, typed from the model where the list itself does not say."""

    origin: Origin
    table: Table  # name, schema and location; its columns come from `columns`
    columns: tuple[SelectColumn, ...]  # empty: the query's columns are not known
    sources: tuple[tuple[str, str], ...]  # FROM: (name or alias, relation key), in order
    names: tuple[str, ...]  # CREATE TABLE t (a, b) AS: names given to the first columns
    if_not_exists: bool = False


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
    kind: str  # "table" | "view" | "type" | "domain" | "function" | "index" | "schema"
    names: tuple[str, ...]
    if_exists: bool = False
    cascade: bool = False  # DROP ... CASCADE: dependent views, keys and columns go too


@dataclass(frozen=True)
class RenameType:
    """ALTER TYPE / DOMAIN ... RENAME TO: columns of the type keep it under its new name."""

    origin: Origin
    name: str  # key
    new_name: str  # bare name, same schema


@dataclass(frozen=True)
class SetSchema:
    """ALTER TABLE / VIEW / TYPE ... SET SCHEMA: the object moves, dependents follow it."""

    origin: Origin
    kind: str  # "table" | "view" | "type"
    name: str  # key before the move
    schema: str
    if_exists: bool = False


@dataclass(frozen=True)
class CreateExtension:
    origin: Origin
    name: str


@dataclass(frozen=True)
class CreateTemporary:
    """CREATE TEMP TABLE: not in the model; later statements on it are skipped too."""

    origin: Origin
    table: str  # key


@dataclass(frozen=True)
class Skip:
    """Read and deliberately not applied; listed in `Schema.skipped`."""

    origin: Origin
    reason: str


@dataclass(frozen=True)
class Note:
    """Applied, but not all of it is modelled: a warning, the statement is not skipped."""

    origin: Origin
    message: str


@dataclass(frozen=True)
class Unsupported:
    """A statement that may change the schema but that schemagen cannot apply: a warning."""

    origin: Origin
    reason: str


Statement = (
    CreateTable
    | AlterTable
    | RenameTable
    | RenameIndex
    | RenameSchema
    | CreateIndex
    | CreateEnum
    | AddEnumValue
    | RenameEnumValue
    | CreateDomain
    | CreateComposite
    | AlterComposite
    | CreateTableAs
    | CreateFunction
    | CreateView
    | Comment
    | Drop
    | SetSchema
    | RenameType
    | CreateExtension
    | CreateTemporary
    | Skip
    | Note
    | Unsupported
)
