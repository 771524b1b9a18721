"""Columns that follow one another: a column-to-column CHECK (`lo <= hi`) or created/updated
timestamps, so the later value is generated after (and from) the earlier one."""

from __future__ import annotations

from collections.abc import Mapping

from ..bounds import Bounds
from ..valuegen import Gen
from .scope import Col


def order_pairs(cols: Mapping[str, Col], bounds: Mapping[str, Bounds]) -> None:
    """Phase 5 of a table's plan: where one column must not exceed another (a CHECK
    `lo <= hi`, created_at <= updated_at), the one with a free value is generated from the
    other. Rewrites that column's generator in `cols`."""
    pairs: list[tuple[str, str, bool]] = []  # (low, high, strict): low <= high
    for name, b in bounds.items():
        for other, strict in b.lo_cols:
            pairs.append((other, name, strict))
        for other, strict in b.hi_cols:
            pairs.append((name, other, strict))
    created = next(
        (n for n in cols if n.lower() in ("created_at", "created", "inserted_at", "created_on")),
        None,
    )
    later = ("updated_at", "modified_at", "updated", "modified", "updated_on")
    for n in cols:
        if created and n.lower() in later and cols[n].type.category == cols[created].type.category:
            pairs.append((created, n, False))
    for low, high, strict in pairs:
        if low not in cols or high not in cols:
            continue
        if not _follow(cols, high, low, f"strict={strict}"):
            _follow(cols, low, high, f"strict={strict}, upper=True")


def _follow(cols: Mapping[str, Col], follower: str, leader: str, args: str) -> bool:
    """Generate `follower` from `leader`'s value (`sg.after`), when its value is free and
    `leader` does not already follow it."""
    f = cols[follower]
    if f.kind != "value" or not f.gen or f.gen.needs_n or _reaches(cols, leader, follower):
        return False
    f.gen = Gen(f"sg.after(o.{cols[leader].attr}, lambda: {f.gen.expr}, {args})", needs_o=True)
    f.depends.add(leader)
    return True


def _reaches(cols: Mapping[str, Col], start: str, target: str) -> bool:
    """Does `start` (transitively) depend on `target`? Then target can't depend on start."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        cur = todo.pop()
        if cur == target:
            return True
        if cur in seen or cur not in cols:
            continue
        seen.add(cur)
        todo.extend(cols[cur].depends)
    return False
