"""Embedded resources of the builder's `select`: postgrest-py's `select("*, customers(*)")`.

Copied verbatim into generated packages (stdlib only). A name in parentheses is a table
related to the selected one by a foreign key the schema declares: the table the row points
at (an object, or None) or a table whose rows point at it (a list). `customers!inner(*)`
keeps only rows that have one; `customers!orders_customer_id_fkey(*)` or
`customers!customer_id(*)` picks one of several foreign keys; `buyer:customers(*)` names
the key in the row; embeddings nest. A filter on `customers.email` filters the embedded
rows. The related rows are read through the same backend, so over `Database.connect` the
real database matches the keys; a list comes in the order postgrest-py's
`.order(column, foreign_table="orders")` asks (then its table's primary key), cut per row by
`.limit(n, foreign_table=...)` / `.range(...)` (PostgREST's lateral join: each row's list).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ._database import (
    DatabaseError,
    Filter,
    ForeignKeySpec,
    Order,
    Row,
    SchemaSpec,
    TableSpec,
)

Select = Callable[[str, Sequence[Filter], Sequence[Order]], list[Row]]  # a backend's select


@dataclass(frozen=True)
class Shape:
    """The order and window postgrest-py's `foreign_table=` modifiers give embedded rows."""

    order: tuple[Order, ...] = ()
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class Embed:
    """One `name(columns)` of a select: what to read and where to put it in each row."""

    relation: str  # a table (or an FK column) named in the select
    alias: str | None = None
    hint: str | None = None  # !fk_name or !column
    inner: bool = False
    columns: tuple[str, ...] | None = None  # None: *
    embeds: tuple[Embed, ...] = ()

    @property
    def key(self) -> str:
        return self.alias or self.relation


def parse(text: str) -> tuple[list[str] | None, tuple[Embed, ...]]:
    """`"*, customers(id, email), items:order_items!inner(*)"` -> columns, embeddings."""
    columns: list[str] = []
    embeds: list[Embed] = []
    star = False
    for item in _split(text):
        if "(" in item:
            embeds.append(_embed(item))
        elif item == "*":
            star = True
        elif ":" in item or not item.replace("_", "").isalnum():
            raise NotImplementedError(f"select({text!r}): renames and casts of columns are not"
                                      " supported by the in-memory database")  # fmt: skip
        else:
            columns.append(item)
    return (None if star or not columns else columns), tuple(embeds)


def _split(text: str) -> list[str]:
    """Comma-separated items, commas inside parentheses kept."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [i.strip() for i in items if i.strip()]


def _embed(item: str) -> Embed:
    head, _, rest = item.partition("(")
    if not rest.endswith(")"):
        raise DatabaseError("PGRST100", f'"failed to parse select parameter ({item})"')
    alias, _, name = head.strip().rpartition(":")
    relation, *marks = name.split("!")
    inner = "inner" in marks
    hints = [m for m in marks if m not in ("inner", "left")]
    columns, embeds = parse(rest[:-1])
    return Embed(relation.strip(), alias.strip() or None, hints[0] if hints else None, inner,
                 None if columns is None else tuple(columns), embeds)  # fmt: skip


# ------------------------------------------------------------------------- relationships


@dataclass(frozen=True)
class _Link:
    target: TableSpec
    mine: tuple[str, ...]  # columns of the row being embedded into
    theirs: tuple[str, ...]  # columns of the embedded table
    many: bool


def _link(schema: SchemaSpec, table: TableSpec, embed: Embed) -> _Link:
    tables = {t.key: t for t in schema.tables}
    found: list[_Link] = []
    for fk in table.foreign_keys:  # many-to-one: the row points at the embedded table
        target = tables.get(fk.ref_table)
        if target is not None and _names(embed, target, fk):
            found.append(_Link(target, fk.columns, fk.ref_columns, False))
    for other in schema.tables:  # one-to-many: the embedded table's rows point at the row
        for fk in other.foreign_keys:
            if fk.ref_table == table.key and _names(embed, other, fk, by_column=False):
                found.append(_Link(other, fk.ref_columns, fk.columns, True))
    if not found:
        raise DatabaseError(
            "PGRST200", f"Could not find a relationship between '{table.name}' and"
            f" '{embed.relation}' in the schema cache",
            hint="Foreign keys the schema declares relate tables; views are not embedded.",
        )  # fmt: skip
    if len(found) > 1:
        raise DatabaseError(
            "PGRST201", f"Could not embed because more than one relationship was found for"
            f" '{table.name}' and '{embed.relation}'",
            hint=f"Try changing '{embed.relation}' to one of: "
            + ", ".join(f"'{embed.relation}!{c}'" for c in _hints(found)),
        )  # fmt: skip
    return found[0]


def _names(embed: Embed, target: TableSpec, fk: ForeignKeySpec, by_column: bool = True) -> bool:
    """The embedding names this relationship: the table (hinted by the FK's name, or for a
    many-to-one one by its column), or, for a many-to-one one, its single FK column."""
    named = embed.relation in (target.name, target.key)
    column = by_column and fk.columns == (embed.relation,)
    if not (named or column):
        return False
    # a column names the row's own key: many-to-one only (a self-reference's parent)
    return embed.hint in (None, fk.name) or (by_column and embed.hint in fk.columns)


def _hints(found: list[_Link]) -> list[str]:
    return [",".join(link.mine if not link.many else link.theirs) for link in found]


# ---------------------------------------------------------------------------------- rows


def check_paths(embeds: Sequence[Embed], paths: Sequence[str]) -> None:
    """Each `foreign_table=` path names an embedding of the select (PostgREST: PGRST108)."""
    for path in paths:
        level: Sequence[Embed] = embeds
        for part in path.split("."):
            found = next((e for e in level if e.key == part), None)
            if found is None:
                raise DatabaseError("PGRST108", f"'{path}' is not an embedded resource in"
                                    " this request", hint=f"Verify that '{path}' is included"
                                    " in the 'select' query parameter.")  # fmt: skip
            level = found.embeds


def embed_rows(
    schema: SchemaSpec, table: TableSpec, rows: list[Row], embeds: Sequence[Embed],
    filters: Sequence[Filter], select: Select, shapes: dict[str, Shape] | None = None,
) -> list[Row]:  # fmt: skip
    """`rows` with each embedding filled in; rows an `!inner` one finds nothing for dropped.
    `shapes` orders and cuts the embedded lists, by path (`orders`, `orders.items`)."""
    shapes = shapes or {}
    for embed in embeds:
        link = _link(schema, table, embed)
        _check_columns(embed, link.target)
        mine = [f for f in filters if f[0].split(".", 1)[0] == embed.key and "." in f[0]]
        own = [(f[0].split(".", 1)[1], f[1], f[2]) for f in mine]
        shape = shapes.get(embed.key, Shape())
        related = _related(link, rows, [f for f in own if "." not in f[0]], select, shape.order)
        nested = {p.split(".", 1)[1]: s for p, s in shapes.items()
                  if p.startswith(embed.key + ".")}  # fmt: skip
        related = embed_rows(schema, link.target, related, embed.embeds,
                             [f for f in own if "." in f[0]], select, nested)  # fmt: skip
        groups: dict[tuple[Any, ...], list[Row]] = {}
        for row in related:
            groups.setdefault(tuple(row[c] for c in link.theirs), []).append(row)
        end = None if shape.limit is None else shape.offset + shape.limit
        kept = []
        for row in rows:
            found = groups.get(tuple(row[c] for c in link.mine), [])[shape.offset : end]
            if embed.inner and not found:
                continue
            shown = [_project(r, embed) for r in found]
            row[embed.key] = shown if link.many else (shown[0] if shown else None)
            kept.append(row)
        rows = kept
    return rows


def _related(
    link: _Link, rows: list[Row], filters: list[Filter], select: Select, order: Sequence[Order]
) -> list[Row]:
    keys = {tuple(row[c] for c in link.mine) for row in rows}
    keys = {k for k in keys if None not in k}
    if not keys:
        return []
    wanted = [(c, "in", sorted({k[i] for k in keys}, key=repr))
              for i, c in enumerate(link.theirs)]  # fmt: skip
    pk = next((u.columns for u in link.target.uniques if u.primary), ())
    found = select(link.target.key, [*wanted, *filters], [*order, *((c, False, None) for c in pk)])
    return [r for r in found if tuple(r[c] for c in link.theirs) in keys]


def _project(row: Row, embed: Embed) -> Row:
    if embed.columns is None:
        return row
    nested = {e.key for e in embed.embeds}
    return {c: row[c] for c in (*embed.columns, *nested) if c in row}


def _check_columns(embed: Embed, table: TableSpec) -> None:
    names = {c.name for c in table.columns}
    for c in embed.columns or ():
        if c not in names:
            raise DatabaseError("42703", f"column {table.name}.{c} does not exist")
