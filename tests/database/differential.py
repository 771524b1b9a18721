"""Random operation sequences run on the in-memory Database and on a real database through
`Database.connect`: after each operation both must succeed with the same rows or fail with
the same SQLSTATE, and at the end every table must hold the same rows.

Rows come from the generated factories (valid ones) and from breaking them on purpose:
NULL in NOT NULL, too long text, unknown enum labels, explicit values for generated and
identity columns, duplicate keys, dangling foreign keys, CHECK violations, unknown columns.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import re
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_schemas"
CASES = {
    "ecommerce": ([SAMPLES / "ecommerce" / "schema.sql"], "postgres"),
    "rental": ([SAMPLES / "rental" / "schema.sql"], "postgres"),
    "sqlite": ([SAMPLES / "sqlite" / "schema.sql"], "sqlite"),
    "mysql": ([SAMPLES / "mysql" / "schema.sql"], "mysql"),
    "nulls_not_distinct": ([ROOT / "tests" / "fixtures" / "nulls_not_distinct.sql"], "postgres"),
    "exclude": ([ROOT / "tests" / "fixtures" / "exclude.sql"], "postgres"),
}
Draw = Callable[..., Any]
# A fixed budget in CI; SCHEMAGEN_DB_EXAMPLES=500 for a deeper run. Each example resets both
# databases itself, so the function-scoped server fixtures are shared on purpose.
EXAMPLES = int(os.environ.get("SCHEMAGEN_DB_EXAMPLES", "20"))
SEQUENCES = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)  # fmt: skip
TEXTS = ("text", "varchar", "char")
INT_RANGE = re.compile(r"\[(-?\d+),(-?\d+)\)")
KEEPABLE = ("by default", "serial", "rowid", "autoincrement", "auto_increment")  # given values
NUMBERS = ("smallint", "integer", "bigint", "numeric", "real", "double")


def canon(value: Any) -> Any:
    """A value as comparable JSON (Decimal keeps its scale: 10.50 is not 10.5)."""
    if isinstance(value, dict):
        return {str(k): canon(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canon(v) for v in value]
    if isinstance(value, (Decimal, uuid.UUID)):
        return f"{type(value).__name__}:{value}"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address,
                          ipaddress.IPv4Interface, ipaddress.IPv4Network)):  # fmt: skip
        return str(value)
    if hasattr(value, "isempty") and hasattr(value, "bounds"):  # psycopg's Range: its text
        if value.isempty:
            return "empty"
        low, high = ("" if b is None else str(b) for b in (value.lower, value.upper))
        return f"{value.bounds[0] if low else '('}{low},{high}{value.bounds[1] if high else ')'}"
    if isinstance(value, float):
        # SQLite hands an integral REAL back as int or float depending on the statement
        # (RETURNING vs SELECT of a generated column): compared as numbers there
        return int(value) if LOOSE_REALS and value.is_integer() else repr(value)
    return value


LOOSE_REALS: list[bool] = []  # set by the SQLite test
IGNORED: set[str] = set()  # columns a trigger fills (out of the fake's scope): not compared


def _compared(value: Any) -> Any:
    """A row without the IGNORED columns, embedded rows too (a film embedded in its
    film_category keeps the fulltext a trigger filled)."""
    if isinstance(value, dict):
        return {k: _compared(v) for k, v in value.items() if k not in IGNORED}
    if isinstance(value, list):
        return [_compared(v) for v in value]
    return value


def rows_key(rows: Sequence[dict[str, Any]], ordered: bool) -> Any:
    shown = [_compared(r) for r in rows]
    texts = [json.dumps(canon(r), sort_keys=True, default=str) for r in shown]
    return texts if ordered else sorted(texts)


@dataclass
class Op:
    """One call of the users' front door (or the builder), run the same way on both."""

    text: str
    run: Callable[[Any], Any]
    ordered: bool = False


@dataclass
class Tally:
    ops: int = 0
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: tuple[Any, ...]) -> None:
        """Count one operation both sides agreed on (an error by its SQLSTATE)."""
        self.ops += 1
        if outcome[0] == "error":
            self.errors[outcome[1]] += 1
        else:
            self.ok += 1

    def __str__(self) -> str:
        codes = ", ".join(f"{c}: {n}" for c, n in sorted(self.errors.items()))
        return f"{self.ops} operations agreed ({self.ok} succeeded; errors {codes})"


def outcome(db: Any, op: Op) -> tuple[str, Any]:
    from_error = None
    try:
        result = op.run(db)
    except Exception as error:
        from_error = error
    if from_error is not None:
        code = getattr(from_error, "code", None)
        if code is None:
            raise from_error
        return "error", code
    if isinstance(result, list):
        return "rows", rows_key(result, op.ordered)
    data, count = getattr(result, "data", result), getattr(result, "count", None)
    if isinstance(data, list):
        return "response", (rows_key(data, op.ordered), count)
    return "value", canon(data)


class Generator:
    """Draws operations for one schema from the package's factories and the fake's rows."""

    def __init__(self, pkg: ModuleType, fake: Any, draw: Draw, tables: Sequence[str]) -> None:
        self.pkg, self.fake, self.draw = pkg, fake, draw
        self.specs = {t.key: t for t in pkg.SCHEMA.tables if t.key in tables}
        self.tables = sorted(self.specs)

    def pick(self, items: Sequence[Any]) -> Any:
        return self.draw(st.sampled_from(list(items)))

    def chance(self, percent: int) -> bool:
        return bool(self.draw(st.integers(0, 99)) < percent)

    def pk(self, table: str) -> tuple[str, ...]:
        spec = self.specs[table]
        return next((u.columns for u in spec.uniques if u.primary), ())

    def existing(self, table: str) -> list[dict[str, Any]]:
        return self.fake.select(table, order_by=list(self.pk(table)) or None, limit=30)

    # -- rows ----------------------------------------------------------------------------
    def row(self, table: str) -> dict[str, Any]:
        spec = self.specs[table]
        built = dict(self.pkg.FACTORIES[table].build())
        for c in spec.columns:
            keep = c.identity in KEEPABLE and self.chance(10)
            if c.generated or (c.identity and not keep):
                built.pop(c.name, None)
        for fk in spec.foreign_keys:
            self._link(built, fk)
        if spec.excludes and self.chance(30) and (existing := self.existing(table)):
            self._overlap(spec, built, self.pick(existing))
        elif self.chance(30):
            self._break(table, built)
        return built

    def _link(self, row: dict[str, Any], fk: Any) -> None:
        parents = self.existing(fk.ref_table) if fk.ref_table in self.specs else []
        if parents and self.chance(85):
            parent = self.pick(parents)
            for c, r in zip(fk.columns, fk.ref_columns, strict=True):
                row[c] = parent[r]
        elif self.chance(50):
            for c in fk.columns:
                row[c] = None

    def _break(self, table: str, row: dict[str, Any]) -> None:
        spec = self.specs[table]
        cols = [c for c in spec.columns if not c.generated and c.identity is None]
        ways: dict[str, Callable[[], None]] = {}
        # MariaDB stores NOW() for NULL written to a NOT NULL TIMESTAMP (a known gap)
        legacy = self.pkg.SCHEMA.fields_in_order
        stamped = {c.name for c in cols if legacy and c.type.sql.lower().startswith("timestamp")}
        if notnull := [c for c in cols if not c.nullable and c.name not in stamped]:
            ways["null"] = lambda: row.__setitem__(self.pick(notnull).name, None)
        if long := [c for c in cols if c.type.category in ("varchar", "char") and c.type.length]:
            c = self.pick(long)
            ways["long"] = lambda: row.__setitem__(c.name, "x" * (c.type.length + 3))
        if enums := [c for c in cols if c.type.category == "enum"]:
            ways["enum"] = lambda: row.__setitem__(self.pick(enums).name, "no-such-label")
        if generated := [c for c in spec.columns if c.generated]:
            ways["generated"] = lambda: row.__setitem__(self.pick(generated).name, 1)
        if numbers := [c for c in cols if c.type.category in NUMBERS]:
            ways["negative"] = lambda: row.__setitem__(self.pick(numbers).name, -1)
            ways["huge"] = lambda: row.__setitem__(self.pick(numbers).name, 10**12)
        ways["unknown"] = lambda: row.__setitem__("no_such_column", 1)
        if nullable := [u for u in spec.uniques if not u.parts and any(
                spec_column(spec, c).nullable for c in u.columns)]:  # fmt: skip
            ways["null key"] = lambda: self._null_key(spec, row, self.pick(nullable))
        if existing := self.existing(table):
            ways["duplicate"] = lambda: self._duplicate(spec, row, self.pick(existing))
        ways[self.pick(sorted(ways))]()

    def _null_key(self, spec: Any, row: dict[str, Any], rule: Any) -> None:
        """NULL in a UNIQUE's nullable columns: distinct by default, equal to another NULL
        under NULLS NOT DISTINCT."""
        for c in rule.columns:
            if spec_column(spec, c).nullable and not spec_column(spec, c).generated:
                row[c] = None

    def _duplicate(self, spec: Any, row: dict[str, Any], other: dict[str, Any]) -> None:
        rules = [u for u in spec.uniques if not u.parts and u.where is None]
        if rules:
            for c in self.pick(rules).columns:
                if not spec_column(spec, c).generated:
                    row[c] = other[c]

    def _overlap(self, spec: Any, row: dict[str, Any], other: dict[str, Any]) -> None:
        """An EXCLUDE's columns as another row has them, ranges moved a little."""
        _, columns, operators = self.pick(spec.excludes)[:3]
        start, width = self.draw(st.integers(-3, 2)), self.draw(st.integers(1, 4))
        for c, op in zip(columns, operators, strict=True):
            value = other[c]
            found = INT_RANGE.fullmatch(value) if isinstance(value, str) else None
            if found:  # an int range moved a little: overlapping, touching or apart
                low = int(found[1]) + start
                value = f"[{low},{low + width})"
            elif op == "<>" and isinstance(value, str) and self.chance(70):
                value += "x"
            row[c] = value

    # -- operations ------------------------------------------------------------------------
    def op(self) -> Op:
        table = self.pick(self.tables)
        kind = self.pick(["insert", "insert", "insert", "many", "update", "delete", "select",
                          "count", "upsert", "builder", "rollback", "swallow",
                          "embed"])  # fmt: skip
        return getattr(self, f"_{kind}")(table)  # type: ignore[no-any-return]

    def _insert(self, table: str) -> Op:
        row = self.row(table)
        return Op(f"insert({table!r}, {row!r})", lambda db: db.insert(table, row))

    def _many(self, table: str) -> Op:
        rows = [self.row(table) for _ in range(self.draw(st.integers(2, 3)))]
        keys = set(rows[0])
        rows = [{k: r.get(k) for k in keys} if self.chance(50) else r for r in rows]
        return Op(f"insert({table!r}, {rows!r})", lambda db: db.insert(table, rows))

    def _where(self, table: str) -> dict[str, Any] | None:
        existing = self.existing(table)
        pk = self.pk(table)
        if existing and pk and self.chance(80):
            row = self.pick(existing)
            return {c: row[c] for c in pk}
        spec = self.specs[table]
        plain = [c for c in spec.columns if c.type.category in TEXTS + NUMBERS + ("boolean",)]
        if existing and plain:
            column = self.pick(plain).name
            return {column: self.pick(existing)[column]}
        return None

    def _update(self, table: str) -> Op:
        where = self._where(table)
        fresh = self.row(table)
        names = sorted(k for k in fresh if k in {c.name for c in self.specs[table].columns})
        if not names:
            return self._count(table)
        values = {n: fresh[n] for n in self.draw(st.lists(st.sampled_from(names), min_size=1,
                                                            max_size=2, unique=True))}  # fmt: skip
        return Op(f"update({table!r}, {values!r}, {where!r})",
                  lambda db: db.update(table, values, where))  # fmt: skip

    def _upsert(self, table: str) -> Op:
        if not self.pk(table):
            return self._insert(table)
        existing = self.existing(table)
        row = self.row(table)
        if existing and self.chance(60):
            other = self.pick(existing)
            for c in self.pk(table):
                row[c] = other[c]
        return Op(f"upsert({table!r}, {row!r})", lambda db: db.upsert(table, row))

    def _delete(self, table: str) -> Op:
        where = self._where(table)
        return Op(f"delete({table!r}, {where!r})", lambda db: db.delete(table, where))

    def _select(self, table: str) -> Op:
        where = self._where(table) if self.chance(50) else None
        order = list(self.pk(table))
        limit = self.draw(st.sampled_from([None, 1, 3]))
        return Op(f"select({table!r}, {where!r}, {order!r}, {limit!r})",
                  lambda db: db.select(table, where, order or None, limit),
                  ordered=bool(order))  # fmt: skip

    def _count(self, table: str) -> Op:
        return Op(f"count({table!r})", lambda db: db.count(table))

    def _builder(self, table: str) -> Op:
        spec = self.specs[table]
        numbers = [c.name for c in spec.columns if c.type.category in NUMBERS[:3]]
        if not numbers:
            return self._select(table)
        column, bound = self.pick(numbers), self.draw(st.integers(-5, 50))
        op = self.pick(["gt", "gte", "lt", "lte", "neq"])

        def run(db: Any) -> Any:
            query = db.table(table).select("*", count="exact")
            return getattr(query, op)(column, bound).execute()

        return Op(f"table({table!r}).select().{op}({column!r}, {bound})", run)

    def _embed(self, table: str) -> Op:
        """postgrest-py's select("*, related(*)") over a foreign key, either way, maybe
        !inner and filtered on the embedded rows."""
        spec = self.specs[table]
        # many-to-one hinted by its column (a self-reference's parent), one-to-many by name
        related = [(fk.ref_table, fk.columns[0] if len(fk.columns) == 1 else fk.name, False)
                   for fk in spec.foreign_keys if fk.ref_table in self.specs]  # fmt: skip
        related += [(t.key, fk.name, True) for t in self.specs.values() for fk in t.foreign_keys
                    if fk.ref_table == table]  # fmt: skip
        if not related:
            return self._select(table)
        other, fk_name, many = self.pick(sorted(related))
        name = self.specs[other].name
        inner = "!inner" if self.chance(30) else ""
        text = f"*, {name}!{fk_name}{inner}(*)"
        numbers = [c.name for c in self.specs[other].columns if c.type.category in NUMBERS[:3]]
        test = (f"{name}.{self.pick(numbers)}", self.draw(st.integers(0, 20))) if numbers and \
            self.chance(40) else None  # fmt: skip
        order = list(self.pk(table))
        # the embedded list ordered by one of its columns and cut (postgrest-py's foreign_table)
        shaped = self._shape(other) if many and self.chance(50) else None

        def run(db: Any) -> Any:
            query = db.table(table).select(text, count="exact")
            if test is not None:
                query = query.gte(*test)
            for column in order:
                query = query.order(column)
            if shaped is not None:
                column, desc, nulls, window = shaped
                query = query.order(column, desc=desc, nullsfirst=nulls, foreign_table=name)
                if window is not None:
                    query = query.range(*window, foreign_table=name)
            return query.execute()

        return Op(f"table({table!r}).select({text!r}).gte{test} {shaped}", run,
                  ordered=bool(order))  # fmt: skip

    def _shape(self, table: str) -> tuple[str, bool, bool | None, tuple[int, int] | None]:
        columns = [c.name for c in self.specs[table].columns
                   if c.type.category in (*NUMBERS[:3], "date", "boolean")]  # fmt: skip
        column = self.pick(columns or [c.name for c in self.specs[table].columns][:1])
        start = self.draw(st.integers(0, 2))
        window = (start, start + self.draw(st.integers(-1, 2))) if self.chance(70) else None
        return column, self.chance(50), self.pick([None, True, False]), window

    def _rollback(self, table: str) -> Op:
        inner = [self._insert(table), self.op()]

        def run(db: Any) -> Any:
            try:
                with db.transaction():
                    for op in inner:
                        op.run(db)
                    raise _Rollback
            except _Rollback:
                return db.count(table)

        return Op(f"transaction[{'; '.join(o.text for o in inner)}] rolled back", run)

    def _swallow(self, table: str) -> Op:
        """A transaction block that catches an error and goes on: PostgreSQL aborts the
        transaction (25P02 until its end, which rolls back), SQLite and MySQL go on."""
        inner = [self._insert(table), self.op()]

        def run(db: Any) -> Any:
            seen = []
            with db.transaction():
                for op in inner:
                    seen.append(outcome(db, op))
            return (seen, db.count(table))

        return Op(f"transaction[{'; '.join(o.text for o in inner)}] with errors caught", run)


class _Rollback(Exception):
    pass


def pg_pair(
    pg: Any, sample_package: Callable[..., ModuleType], case: str, sql: str
) -> tuple[Any, Any]:
    """One schema's in-memory Database and its real one (`sql` loaded into the test's
    PostgreSQL, `pg`), for the `pair` fixtures of the tests against PostgreSQL."""
    pkg = sample_package(case, sql)
    pg.execute(sql)
    return pkg.Database(), pkg.Database.connect(pg)


def compiled_tables(pkg: ModuleType, left_out: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """The tables the fake can run: every computed column compiled (one that is not makes
    writes raise NotImplementedError, quoting the SQL: generate warned about it)."""
    uncompiled = uncompiled_tables(pkg)
    return [t.key for t in pkg.SCHEMA.tables if t.key not in {*uncompiled, *left_out}]


def uncompiled_tables(pkg: ModuleType) -> dict[str, str]:
    """Table -> why the fake cannot compute its rows (the NotImplementedError's words)."""
    out: dict[str, str] = {}
    for table in pkg.SCHEMA.tables:
        for fn in (table.computed or {}).values():
            try:
                fn({})
            except NotImplementedError as error:
                out.setdefault(table.key, str(error))
            except Exception:
                pass
    return out


def spec_column(spec: Any, name: str) -> Any:
    return next(c for c in spec.columns if c.name == name)


def same_contents(pkg: ModuleType, fake: Any, real: Any, tables: Sequence[str]) -> None:
    for table in tables:
        assert rows_key(fake.select(table), False) == rows_key(real.select(table), False), table


def run_sequence(
    pkg: ModuleType, fake: Any, real: Any, draw: Draw, tables: Sequence[str], steps: int,
    tally: Tally,
) -> None:  # fmt: skip
    gen = Generator(pkg, fake, draw, tables)
    history: list[str] = []
    for _ in range(steps):
        op = gen.op()
        got, want = outcome(fake, op), outcome(real, op)
        before = "".join(f"  after: {h}\n" for h in history)
        assert got == want, f"{before}{op.text}\n  fake: {got}\n  real: {want}"
        history.append(f"{op.text} -> {got[0]} {got[1] if got[0] == 'error' else ''}")
        tally.add(got)
    same_contents(pkg, fake, real, tables)
