"""Tables that take their shape from other tables, as PostgreSQL builds them.

`INHERITS (parents)`, `LIKE source INCLUDING ...` and partitions (`PARTITION OF`, `ATTACH
PARTITION`) each copy a different part of another table: these pure functions say which,
so the catalog only decides when to call them. Names of copied index-backed constraints
(PRIMARY KEY, UNIQUE) are cleared: the namer gives them the new table's name, as
PostgreSQL does; FOREIGN KEY and CHECK names are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from .model import Check, Column, Exclude, ForeignKey, Index, PrimaryKey, Table, Unique


def inherited_column(column: Column, share_identity: bool = False) -> Column:
    """A parent's column as a child (INHERITS or partition) gets it: type, NOT NULL and
    default; an identity is the parent's own, except that partitions share it from
    PostgreSQL 17 on (`share_identity`)."""
    if column.identity in ("always", "by default") and not share_identity:
        return replace(column, identity=None)
    return column


def _merge(prior: Column, column: Column) -> Column:
    """A column defined twice (two parents, or a parent and the child): NOT NULL if either
    says so; the later definition's default and generation win, the position stays."""
    return replace(
        prior,
        nullable=prior.nullable and column.nullable,
        default=column.default if column.default is not None else prior.default,
        generated=column.generated or prior.generated,
        identity=prior.identity or column.identity,
    )


def _merged_columns(groups: Iterable[Sequence[Column]]) -> tuple[Column, ...]:
    merged: dict[str, Column] = {}
    for columns in groups:
        for column in columns:
            prior = merged.get(column.name)
            merged[column.name] = column if prior is None else _merge(prior, column)
    return tuple(merged.values())


def _checks(*groups: Iterable[Check]) -> tuple[Check, ...]:
    """CHECKs by name, the first of each name kept (a child merges a same-named one)."""
    seen: dict[str, Check] = {}
    unnamed: list[Check] = []
    for group in groups:
        for check in group:
            if check.name is None:
                unnamed.append(check)
            else:
                seen.setdefault(check.name, check)
    return (*seen.values(), *unnamed)


def inherit(table: Table, parents: Sequence[Table]) -> Table:
    """CREATE TABLE ... INHERITS: the parents' columns first (merged by name), then the
    child's own; the parents' CHECKs that are not NO INHERIT. Keys are not inherited."""
    columns = _merged_columns(
        [*([inherited_column(c) for c in p.columns] for p in parents), table.columns]
    )
    inherited = [c for p in parents for c in p.checks if not c.no_inherit]
    return replace(table, columns=columns, checks=_checks(inherited, table.checks))


def partition_of(table: Table, parent: Table, share_identity: bool) -> Table:
    """CREATE TABLE ... PARTITION OF: the parent's columns, NOT NULL, defaults, CHECKs,
    keys and foreign keys (the child's own constraints beside them); its identity from
    PostgreSQL 17 on."""
    inherited = [inherited_column(c, share_identity) for c in parent.columns]
    return replace(
        table,
        columns=_merged_columns([inherited, table.columns]),
        primary_key=table.primary_key or _unnamed_pk(parent),
        checks=_checks(parent.checks, table.checks),
        uniques=_copied_uniques(parent.uniques, table.uniques),
        excludes=_copied_excludes(parent, table),
        foreign_keys=_copied_fks(parent, table),
    )


def attach(child: Table, parent: Table, share_identity: bool) -> Table:
    """ALTER TABLE parent ATTACH PARTITION child: the partition gets the parent's keys,
    foreign keys and CHECKs where it lacks them, NOT NULL where the parent has it, and its
    identity from PostgreSQL 17 on."""
    not_null = {c.name for c in parent.columns if not c.nullable}
    identity = {
        c.name: c.identity for c in parent.columns if c.identity in ("always", "by default")
    }
    columns = tuple(
        replace(
            c,
            nullable=c.nullable and c.name not in not_null,
            identity=identity[c.name] if share_identity and c.name in identity else c.identity,
        )
        for c in child.columns
    )
    return replace(
        child,
        columns=columns,
        primary_key=child.primary_key or _unnamed_pk(parent),
        checks=_checks(child.checks, parent.checks),
        uniques=_copied_uniques(parent.uniques, child.uniques),
        excludes=_copied_excludes(parent, child),
        foreign_keys=_copied_fks(parent, child),
    )


def _unnamed_pk(parent: Table) -> PrimaryKey | None:
    pk = parent.primary_key
    return replace(pk, name=None) if pk is not None else None


def _copied_excludes(parent: Table, own: Table) -> tuple[Exclude, ...]:
    """A partitioned table's EXCLUDE constraints, cloned (renamed) onto a partition."""
    have = {(x.columns, x.operators) for x in own.excludes}
    copied = [replace(x, name=None) for x in parent.excludes
              if (x.columns, x.operators) not in have]  # fmt: skip
    return (*own.excludes, *copied)


def _copied_uniques(parents: Sequence[Unique], own: Sequence[Unique]) -> tuple[Unique, ...]:
    have = {(u.columns, u.expressions, u.where) for u in own}
    copied = [
        replace(u, name=None if not u.from_index else u.name)
        for u in parents
        if (u.columns, u.expressions, u.where) not in have and not u.from_index
    ]
    return (*own, *copied)


def _copied_fks(parent: Table, child: Table) -> tuple[ForeignKey, ...]:
    names = {fk.name for fk in child.foreign_keys}
    return (*child.foreign_keys, *(fk for fk in parent.foreign_keys if fk.name not in names))


# ------------------------------------------------------------------------------ LIKE


def like_columns(source: Table, options: tuple[str, ...]) -> tuple[Column, ...]:
    """The columns LIKE copies: name, type and NOT NULL always; defaults, generation,
    identity and comments when INCLUDED (a serial's default is a default)."""
    out = []
    for c in source.columns:
        identity = c.identity
        if identity == "serial" and "defaults" not in options:
            identity = None
        if identity in ("always", "by default") and "identity" not in options:
            identity = None
        out.append(
            replace(
                c,
                default=c.default if "defaults" in options else None,
                generated=c.generated if "generated" in options else None,
                identity=identity,
                comment=c.comment if "comments" in options else None,
            )
        )
    return tuple(out)


def like(table: Table, source: Table, position: int, options: tuple[str, ...]) -> Table:
    """CREATE TABLE t (..., LIKE source INCLUDING ..., ...): never foreign keys."""
    columns = (*table.columns[:position], *like_columns(source, options),
               *table.columns[position:])  # fmt: skip
    table = replace(table, columns=columns)
    if "constraints" in options:
        table = replace(table, checks=_checks(table.checks, source.checks))
    if "indexes" in options:
        pk = table.primary_key or _unnamed_pk(source)
        uniques = (*table.uniques, *(replace(u, name=None) for u in source.uniques))
        indexes = (*table.indexes, *(replace(i, name=None) for i in source.indexes))
        excludes = (*table.excludes, *(replace(x, name=None) for x in source.excludes))
        table = replace(table, primary_key=pk, uniques=uniques, indexes=indexes, excludes=excludes)
    return table


def unnamed_indexes(table: Table) -> list[Unique | Index]:
    """Unique and plain indexes that still need a name (copied by LIKE ... INCLUDING
    INDEXES; UNIQUE constraints are named by the namer)."""
    rules: list[Unique | Index] = [u for u in table.uniques if u.from_index]
    return [i for i in (*rules, *table.indexes) if i.name is None]
