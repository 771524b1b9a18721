"""EXCLUDE constraints in the in-memory Database against PostgreSQL 18 with btree_gist:
each write is made on both, and both must store the same rows or refuse with the same
SQLSTATE, message and detail (23P01). Operators the fake cannot evaluate (`circle &&`)
raise 0A000 naming the constraint, and only when the row may conflict."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from .differential import SEQUENCES, pg_pair

SQL = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE bookings (
  id int PRIMARY KEY, room int NOT NULL, during int4range,
  CONSTRAINT no_double EXCLUDE USING gist (room WITH =, during WITH &&)
);
CREATE TABLE stays (
  id int PRIMARY KEY, guest text, nights daterange,
  EXCLUDE USING gist (guest WITH =, nights WITH &&)
);
CREATE TABLE slots (id int PRIMARY KEY, span numrange, EXCLUDE USING gist (span WITH &&));
CREATE TABLE pairs (
  id int PRIMARY KEY, a int, b int, CONSTRAINT one_b EXCLUDE USING gist (a WITH =, b WITH <>)
);
CREATE TABLE multi (id int PRIMARY KEY, spans int4multirange,
                    EXCLUDE USING gist (spans WITH &&));
CREATE TABLE touching (id int PRIMARY KEY, r int8range, EXCLUDE USING gist (r WITH -|-));
CREATE TABLE hashed (id int PRIMARY KEY, code text, EXCLUDE USING hash (code WITH =));
CREATE TABLE circles (id int PRIMARY KEY, c circle, EXCLUDE USING gist (c WITH &&));
CREATE TABLE unique_first (id int PRIMARY KEY, r int4range, k int UNIQUE,
                           EXCLUDE USING gist (r WITH &&));
CREATE TABLE exclude_first (id int PRIMARY KEY, r int4range,
                            EXCLUDE USING gist (r WITH &&), k int UNIQUE);
CREATE TABLE key_last (id int, r int4range, EXCLUDE USING gist (r WITH &&), PRIMARY KEY (id));
CREATE TABLE altered (id int, r int4range, k int);
ALTER TABLE altered ADD CONSTRAINT altered_r EXCLUDE USING gist (r WITH &&);
ALTER TABLE altered ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX altered_k ON altered (k);
CREATE TABLE multi_touching (id int PRIMARY KEY, m int4multirange,
                             EXCLUDE USING gist (m WITH -|-));
CREATE TABLE contained (id int PRIMARY KEY, s datemultirange, EXCLUDE USING gist (s WITH &&));
CREATE TABLE stamped (id int PRIMARY KEY, t tstzrange, EXCLUDE USING gist (t WITH &&));
CREATE TABLE later (
  id int PRIMARY KEY, r int4range,
  CONSTRAINT later_r EXCLUDE USING gist (r WITH &&) DEFERRABLE INITIALLY DEFERRED
);
"""


@pytest.fixture
def pair(pg: psycopg.Connection, sample_package: Callable[..., ModuleType]) -> Iterator[Any]:
    yield pg_pair(pg, sample_package, "excludes", SQL)


def _outcome(db: Any, table: str, op: str, row: dict[str, Any]) -> Any:
    try:
        if op == "insert":
            got = db.insert(table, row)
        else:
            got = db.update(table, {k: v for k, v in row.items() if k != "id"}, {"id": row["id"]})
    except Exception as error:
        if not hasattr(error, "code"):
            raise
        return ("error", error.code, error.message, getattr(error, "details", None))
    # stored ranges differ in spelling only (the fake keeps the text written, psycopg
    # reads a Range): which rows were written is what is compared
    return ("rows", [r["id"] for r in got])


def _agree(pair: Any, steps: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
    fake, real = pair
    seen = []
    for table, op, row in steps:
        got, want = _outcome(fake, table, op, row), _outcome(real, table, op, row)
        assert got == want, f"{table} {op} {row}: fake {got} real {want}"
        seen.append(want)
    return seen


CASES = [
    [
        ("bookings", "insert", {"id": 1, "room": 1, "during": "[1,5)"}),
        ("bookings", "insert", {"id": 2, "room": 1, "during": "[4,9)"}),
        ("bookings", "insert", {"id": 3, "room": 2, "during": "[4,9)"}),
        ("bookings", "insert", {"id": 4, "room": 1, "during": "[5,9]"}),
        ("bookings", "insert", {"id": 5, "room": 1, "during": "(0,2)"}),
        ("bookings", "insert", {"id": 6, "room": 1, "during": None}),
        ("bookings", "insert", {"id": 7, "room": 1, "during": "empty"}),
        ("bookings", "update", {"id": 4, "room": 1, "during": "[3,6)"}),
        ("bookings", "update", {"id": 1, "room": 1, "during": "[1,6)"}),
    ],
    [
        ("stays", "insert", {"id": 1, "guest": "ann", "nights": "[2024-01-01,2024-01-05)"}),
        ("stays", "insert", {"id": 2, "guest": "ann", "nights": "[2024-01-05,2024-01-07]"}),
        ("stays", "insert", {"id": 3, "guest": "ann", "nights": "(2024-01-06,)"}),
        ("stays", "insert", {"id": 4, "guest": "bob", "nights": "(,)"}),
    ],
    [
        ("slots", "insert", {"id": 1, "span": "[1.5,2.5)"}),
        ("slots", "insert", {"id": 2, "span": "[2.5,3)"}),
        ("slots", "insert", {"id": 3, "span": "(0,1.5]"}),
        ("slots", "insert", {"id": 4, "span": "(3,4)"}),
        ("slots", "insert", {"id": 5, "span": "[3,3]"}),
    ],
    [
        ("pairs", "insert", {"id": 1, "a": 1, "b": 1}),
        ("pairs", "insert", {"id": 2, "a": 1, "b": 1}),
        ("pairs", "insert", {"id": 3, "a": 1, "b": 2}),
        ("pairs", "insert", {"id": 4, "a": 2, "b": 2}),
        ("pairs", "update", {"id": 4, "a": 1, "b": 3}),
    ],
    [
        ("multi", "insert", {"id": 1, "spans": "{[1,3), [10,12)}"}),
        ("multi", "insert", {"id": 2, "spans": "{[3,10)}"}),
        ("multi", "insert", {"id": 3, "spans": "{[5,6), [11,20)}"}),
        ("multi", "insert", {"id": 4, "spans": "{}"}),
        ("multi", "insert", {"id": 5, "spans": "{[22,25), [20,22)}"}),
        ("multi", "insert", {"id": 6, "spans": "{[24,30)}"}),
    ],
    [
        ("touching", "insert", {"id": 1, "r": "[1,5)"}),
        ("touching", "insert", {"id": 2, "r": "[7,9)"}),
        ("touching", "insert", {"id": 3, "r": "[5,6]"}),
        ("touching", "insert", {"id": 4, "r": "[0,0]"}),
    ],
    [("hashed", "insert", {"id": 1, "code": "a"}), ("hashed", "insert", {"id": 2, "code": "a"})],
    [
        ("multi_touching", "insert", {"id": 1, "m": "{[1,3), [7,9)}"}),
        ("multi_touching", "insert", {"id": 2, "m": "{[3,5)}"}),  # [1,3) ends where it starts
        ("multi_touching", "insert", {"id": 3, "m": "{[5,6), [20,30)}"}),
        ("multi_touching", "insert", {"id": 4, "m": "{[10,12), [30,31)}"}),
        ("multi_touching", "insert", {"id": 5, "m": "{}"}),
        ("multi_touching", "insert", {"id": 6, "m": "{[-5,1)}"}),
    ],
    [
        ("contained", "insert", {"id": 1, "s": "{[2024-01-01,2024-01-10)}"}),
        ("contained", "insert", {"id": 2, "s": "{[2024-01-02,2024-01-03]}"}),
        ("contained", "insert", {"id": 3, "s": "{[2023-12-01,2024-02-01)}"}),
        ("contained", "insert", {"id": 4, "s": "{}"}),
    ],
    [
        ("stamped", "insert", {"id": 1, "t": "[2024-01-01 10:00+02,2024-01-01 12:00+02)"}),
        ("stamped", "insert", {"id": 2, "t": "[2024-01-01 09:00:00+00,)"}),
        ("stamped", "insert", {"id": 3, "t": "(,2024-01-01 08:00:00+00]"}),
        ("stamped", "insert", {"id": 4, "t": "[2024-01-01 07:59:59.5+00,2024-01-01 08:00+00)"}),
    ],
]


@pytest.mark.parametrize("steps", CASES, ids=[c[0][0] for c in CASES])
def test_writes_are_refused_as_postgres_refuses_them(pair: Any, steps: Any) -> None:
    seen = _agree(pair, steps)
    assert any(s[:2] == ("error", "23P01") for s in seen)  # each case meets a conflict


def test_an_operator_the_fake_cannot_evaluate_raises_naming_the_constraint(pair: Any) -> None:
    fake, _ = pair
    fake.insert("circles", {"id": 1, "c": "<(0,0),1>"})
    fake.insert("circles", {"id": 2, "c": None})  # NULL never conflicts: decided
    with pytest.raises(Exception) as raised:
        fake.insert("circles", {"id": 3, "c": "<(5,5),1>"})
    assert getattr(raised.value, "code", None) == "0A000"
    assert 'exclusion constraint "circles_c_excl"' in raised.value.message
    assert "c &&" in raised.value.message


BOUND = st.one_of(st.none(), st.integers(0, 12))


@st.composite
def _range(draw: Any) -> str | None:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([None, "empty"]))
    low, high = draw(BOUND), draw(BOUND)
    if low is not None and high is not None and low > high:
        low, high = high, low
    text = f"{draw(st.sampled_from('[('))}{'' if low is None else low},"
    return text + f"{'' if high is None else high}{draw(st.sampled_from('])'))}"


@SEQUENCES
@given(data=st.data())
def test_random_ranges_conflict_as_in_postgres(pair: Any, data: Any) -> None:
    for db in pair:
        db.reset()
    steps = []
    for i in range(data.draw(st.integers(2, 8))):
        table = data.draw(st.sampled_from(["bookings", "slots", "touching", "multi"]))
        span = data.draw(_range())
        row: dict[str, Any] = {"id": i}
        if table == "bookings":
            row.update(room=data.draw(st.integers(1, 2)), during=span)
        elif table == "slots":
            row["span"] = None if span is None else re.sub(r"(\d+)", r"\1.5", span)
        elif table == "touching":
            row["r"] = span
        else:
            row["spans"] = None if span is None else "{" + ("" if span == "empty" else span) + "}"
        steps.append((table, "insert", row))
    _agree(pair, steps)


# a row breaking a UNIQUE key and an EXCLUDE constraint: PostgreSQL reports the one whose
# index is older (the primary key of CREATE TABLE first, then in the order written)
BOTH = [
    (table, {c: v for c, v in row.items() if not (table == "key_last" and c == "k")})
    for table in ("unique_first", "exclude_first", "key_last", "altered")
    for row in ({"id": 1, "r": "[2,3)", "k": 2}, {"id": 2, "r": "[2,3)", "k": 1})
]  # fmt: skip


@pytest.mark.parametrize(("table", "row"), BOTH, ids=[f"{t}-{r['id']}" for t, r in BOTH])
def test_the_older_index_reports_a_row_breaking_two(pair: Any, table: str, row: Any) -> None:
    first = {"id": 1, "r": "[1,5)", **({"k": 1} if "k" in row else {})}
    seen = _agree(pair, [(table, "insert", first), (table, "insert", row)])
    assert seen[-1][:2] in (("error", "23505"), ("error", "23P01"))


def _run(db: Any, step: Any) -> Any:
    """One step of a block: a write, or ("block", [steps], fail) run in transaction()."""
    try:
        if step[0] == "block":
            with db.transaction():
                out = [_run(db, s) for s in step[1]]
                if step[2]:
                    raise LookupError("rolled back")
            return ("block", out)
        table, op, row = step
        return _outcome(db, table, op, row)
    except LookupError:
        return ("rolled back",)
    except Exception as error:
        if not hasattr(error, "code"):
            raise
        return ("error", error.code, error.message, getattr(error, "details", None))


def _agree_blocks(pair: Any, steps: list[Any]) -> list[Any]:
    fake, real = pair
    seen = []
    for step in steps:
        got, want = _run(fake, step), _run(real, step)
        assert got == want, f"{step}: fake {got} real {want}"
        seen.append(want)
    assert fake.select("later", order_by="id") == real.select("later", order_by="id")
    return seen


def test_a_deferred_exclude_is_checked_at_commit(pair: Any) -> None:
    seen = _agree_blocks(pair, [
        ("later", "insert", {"id": 1, "r": "[1,5)"}),
        ("later", "insert", {"id": 2, "r": "[3,8)"}),  # outside a block: at its end
        ("block", [("later", "insert", {"id": 2, "r": "[3,8)"}),
                   ("later", "update", {"id": 1, "r": "[1,3)"})], False),
        ("block", [("later", "insert", {"id": 3, "r": "[7,9)"}),
                   ("later", "insert", {"id": 4, "r": "[20,30)"})], False),
        ("block", [("later", "insert", {"id": 5, "r": "[40,50)"}),
                   ("later", "update", {"id": 5, "r": "[41,42)"})], True),
        # only a row that met a conflict when written is rechecked: the detail names it
        ("block", [("later", "insert", {"id": 6, "r": "[60,70)"}),
                   ("later", "insert", {"id": 7, "r": "[65,66)"})], False),
        ("later", "insert", {"id": 6, "r": "[60,70)"}),
        ("block", [("later", "update", {"id": 6, "r": "[60,62)"}),
                   ("later", "insert", {"id": 7, "r": "[61,66)"}),
                   ("later", "update", {"id": 6, "r": "[60,61)"})], False),
    ])  # fmt: skip
    assert seen[1][:2] == ("error", "23P01")
    assert seen[2] == ("block", [("rows", [2]), ("rows", [1])])
    assert seen[3][:2] == ("error", "23P01")  # at COMMIT: the whole block rolled back


UPSERTS = [
    # ON CONFLICT (id) DO NOTHING: only the primary key is the arbiter, so an exclusion
    # conflict is still an error; a row whose key exists is skipped whatever else it breaks
    ("bookings", {"id": 9, "room": 1, "during": "[2,3)"}, True),
    ("bookings", {"id": 1, "room": 1, "during": "[2,3)"}, True),
    ("bookings", {"id": 9, "room": 2, "during": "[2,3)"}, True),
    # DO UPDATE: the row updated must not conflict with another
    ("bookings", {"id": 3, "room": 1, "during": "[2,3)"}, False),
    ("bookings", {"id": 3, "room": 2, "during": "[20,30)"}, False),
]


@pytest.mark.parametrize(("table", "row", "nothing"), UPSERTS)
def test_an_upsert_meets_an_exclude_as_in_postgres(
    pair: Any, table: str, row: Any, nothing: bool
) -> None:
    setup = [("bookings", "insert", {"id": 1, "room": 1, "during": "[1,5)"}),
             ("bookings", "insert", {"id": 3, "room": 2, "during": "[1,5)"})]  # fmt: skip
    _agree(pair, setup)
    outcomes = []
    for db in pair:
        try:
            outcomes.append(
                ("rows", [r["id"] for r in db.upsert(table, row, ignore_duplicates=nothing)])
            )
        except Exception as error:
            outcomes.append(("error", error.code, error.message, error.details))  # type: ignore[attr-defined]
    assert outcomes[0] == outcomes[1]
    assert [r["id"] for r in pair[0].select(table, order_by="id")] == [
        r["id"] for r in pair[1].select(table, order_by="id")
    ]
