"""The plan's SQL work: compiled expressions, CHECK bounds and DEFAULT literals, each
memoised (see `codegen.memo`) so a warm run parses no SQL for unchanged expressions."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlglot
from sqlglot import exp

from .. import build_id, sqlexpr
from ..bounds import Bounds, Names, analyse, spelled_in
from ..bounds import from_json as bounds_from_json
from ..bounds import to_json as bounds_to_json
from ..dialect import Dialect, of
from ..digest import sha256
from ..model import NOWHERE, SqlType
from ..valuegen import FLOATS, INTS, NUMS, TEXT, literal
from .plans import CompiledFn

Memo = Callable[[str, str, Callable[[], str]], str]


class Compiler:
    """The plan's SQL work (sqlexpr compiles, CHECK bounds, DEFAULT literals), memoised
    through the formatter's cache: warm runs parse no SQL for unchanged expressions."""

    def __init__(self, dialect: str, memo: Memo | None) -> None:
        self.dialect = dialect
        self.memo = memo
        self._scopes: dict[int, tuple[Mapping[str, SqlType], str]] = {}
        self._names: dict[int, tuple[Collection[str], Names]] = {}

    def _memo(self, kind: str, key: list[Any], compute: Callable[[], str]) -> str:
        if self.memo is None:
            return compute()
        text = json.dumps([kind, self.dialect, build_id(), *key], sort_keys=True)
        return self.memo(kind, text, compute)

    def _run(
        self,
        kind: str,
        sql: str,
        columns: Mapping[str, SqlType],
        name: str,
        result_type: SqlType | None,
    ) -> CompiledFn:

        made: list[CompiledFn] = []  # compiled now: not read back from its text

        def compute() -> str:
            if kind == "predicate":
                c = sqlexpr.compile_predicate(sql, self.dialect, columns, name=name)
            else:
                c = sqlexpr.compile_expression(
                    sql, self.dialect, columns, name=name, result_type=result_type
                )
            made.append(CompiledFn(c.name, c.params, c.source, c.sql, c.unsupported, NOWHERE))
            return json.dumps([c.name, list(c.params), c.source, c.sql, c.unsupported])

        scope = self._scopes.get(id(columns))
        if scope is None or scope[0] is not columns:  # one table's columns: digested once
            text_of = json.dumps({k: t.to_json() for k, t in columns.items()}, sort_keys=True)
            scope = self._scopes[id(columns)] = (columns, sha256(text_of))
        key = [kind, sql, name, scope[1], result_type.to_json() if result_type else None]
        text = self._memo("sqlexpr", key, compute)
        if made:
            return made[0]
        fn_name, params, source, fn_sql, unsupported = json.loads(text)
        return CompiledFn(fn_name, tuple(params), source, fn_sql, unsupported, NOWHERE)

    def predicate(self, sql: str, columns: Mapping[str, SqlType], name: str) -> CompiledFn:
        return self._run("predicate", sql, columns, name, None)

    def expression(
        self,
        sql: str,
        columns: Mapping[str, SqlType],
        name: str,
        result_type: SqlType | None = None,
    ) -> CompiledFn:
        return self._run("expression", sql, columns, name, result_type)

    def bounds(self, sql: str, columns: Collection[str]) -> dict[str, Bounds]:
        """The bounds CHECK `sql` implies on `columns` (fresh objects: callers merge them).
        Keyed, and analysed, by the columns the CHECK may read (`spelled_in`), not by all
        of the table's: a table of n columns and n CHECKs was quadratic."""
        names = self._names.get(id(columns))
        if names is None or names[0] is not columns:  # one table's: indexed once
            names = self._names[id(columns)] = (columns, Names.of(columns))
        read = spelled_in(sql, names[1])

        def compute() -> str:
            return bounds_to_json(analyse(sql, self.dialect, read))

        return bounds_from_json(self._memo("bounds", [sql, read], compute))

    def default_literal(self, sql: str, t: SqlType) -> str | None:
        """Python source of DEFAULT `sql` when it is a constant of type `t` ("None" for
        DEFAULT NULL); None when it is an expression to compile."""

        def compute() -> str:
            value = default_literal_value(sql, t, of(self.dialect))
            return json.dumps(None if value is _NOPE else literal(value))

        source: str | None = json.loads(self._memo("default", [sql, t.to_json()], compute))
        return source


_NOPE: Any = object()


@functools.lru_cache(maxsize=4096)
def _default_tree(sql: str, read: str) -> exp.Expr | None:
    """DEFAULT `sql` parsed once per process (schemas repeat theirs: now(), 0, '{}'); the
    tree is shared, so only read it. None when it does not parse."""
    try:
        return sqlglot.parse_one(sql, read=read)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
        return None


def default_literal_value(sql: str, t: SqlType, dialect: Dialect) -> Any:
    node = _default_tree(sql, dialect.sqlglot)
    if node is None:
        return _NOPE
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    neg = False
    if isinstance(node, exp.Neg):
        neg, node = True, node.this
    if isinstance(node, exp.Null):
        return None
    cat = t.category
    if isinstance(node, exp.Boolean):
        if cat == "boolean":
            return bool(node.this) if dialect.native_booleans else int(bool(node.this))
        return _NOPE
    if not isinstance(node, exp.Literal):
        return _NOPE
    text = str(node.this)
    if node.is_string:
        if cat in TEXT or cat == "enum":
            return text if t.length is None or len(text) <= t.length else _NOPE
        if cat in ("json", "jsonb"):
            try:
                return json.loads(text)
            except ValueError:
                return _NOPE
        if cat == "array" and text.strip() == "{}":
            return []
        if dialect.type_affinity and cat not in INTS | NUMS | FLOATS:
            return text
        return _NOPE
    try:
        number = Decimal(text)
    except InvalidOperation:
        return _NOPE
    number = -number if neg else number
    if cat in INTS:
        return int(number) if number == number.to_integral_value() else _NOPE
    if cat in NUMS:
        if t.scale is not None and dialect.exact_numeric_literals:
            return number.quantize(Decimal(1).scaleb(-t.scale))
        return (
            number
            if dialect.exact_numeric_literals
            else (int(number) if number == number.to_integral_value() else float(number))
        )
    if cat in FLOATS:
        return float(number)
    if cat == "boolean" and not dialect.native_booleans:
        return int(number)
    if dialect.type_affinity:
        return int(number) if number == number.to_integral_value() else float(number)
    return _NOPE
