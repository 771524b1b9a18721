"""What changed between two schema models, said in schema terms.

`schemagen check` explains drift with these lines before any file diff: "orders: column
discount added (migrations/0007_discount.sql:3)". Each kind of element has one small
differ; the location shown is where the new definition is (or the old one, for a drop).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .model import Column, Domain, EnumType, Function, Location, Schema, Table, View

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    subject: str  # "orders", "orders.total_price", "function calculate_total"
    what: str  # "column discount added"
    location: Location | None = None

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location and self.location.line else ""
        return f"{self.subject}: {self.what}{where}"


def diff(old: Schema, new: Schema) -> list[Change]:
    changes: list[Change] = []
    changes += _keyed(old.tables, new.tables, lambda t: t.key, "table", _table)
    changes += _keyed(old.enums, new.enums, lambda e: e.name, "enum", _enum)
    changes += _keyed(old.domains, new.domains, lambda d: d.name, "domain", _domain)
    changes += _keyed(old.functions, new.functions, _function_key(old, new), "function", _function)
    changes += _keyed(old.views, new.views, lambda v: v.name, "view", _view)
    return changes


def _function_key(old: Schema, new: Schema) -> Callable[[Function], str]:
    """A function is known by its name, or by its signature where the name is overloaded."""
    overloaded = {
        name
        for side in (old, new)
        for name, count in Counter(f.name for f in side.functions).items()
        if count > 1
    }

    def key(fn: Function) -> str:
        if fn.name not in overloaded:
            return fn.name
        return f"{fn.name}({', '.join(p.type.sql for p in fn.params if p.mode != 'OUT')})"

    return key


def _keyed(
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], str],
    kind: str,
    differ: Callable[[T, T], Iterator[Change]],
) -> list[Change]:
    before = {key(x): x for x in old}
    after = {key(x): x for x in new}
    out: list[Change] = []
    for name, item in after.items():
        if name not in before:
            out.append(
                Change(
                    f"{kind} {name}" if kind != "table" else name,
                    f"{kind} added",
                    getattr(item, "location", None),
                )
            )
        else:
            out.extend(differ(before[name], item))
    for name, item in before.items():
        if name not in after:
            was = getattr(item, "location", None)
            out.append(
                Change(
                    f"{kind} {name}" if kind != "table" else name,
                    f"{kind} dropped (it was defined at {was})",
                )
            )
    return out


def _table(old: Table, new: Table) -> Iterator[Change]:
    name = new.key
    before = {c.name: c for c in old.columns}
    after = {c.name: c for c in new.columns}
    added = [c for c in new.columns if c.name not in before]
    dropped = [c for c in old.columns if c.name not in after]
    if len(added) == 1 and len(dropped) == 1 and _same_shape(added[0], dropped[0]):
        yield Change(
            name, f"column {dropped[0].name} renamed to {added[0].name}", added[0].location
        )
        added, dropped = [], []
    for column in added:
        yield Change(name, f"column {column.name} added", column.location)
    for column in dropped:
        yield Change(name, f"column {column.name} dropped", old.location)
    for column in new.columns:
        if column.name in before:
            yield from _column(name, before[column.name], column)
    yield from _constraints(old, new)
    if old.comment != new.comment:
        yield Change(name, "table comment changed", new.location)


def _same_shape(a: Column, b: Column) -> bool:
    return (a.type.sql, a.nullable, a.default, a.generated, a.identity) == (
        b.type.sql, b.nullable, b.default, b.generated, b.identity,
    )  # fmt: skip


def _column(table: str, old: Column, new: Column) -> Iterator[Change]:
    subject = f"{table}.{new.name}"
    at = new.location
    if old.type.sql != new.type.sql:
        yield Change(subject, f"type changed from {old.type.sql} to {new.type.sql}", at)
    if old.nullable != new.nullable:
        yield Change(subject, "now nullable" if new.nullable else "now NOT NULL", at)
    if old.default != new.default:
        yield Change(
            subject, f"default changed from {_shown(old.default)} to {_shown(new.default)}", at
        )
    if old.generated != new.generated:
        before = old.generated.sql if old.generated else None
        after = new.generated.sql if new.generated else None
        yield Change(
            subject, f"generated expression changed from {_shown(before)} to {_shown(after)}", at
        )
    if old.identity != new.identity:
        yield Change(
            subject, f"identity changed from {_shown(old.identity)} to {_shown(new.identity)}", at
        )
    if old.comment != new.comment:
        yield Change(subject, "comment changed", at)


def _shown(value: str | None) -> str:
    return "none" if value is None else value


def _constraints(old: Table, new: Table) -> Iterator[Change]:
    name = new.key
    old_pk = old.primary_key.columns if old.primary_key else ()
    new_pk = new.primary_key.columns if new.primary_key else ()
    if old_pk != new_pk:
        yield Change(
            name,
            f"primary key changed from ({', '.join(old_pk)}) to ({', '.join(new_pk)})",
            new.primary_key.location if new.primary_key else new.location,
        )
    for label, before, after in (
        ("foreign key", _fks(old), _fks(new)),
        ("unique", _uniques(old), _uniques(new)),
        ("check", _checks(old), _checks(new)),
    ):
        for text, location in after.items():
            if text not in before:
                yield Change(name, f"{label} {text} added", location)
        for text in before:
            if text not in after:
                yield Change(name, f"{label} {text} dropped", new.location)


def _fks(table: Table) -> dict[str, Location]:
    return {
        f"({', '.join(fk.columns)}) -> {fk.ref_table}({', '.join(fk.ref_columns)})"
        f"{'' if fk.on_delete == 'NO ACTION' else ' ON DELETE ' + fk.on_delete}": fk.location
        for fk in table.foreign_keys
    }


def _uniques(table: Table) -> dict[str, Location]:
    return {
        f"({', '.join((*u.columns, *u.expressions))})"
        + (f" WHERE {u.where}" if u.where else ""): u.location
        for u in table.uniques
    }


def _checks(table: Table) -> dict[str, Location]:
    return {f"({c.sql})": c.location for c in table.checks}


def _enum(old: EnumType, new: EnumType) -> Iterator[Change]:
    subject = f"enum {new.name}"
    for label in new.labels:
        if label not in old.labels:
            yield Change(subject, f"value {label!r} added", new.location)
    for label in old.labels:
        if label not in new.labels:
            yield Change(subject, f"value {label!r} removed", new.location)
    if [x for x in new.labels if x in old.labels] != [x for x in old.labels if x in new.labels]:
        yield Change(subject, "values reordered", new.location)


def _domain(old: Domain, new: Domain) -> Iterator[Change]:
    subject = f"domain {new.name}"
    if old.base.sql != new.base.sql:
        yield Change(
            subject, f"base type changed from {old.base.sql} to {new.base.sql}", new.location
        )
    if old.nullable != new.nullable:
        yield Change(subject, "now nullable" if new.nullable else "now NOT NULL", new.location)
    if old.default != new.default:
        yield Change(
            subject,
            f"default changed from {_shown(old.default)} to {_shown(new.default)}",
            new.location,
        )
    if [c.sql for c in old.checks] != [c.sql for c in new.checks]:
        yield Change(subject, "checks changed", new.location)


def _function(old: Function, new: Function) -> Iterator[Change]:
    subject = f"function {new.name}"
    at = new.location
    before = {p.name or f"${i + 1}": p for i, p in enumerate(old.params)}
    after = {p.name or f"${i + 1}": p for i, p in enumerate(new.params)}
    for pname, param in after.items():
        if pname not in before:
            yield Change(subject, f"parameter {pname} added", at)
        elif before[pname].type.sql != param.type.sql:
            yield Change(
                subject,
                f"parameter {pname} type changed from {before[pname].type.sql} to {param.type.sql}",
                at,
            )
        elif before[pname].default != param.default:
            yield Change(
                subject,
                f"parameter {pname} default changed from "
                f"{_shown(before[pname].default)} to {_shown(param.default)}",
                at,
            )
    for pname in before:
        if pname not in after:
            yield Change(subject, f"parameter {pname} removed", at)
    if old.returns != new.returns:
        yield Change(subject, "return type changed", at)
    if (old.body or "").strip() != (new.body or "").strip():
        yield Change(subject, "body changed", at)
    if (old.volatility, old.strict, old.language) != (new.volatility, new.strict, new.language):
        yield Change(subject, "attributes changed (language, volatility or STRICT)", at)


def _view(old: View, new: View) -> Iterator[Change]:
    if old.sql != new.sql or old.columns != new.columns:
        yield Change(f"view {new.name}", "definition changed", new.location)
