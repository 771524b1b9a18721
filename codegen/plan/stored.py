"""A table's plan memoised: keyed by everything `table_plan` reads, kept as text, replayed.

A warm run plans only the tables whose inputs changed. The key (`inputs`) is the table
(locations aside: `memo.key_of`), its factory's module and class names, each foreign key's
mode, referenced columns and parent class (all it reads of other tables, through
`table_fks`), the config and everything of the schema but its tables (types, domains,
functions, ...). What the plan reads of other tables otherwise (row types, partition
offsets) `tables.assemble` reads again on replay; partitions and partitioned tables (whose
CHECKs come from their siblings' bounds) are never memoised, nor a table whose planning
warns (warnings carry locations). A replayed plan's compiled functions are located at
their table (their own locations reach only the warnings planning gives).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

from ..config import Config
from ..digest import sha256
from ..errors import Diagnostic
from ..memo import Memo, key_of
from ..model import Location, Schema, Table
from .foreign_keys import ref_columns
from .plans import CheckPlan, ColumnPlan, CompiledFn, FkMode, FkPlan, TablePlan
from .tables import assemble


def schema_key(schema: Schema, config: Config) -> str:
    """What every table's plan may read besides its own table: the config and the schema
    without its tables; a digest, which each table's key holds (not the text, which every
    table's key would write out again)."""
    rest = {f: getattr(schema, f) for f in schema.__dataclass_fields__ if f not in _OWN}
    return sha256(key_of([config.fingerprint(), rest]))


_OWN = frozenset({"tables", "_by_key"})


def inputs(
    shared: str,
    schema: Schema,
    table: Table,
    modules: Mapping[str, str],
    classes: Mapping[str, str],
    fk_modes: Mapping[tuple[str, int], FkMode],
) -> str | None:
    """A digest of all `table_plan` reads for `table`; None for a table not memoised."""
    if table.partition_of is not None or table.partition_by is not None:
        return None
    fks = [
        (
            fk_modes.get((table.key, i), "external"),
            ref_columns(schema, fk),
            classes.get(fk.ref_table),
        )
        for i, fk in enumerate(table.foreign_keys)
    ]
    return sha256(key_of([shared, modules[table.key], classes[table.key], fks, table]))


def planned(
    memo: Memo, key: str, schema: Schema, table: Table, warnings: list[Diagnostic],
    plan: Callable[..., TablePlan],
) -> TablePlan:  # fmt: skip
    """The table's plan from the memo, else `plan()` (stored unless it warned); a hit keeps
    the memo entries planning asked for (compiled SQL, bounds)."""
    digest = f"table-plan:{key}"
    text = memo.replayed(digest)
    if text is not None:
        return assemble(schema, table, *_parts(json.loads(text), table.location), memo_key=key)
    before = len(warnings)
    with memo.recorded() as asked_for:
        made = plan(memo_key=key)
    if len(warnings) == before:
        memo.keep(digest, asked_for, _text(made))
    return made


def _text(t: TablePlan) -> str:
    return json.dumps(
        [
            t.class_name,
            t.module,
            [_COLUMN(c) for c in t.columns],
            [_FK(f) for f in t.fks],
            [[c.name, c.sql, c.columns, _fn(c.fn), c.domain] for c in t.checks],
            [[column, _fn(fn)] for column, fn in t.computed],
            [_fn(fn) for fn in t.default_fns],
            t.depends_on,
            t.residues,
        ]
    )


# a column's and a foreign key's fields in order (scalars and tuples of strings: JSON as
# they are, no deep copy as `dataclasses.astuple` makes)
_COLUMN = operator.attrgetter(*(f.name for f in fields(ColumnPlan)))
_FK = operator.attrgetter(*(f.name for f in fields(FkPlan)))


def _fn(fn: CompiledFn) -> list[Any]:
    return [fn.name, fn.params, fn.source, fn.sql, fn.unsupported]


def _parts(data: list[Any], here: Location) -> tuple[Any, ...]:
    """`assemble`'s arguments after the table, from `_text`'s."""
    cls, module, columns, fks, checks, computed, defaults, depends_on, residues = data

    def fn(f: list[Any]) -> CompiledFn:
        return CompiledFn(f[0], tuple(f[1]), f[2], f[3], f[4], here)

    return (
        cls,
        module,
        tuple(ColumnPlan(*c) for c in columns),
        tuple(FkPlan(tuple(c), ref, tuple(rc), mode, f) for c, ref, rc, mode, f in fks),
        tuple(CheckPlan(n, sql, tuple(c), fn(f), d) for n, sql, c, f, d in checks),
        tuple((column, fn(f)) for column, f in computed),
        tuple(fn(f) for f in defaults),
        tuple(depends_on),
        tuple((c, k, what) for c, k, what in residues),
    )
