"""Range and multirange values in the in-memory Database against PostgreSQL 18: random
literals (well formed, reversed, malformed, oddly spaced and quoted) are inserted, updated,
looked up and ordered by on both; each operation must return the same rows (the same text:
the fake stores what PostgreSQL prints) or fail with the same SQLSTATE, message and DETAIL,
through UNIQUE and EXCLUDE constraints over ranges too, and the tables must end the same."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from .differential import SEQUENCES, Tally, pg_pair

SQL = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE vals (
  id int PRIMARY KEY, i4 int4range, i8 int8range, n numrange, d daterange, ts tsrange,
  tz tstzrange, m4 int4multirange, nm nummultirange, dm datemultirange
);
CREATE TABLE keyed (id int PRIMARY KEY, k int4range UNIQUE, nk numrange UNIQUE);
CREATE TABLE booked (
  id int PRIMARY KEY, room int, span numrange, days datemultirange,
  CONSTRAINT booked_span EXCLUDE USING gist (room WITH =, span WITH &&),
  CONSTRAINT booked_days EXCLUDE USING gist (days WITH &&)
);
"""
COLUMNS = {
    "vals": {"i4": "int4", "i8": "int8", "n": "num", "d": "date", "ts": "ts", "tz": "tstz",
             "m4": "int4*", "nm": "num*", "dm": "date*"},
    "keyed": {"k": "int4", "nk": "num"},
    "booked": {"span": "num", "days": "date*"},
}  # fmt: skip
TALLY = Tally()


@pytest.fixture
def pair(pg: psycopg.Connection, sample_package: Callable[..., ModuleType]) -> Iterator[Any]:
    yield pg_pair(pg, sample_package, "ranges", SQL)
    print(f"\nranges vs PostgreSQL: {TALLY}")


# ------------------------------------------------------------------------------ literals

SPACE = st.sampled_from(["", "", "", " ", "  "])
_INTS = st.one_of(st.integers(-5, 12), st.sampled_from([2**31 - 1, -(2**31), 2**31, 2**63 - 1]))


@st.composite
def _int(draw: Any) -> str:
    value = draw(_INTS)
    return draw(st.sampled_from([str(value), f"{value:+d}", hex(value) if value >= 0 else "x"]))


@st.composite
def _num(draw: Any) -> str:
    if draw(st.integers(0, 12)) == 0:
        return draw(st.sampled_from(["NaN", "Infinity", "-inf", "inf", "1e2", "1.5e-1", "-0.00"]))
    whole, frac = draw(st.integers(-5, 12)), draw(st.sampled_from(["", ".0", ".5", ".50", ".25"]))
    return f"{whole}{frac}"


@st.composite
def _date(draw: Any) -> str:
    if draw(st.integers(0, 12)) == 0:
        return draw(st.sampled_from(["infinity", "-infinity", "2024-02-30"]))
    return f"2024-01-{draw(st.integers(1, 28)):02d}"


@st.composite
def _ts(draw: Any) -> str:
    if draw(st.integers(0, 12)) == 0:
        return draw(st.sampled_from(["infinity", "-infinity"]))
    hour = draw(st.integers(0, 24))  # 24:00:00 is the next midnight
    frac = draw(st.sampled_from(["", ".5", ".250", ".000001", ".0000015", ".9999995"]))
    return f"2024-01-{draw(st.integers(1, 3)):02d} {hour:02d}:00:00{frac}"


@st.composite
def _tz(draw: Any) -> str:
    return draw(_ts()) + draw(st.sampled_from(["", "+00", "+02", "-05:30"]))


BOUNDS: dict[str, Any] = {"int4": _int(), "int8": _int(), "num": _num(), "date": _date(),
                          "ts": _ts(), "tstz": _tz()}  # fmt: skip
BREAKS = ["", "x", ",", "[", ")", '"', "\\"]


@st.composite
def range_text(draw: Any, kind: str) -> str:
    """A range literal: mostly well formed (bounds possibly reversed, quoted, spaced),
    sometimes `empty` or broken by a character added or cut."""
    if draw(st.integers(0, 15)) == 0:
        return draw(st.sampled_from(["empty", " EMPTY ", "emptyx", "", "(,)", "[,]"]))
    ends = []
    for _ in range(2):
        bound = "" if draw(st.integers(0, 6)) == 0 else draw(BOUNDS[kind])
        if bound and (draw(st.integers(0, 5)) == 0 or " " in bound):
            bound = f'"{bound}"'
        ends.append(draw(SPACE) + bound + draw(SPACE))
    text = f"{draw(st.sampled_from('[('))}{ends[0]},{ends[1]}{draw(st.sampled_from('])'))}"
    if draw(st.integers(0, 12)) == 0:
        # dates and times are broken between bounds only: the fake reads ISO 8601 text
        # alone (refusing, with a hint, what PostgreSQL's looser reader takes)
        marks = [i for i, c in enumerate(text) if kind in ("int4", "int8", "num")
                 or c in '[](),"'] + [len(text)]  # fmt: skip
        at = draw(st.sampled_from(marks))
        text = text[:at] + draw(st.sampled_from(BREAKS)) + text[at + 1 :]
    return draw(SPACE) + text + draw(SPACE)


@st.composite
def multirange_text(draw: Any, kind: str) -> str:
    pieces = draw(st.lists(range_text(kind), max_size=4))
    text = "{" + draw(st.sampled_from([",", ", "])).join(pieces) + "}"
    if draw(st.integers(0, 12)) == 0:  # between ranges (range_text breaks them inside)
        at = draw(st.sampled_from([i for i, c in enumerate(text) if c in "{},"] + [len(text)]))
        text = text[:at] + draw(st.sampled_from(["", "x", ",", "}", "{"])) + text[at + 1 :]
    return text


def literal(draw: Any, kind: str) -> str | None:
    if draw(st.integers(0, 20)) == 0:
        return None
    if kind.endswith("*"):
        return draw(multirange_text(kind[:-1]))
    return draw(range_text(kind))


# ------------------------------------------------------------------------------ running


def _shown(rows: Any) -> Any:
    """Rows as compared: every value as its text (a range as PostgreSQL prints it)."""
    return [{k: None if v is None else str(v) for k, v in r.items()} for r in rows]


def _outcome(db: Any, call: Callable[[Any], Any]) -> Any:
    try:
        rows = call(db)
    except Exception as error:
        if not hasattr(error, "code"):
            raise
        return ("error", error.code, error.message, getattr(error, "details", None))
    return ("rows", _shown(rows))


def _op(draw: Any, ids: list[int]) -> tuple[str, Callable[[Any], Any]]:
    table = draw(st.sampled_from(sorted(COLUMNS)))
    columns = COLUMNS[table]
    kind = draw(st.sampled_from(["insert", "insert", "update", "select", "order", "upsert",
                                 "compare"]))  # fmt: skip
    names = draw(st.lists(st.sampled_from(sorted(columns)), min_size=1, max_size=2, unique=True))
    values = {n: literal(draw, columns[n]) for n in names}
    if table == "booked":
        values["room"] = draw(st.integers(1, 2))
    if kind in ("insert", "upsert"):
        row = {"id": draw(st.sampled_from(ids)), **values}
        if kind == "insert":
            return f"insert {table} {row}", lambda db: db.insert(table, row)
        nothing = draw(st.booleans())
        return (f"upsert {table} {row} nothing={nothing}",
                lambda db: db.upsert(table, row, ignore_duplicates=nothing))  # fmt: skip
    if kind == "update":
        where = {"id": draw(st.sampled_from(ids))}
        return f"update {table} {values} {where}", lambda db: db.update(table, values, where)
    name = names[0]
    if kind == "select":
        where = {name: values[name]} if values[name] is not None else {}
        return (f"select {table} where {where}",
                lambda db: db.select(table, where=where, order_by="id"))  # fmt: skip
    if kind == "compare" and values[name] is not None:  # ranges ordered as PostgreSQL orders
        op, value = draw(st.sampled_from(["gt", "gte", "lt", "lte", "neq"])), values[name]

        def compare(db: Any) -> Any:
            query = getattr(db.table(table).select("*"), op)(name, value)
            return query.order("id").execute().data

        return f"select {table} where {name} {op} {value}", compare
    order = [f"{'-' if draw(st.booleans()) else ''}{name}", "id"]
    return f"select {table} order {order}", lambda db: db.select(table, order_by=order)


@SEQUENCES
@given(data=st.data())
def test_ranges_are_stored_and_refused_as_postgres_does(pair: Any, data: Any) -> None:
    fake, real = pair
    for db in pair:
        db.reset()
    ids = list(range(1, 6))
    history: list[str] = []
    for _ in range(data.draw(st.integers(4, 14))):
        text, call = _op(data.draw, ids)
        got, want = _outcome(fake, call), _outcome(real, call)
        assert got == want, "".join(f"  after {h}\n" for h in history) + (
            f"{text}\n  fake: {got}\n  real: {want}"
        )
        history.append(f"{text} -> {got[0]} {got[1] if got[0] == 'error' else ''}")
        TALLY.add(got)
    for table in COLUMNS:
        assert _shown(fake.select(table, order_by="id")) == _shown(
            real.select(table, order_by="id")
        ), table


CANONICAL = [
    ("i4", "[1,5]", "[1,6)"), ("i4", "(1,2)", "empty"), ("i4", " ( 0 , 3 ] ", "[1,4)"),
    ("i4", "[,]", "(,)"), ("i4", '["1","0x10"]', "[1,17)"), ("i8", "[1_000,2000)", "[1000,2000)"),
    ("n", "[1.50,2)", "[1.50,2)"), ("n", "[1e2,1e3]", "[100,1000]"), ("n", "[-0.00,1)", "[0.00,1)"),
    ("n", "(1.0,1.00]", "empty"), ("n", "[-inf,NaN]", "[-Infinity,NaN]"),
    ("d", "[2024-01-01,2024-01-05]", "[2024-01-01,2024-01-06)"),
    ("d", "(-infinity,infinity]", "(-infinity,infinity]"),
    ("ts", "[2024-01-01,2024-01-05 10:00:00.500]",
     '["2024-01-01 00:00:00","2024-01-05 10:00:00.5"]'),
    ("tz", "[2024-01-01 00:00+02,)", '["2023-12-31 22:00:00+00",)'),
    ("ts", "[2024-01-01 23:59:59.9999995,2024-01-01 24:00:00]",
     '["2024-01-02 00:00:00","2024-01-02 00:00:00"]'),
    ("ts", "[2024-01-01 10:00:00.1234565,)", '["2024-01-01 10:00:00.123456",)'),
    ("n", "[0x1F,0b1_00000)", "[31,32)"),
    ("m4", "{[1,3), [3,5), (7,9], empty}", "{[1,5),[8,10)}"), ("m4", " { } ", "{}"),
    ("nm", "{[3,4), [1,2]}", "{[1,2],[3,4)}"), ("dm", "{(2024-01-01,2024-01-02)}", "{}"),
]  # fmt: skip


@pytest.mark.parametrize(("column", "written", "stored"), CANONICAL)
def test_a_range_is_stored_as_postgres_prints_it(
    pair: Any, column: str, written: str, stored: str
) -> None:
    for db in pair:
        assert _shown(db.insert("vals", {"id": 1, column: written}))[0][column] == stored
        db.reset()


REFUSED = [
    ("i4", "[5,1)", "22000", "range lower bound must be less than or equal to range upper bound",
     None),
    ("i4", "[1,2", "22P02", 'malformed range literal: "[1,2"', "Unexpected end of input."),
    ("i4", "1,2)", "22P02", 'malformed range literal: "1,2)"',
     "Missing left parenthesis or bracket."),
    ("i4", "[1,2,3)", "22P02", 'malformed range literal: "[1,2,3)"', "Too many commas."),
    ("i4", "[1,2)x", "22P02", 'malformed range literal: "[1,2)x"',
     "Junk after right parenthesis or bracket."),
    ("i4", "empty!", "22P02", 'malformed range literal: "empty!"',
     'Junk after "empty" key word.'),
    ("i4", "[a,2)", "22P02", 'invalid input syntax for type integer: "a"', None),
    ("i4", "[1,2147483647]", "22003", "integer out of range", None),
    ("m4", "{[1,2) [3,4)}", "22P02", 'malformed multirange literal: "{[1,2) [3,4)}"',
     "Expected comma or end of multirange."),
    ("m4", "[1,2)", "22P02", 'malformed multirange literal: "[1,2)"', "Missing left brace."),
    ("m4", "{,}", "22P02", 'malformed multirange literal: "{,}"', "Expected range start."),
    ("m4", "{[1,2)}}", "22P02", 'malformed multirange literal: "{[1,2)}}"',
     "Junk after closing right brace."),
]  # fmt: skip


@pytest.mark.parametrize(("column", "written", "code", "message", "detail"), REFUSED)
def test_a_range_is_refused_as_postgres_refuses_it(
    pair: Any, column: str, written: str, code: str, message: str, detail: str | None
) -> None:
    for db in pair:
        got = _outcome(db, lambda d: d.insert("vals", {"id": 1, column: written}))
        assert got == ("error", code, message, detail)


def test_equal_ranges_written_differently_are_one_unique_key(pair: Any) -> None:
    for db in pair:
        db.insert("keyed", {"id": 1, "k": "[1,3]", "nk": "[1.0,2)"})
        for row in ({"id": 2, "k": "(0,4)"}, {"id": 3, "nk": "[1.00,2.0)"}):
            got = _outcome(db, lambda d, row=row: d.insert("keyed", row))
            assert got[:2] == ("error", "23505"), got
        assert _shown(db.select("keyed", where={"nk": "[1.000,2)"})) == [
            {"id": "1", "k": "[1,4)", "nk": "[1.0,2)"}
        ]


def test_psycopg_range_objects_are_read_as_postgres_reads_them(pair: Any) -> None:
    from decimal import Decimal

    from psycopg.types.multirange import Multirange
    from psycopg.types.range import Range

    row = {
        "id": 1, "i4": Range(1, 5, "[]"), "n": Range(Decimal("1.50"), None, "(]"),
        "d": Range(None, None, "[]"), "m4": Multirange([Range(4, 9), Range(1, 5)]),
        "nm": Multirange([]),
    }  # fmt: skip
    want = {"id": "1", "i4": "[1,6)", "i8": None, "n": "(1.50,)", "d": "(,)", "ts": None,
            "tz": None, "m4": "{[1,9)}", "nm": "{}", "dm": None}  # fmt: skip
    for db in pair:
        assert _shown(db.insert("vals", row)) == [want]
