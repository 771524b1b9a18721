"""`[tool.schemagen.overrides]` checked against the schema at generate time.

A misspelt table or column would be ignored, and a literal the database refuses (not an
enum label, too long, breaking a CHECK) would fail every test that builds a row, with an
error pointing back at the override. So both are bad input: a SchemagenError located at
the override's line in pyproject.toml (exit code 2).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from . import sqlexpr
from .config import Config, Override
from .errors import SchemagenError
from .model import Location, Schema
from .plan import Plan, TablePlan
from .rowtypes import col_of
from .runtimes._rowcheck import COERCERS, Col, RowError, _Reject

WHERE = "[tool.schemagen.overrides.{table}]"


def validate(schema: Schema, plan: Plan, config: Config) -> None:
    """Raise SchemagenError for the first override that names nothing or that the database
    would refuse."""
    plans = {t.key: t for t in plan.tables}
    for table, columns in config.overrides:
        t = plans.get(table)
        if t is None:
            raise _error(config, table, None, f"no table {table!r} in the schema", plans)
        names = [c.name for c in t.table.columns]
        for column, override in columns:
            found = t.table.column(column)
            if found is None:
                raise _error(
                    config, table, column, f"table {table} has no column {column!r}", names
                )
            if found.generated is not None:
                raise _error(config, table, column, f"{table}.{column} is a generated column; the"
                             " database computes it, an override cannot set it")  # fmt: skip
            if override.kind == "value":
                _check_value(config, t, column, col_of(schema, found), override)


def _check_value(config: Config, t: TablePlan, column: str, col: Col, override: Override) -> None:
    value = override.value
    problem = _refused(config.dialect, col, value)
    if problem is None:
        problem = _check_fails(config.dialect, t, column, value)
    if problem is not None:
        raise _error(config, t.key, column, f"{t.key}.{column} = {value!r}: {problem}")


def _refused(dialect: str, col: Col, value: Any) -> str | None:
    if value is None:
        return None if col.nullable else "the column is NOT NULL"
    coercer = COERCERS.get(dialect, {}).get(col.kind)
    if coercer is None:
        return None
    try:
        coercer(col, value)
    except _Reject as error:
        return f"{error.message.format(column='?')} ({error.code})"
    except sqlexpr.runtime.SqlError as error:
        return f"{error} ({error.sqlstate})"
    except (TypeError, ValueError, NotImplementedError, RowError):
        return f"not a value of type {col.sql}"
    return None


def _check_fails(dialect: str, t: TablePlan, column: str, value: Any) -> str | None:
    """A CHECK on this column alone that the value breaks (CHECKs over several columns
    depend on the other values of the row)."""
    for check in t.checks:
        if check.columns != (column,) or check.fn.unsupported:
            continue
        compiled = sqlexpr.Compiled(
            check.fn.name, check.fn.params, check.fn.source, check.sql, None, None
        )
        try:
            holds = sqlexpr.load(compiled)[check.fn.name](value)
        except sqlexpr.runtime.SqlError as error:
            return f"CHECK {check.name} ({check.sql}) fails: {error}"
        except (TypeError, ValueError, NotImplementedError):
            continue  # not decidable here; the factory checks it on every row
        if holds is False:
            return f"violates CHECK {check.name} ({check.sql})"
    return None


def _error(
    config: Config, table: str, column: str | None, message: str, known: Any = ()
) -> SchemagenError:
    wanted = column if column is not None else table
    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    where, line = _locate(config.origin, table, column)
    section = WHERE.format(table=table)
    return SchemagenError(f"{section}: {message}{hint}", where, line)


def _locate(origin: str, table: str, column: str | None) -> tuple[Location | None, str]:
    """The line of the override in pyproject.toml (its section header, then its key)."""
    if not origin:
        return None, ""
    try:
        lines = Path(origin).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None, ""
    header = re.compile(r"\s*\[\s*tool\.schemagen\.overrides\.\"?" + re.escape(table) + r"\"?\s*\]")
    start = next((i for i, text in enumerate(lines) if header.match(text)), None)
    if start is None:
        return Location(origin, 1), ""
    if column is None:
        return Location(origin, start + 1), lines[start]
    key = re.compile(r"\s*\"?" + re.escape(column) + r"\"?\s*=")
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("["):
            break
        if key.match(lines[i]):
            return Location(origin, i + 1), lines[i]
    return Location(origin, start + 1), lines[start]
