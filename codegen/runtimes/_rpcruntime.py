"""Runtime of the RPC test doubles in `rpc.py`: PostgREST-style validation, argument coercion,
the implementations (registered, compiled, fake) and a client shaped like postgrest-py's.

Imports only the standard library, Faker and the package's own modules.

    RPC.call("calculate_total", price=Decimal("9.99"), quantity=3)          # the value
    RPC.rpc("calculate_total", {"price": 9.99, "quantity": 3}).execute().data
    await AsyncRPC.rpc("calculate_total", {...}).execute()                  # asyncio code

Which implementation answers a call, in order: one the test registered (`RPC.register`,
`@RPC.implement`, `with RPC.override(...)`), the body compiled from SQL (simple `LANGUAGE sql`
functions), the real function when the client is bound to a connection (`RPC.bind(conn)`);
otherwise the call raises NotImplementedError naming the function, why it is not compiled
and the line that registers an implementation. Fakes of the declared shape only when asked
for: `RPC.fake(name, ...)` for one call, `with RPC.fakes(name):` for a block, `RPC.strict =
False` (or `[tool.schemagen] strict_rpc = false`) for every call.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import difflib
import hashlib
import importlib
import json
import random
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from . import _relruntime as rel
from . import _sqlruntime as rt
from ._dbapi import quote_name
from ._errors import APIError
from ._settings import LOCALE, SEED, STRICT

FAKE_ROWS = 3  # rows in a faked set-returning result
_PKG = __name__.rpartition(".")[0]
_BASE_DAY = _dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=_dt.UTC)  # the factories' clock


class RPCError(APIError):
    """An error as PostgREST reports it (postgrest-py raises it as `APIError`): `code` is
    PostgREST's (PGRST202 unknown function or parameters, PGRST203 ambiguous overload) or the
    SQLSTATE the database raised (22012 division by zero, 22P02 invalid input, ...)."""


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


DEFAULT: Any = _Marker("DEFAULT")  # "use the SQL default" (stub signatures, computed defaults)
REQUIRED: Any = _Marker("REQUIRED")  # a parameter without default


class Type(NamedTuple):
    """A parameter or result type: the model's category plus what values of it need."""

    kind: str  # smallint, integer, numeric, text, date, uuid, enum, array, ... "row", "record"
    sql: str
    element: Type | None = None  # array element
    labels: tuple[str, ...] = ()  # enum labels
    fields: tuple[tuple[str, Type], ...] = ()  # composite attributes / view columns
    table: str | None = None  # "row": the table whose factory builds it (FACTORIES key)


class Computed(NamedTuple):
    """A DEFAULT evaluated at each call (`now()`), or not compiled (`fn` is None)."""

    fn: Callable[[], Any] | None
    sql: str


class DomainCheck(NamedTuple):
    """What casting an argument to its domain checks: NOT NULL (`name` None), or a CHECK."""

    domain: str
    name: str | None
    predicate: Callable[[Any], bool | None] | None = None  # of VALUE

    def check(self, value: Any) -> None:
        if self.name is None or self.predicate is None:
            if value is None:
                raise RPCError(f"domain {self.domain} does not allow null values", "23502")
            return
        try:
            holds = self.predicate(value)
        except rt.SqlError as error:
            raise RPCError(str(error), error.sqlstate) from None
        if holds is False:
            raise RPCError(
                f'value for domain {self.domain} violates check constraint "{self.name}"', "23514"
            )


class Param(NamedTuple):
    name: str | None  # None: an unnamed parameter (positional only)
    type: Type
    default: Any = REQUIRED  # a value, a Computed, or REQUIRED
    variadic: bool = False
    checks: tuple[DomainCheck, ...] = ()  # the parameter's domain, checked on each call


class Function(NamedTuple):
    name: str  # what RPC.call / RPC.rpc take ("name", or "schema.name")
    signature: str  # SQL, for messages and docstrings
    params: tuple[Param, ...]  # IN / INOUT / VARIADIC, in order
    shape: str  # scalar | set | row | rows | void
    type: Type | None = None  # scalar / set element / row type
    columns: tuple[tuple[str, Type], ...] = ()  # RETURNS TABLE / OUT columns
    strict: bool = False
    body: str = ""
    impl: Callable[..., Any] | None = None  # compiled from the SQL body
    impl_params: tuple[int, ...] = ()  # the params `impl` takes, in its order
    reason: str = ""  # why there is no compiled implementation
    query: rel.Query | rel.Write | rel.Steps | None = None  # the body over tables, run on rows


class Call(NamedTuple):
    """One call the client answered (RPC.calls): the resolved arguments by parameter."""

    name: str
    args: dict[str, Any]


# ------------------------------------------------------------------------- argument coercion

_INTS = ("smallint", "integer", "bigint")
_SPECIAL = ("nan", "inf", "infinity")  # numeric input spellings besides digits (PG 14+)
_TEXTS = ("text", "varchar", "char", "xml", "tsvector", "inet", "cidr", "macaddr", "bit", "varbit")


def _invalid(t: Type, value: Any) -> RPCError:
    return RPCError(f'invalid input syntax for type {t.sql}: "{_json_text(value)}"', "22P02")


def _json_text(value: Any) -> str:
    """The text PostgreSQL reads for a JSON value (what PostgREST hands it)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=str)
    return str(value)


_INT_INPUT = re.compile(r"[ \t\n\r\f\v]*([+-]?)([0-9]*)(.*)", re.DOTALL)


def _int_input(text: str, kind: str) -> int:
    """PostgreSQL's integer input (pg_strtoint): digits first, so "32769.0" for a smallint is
    out of range (22003) while "5.0" is invalid syntax (22P02)."""
    sign, digits, rest = _INT_INPUT.fullmatch(text).groups()  # type: ignore[union-attr]
    if not digits:
        raise RPCError(f'invalid input syntax for type {kind}: "{text}"', "22P02")
    value = -int(digits) if sign == "-" else int(digits)
    lo, hi = rt.INT_RANGES[kind]
    if not lo <= value <= hi:
        raise RPCError(f'value "{text}" is out of range for type {kind}', "22003")
    if rest.strip(" \t\n\r\f\v"):
        raise RPCError(f'invalid input syntax for type {kind}: "{text}"', "22P02")
    return value


def _datetime(value: Any, aware: bool) -> _dt.datetime:
    if isinstance(value, str):
        text = value.strip()
        try:
            moment = _dt.datetime.fromisoformat(
                text[:-1] + "+00:00" if text.endswith("Z") else text
            )
        except ValueError:
            return rt.to_timestamptz(value) if aware else rt.to_timestamp(value)  # type: ignore[return-value]
        if not aware:
            return moment.replace(tzinfo=None)  # timestamp input ignores a zone
        value = moment if moment.tzinfo else moment.replace(tzinfo=_dt.UTC)
    return rt.to_timestamptz(value) if aware else rt.to_timestamp(value)  # type: ignore[return-value]


def coerce_all(values: Sequence[Any], params: Sequence[Param]) -> list[Any]:
    """Every argument coerced; as PostgreSQL reads the whole JSON body first, a string it
    cannot hold (NUL) fails before any value is converted."""
    for value, p in zip(values, params, strict=False):
        if isinstance(value, str) and "\x00" in value and p.type.kind != "json":
            raise RPCError(
                "unsupported Unicode escape sequence",
                "22P05",
                details="\\u0000 cannot be converted to text.",
            )
    coerced = [coerce(v, p.type) for v, p in zip(values, params, strict=False)]
    for value, p in zip(coerced, params, strict=False):
        if value is not DEFAULT:
            for check in p.checks:
                check.check(value)
    return coerced


def coerce(value: Any, t: Type) -> Any:
    """`value` as the database would receive it for a parameter of type `t` (PostgREST reads
    JSON: "5" and 5 both fit integer, 5.5 does not; a uuid may be its string)."""
    if value is None or value is DEFAULT:
        return value
    kind = t.kind
    try:
        if kind in _INTS:
            if isinstance(value, bool) or not isinstance(value, (int, str, float, Decimal)):
                raise _invalid(t, value)
            return _int_input(_json_text(value), kind)
        if kind in ("numeric", "money"):
            if isinstance(value, Decimal):
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                return Decimal(value)
            if isinstance(value, str) and value.strip().lower().lstrip("+-") in _SPECIAL:
                return Decimal(value.strip().lower().replace("infinity", "inf"))
            if isinstance(value, (float, str)):
                return rt.to_numeric(_json_text(value))
            raise _invalid(t, value)
        if kind == "double":
            if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
                raise _invalid(t, value)
            return value if isinstance(value, float) else rt.to_double(value)
        if kind == "real":
            if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
                raise _invalid(t, value)
            return rt.to_real(value)
        if kind in _TEXTS:
            return value if isinstance(value, str) else _json_text(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else rt.to_bool(_json_text(value))
        if kind in ("date", "timestamp", "timestamptz") and not isinstance(value, (str, _dt.date)):
            value = _json_text(
                value
            )  # a JSON number or boolean: its text, as the database reads it
        if kind == "date":
            if isinstance(value, str) and "T" in value:
                value = _datetime(value, False)
            return rt.to_date(value)
        if kind == "timestamp":
            return _datetime(value, False)
        if kind == "timestamptz":
            return _datetime(value, True)
        if kind in ("time", "timetz") and isinstance(value, str):
            return _dt.time.fromisoformat(value)
        if kind == "uuid":
            return rt.to_uuid(value)
        if kind == "enum" and t.labels:
            if value not in t.labels:
                raise RPCError(
                    f'invalid input value for enum {t.sql}: "{_json_text(value)}"', "22P02"
                )
            return value
        if kind == "array" and t.element is not None:
            if not isinstance(value, (list, tuple)):
                raise RPCError(f'malformed array literal: "{_json_text(value)}"', "22P02")
            return [coerce(v, t.element) for v in value]
        if kind == "bytes" and isinstance(value, str):
            if not value.startswith("\\x"):
                raise _invalid(t, value)
            return bytes.fromhex(value[2:])
        return value
    except rt.SqlError as error:
        raise RPCError(str(error), error.sqlstate) from None
    except (TypeError, ValueError):
        raise _invalid(t, value) from None


# ------------------------------------------------------------------------------------- fakes


def _seed_of(*parts: Any) -> int:
    return int.from_bytes(hashlib.sha256(repr(parts).encode()).digest()[:8], "big")


_faker: Any = None


def _word(r: random.Random) -> str:
    global _faker
    if _faker is None:
        from faker import Faker

        _faker = Faker(LOCALE)
    _faker.seed_instance(r.getrandbits(32))
    return str(_faker.word())


def _fake_time(r: random.Random) -> _dt.time:
    return _dt.time(r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))


# SQL type category -> generator of a value of that type (polyfactory-style registry)
FAKES: dict[str, Callable[[Type, random.Random], Any]] = {
    "smallint": lambda t, r: r.randint(1, 100),
    "integer": lambda t, r: r.randint(1, 1000),
    "bigint": lambda t, r: r.randint(1, 100_000),
    "year": lambda t, r: r.randint(1990, 2030),
    "numeric": lambda t, r: Decimal(r.randint(0, 100_000)).scaleb(-2),
    "money": lambda t, r: Decimal(r.randint(0, 100_000)).scaleb(-2),
    "real": lambda t, r: float(r.randint(0, 100_000)) / 100,
    "double": lambda t, r: float(r.randint(0, 100_000)) / 100,
    "text": lambda t, r: _word(r),
    "varchar": lambda t, r: _word(r),
    "char": lambda t, r: _word(r),
    "xml": lambda t, r: f"<{_word(r)}/>",
    "tsvector": lambda t, r: f"'{_word(r)}':1",
    "boolean": lambda t, r: r.random() < 0.5,
    "date": lambda t, r: _BASE_DAY.date() + _dt.timedelta(days=r.randint(-365, 0)),
    "timestamp": lambda t, r: (
        _BASE_DAY + _dt.timedelta(seconds=r.randint(-31_536_000, 0))
    ).replace(tzinfo=None),
    "timestamptz": lambda t, r: _BASE_DAY + _dt.timedelta(seconds=r.randint(-31_536_000, 0)),
    "time": lambda t, r: _fake_time(r),
    "timetz": lambda t, r: _fake_time(r).replace(tzinfo=_dt.UTC),
    "interval": lambda t, r: _dt.timedelta(minutes=r.randint(1, 43_200)),
    "uuid": lambda t, r: uuid.UUID(int=r.getrandbits(128), version=4),
    "json": lambda t, r: {},
    "jsonb": lambda t, r: {},
    "bytes": lambda t, r: r.randbytes(8),
    "inet": lambda t, r: "10." + ".".join(str(r.randint(0, 254)) for _ in range(3)),
    "cidr": lambda t, r: f"10.{r.randint(0, 254)}.{r.randint(0, 254)}.0/24",
    "macaddr": lambda t, r: "08:00:2b:" + ":".join(f"{r.randint(0, 255):02x}" for _ in range(3)),
    "bit": lambda t, r: "".join(r.choice("01") for _ in range(8)),
    "varbit": lambda t, r: "".join(r.choice("01") for _ in range(8)),
    "enum": lambda t, r: r.choice(t.labels) if t.labels else _word(r),
    "array": lambda t, r: (
        [fake_value(t.element, r) for _ in range(r.randint(1, 3))] if t.element else []
    ),
    "composite": lambda t, r: {name: fake_value(ft, r) for name, ft in t.fields},
    "row": lambda t, r: _fake_row(t, r),
}


def fake_value(t: Type | None, r: random.Random) -> Any:
    """A value of type `t` (None for types with no generator: record, unknown)."""
    if t is None:
        return None
    make = FAKES.get(t.kind)
    return make(t, r) if make is not None else None


def _fake_row(t: Type, r: random.Random) -> dict[str, Any]:
    if t.table is not None:
        factories = importlib.import_module(_PKG + ".factories").FACTORIES
        factory_class = factories.get(t.table)
        if factory_class is not None:
            row = factory_class.build()
            columns = importlib.import_module(_PKG + ".schemas").TABLE_SCHEMAS.get(t.table, row)
            return {c: row.get(c) for c in columns}  # in the table's column order, as PostgREST
    return {name: fake_value(ft, r) for name, ft in t.fields}


@contextlib.contextmanager
def _isolated(seed: int) -> Iterator[None]:
    """Build factory rows from `seed` with sequences from 0, then put the factories' random
    streams and sequences back: a fake neither depends on nor changes what tests build."""
    sg = importlib.import_module(_PKG + "._runtime")
    streams: list[Any] = [getattr(sg, "rng", None), getattr(rt, "_random", None)]
    with contextlib.suppress(Exception):
        streams.append(sg.fake.random)
    streams = [s for s in streams if isinstance(s, random.Random)]
    states = [s.getstate() for s in streams]
    counters: list[tuple[Any, int]] = []
    for factory_class in getattr(sg, "_factories", ()):
        with contextlib.suppress(Exception):
            factory_class._meta._initialize_counter()
            counter = factory_class._meta._counter
            if all(counter is not c for c, _ in counters):
                counters.append((counter, counter.seq))
                counter.seq = 0
    for i, stream in enumerate(streams):
        stream.seed(seed + i)
    try:
        yield
    finally:
        for stream, state in zip(streams, states, strict=False):
            stream.setstate(state)
        for counter, seq in counters:
            counter.seq = seq


# ------------------------------------------------------------------------------------ client


def _describe(fn: Function) -> str:
    names = [p.name if p.name is not None else f"${i}" for i, p in enumerate(fn.params, 1)]
    return f"{fn.name}({', '.join(names)})"


class RPCClient:
    """The mock RPC client: validates calls against the SQL signatures and answers them.

    `call(name, *args, **params)` returns the value; `rpc(name, params)` returns a request
    whose `.execute().data` holds it, as postgrest-py / supabase-py do."""

    def __init__(
        self,
        functions: Mapping[str, Sequence[Function]],
        *,
        not_callable: Mapping[str, str] | None = None,
        strict: bool = STRICT,
        seed: int = SEED,
    ) -> None:
        self.functions = functions
        self.not_callable = dict(not_callable or {})
        self._initial = (strict, seed)
        self.strict = strict
        self.seed = seed
        self.fake_rows = FAKE_ROWS
        self.calls: list[Call] = []
        self._impls: dict[str, Callable[..., Any]] = {}
        self._faking: set[str] = set()  # names allowed a fake ("*": all), see fakes()
        self.connection: Any = None  # bind(): calls go to the real functions
        self.rows: Any = None  # bind_rows(): what table-reading bodies read

    # -- honesty switches ------------------------------------------------------------------
    def fake(self, name: str, /, *args: Any, **params: Any) -> Any:
        """This one call answered by a deterministic fake of the declared shape, even when
        strict: asked for by name, so a test that relies on a made-up value says so."""
        with self.fakes(name):
            return self.call(name, *args, **params)

    @contextlib.contextmanager
    def fakes(self, *names: str) -> Iterator[None]:
        """`with RPC.fakes("fn"):` allows fakes of `names` (no names: every function) in the
        block, for code that calls through `RPC.rpc(...)`."""
        for name in names:
            self._known(name)
        added = {*(names or ("*",))} - self._faking
        self._faking |= added
        try:
            yield
        finally:
            self._faking -= added

    def bind(self, connection: Any) -> None:
        """Calls with no registered implementation go to the real function through this
        DB-API connection (psycopg): `SELECT * FROM fn(...)`. `bind(None)` unbinds."""
        self.connection = connection

    def bind_rows(self, rows: Mapping[str, Sequence[Mapping[str, Any]]] | Any) -> None:
        """Functions whose body is a SELECT over tables read these rows: a dict of table ->
        rows (a table left out is empty), or a `Database` (its tables). Rows are checked
        and stored as build() stores them. `bind_rows(None)` unbinds."""
        if isinstance(rows, Mapping):
            rows = {table: _checked_rows(table, list(given)) for table, given in rows.items()}
        self.rows = rows

    @contextlib.contextmanager
    def reading(self, rows: Any) -> Iterator[None]:
        """`with RPC.reading(db):` table-reading bodies read `rows` in the block (how
        `Database.rpc` runs them on its tables); a connection bound with `bind()` is set
        aside meanwhile, so the in-memory database answers from its own rows."""
        previous = self.rows, self.connection
        self.rows, self.connection = rows, None
        try:
            yield
        finally:
            self.rows, self.connection = previous

    @contextlib.contextmanager
    def calling(self, connection: Any) -> Iterator[None]:
        """`bind(connection)` for a block: how `Database.connect(conn).rpc(...)` calls the
        real functions with the same validation and result shapes as the fake."""
        previous, self.connection = self.connection, connection
        try:
            yield
        finally:
            self.connection = previous

    # -- registering implementations -------------------------------------------------------
    def register(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Answer calls of `name` (every overload) with `fn`, until `reset()` / `unregister()`.

        `fn` gets the arguments by parameter name (unnamed parameters positionally), with
        the SQL defaults filled in; what it returns is what the call returns."""
        self._known(name)
        self._impls[name] = fn
        return fn

    def implement(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator form of `register`: `@RPC.implement("calculate_total")`."""

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            return self.register(name, fn)

        return decorate

    def unregister(self, name: str) -> None:
        self._impls.pop(name, None)

    @contextlib.contextmanager
    def override(self, name: str, fn: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
        """`with RPC.override("fn", impl):` registers `impl` for the block, then restores."""
        self._known(name)
        previous = self._impls.get(name)
        self._impls[name] = fn
        try:
            yield fn
        finally:
            if previous is None:
                self._impls.pop(name, None)
            else:
                self._impls[name] = previous

    def reset(self) -> None:
        """Forget registrations and recorded calls; strict and seed back to the generated ones.
        Call it from an autouse fixture to keep tests isolated."""
        self._impls.clear()
        self.calls.clear()
        self._faking.clear()
        self.rows = None
        self.strict, self.seed = self._initial
        self.fake_rows = FAKE_ROWS

    def implementation(self, name: str, *args: Any, **params: Any) -> str:
        """Which implementation answers this call: "registered", "database" (bound),
        "compiled", "rows" (a SELECT over tables, run on the bound rows), "fake" or "none"
        (the call raises NotImplementedError)."""
        fn, _ = self._resolve(name, args, params)
        if name in self._impls:
            return "registered"
        if self.connection is not None:
            return "database"
        if fn.impl is not None or (fn.query is not None and not fn.query.tables):
            return "compiled"
        if fn.query is not None and self.rows is not None:
            return "rows"
        return "fake" if self._may_fake(fn) else "none"

    # -- calling ---------------------------------------------------------------------------
    def call(self, name: str, /, *args: Any, **params: Any) -> Any:
        """Call function `name` with named (and, for unnamed parameters, positional) args."""
        fn, values = self._resolve(name, args, params)
        return self._run(fn, values)

    def real(self, connection: Any, name: str, /, *args: Any, **params: Any) -> Any:
        """The real function through `connection`, whatever is registered or bound: the call
        checked and coerced as `call()` does it, then run by `call_database` (not recorded)."""
        fn, values = self._resolve(name, args, params)
        return call_database(connection, fn, values)

    def invoke(self, fn: Function, /, *args: Any, **params: Any) -> Any:
        """Call one overload directly (what the typed stubs in rpc.py do)."""
        values = self._bind(fn, args, params)
        if values is None:
            raise self._mismatch(fn, args, params)
        return self._run(fn, coerce_all(values, fn.params))

    def rpc(
        self,
        func: str,
        params: Mapping[str, Any] | Sequence[Any] | None = None,
        count: str | None = None,
        head: bool = False,
        get: bool = False,
    ) -> RPCRequest:
        """postgrest-py's `client.rpc(func, params)`: `.execute().data` is the value. A list
        or tuple of params calls unnamed parameters positionally (not possible in PostgREST)."""
        return RPCRequest(self, func, params, count, head)

    # -- internals -------------------------------------------------------------------------
    def _known(self, name: str) -> None:
        if name not in self.functions:
            raise self._not_found(name, ())

    def _resolve(
        self, name: str, args: Sequence[Any], params: Mapping[str, Any]
    ) -> tuple[Function, list[Any]]:
        overloads = self.functions.get(name)
        if not overloads:
            raise self._not_found(name, params)
        matches = []
        for fn in overloads:
            values = self._bind(fn, args, params)
            if values is not None:
                matches.append((fn, values))
        if not matches and not args and len(overloads) == 1:
            single = self._single_json(overloads[0], params)
            if single is not None:
                matches.append(single)
        if len(matches) == 1:
            fn, values = matches[0]
            return fn, coerce_all(values, fn.params)
        if len(matches) > 1:
            raise RPCError(
                "Could not choose the best candidate function between: "
                + ", ".join(m[0].signature for m in matches),
                "PGRST203",
                hint="Try renaming the parameters or the function itself in the database"
                " so function overloading can be resolved",
            )
        if len(overloads) == 1:
            raise self._mismatch(overloads[0], args, params)
        raise RPCError(
            f"Could not find the function {name}({', '.join(sorted(params))}) in the schema cache",
            "PGRST202",
            details="No overload takes exactly these arguments; the overloads are: "
            + "; ".join(_describe(f) for f in overloads),
            hint="Overloads are told apart by their parameter names, as PostgREST does",
        )

    def _single_json(
        self, fn: Function, params: Mapping[str, Any]
    ) -> tuple[Function, list[Any]] | None:
        """PostgREST passes the whole JSON body to a function of one unnamed json parameter."""
        if (
            len(fn.params) == 1
            and fn.params[0].name is None
            and fn.params[0].type.kind in ("json", "jsonb")
        ):
            return fn, [dict(params)]
        return None

    def _bind(
        self, fn: Function, args: Sequence[Any], params: Mapping[str, Any]
    ) -> list[Any] | None:
        """The argument of every parameter (defaults filled), or None if the call does not fit."""
        if len(args) > len(fn.params):
            return None
        named = {
            p.name: i for i, p in enumerate(fn.params) if p.name is not None and i >= len(args)
        }
        if any(key not in named for key in params):
            return None
        values: list[Any] = []
        for i, p in enumerate(fn.params):
            if i < len(args):
                value = args[i]
            elif p.name is not None and p.name in params:
                value = params[p.name]
            else:
                value = DEFAULT
            if value is DEFAULT:
                if p.default is REQUIRED:
                    return None
                value = _default(p)
            values.append(value)
        return values

    def _not_found(self, name: str, params: Mapping[str, Any] | Sequence[str]) -> RPCError:
        listed = ", ".join(sorted(params))
        reason = self.not_callable.get(name)
        if reason is not None:
            return RPCError(
                f"Could not find the function {name}({listed}) in the schema cache",
                "PGRST202",
                details=f"{name} is a {reason}: it cannot be called through RPC",
            )
        close = difflib.get_close_matches(name, list(self.functions), n=3, cutoff=0.6)
        return RPCError(
            f"Could not find the function {name}({listed}) in the schema cache",
            "PGRST202",
            details=f"Searched for the function {name} with parameters {listed or '(none)'},"
            " but no matches were found among the functions of the schema",
            hint=f"Perhaps you meant to call the function {' or '.join(close)}" if close else None,
        )

    def _mismatch(self, fn: Function, args: Sequence[Any], params: Mapping[str, Any]) -> RPCError:
        given = [k for k, v in params.items() if v is not DEFAULT]
        names = [p.name for p in fn.params if p.name is not None]
        problems: list[str] = []
        hint = None
        if len(args) > len(fn.params):
            problems.append(f"{len(args)} positional arguments given, it takes {len(fn.params)}")
        for key in given:
            if key not in names:
                problems.append(f"unknown parameter {key!r}")
                close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
                hint = hint or (f"Perhaps you meant {close[0]!r}" if close else None)
            elif next(i for i, p in enumerate(fn.params) if p.name == key) < len(args):
                problems.append(f"parameter {key!r} given positionally and by name")
        for i, p in enumerate(fn.params):
            if i >= len(args) and p.default is REQUIRED and (p.name is None or p.name not in given):
                problems.append(f"missing parameter {p.name or f'${i + 1}'!r} (it has no default)")
        named = ", ".join(sorted(given))
        why = "; ".join(problems) or "the arguments do not fit"
        return RPCError(
            f"Could not find the function {fn.name}({named}) in the schema cache",
            "PGRST202",
            details=f"{why}; the function is {fn.signature}",
            hint=hint,
        )

    def _run(self, fn: Function, values: list[Any]) -> Any:
        pairs = enumerate(zip(fn.params, values, strict=False), 1)
        self.calls.append(Call(fn.name, {p.name or f"${i}": v for i, (p, v) in pairs}))
        impl = self._impls.get(fn.name)
        if impl is not None:
            return _call_registered(impl, fn, values)
        if fn.strict and any(v is None for v in values):
            return [] if fn.shape in ("set", "rows") else None
        if self.connection is not None:
            return call_database(self.connection, fn, values)
        if fn.impl is not None and not any(v is DEFAULT for v in values):
            try:
                return fn.impl(*[values[i] for i in fn.impl_params])
            except rt.SqlError as error:
                raise RPCError(str(error), error.sqlstate) from None
        if fn.query is not None and (self.rows is not None or not fn.query.tables):
            return self._query(fn, fn.query, values)
        if not self._may_fake(fn):
            raise NotImplementedError(unimplemented(fn))
        return self._fake(fn, values)

    def _query(
        self, fn: Function, query: rel.Query | rel.Write | rel.Steps, values: list[Any]
    ) -> Any:
        params = {str(i): v for i, v in enumerate(values)}
        try:
            if isinstance(query, rel.Write):
                rows = rel.run_write(query, self.rows, params)
                if fn.shape == "void":
                    return None
            elif isinstance(query, rel.Steps):
                rows = rel.run_steps(query, rel.rows_reader(self.rows or {}), params)
            else:
                rows = rel.run(query, rel.rows_reader(self.rows or {}), params)
        except rt.SqlError as error:
            raise RPCError(str(error), error.sqlstate) from None
        return rel.shaped(rows, fn.shape, query.names)

    def _may_fake(self, fn: Function) -> bool:
        return not self.strict or bool({"*", fn.name} & self._faking)

    def _fake(self, fn: Function, values: list[Any]) -> Any:
        seed = _seed_of(self.seed, fn.signature, values)
        r = random.Random(seed)
        if fn.shape == "void":
            return None
        with _isolated(seed):
            if fn.shape == "scalar":
                return fake_value(fn.type, r)
            if fn.shape == "set":
                return [fake_value(fn.type, r) for _ in range(self.fake_rows)]
            if fn.shape == "row":
                return self._fake_row(fn, r)
            return [self._fake_row(fn, r) for _ in range(self.fake_rows)]

    def _fake_row(self, fn: Function, r: random.Random) -> dict[str, Any]:
        if fn.columns:
            return {name: fake_value(t, r) for name, t in fn.columns}
        value = fake_value(fn.type, r)
        return value if isinstance(value, dict) else {}


def unimplemented(fn: Function) -> str:
    """What a call of a function with no implementation raises: which function, why it is
    not compiled, and the one line that registers an implementation."""
    params = ", ".join(p.name or f"arg{i}" for i, p in enumerate(fn.params, 1))
    if fn.query is not None:
        return (
            f"RPC {fn.name}: no implementation. Its SELECT reads {', '.join(fn.query.tables)}"
            " and no rows are bound: call it through a Database (db.rpc(...)), or give the rows:"
            f"  RPC.bind_rows({{{fn.query.tables[0]!r}: [...]}})\n"
            f"(or RPC.register({fn.name!r}, lambda {params}: ...))\n{fn.signature}\n{fn.body}"
        )
    return (
        f"RPC {fn.name}: no implementation. Not compiled: {fn.reason or 'not compiled'}.\n"
        f"Register one in the test:  RPC.register({fn.name!r}, lambda {params}: ...)\n"
        f"(or RPC.bind(connection) to call the real function; RPC.fake({fn.name!r}, ...) for a"
        " made-up answer)\n"
        f"{fn.signature}\n{fn.body}"
    )


def _checked_rows(table: str, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows a test binds, checked and stored as build() would store them (a misspelt table
    or column, or a value the column refuses, raises RowError): the compiled SELECT then
    reads what the database would hold."""
    factories = importlib.import_module(_PKG + ".factories").FACTORIES
    factory_class = factories.get(table)
    if factory_class is None:
        close = difflib.get_close_matches(table, list(factories), n=1, cutoff=0.6)
        hint = f"; perhaps {close[0]!r}" if close else ""
        raise KeyError(f"bind_rows: no table {table!r}{hint}")
    spec = factory_class._spec
    check = importlib.import_module(_PKG + "._rowcheck")
    stored = []
    for row in rows:
        found = check.violations(spec, row)
        if found:
            raise found[0]
        kept = {
            c: check.coerce(spec.key, c, spec.types[c], v) if c in spec.types else v
            for c, v in row.items()
        }
        for column, compute in spec.computed.items():
            if all(p in kept for p in getattr(compute, "params", ())):
                _computed(check, table, kept, column, compute)
        stored.append(kept)
    return stored


def _computed(check: Any, table: str, row: dict[str, Any], column: str, compute: Any) -> None:
    """A generated column as the database computes it; a row giving another value is one
    the database never holds, so it is refused rather than read."""
    try:
        value = compute(row)
    except NotImplementedError:  # not compiled (warned at generate): the given value stands
        return
    if column in row and row[column] != value:
        raise check.RowError(
            table, column, row[column], "a value the database never stores in this generated"
            " column", "428C9", f"the database computes {value!r} from the row",
        )  # fmt: skip
    row[column] = value


def call_database(connection: Any, fn: Function, values: list[Any]) -> Any:
    """The real function, through a DB-API connection: named notation for named parameters,
    each argument cast to the parameter's type; errors come back as RPCError with SQLSTATE."""
    args: list[str] = []
    sent: list[Any] = []
    for p, value in zip(fn.params, values, strict=True):
        if value is DEFAULT:
            continue
        mark = "%s" if p.type.kind in _UNCAST else f"%s::{p.type.sql}"
        args.append(mark if p.name is None else f"{quote_name(p.name, 'postgres')} => {mark}")
        sent.append(json.dumps(value, default=str) if p.type.kind == "json" else value)
    target = ".".join(quote_name(part, "postgres") for part in fn.name.split("."))
    call = f"{target}({', '.join(args)})"
    sql = f"SELECT {call}" if fn.shape == "scalar" else f"SELECT * FROM {call}"
    cursor = connection.cursor()
    try:
        cursor.execute(sql, sent)
        if fn.shape == "void":
            return None
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except Exception as error:
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if state is None:
            raise
        raise RPCError(str(error).splitlines()[0], state) from error
    finally:
        cursor.close()
    if fn.shape == "scalar":
        return rows[0][0] if rows else None
    if fn.shape == "set":
        return [r[0] for r in rows]
    dicts = [dict(zip(names, r, strict=True)) for r in rows]
    if fn.shape == "row":
        return dicts[0] if dicts and any(v is not None for v in dicts[0].values()) else None
    return dicts


_UNCAST = ("row", "composite", "record", "unknown", "json")


def _default(p: Param) -> Any:
    if isinstance(p.default, Computed):
        return DEFAULT if p.default.fn is None else p.default.fn()
    return copy.deepcopy(p.default)


def _call_registered(impl: Callable[..., Any], fn: Function, values: list[Any]) -> Any:
    last_unnamed = max((i for i, p in enumerate(fn.params) if p.name is None), default=-1)
    args = values[: last_unnamed + 1]
    params = {
        p.name: v
        for p, v in zip(fn.params[last_unnamed + 1 :], values[last_unnamed + 1 :], strict=False)
        if p.name is not None and v is not DEFAULT
    }
    return impl(*args, **params)


# ---------------------------------------------------------------- postgrest-py shaped requests


class RPCResponse(NamedTuple):
    """What `.execute()` returns (postgrest-py's APIResponse): `data`, and `count` when asked."""

    data: Any
    count: int | None = None  # type: ignore[assignment]  # postgrest-py's name


class _Request:
    def __init__(
        self,
        client: RPCClient,
        func: str,
        params: Mapping[str, Any] | Sequence[Any] | None,
        count: str | None,
        head: bool,
    ) -> None:
        self._client = client
        self._func = func
        self._params = params
        self._count = count
        self._head = head
        self._columns: list[str] | None = None
        self._filters: list[tuple[str, Callable[[Any], bool]]] = []
        self._order: list[tuple[str, bool, bool]] = []
        self._range: tuple[int, int | None] | None = None
        self._single: str | None = None

    # filters and modifiers on row results (a small subset of postgrest-py's)
    def select(self, *columns: str, count: str | None = None) -> Any:
        names = [c.strip() for part in columns for c in part.split(",") if c.strip()]
        self._columns = None if names in ([], ["*"]) else names
        self._count = count or self._count
        return self

    def _filter(self, column: str, test: Callable[[Any], bool]) -> Any:
        self._filters.append((column, test))
        return self

    def eq(self, column: str, value: Any) -> Any:
        return self._filter(column, lambda v: v is not None and v == value)

    def neq(self, column: str, value: Any) -> Any:
        return self._filter(column, lambda v: v is not None and v != value)

    def gt(self, column: str, value: Any) -> Any:
        return self._filter(column, lambda v: v is not None and v > value)

    def gte(self, column: str, value: Any) -> Any:
        return self._filter(column, lambda v: v is not None and v >= value)

    def lt(self, column: str, value: Any) -> Any:
        return self._filter(column, lambda v: v is not None and v < value)

    def lte(self, column: str, value: Any) -> Any:
        return self._filter(column, lambda v: v is not None and v <= value)

    def in_(self, column: str, values: Sequence[Any]) -> Any:
        return self._filter(column, lambda v: v is not None and v in values)

    def is_(self, column: str, value: Any) -> Any:
        wanted = None if value in (None, "null") else value
        return self._filter(column, lambda v: v is wanted or v == wanted)

    def order(self, column: str, *, desc: bool = False, nullsfirst: bool = False) -> Any:
        self._order.append((column, desc, nullsfirst))
        return self

    def limit(self, size: int) -> Any:
        start = self._range[0] if self._range else 0
        self._range = (start, start + size)
        return self

    def offset(self, size: int) -> Any:
        end = self._range[1] if self._range else None
        self._range = (size, end)
        return self

    def range(self, start: int, end: int) -> Any:
        self._range = (start, end + 1)
        return self

    def single(self) -> Any:
        self._single = "single"
        return self

    def maybe_single(self) -> Any:
        self._single = "maybe"
        return self

    def _response(self) -> RPCResponse:
        params = self._params
        if params is None:
            data = self._client.call(self._func)
        elif isinstance(params, Mapping):
            data = self._client.call(self._func, **params)
        elif isinstance(params, (str, bytes)):
            raise TypeError("rpc() params: a dict of arguments by name (or a list, positionally)")
        else:
            data = self._client.call(self._func, *params)
        shaped = bool(self._columns or self._filters or self._order or self._range or self._single)
        if shaped and not (isinstance(data, list) and all(isinstance(r, dict) for r in data)):
            if isinstance(data, dict):
                data = [data]
            else:
                raise RPCError(
                    f"{self._func} does not return rows: filters, select and order apply to rows",
                    "PGRST100",
                )
        if isinstance(data, list) and shaped:
            data = self._shape(data)
        count = len(data) if self._count and isinstance(data, list) else None
        if self._single is not None and isinstance(data, list):
            if len(data) == 1:
                data = data[0]
            elif len(data) == 0 and self._single == "maybe":
                data = None
            else:
                raise RPCError(
                    "JSON object requested, multiple (or no) rows returned",
                    "PGRST116",
                    details=f"The result contains {len(data)} rows",
                )
        return RPCResponse(None if self._head else data, count)

    def _shape(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for column, test in self._filters:
            rows = [r for r in rows if test(r.get(column))]
        for column, desc, nullsfirst in reversed(self._order):
            present = [r for r in rows if r.get(column) is not None]
            absent = [r for r in rows if r.get(column) is None]
            present.sort(key=lambda r: r[column], reverse=desc)
            rows = absent + present if nullsfirst else present + absent
        if self._range is not None:
            rows = rows[self._range[0] : self._range[1]]
        if self._columns is not None:
            unknown = [c for c in self._columns if rows and c not in rows[0]]
            if unknown:
                raise RPCError(f"column {unknown[0]} does not exist", "42703")
            rows = [{c: r.get(c) for c in self._columns} for r in rows]
        return rows


class RPCRequest(_Request):
    """`RPC.rpc(...)`: filters/modifiers chain, `.execute()` runs the call."""

    def execute(self) -> RPCResponse:
        return self._response()


class AsyncRPCRequest(_Request):
    """`AsyncRPC.rpc(...)`: as postgrest-py's async builder, only `.execute()` is awaited."""

    async def execute(self) -> RPCResponse:
        return self._response()


class AsyncRPCClient:
    """The asyncio flavour (postgrest-py's AsyncPostgrestClient): `AsyncRPC.rpc(name, params)`
    is a builder and `await ....execute()` gives the response; `await AsyncRPC.call(...)`.
    It shares registrations, strict mode and recorded calls with the sync client."""

    def __init__(self, sync: RPCClient) -> None:
        self.sync = sync

    def rpc(
        self,
        func: str,
        params: Mapping[str, Any] | Sequence[Any] | None = None,
        count: str | None = None,
        head: bool = False,
        get: bool = False,
    ) -> AsyncRPCRequest:
        return AsyncRPCRequest(self.sync, func, params, count, head)

    async def call(self, name: str, /, *args: Any, **params: Any) -> Any:
        return self.sync.call(name, *args, **params)

    def register(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        return self.sync.register(name, fn)

    def implement(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.sync.implement(name)

    def override(
        self, name: str, fn: Callable[..., Any]
    ) -> contextlib.AbstractContextManager[Callable[..., Any]]:
        return self.sync.override(name, fn)

    def reset(self) -> None:
        self.sync.reset()

    async def fake(self, name: str, /, *args: Any, **params: Any) -> Any:
        return self.sync.fake(name, *args, **params)

    def fakes(self, *names: str) -> contextlib.AbstractContextManager[None]:
        return self.sync.fakes(*names)

    def bind(self, connection: Any) -> None:
        self.sync.bind(connection)

    @property
    def strict(self) -> bool:
        return self.sync.strict

    @strict.setter
    def strict(self, value: bool) -> None:
        self.sync.strict = value

    @property
    def calls(self) -> list[Call]:
        return self.sync.calls
