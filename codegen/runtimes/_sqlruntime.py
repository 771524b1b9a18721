"""Stands in for a package's `_sqlruntime.py` (a copy of `codegen/sqlexpr/runtime.py`): the
names the runtimes here use from it. Not copied into packages."""

from ..sqlexpr.runtime import (
    INT_RANGES,
    SqlError,
    clock,
    seed,
    to_bool,
    to_date,
    to_double,
    to_int,
    to_numeric,
    to_real,
    to_timestamp,
    to_timestamptz,
    to_uuid,
)

__all__ = [
    "INT_RANGES",
    "SqlError",
    "clock",
    "seed",
    "to_bool",
    "to_date",
    "to_double",
    "to_int",
    "to_numeric",
    "to_real",
    "to_timestamp",
    "to_timestamptz",
    "to_uuid",
]
