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
        lo_c, hi_c = cols[low], cols[high]
        if (
            hi_c.kind == "value"
            and hi_c.gen
            and not hi_c.gen.needs_n
            and not _reaches(cols, low, high)
        ):
            hi_c.gen = Gen(
                f"sg.after(o.{lo_c.attr}, lambda: {hi_c.gen.expr}, {strict})", needs_o=True
            )
            hi_c.depends.add(low)
        elif (
            lo_c.kind == "value"
            and lo_c.gen
            and not lo_c.gen.needs_n
            and not _reaches(cols, high, low)
        ):
            lo_c.gen = Gen(
                f"sg.after(o.{hi_c.attr}, lambda: {lo_c.gen.expr}, {strict}, upper=True)",
                needs_o=True,
            )
            lo_c.depends.add(high)


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
