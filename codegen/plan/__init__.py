"""The generation plan: per table, the names, the value strategy of every column, FK order.

Everything the output kinds need is decided here, once, from the schema model and the
config; the renderers (`codegen/outputs/`) only lay it out. A column's strategy, in order
of precedence:

    generated (computed)  -> filled after the row is built, from COMPUTED_COLUMNS
    identity / serial     -> the factory's sequence (n + 1); left to the database on INSERT
    user override         -> config: provider / literal / callable
    foreign key           -> SubFactory of the parent (NULL for a nullable self-reference
                             and at the nullable edge that breaks an FK cycle)
    UNIQUE                -> a generator mixing the sequence number into the value
    DEFAULT               -> the default's value (compiled by `codegen.sqlexpr`)
    otherwise             -> name heuristics, then the type registry (`valuegen.py`),
                             within the bounds derived from CHECKs (`bounds.py`)

The package: `plans.py` (what it hands on), `tables.py` (one table's phases, in order:
checks, unique, foreign_keys, columns, ordering), `foreign_keys.py` (also the order tables
are built in), `compiler.py` (the memoised SQL work), `stored.py` (each table's plan
memoised by what it reads);
`functions.py` the function (RPC) plan, with `function_types.py` and `function_bodies.py`.
"""

from __future__ import annotations

from functools import partial

from ..config import Config
from ..errors import Diagnostic
from ..memo import Memo as Store
from ..model import Schema
from ..naming import camel, identifier
from . import stored
from .compiler import Compiler, Memo
from .foreign_keys import fk_modes_of, topological
from .plans import (
    RESERVED_ATTRS,
    RESERVED_MODULES,
    CheckPlan,
    ColumnKind,
    ColumnPlan,
    CompiledFn,
    FkMode,
    FkPlan,
    Plan,
    TablePlan,
)
from .tables import table_plan

__all__ = [
    "RESERVED_ATTRS",
    "RESERVED_MODULES",
    "CheckPlan",
    "ColumnKind",
    "ColumnPlan",
    "CompiledFn",
    "FkMode",
    "FkPlan",
    "Memo",
    "Plan",
    "TablePlan",
    "build",
]


def build(schema: Schema, config: Config, memo: Memo | None = None) -> Plan:
    """The plan of every table; with a `memo.Memo`, each table's plan is memoised by what
    it reads (plan/stored.py)."""
    compiler = Compiler(schema.dialect, memo)
    warnings: list[Diagnostic] = []
    modules: dict[str, str] = {}
    classes: dict[str, str] = {}
    taken_modules: set[str] = set(RESERVED_MODULES)
    taken_classes: set[str] = {"rowfactory"}
    for table in schema.tables:
        modules[table.key] = identifier(table.key.replace(".", "__").lower(), taken_modules)
        classes[table.key] = identifier(camel(table.key) + "Factory", taken_classes)
    edges = fk_modes_of(schema, warnings)
    store = memo if isinstance(memo, Store) else None
    shared = stored.schema_key(schema, config) if store is not None else ""
    plans = []
    for table in schema.tables:
        make = partial(
            table_plan, schema, config, compiler, table, modules, classes, edges, warnings
        )
        key = stored.inputs(shared, schema, table, modules, classes, edges) if store else None
        if store is None or key is None:
            plans.append(make())
        else:
            plans.append(stored.planned(store, key, schema, table, warnings, make))
    order = topological(schema, plans)
    return Plan(schema.dialect, tuple(plans), order, tuple(warnings))
