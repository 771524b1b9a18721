"""Errors and warnings that name where in the user's SQL they come from.

A `SchemagenError` is bad input: the CLI prints it as `file:line:col: message` with the SQL
excerpt and exits 2. A `Diagnostic` is a warning: generation goes on, and the generated code
says what it could not do.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .model import Location


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    message: str
    sql: str = ""

    def __str__(self) -> str:
        where = f"{self.location.file}:{self.location.line}:{self.location.column}"
        excerpt = f"\n    {excerpt_of(self.sql)}" if self.sql else ""
        return f"{where}: {self.message}{excerpt}"


class SchemagenError(Exception):
    """Bad input (SQL, config, paths). Carries a location when there is one."""

    def __init__(self, message: str, location: Location | None = None, sql: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.sql = sql

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return str(Diagnostic(self.location, self.message, self.sql))


def excerpt_of(sql: str, limit: int = 160) -> str:
    """One line of SQL for a message: whitespace folded, long text cut."""
    flat = " ".join(sql.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset (for one-off lookups)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


_NEWLINE = re.compile("\n")


class LineIndex:
    """Line and column of many offsets in one text: O(log n) each, not a rescan."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1
