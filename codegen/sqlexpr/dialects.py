"""Per-dialect semantic tables: one compiler, with what differs between databases here.

A `Dialect` is a dispatch table (sqlglot expression class -> handler) plus a handful of
hooks for the semantics that structural handlers (CASE, AND, IN, ...) share: how a value
is tested as a condition, how two operands are compared, how branch types are unified.
`SEMANTICS` is the short table of the differences that matter most, for the docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp

from ..model import SqlType
from .core import Compiler, Handler, Typed, Unsupported


@dataclass(frozen=True)
class Semantics:
    """The headline differences, one row per dialect (rendered into docs/expressions.md)."""

    pipe: str  # what `a || b` means
    greatest: str  # how GREATEST/LEAST (or scalar max/min) treat NULL
    int_division: str  # integer `/`
    division_by_zero: str
    numeric: str  # what exact numbers are
    booleans: str


SEMANTICS: dict[str, Semantics] = {
    "postgres": Semantics(
        pipe="text concatenation; NULL if either side is NULL",
        greatest="GREATEST/LEAST ignore NULL arguments",
        int_division="truncates toward zero; overflow raises",
        division_by_zero="raises `division by zero`",
        numeric="numeric is Decimal with PostgreSQL's result scales",
        booleans="true/false/NULL",
    ),
    "sqlite": Semantics(
        pipe="text concatenation; NULL if either side is NULL",
        greatest="scalar max()/min() return NULL if any argument is NULL",
        int_division="truncates toward zero; overflow becomes REAL",
        division_by_zero="NULL",
        numeric="no decimal type: INTEGER or REAL (float) values",
        booleans="1/0/NULL integers",
    ),
    "mysql": Semantics(
        pipe="logical OR (default sql_mode)",
        greatest="GREATEST/LEAST return NULL if any argument is NULL",
        int_division="`/` gives DECIMAL (scale + 4); DIV truncates",
        division_by_zero="raises (strict sql_mode, when storing)",
        numeric="DECIMAL is Decimal",
        booleans="1/0/NULL integers",
    ),
}


@dataclass
class Dialect:
    """The base: hooks that subclasses override where their database differs."""

    name: str
    read: Any  # what sqlglot.parse_one(read=...) takes
    dispatch: dict[type, Handler] = field(default_factory=dict)

    def parse(self, sql: str) -> exp.Expression:
        """Parse as the projection of a SELECT, so statement keywords (REPLACE, ...) read
        as functions; anything beyond one bare projection is rejected."""
        select = sqlglot.parse_one(f"SELECT (\n{sql}\n)", read=self.read)
        if not isinstance(select, exp.Select) or len(select.expressions) != 1:
            raise Unsupported("not a single expression")
        if any(v for k, v in select.args.items() if k != "expressions"):
            raise Unsupported("not a single expression")
        node = select.expressions[0]
        if isinstance(node, exp.Subquery):
            raise Unsupported("subquery")
        if not isinstance(node, exp.Paren) or not isinstance(node.this, exp.Expression):
            raise Unsupported("not a single expression")
        inner: exp.Expression = node.this
        return inner

    def resolve_name(self, name: str, quoted: bool, columns: Mapping[str, SqlType]) -> str | None:
        """Unquoted names match case-insensitively; quoted ones exactly, then loosely."""
        if name in columns:
            return name
        if quoted:
            return None
        folded = [k for k in columns if k.lower() == name.lower()]
        return folded[0] if len(folded) == 1 else None

    # -- hooks every dialect provides -------------------------------------------------
    def affinity_of(self, t: SqlType) -> str | None:
        """SQLite only: the affinity a column of this declared type carries."""
        return None

    def column_type(self, t: SqlType) -> SqlType:
        raise NotImplementedError

    def column_ref(self, code: str, t: SqlType) -> Typed:
        """A column read in an expression: its value, as the expression sees it."""
        return Typed(code, self.column_type(t), affinity=self.affinity_of(t))

    def boolean(self, code: str) -> Typed:
        """Wrap Python code yielding True/False/None as this dialect's boolean value."""
        raise NotImplementedError

    def condition(self, t: Typed) -> str:
        """Python code that is True exactly when `t` holds as a WHEN/CHECK condition."""
        raise NotImplementedError

    def logic(self, c: Compiler, op: str, items: list[Typed]) -> Typed:
        raise NotImplementedError

    def compare(self, c: Compiler, op: str, left: Typed, right: Typed) -> Typed:
        raise NotImplementedError

    def unify(self, c: Compiler, items: list[Typed], what: str) -> list[Typed]:
        raise NotImplementedError

    def in_list(self, c: Compiler, needle: Typed, items: list[Typed]) -> Typed:
        raise NotImplementedError

    def distinct(self, c: Compiler, left: Typed, right: Typed, negate: bool) -> Typed:
        raise NotImplementedError

    def predicate(self, t: Typed) -> str:
        """A CHECK result: True, False or None."""
        raise NotImplementedError

    def assign(self, c: Compiler, t: Typed, target: SqlType) -> Typed:
        raise Unsupported(f"storing into {target.sql}")

    def static_body(
        self, c: Compiler, tree: exp.Expression, result: SqlType | None, predicate: bool
    ) -> tuple[str, str] | None:
        """A second, faster body and the guard on the inputs it takes (PostgreSQL's numeric
        with static scales), or None: the general body alone."""
        return None
