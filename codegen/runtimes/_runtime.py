"""Runtime of the generated factories: seeding, value generators, row finishing, `bind()`.

Imports only the standard library, factory-boy and Faker. Putting rows into a bound database
lives beside it (`_insert.py`: one row, for create(); `_bulk.py`, `_bulk_copy.py`,
`_bulk_mysql.py`: create_batch()), as does its Faker's quicker draws (`_quickfaker.py`).

Reseeding in tests: `reset(seed)` reseeds Faker, factory-boy's random generator, these
generators and the SQL runtime (gen_random_uuid()), restarts every factory's sequences
and the unique counters, and puts the clock back; the same seed gives the same rows:

    @pytest.fixture(autouse=True)
    def _fresh_rows():
        reset(1234)
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import importlib
import json
import math
import random
import string
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

from factory.base import DictFactory, Factory, FactoryOptions
from factory.declarations import (
    SKIP,
    BaseDeclaration,
    LazyAttribute,
    LazyAttributeSequence,
    LazyFunction,
    Maybe,
    Sequence,
    SubFactory,
)
from factory.enums import BUILD_STRATEGY, CREATE_STRATEGY, STUB_STRATEGY
from factory.errors import CyclicDefinitionError
from factory.random import reseed_random
from faker import Faker

from . import _bulk, _insert, _rowcheck
from . import _sqlruntime as sqlrt
from ._bulk import Link
from ._bulk import Pending as _Pending
from ._insert import insert
from ._lazy import collector_paused, load_module
from ._quickfaker import one_draw_word, quicken
from ._rowcheck import check_violated, coerce, given_generated, unknown_column
from ._settings import LOCALE, NULL_RATIO, SEED

Col = _rowcheck.Col  # the generated factories' column types: sg.Col(...)
Check = _rowcheck.Check
of_row = _rowcheck.of_row
RowError = _rowcheck.RowError
GenerationError = _rowcheck.GenerationError

# What now() / CURRENT_TIMESTAMP give in generated rows (change it with set_clock()).
CLOCK = _dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=_dt.UTC)
MAX_TRIES = 100  # attempts to satisfy a CHECK that value bounds could not guarantee

rng = random.Random(SEED)
_clock = CLOCK
_factories: list[type[Factory[Any]]] = []
_overriding: list[str] = []  # tables in `overriding_system_value()` blocks


# ----------------------------------------------------------------------- seeding and clock


def reset(seed: int | None = None) -> None:
    """Reseed everything and restart sequences: same seed -> same rows."""
    seed = SEED if seed is None else seed
    global _faker_seed
    rng.seed(seed)
    _faker_seed = seed
    if _fake is not None:
        _fake.seed_instance(seed)
    reseed_random(seed)  # type: ignore[no-untyped-call]
    sqlrt.seed(seed)
    set_clock(CLOCK)
    for f in _factories:
        f.reset_sequence(force=True)  # type: ignore[no-untyped-call]


def set_clock(moment: _dt.datetime) -> None:
    """Fix what now() returns in generated rows (an aware datetime)."""
    global _clock
    if moment.tzinfo is None:
        raise ValueError("set_clock() needs an aware datetime, e.g. tzinfo=timezone.utc")
    _clock = moment
    sqlrt.clock = lambda: _clock


def now() -> _dt.datetime:
    return _clock


def register(cls: type[Factory[Any]]) -> type[Factory[Any]]:
    """Reset with the others by `reset()`. Its model becomes a dict named after the factory
    (OrdersFactory -> Orders): rows stay plain dicts, but pytest-factoryboy's `register()`
    names the fixtures `orders`, `orders__quantity` instead of `dict` for every table. The
    class is made when the model is first read (`Options.model`): a type per table cost a
    session loading every factory a quarter of what a hand-written factory costs."""
    options: Any = cls._meta
    options.named = cls.__name__.removesuffix("Factory") or cls.__name__
    spec = vars(cls).get("_spec")
    if isinstance(spec, Table):
        spec.bind(cls._meta.declarations)
    _factories.append(cls)
    return cls


# ------------------------------------------------------------------- typed declarations
# factory-boy's declaration classes under annotated names: its constructors carry no
# annotations, so a module calling them fails `mypy --strict`. The generated factories
# declare their columns with these; the objects are factory-boy's own, made by a direct call
# (a wrapper function cost a session loading every factory a frame per column).

lazy_function: Callable[[Callable[[], Any]], LazyFunction] = LazyFunction
lazy_attribute: Callable[[Callable[[Any], Any]], LazyAttribute] = LazyAttribute
sequence: Callable[[Callable[[int], Any]], Sequence] = Sequence
lazy_attribute_sequence: Callable[[Callable[[Any, int], Any]], LazyAttributeSequence] = (
    LazyAttributeSequence
)
sub_factory: Callable[..., SubFactory] = SubFactory  # (factory or "module.Name", **kwargs)
maybe: Callable[[Any, Any, Any], Maybe] = Maybe


# ------------------------------------------------------------------------------ generators


def random_int(lo: int, hi: int) -> int:
    return rng.randint(lo, hi)


def null_past_end(make: Callable[[], Any]) -> Any:
    """A nullable digit of a composite UNIQUE: NULL (never a collision) once it runs out."""
    try:
        return make()
    except GenerationError:
        return None


def unique_int(n: int, lo: int, hi: int, what: str) -> int:
    value = lo + n
    if value > hi:
        raise GenerationError(f"{what}: UNIQUE values exhausted ({hi - lo + 1} fit the bounds)")
    return value


def random_decimal(lo: int, hi: int, scale: int) -> Decimal:
    """A Decimal with `scale` digits after the point, lo/hi in units of 10**-scale."""
    return Decimal(rng.randint(lo, hi)).scaleb(-scale)


def unique_decimal(n: int, lo: int, hi: int, scale: int, what: str) -> Decimal:
    return Decimal(unique_int(n, lo, hi, what)).scaleb(-scale)


def random_float(lo: float, hi: float) -> float:
    return round(rng.uniform(lo, hi), 4)


def unique_float(n: int, lo: float, hi: float, what: str, places: int | None = None) -> float:
    """Distinct numbers inside [lo, hi] that a 4-byte `real` stores exactly (so they stay
    distinct in any float column): whole numbers first, then halves, quarters... between
    them. `places` caps the digits after the point (MySQL's FLOAT(p,s) rounds to s)."""
    _, exp = math.frexp(max(abs(lo), abs(hi)) or 1.0)
    finest = math.ldexp(1.0, max(exp - 24, -149))  # its multiples up to hi are exact reals
    step = max(1.0, finest)
    count = _multiples(lo, hi, step)
    if n < count:  # rounding the bounds inwards: CHECK c > 19 gives lo = 19.0001
        return (math.ceil(lo / step) + n) * step
    n -= count
    level = 0
    while step / 2 >= finest and (places is None or level < places):
        step, level = step / 2, level + 1
        odd = _multiples(lo, hi, step) - _multiples(lo, hi, step * 2)  # the new ones only
        if n < odd:
            first = math.ceil(lo / step)
            return (first + (first + 1) % 2 + 2 * n) * step
        n -= odd
    raise GenerationError(f"{what}: UNIQUE values exhausted (all the reals in the bounds)")


def _multiples(lo: float, hi: float, step: float) -> int:
    return max(0, math.floor(hi / step) - math.ceil(lo / step) + 1)


def random_bool() -> bool:
    return rng.random() < 0.5


def random_choice(options: tuple[Any, ...]) -> Any:
    return options[rng.randrange(len(options))]


def unique_choice(n: int, options: tuple[Any, ...], what: str, wrap: bool = False) -> Any:
    if n >= len(options) and not wrap:
        raise GenerationError(f"{what}: UNIQUE values exhausted (only {len(options)} allowed)")
    return options[n % len(options)]


def _fit(text: str, minlen: int, maxlen: int | None) -> str:
    if maxlen is not None and len(text) > maxlen:
        text = text[:maxlen].rstrip() or text[:maxlen]
    if len(text) < minlen:
        text += "".join(rng.choice(string.ascii_lowercase) for _ in range(minlen - len(text)))
    return text


def _provide(provider: str) -> str:
    if provider == "word":
        return fake_word()
    if provider == "code":
        return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(8))
    if provider == "iso_date":
        return random_date(-3650, 0).isoformat()
    if provider == "iso_ts":
        return random_timestamp(-365 * 86400, 0, False).isoformat(sep=" ", timespec="seconds")
    return str(getattr(_faker, provider)())


def random_text(provider: str, maxlen: int | None = None, minlen: int = 0) -> str:
    return _fit(_provide(provider), minlen, maxlen)


def unique_text(n: int, provider: str, maxlen: int | None = None, minlen: int = 0) -> str:
    """Unique text: the counter is the last part, so values never collide (case-blind too)."""
    if provider == "iso_date":
        return _fit(unique_date(n, -3650, 10**6, "date").isoformat(), minlen, maxlen)
    if provider == "iso_ts":
        moment = unique_timestamp(n, -365 * 86400, 10**9, False, "ts")
        return _fit(moment.isoformat(sep=" "), minlen, maxlen)
    suffix = _base36(n)
    if provider == "email":
        local, _, domain = _provide("email").partition("@")
        text = f"{local}.{suffix}@{domain}"
        if maxlen is None or len(text) <= maxlen:
            return _fit(text, minlen, None)
    if maxlen is not None and maxlen <= len(suffix) + 1:
        if maxlen < len(suffix):
            raise GenerationError(f"UNIQUE text of length {maxlen} exhausted at {n} values")
        return suffix.rjust(max(minlen, len(suffix)), "0")
    base = _provide(provider)
    room = None if maxlen is None else maxlen - len(suffix) - 1
    if room is not None:
        base = base[:room]
    return _fit(f"{base}-{suffix}", minlen, maxlen)


def unique_text_led(
    n: int, width: int, provider: str, maxlen: int | None = None, minlen: int = 0
) -> str:
    """Text whose first `width` characters are distinct: the counter leads, for a UNIQUE over
    substr(c, 1, width) or left(c, width)."""
    width = width if maxlen is None else min(width, maxlen)
    lead = _base36(n).rjust(width, "0")
    if len(lead) > width:
        raise GenerationError(f"UNIQUE over the first {width} characters exhausted at {n} values")
    return _fit(f"{lead}-{_provide(provider)}", minlen, maxlen)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def random_date(lo: int, hi: int) -> _dt.date:
    """A date lo..hi days from the clock's date."""
    return _clock.date() + _dt.timedelta(days=rng.randint(lo, hi))


def unique_date(n: int, lo: int, hi: int, what: str) -> _dt.date:
    return _clock.date() + _dt.timedelta(days=unique_int(n, lo, hi, what))


def random_timestamp(lo: int, hi: int, tz: bool) -> _dt.datetime:
    """A timestamp lo..hi seconds from the clock (aware in UTC when tz)."""
    moment = _clock + _dt.timedelta(seconds=rng.randint(lo, hi))
    return moment if tz else moment.replace(tzinfo=None)


def unique_timestamp(n: int, lo: int, hi: int, tz: bool, what: str) -> _dt.datetime:
    moment = _clock + _dt.timedelta(seconds=unique_int(n, lo, hi, what))
    return moment if tz else moment.replace(tzinfo=None)


def random_time(tz: bool = False) -> _dt.time:
    value = _dt.time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    return value.replace(tzinfo=_dt.UTC) if tz else value


def with_fraction(value: Any, digits: int) -> Any:
    """A datetime or time with a random fraction of a second of `digits` digits (0: none),
    as MySQL's DATETIME(n)/TIME(n) stores it (it rounds finer fractions)."""
    micro = rng.randrange(10**digits) * 10 ** (6 - digits) if digits else 0
    return value.replace(microsecond=micro)


# MySQL character sets -> the Python codec that stores the same characters ("" for the
# Basic Multilingual Plane: utf8mb3 and ucs2 hold no 4-byte UTF-8 character)
_CHARSETS = {
    "ascii": "ascii", "latin1": "cp1252", "latin2": "iso8859_2", "latin5": "iso8859_9",
    "latin7": "iso8859_13", "greek": "iso8859_7", "hebrew": "iso8859_8", "cp1250": "cp1250",
    "cp1251": "cp1251", "cp1256": "cp1256", "cp1257": "cp1257", "cp850": "cp850",
    "cp852": "cp852", "cp866": "cp866", "koi8r": "koi8_r", "koi8u": "koi8_u",
    "macroman": "mac_roman", "macce": "mac_latin2", "tis620": "tis_620", "sjis": "shift_jis",
    "cp932": "cp932", "ujis": "euc_jp", "eucjpms": "euc_jp", "euckr": "euc_kr",
    "gbk": "gbk", "gb2312": "gb2312", "gb18030": "gb18030", "big5": "big5",
    "utf8mb3": "", "utf8": "", "ucs2": "", "utf8mb4": "utf-8", "utf16": "utf-16-le",
    "utf16le": "utf-16-le", "utf32": "utf-32-le", "binary": "latin-1",
}  # fmt: skip


def _stores(ch: str, codec: str) -> bool:
    if not codec:
        return ord(ch) <= 0xFFFF
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def in_charset(text: Any, charset: str, max_bytes: int | None = None) -> Any:
    """Text a MySQL column of `charset` stores: a character it cannot hold becomes its
    unaccented letter, else "x" (same length); cut to `max_bytes` (TINYTEXT) in that
    encoding. An unknown character set keeps to ASCII."""
    if not isinstance(text, str):
        return text
    codec = _CHARSETS.get(charset, "ascii")
    if not text.isascii():
        out = []
        for ch in text:
            if not _stores(ch, codec):
                base = unicodedata.normalize("NFKD", ch)[:1]
                ch = base if base and _stores(base, codec) else "x"
            out.append(ch)
        text = "".join(out)
    if max_bytes is not None:
        size = codec or "utf-8"
        while len(text.encode(size)) > max_bytes:
            text = text[: max(len(text) - 1, 0)]
    return text


def random_interval() -> _dt.timedelta:
    return _dt.timedelta(minutes=rng.randint(1, 60 * 24 * 30))


def random_uuid() -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def random_json(shape: str = "object") -> Any:
    if shape == "array":
        return [fake_word() for _ in range(rng.randint(0, 3))]
    return {fake_word(): rng.randint(0, 100) for _ in range(rng.randint(0, 3))}


def random_json_doc(paths: tuple[tuple[str | int, ...], ...], as_text: bool) -> Any:
    """A JSON object holding a value at every path the schema's expressions read
    (`("a", 0)` is `{"a": [...]}`): a number or a word. As text for text columns."""
    doc: Any = {}
    for path in paths:
        doc = _json_put(doc, path)
    return json.dumps(doc, separators=(",", ":")) if as_text else doc


def _json_put(node: Any, path: tuple[str | int, ...]) -> Any:
    if not path:
        return rng.randint(0, 1000) if rng.random() < 0.5 else fake_word()
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = node if isinstance(node, list) else []
        while len(items) <= step:
            items.append(None)
        items[step] = _json_put(items[step], rest)
        return items
    obj = node if isinstance(node, dict) else {}
    obj[step] = _json_put(obj.get(step), rest)
    return obj


def random_bytes(maxlen: int | None = None, minlen: int = 0) -> bytes:
    """Random bytes: 4-32 of them, within minlen..maxlen (BINARY(n) gives n for both)."""
    return rng.randbytes(max(minlen, min(rng.randint(4, 32), maxlen or 32)))


def unique_bytes(n: int, size: int | None, fixed: bool) -> bytes:
    """Unique bytes: the sequence number big-endian, then random bytes up to the size."""
    width = min(8, size or 8)
    if n >= 256**width:
        raise GenerationError(f"UNIQUE bytes of length {width} exhausted at {n} values")
    head = n.to_bytes(width, "big")
    room = (size or 16) - width
    return head + (rng.randbytes(room) if fixed else random_bytes(room) if room else b"")


def random_set(members: tuple[str, ...]) -> str:
    """A MySQL SET value: some of its members, comma-separated, in declaration order."""
    return ",".join(m for m in members if rng.random() < 0.5)


def random_inet() -> str:
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


def random_cidr() -> str:
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.0/24"


def random_mac() -> str:
    return ":".join(f"{rng.randint(0, 255):02x}" for _ in range(6))


def random_bits(length: int, fixed: bool) -> str:
    size = length if fixed else rng.randint(1, length)
    return "".join(rng.choice("01") for _ in range(size))


def random_array(item: Callable[[], Any], maxlen: int = 3) -> list[Any]:
    return [item() for _ in range(rng.randint(0, maxlen))]


def draw_null(ratio: float = NULL_RATIO) -> bool:
    """True for the share of rows whose nullable column is NULL."""
    return rng.random() < ratio


def draw_set_ref() -> bool:
    """Whether a nullable foreign key gets a parent row (NULL in NULL_RATIO of rows)."""
    return not draw_null()


def after(base: Any, gen: Callable[[], Any], strict: bool, upper: bool = False) -> Any:
    """A value not below `base` (not above when `upper`): for `a <= b` between columns."""
    value = gen()
    if base is None or value is None or type(base) is not type(value):
        return value
    if (value > base if not upper else value < base) or (value == base and not strict):
        return value
    step: Any
    if isinstance(base, str) and isinstance(value, str):  # ISO dates/timestamps kept as text
        try:
            moment = _dt.datetime.fromisoformat(base)
        except ValueError:
            return value
        delta = _dt.timedelta(days=rng.randint(1, 30))
        moved = moment - delta if upper else moment + delta
        return moved.date().isoformat() if len(base) == 10 else moved.isoformat(sep=" ")
    if isinstance(base, _dt.datetime):
        step = _dt.timedelta(seconds=rng.randint(1, 30 * 86400))
    elif isinstance(base, _dt.date):
        step = _dt.timedelta(days=rng.randint(1, 30))
    elif isinstance(base, Decimal):
        exponent = base.as_tuple().exponent
        step = Decimal(rng.randint(1, 10000)).scaleb(exponent if isinstance(exponent, int) else -2)
    elif isinstance(base, int):
        step = rng.randint(1, 10)
    elif isinstance(base, float):
        step = rng.uniform(0.001, 10.0)
    else:
        return value
    return base - step if upper else base + step


def sqlite_value(value: Any) -> Any:
    """A value as SQLite stores it: NULL, INTEGER, REAL, TEXT or BLOB (numeric affinity:
    integral numbers become INTEGER)."""
    if value is None or isinstance(value, (str, bytes)):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, Decimal)):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), default=str)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def faker(provider: str, *args: Any, **kwargs: Any) -> Any:
    """A Faker provider chosen in the config's overrides."""
    return getattr(_faker, provider)(*args, **kwargs)


_callables: dict[str, Callable[[], Any]] = {}


def call(path: str) -> Any:
    """A user callable named in the config's overrides ("package.module.function")."""
    fn = _callables.get(path)
    if fn is None:
        module, _, name = path.rpartition(".")
        fn = getattr(importlib.import_module(module), name)
        _callables[path] = fn
    return fn()


def unsupported(table: str, column: str, sql_type: str) -> Any:
    raise GenerationError(
        f"{table}.{column}: no generator for type {sql_type}; set an override in pyproject.toml:"
        f" [tool.schemagen.overrides.{table}] {column} = " + "{ value = ... }"
        " (or provider / callable),"
        f" or pass {column}=... to the factory"
    )


# ----------------------------------------------------------------------------- table specs


class Table:
    """What the runtime needs to know about one table (built by the generated modules)."""

    def __init__(
        self,
        key: str,
        sql_name: tuple[str, ...],
        columns: Iterable[str],
        computed: Mapping[str, Callable[[Mapping[str, Any]], Any]],
        checks: Iterable[Any],
        regen: Iterable[str],
        renamed: Mapping[str, str] | None = None,
        identity: Iterable[str] = (),
        always: Iterable[str] = (),
        json_columns: Iterable[str] = (),
        fks: Iterable[tuple[tuple[str, ...], tuple[str, ...]]] = (),
        keys: Iterable[tuple[str, ...]] = (),
        padded: Mapping[str, int] | None = None,
        types: Mapping[str, Col] | None = None,
        residues: Mapping[str, tuple[int, str]] | None = None,
    ) -> None:
        self.key = key
        self.sql_name = sql_name
        self.columns = tuple(columns)
        renamed = renamed or {}
        by_column = {c: a for a, c in renamed.items()}
        self.attrs = {by_column.get(c, c): c for c in self.columns}  # factory attribute -> column
        self.by_column = {c: a for a, c in self.attrs.items()}
        self.computed = computed
        skip = set(computed) | set(always)
        self.insert = tuple(c for c in self.columns if c not in skip)
        self.identity = frozenset(identity)
        self.json_columns = frozenset(json_columns)
        self.fks = tuple(fks)
        self.fk_pairs = tuple(tuple(zip(c, r, strict=False)) for c, r in self.fks if c)
        self.checks = tuple(checks)
        self.regen_columns = tuple(regen)
        self.regen: dict[str, Callable[[Any], Any]] = {}
        # changed columns -> the computed columns create_batch computes again (_again)
        self.again: dict[frozenset[str], tuple[str, ...] | None] = {}
        self.keys = tuple(keys)  # primary key, then UNIQUE keys: how a stored row is found
        self.padded = padded or {}  # MySQL BINARY(n): stored right-padded with 0x00 to n bytes
        self.always = frozenset(always)  # GENERATED ALWAYS identity columns
        self.types = dict(types or {})  # column -> what the database checks its values against
        # a UNIQUE over `column % k`: column -> (k, the UNIQUE); remainders of the rows made
        self.residues = dict(residues or {})
        self.seen: dict[str, dict[int, Any]] = {c: {} for c in self.residues}
        self.as_is = {
            c: _rowcheck.stored_as_is(t) for c, t in self.types.items() if c not in computed
        }

    def bind(self, declarations: Mapping[str, Any]) -> None:
        """Regenerators for the `regen` columns (re-drawn when a CHECK fails), taken from the
        factory's own declarations so the generated module states each generator once."""
        by_column = {c: a for a, c in self.attrs.items()}
        for column in self.regen_columns:
            self.regen[column] = _regenerator(declarations[by_column[column]])


class _TableOnFirstUse:
    """`RowFactory._spec` until a factory's first use: the Table of the class that names
    its table (`_table`: its group's tables module, the table's key there), built from
    that module's constant (see `table_of`), bound to that class's declarations and put in
    its namespace, where the next read finds it before this descriptor. So loading every
    factory (a session touching every table) builds no Table and loads none of the tables
    modules: their specs and compiled functions were most of a factory module's bytecode."""

    def __get__(self, instance: object, owner: type[Any]) -> Table:
        home: Any = next((c for c in owner.__mro__ if "_table" in vars(c)), None)
        if home is None:
            raise AttributeError(f"{owner.__name__} states no table")
        module, key = vars(home)["_table"]
        tables = load_module(f".{module}", home.__module__.rpartition(".")[0])
        table = table_of(tables.TABLES[key], vars(tables))
        table.bind(home._meta.declarations)
        home._spec = table
        return table


def table_of(spec: tuple[Any, ...], functions: Mapping[str, Callable[..., Any]]) -> Table:
    """The Table that a tables module's constant states: the arguments of `Table` in their
    order, as constants: `computed` as (column, function, its parameters), `checks` as
    (name, sql, columns, function, its parameters[, domain[, named]]), `renamed`, `padded`,
    `types` and `residues` as tuples of their items, a type as `Col.of` reads it. Functions
    are named: `functions` (the tables module's namespace) holds them."""
    (key, sql_name, columns, computed, checks, regen, renamed, identity, always, json_columns,
     fks, keys, padded, types, residues) = spec  # fmt: skip
    return Table(
        key,
        sql_name,
        columns,
        {column: of_row(functions[fn], params) for column, fn, params in computed},
        tuple(
            Check(name, sql, on, of_row(functions[fn], params), *rest)
            for name, sql, on, fn, params, *rest in checks
        ),
        regen,
        dict(renamed),
        identity,
        always,
        json_columns,
        fks,
        keys,
        dict(padded),
        {column: Col.of(col) for column, col in types},
        {column: (k, what) for column, k, what in residues},
    )


def _regenerator(declaration: Any) -> Callable[[Any], Any]:
    if isinstance(declaration, LazyAttribute):
        return declaration.function  # type: ignore[no-any-return]
    if isinstance(declaration, LazyFunction):
        function = declaration.function
        return lambda row: function()
    return lambda row: declaration  # a constant


class _Row:
    """Attribute access to a row by factory attribute name (for regenerating a value)."""

    def __init__(self, spec: Table, row: Mapping[str, Any]) -> None:
        for attr, column in spec.attrs.items():
            setattr(self, attr, row.get(column))


_option_defaults: list[Any] | None = None


class Options(FactoryOptions):
    """factory-boy options that tell the row finisher which values the caller passed."""

    named: str | None = None  # register(): the model, a dict subclass of this name, is due
    _model: Any

    @property
    def model(self) -> Any:
        """factory-boy's `Meta.model`: unset (AttributeError, as factory-boy checks) until
        factory-boy sets it; the dict subclass register() names, made on first read."""
        model = self._model
        if self.named is not None:
            module = self.factory.__module__
            model = self._model = type(self.named, (dict,), {"__module__": module})
            self.named = None
        return model

    @model.setter
    def model(self, value: Any) -> None:
        self._model = value
        self.named = None

    def _build_default_options(self) -> list[Any]:
        """factory-boy's option defaults, made once: the same for every factory and only
        read (six objects per class cost each factory's import)."""
        global _option_defaults
        if _option_defaults is None:
            _option_defaults = super()._build_default_options()  # type: ignore[no-untyped-call]
        return _option_defaults

    def _get_counter_reference(self) -> Any:
        return self  # one sequence per table (factory-boy shares it between dict factories)

    def instantiate(self, step: Any, args: Any, kwargs: Any) -> Any:
        extras = step.builder.extras
        given = frozenset(extras)
        # pytest-factoryboy passes the factory's own declarations back: not the caller's values
        own = frozenset(k for k, v in extras.items() if isinstance(v, BaseDeclaration))
        create = step.builder.strategy == CREATE_STRATEGY
        return self.factory._finish(kwargs, given, create, None, own)  # type: ignore[union-attr]


class Chain(NamedTuple):
    """A row and the parent rows built for its foreign keys (parents before children)."""

    row: dict[str, Any]
    parents: list[tuple[str, dict[str, Any]]]  # (table, row)

    def of(self, table: str) -> list[dict[str, Any]]:
        """The parent rows of `table` in the chain."""
        return [row for key, row in self.parents if key == table]


_chains: list[list[tuple[str, dict[str, Any]]]] = []  # open build_chain() / create_chain() calls


Row = TypeVar("Row")  # a table's row: the TypedDict `<Table>Row` of the generated schemas.py


class RowFactory(DictFactory, Generic[Row]):
    """Base of the generated factories: rows are dicts keyed by column name
    (`OrdersFactory(sg.RowFactory[OrdersRow])`: build() is typed as an OrdersRow)."""

    _options_class = Options
    if TYPE_CHECKING:
        _spec: Table  # built from the class's `_table` on first use
    else:
        _spec = _TableOnFirstUse()

    class Meta:
        abstract = True

    if not TYPE_CHECKING:

        def __class_getitem__(cls, row):
            """`RowFactory[OrdersRow]` is RowFactory itself at run time: a generic alias
            per generated class (and typing's checks of it) cost every factory's import."""
            return cls

    # factory_boy's class methods, with positional-only parameters: a column may be named
    # `cls`, `size` or `strategy` and still be passed by its name.
    @classmethod
    def build(cls, /, **kwargs: Any) -> Row:
        row: Row = cls._generate(BUILD_STRATEGY, kwargs)
        return row

    @classmethod
    def create(cls, /, **kwargs: Any) -> Row:
        row: Row = cls._generate(CREATE_STRATEGY, kwargs)
        return row

    @classmethod
    def stub(cls, /, **kwargs: Any) -> Any:
        return cls._generate(STUB_STRATEGY, kwargs)

    @classmethod
    def generate(cls, strategy: str, /, **kwargs: Any) -> Any:  # type: ignore[override]
        return cls._generate(strategy, kwargs)

    @classmethod
    def simple_generate(cls, create: bool, /, **kwargs: Any) -> Any:  # type: ignore[override]
        strategy = CREATE_STRATEGY if create else BUILD_STRATEGY
        return cls._generate(strategy, kwargs)

    @classmethod
    def build_batch(cls, size: int, /, **kwargs: Any) -> list[Row]:  # type: ignore[override]
        return [cls.build(**kwargs) for _ in range(size)]

    @classmethod
    def create_batch(cls, size: int, /, **kwargs: Any) -> list[Row]:  # type: ignore[override]
        """`size` rows built first, then inserted table by table, parents first, in bulk
        (`_bulk.py`: COPY on psycopg, executemany on SQLite, multi-row INSERTs on MySQL).
        Returns the stored rows, as create() does."""
        params = cls._by_attribute(kwargs)
        plan = _plan_of(cls)
        if (
            _insert.connection is None or plan is None or _chains or not _plain(params) or size < 2
            or _overriding  # an identity value inserted OVERRIDING SYSTEM VALUE: row by row
        ):  # fmt: skip
            return [cls.create(**kwargs) for _ in range(size)]
        pending: list[_Pending] = []
        planned = _with(vars(cls)[_PLAN], params)
        with collector_paused():  # every row stays alive until it returns
            rows = [
                _fast_build(cls, planned, CREATE_STRATEGY, params, None, pending)
                for _ in range(size)
            ]
            stored: Mapping[int, Any] = _flush(pending)  # the rows as the database stored them
        return [stored[id(row)] for row in rows]

    @classmethod
    def stub_batch(cls, size: int, /, **kwargs: Any) -> list[Any]:  # type: ignore[override]
        return [cls.stub(**kwargs) for _ in range(size)]

    @classmethod
    def generate_batch(cls, strategy: str, size: int, /, **kwargs: Any) -> list[Any]:  # type: ignore[override]
        return [cls.generate(strategy, **kwargs) for _ in range(size)]

    @classmethod
    def simple_generate_batch(cls, create: bool, size: int, /, **kwargs: Any) -> list[Any]:  # type: ignore[override]
        return [cls.simple_generate(create, **kwargs) for _ in range(size)]

    @classmethod
    def _adjust_kwargs(cls, /, **kwargs: Any) -> dict[str, Any]:
        return kwargs

    @classmethod
    def reset_sequence(cls, value: int | None = None, force: bool = False) -> None:
        """Restart the row numbers, and forget the remainders seen with them (a UNIQUE over
        `c % k`): rows made afterwards start over."""
        spec = cls.__dict__.get("_spec")
        if isinstance(spec, Table):
            for seen in spec.seen.values():
                seen.clear()
        super().reset_sequence(value, force)  # type: ignore[no-untyped-call]

    @classmethod
    def _generate(cls, strategy: Any, params: dict[str, Any]) -> Any:
        params = cls._by_attribute(params)
        plan = _plan_of(cls)
        if plan is not None and strategy != STUB_STRATEGY and _plain(params):
            return _fast_build(cls, _with(vars(cls)[_PLAN], params), strategy, params, None, None)
        return super()._generate(strategy, params)  # type: ignore[no-untyped-call]

    @classmethod
    def _by_attribute(cls, params: dict[str, Any]) -> dict[str, Any]:
        """Callers pass SQL column names ("order total", "class", "a b") or attribute names;
        an exact SQL name always wins, so `a_b` is column a_b even if "a b" became a_b_2."""
        attrs = cls._spec.attrs
        by_column = cls._spec.by_column
        if any(k not in attrs or k in by_column for k in params):
            params = {by_column.get(k, k): v for k, v in params.items()}
            known = {*attrs, *cls._meta.declarations, *cls._meta.parameters}
            for key in params:
                if key.split("__")[0] not in known:  # `parent__field` goes to a SubFactory
                    raise unknown_column(cls._spec.key, key, params[key], cls._spec.columns)
        return params

    @classmethod
    def build_chain(cls, **kwargs: Any) -> Chain:
        """build(), also returning the parent rows built for the foreign keys (build()
        keeps only their keys): `chain.row`, `chain.parents`, `chain.of("customers")`."""
        return cls._chain(cls.build, kwargs)

    @classmethod
    def create_chain(cls, **kwargs: Any) -> Chain:
        """create() (after bind()), also returning the parent rows it inserted."""
        return cls._chain(cls.create, kwargs)

    @classmethod
    def _chain(cls, make: Callable[..., Any], kwargs: dict[str, Any]) -> Chain:
        collected: list[tuple[str, dict[str, Any]]] = []
        _chains.append(collected)
        try:
            row = make(**kwargs)
        finally:
            _chains.pop()
        return Chain(row, collected[:-1])

    @classmethod
    @contextlib.contextmanager
    def overriding_system_value(cls) -> Iterator[None]:
        """`with OrdersFactory.overriding_system_value(): OrdersFactory.create(id=7)` keeps a
        value given for a GENERATED ALWAYS identity column and inserts it with OVERRIDING
        SYSTEM VALUE, as PostgreSQL allows when asked; outside the block it is refused
        (428C9), as the database refuses it."""
        _overriding.append(cls._spec.key)
        try:
            yield
        finally:
            _overriding.remove(cls._spec.key)

    @classmethod
    def _finish(
        cls,
        row: dict[str, Any],
        given: frozenset[str],
        create: bool,
        batch: list[_Pending] | None = None,
        own: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        spec = cls._spec
        given_cols: set[str] = set()
        always: set[str] = set()
        if given:
            given_cols = {spec.attrs.get(a, a) for a in given}
            always = {spec.attrs.get(a, a) for a in given - own} & spec.always
        links: list[Link] = []
        for every in spec.fk_pairs:  # ((column, parent column), ...) of each foreign key
            first = every[0][0]
            parent = row.get(first)
            if type(parent) is dict or isinstance(parent, Mapping):
                pairs = every
                if given_cols:
                    pairs = tuple(p for p in every if p[0] == first or p[0] not in given_cols)
                for col, ref_col in pairs:
                    row[col] = parent.get(ref_col)
                links.append((pairs, parent))
        overriding = spec.key in _overriding
        if given_cols:
            given_generated(spec, row, given_cols - spec.always | (set() if overriding else always))
        _coerce_own(spec, row)
        finish(spec, row, given_cols)
        if spec.residues:
            distinct_residues(spec, row, given_cols)
        if create and _insert.connection is not None:
            if batch is not None:  # create_batch(): inserted with the others, parents first
                batch.append(_Pending(spec, row, given_cols, links))
            else:
                row = insert(spec, row, given_cols, always if overriding else set())
        if _chains:
            _chains[-1].append((spec.key, row))
        return row


# ------------------------------------------------------- build() without factory-boy's resolver
# factory-boy resolves a row through a StepBuilder, a DeclarationSet copy and a Resolver per
# row and per parent: most of build()'s time that Faker does not take. The generated factories
# use five kinds of declaration, so a factory made only of those (and of plain values), with
# no Params, traits, post-generation hooks or `__` overrides anywhere in its parent chain, is
# built here in the same order, with the same sequence numbers and the same random draws
# (tests/generate/test_fast_build.py compares both paths row for row). Anything else goes
# through factory-boy unchanged.

Plan = dict[str, Any]  # attribute -> declaration or plain value, in declaration order
# How _fast_build makes each value of a Plan, in its order: (attribute, how, what), `how` one of
_VALUE, _CALL, _NUMBERED = 0, 1, 2  # a plain value, a LazyFunction's, a Sequence's function
_RESOLVE = 3  # any other declaration: through _KINDS, marked pending (a cycle raises)
Steps = tuple[tuple[str, int, Any], ...]
_PLAN = "_sg_plan"  # a factory class's own attribute: (its Plan or None, its Steps), once decided


class _View:
    """The `o` a LazyAttribute sees: values by attribute name, computed on first use."""

    __slots__ = (
        "__dict__",
        "_sg_batch",
        "_sg_create",
        "_sg_decls",
        "_sg_parent",
        "_sg_pending",
        "_sg_seq",
    )

    def __init__(
        self,
        decls: Plan,
        seq: int,
        create: bool,
        parent: _View | None,
        batch: list[_Pending] | None,
    ) -> None:
        self._sg_decls, self._sg_seq, self._sg_create = decls, seq, create
        self._sg_batch = batch
        self._sg_parent = parent
        self._sg_pending: list[str] = []

    @property
    def factory_parent(self) -> _View | None:
        return self._sg_parent

    def __getattr__(self, name: str) -> Any:
        if name in self._sg_decls:
            return _resolve(self, name)
        raise AttributeError(f"The parameter {name!r} is unknown to this factory")


def _resolve(view: _View, name: str) -> Any:
    values = view.__dict__
    if name in values:
        return values[name]
    if name in view._sg_pending:
        raise CyclicDefinitionError(f"Cyclic lazy attribute definition for {name!r}")
    view._sg_pending.append(name)
    try:
        value = _evaluate(view._sg_decls[name], view)
    finally:
        view._sg_pending.pop()
    values[name] = value
    return value


def _evaluate(declaration: Any, view: _View) -> Any:
    kind = _KINDS.get(type(declaration))
    return declaration if kind is None else kind(declaration, view)


def _sub(declaration: SubFactory, view: _View) -> Any:
    target = declaration.get_factory()  # type: ignore[no-untyped-call]
    planned = vars(target)[_PLAN]
    assert planned[0] is not None  # _plan_of checked the whole chain of parents
    strategy = CREATE_STRATEGY if view._sg_create else BUILD_STRATEGY
    return _fast_build(target, planned, strategy, {}, view, view._sg_batch)


def _maybe(declaration: Maybe, view: _View) -> Any:
    choice = _evaluate(declaration.decider, view)
    return _evaluate(declaration.yes if choice else declaration.no, view)


_KINDS: dict[type[Any], Callable[[Any, _View], Any]] = {
    LazyFunction: lambda d, view: d.function(),
    LazyAttribute: lambda d, view: d.function(view),
    Sequence: lambda d, view: d.function(int(view._sg_seq)),
    LazyAttributeSequence: lambda d, view: d.function(view, int(view._sg_seq)),
    SubFactory: _sub,
    Maybe: _maybe,
}


def _fast_build(
    cls: type[RowFactory[Any]],
    planned: tuple[Plan, Steps],
    strategy: str,
    params: dict[str, Any],
    parent: _View | None,
    batch: list[_Pending] | None,
) -> Any:
    decls, steps = planned  # the caller's values in it already (`_with`)
    create = strategy == CREATE_STRATEGY
    sequence = cls._meta.next_sequence()  # type: ignore[no-untyped-call]
    view = _View(decls, sequence, create, parent, batch)
    values = view.__dict__  # what _resolve keeps: a LazyAttribute may ask for a later one
    for name, how, what in steps:  # _resolve's work, one call less per value
        if name in values:
            continue
        if how == _CALL:  # LazyFunction and Sequence see no view: nothing can cycle back
            values[name] = what()
        elif how == _VALUE:
            values[name] = what
        elif how == _NUMBERED:
            values[name] = what(int(sequence))
        else:
            view._sg_pending.append(name)
            try:
                values[name] = _KINDS[type(what)](what, view)
            finally:
                view._sg_pending.pop()
    kwargs = {name: values[name] for name in decls if values[name] is not SKIP}
    rename: dict[str, str] = cls._meta.rename  # type: ignore[attr-defined]
    for old, new in rename.items():  # as factory-boy's prepare_arguments does
        if old in kwargs:
            kwargs[new] = kwargs.pop(old)
    row = cls._finish(kwargs, frozenset(params), create, batch)
    cls._after_postgeneration(row, create=create, results={})  # type: ignore[no-untyped-call]
    return row


def _with(planned: tuple[Plan, Steps], params: Mapping[str, Any]) -> tuple[Plan, Steps]:
    """The plan with the caller's values in place of their declarations: once per build()
    or create_batch(), not once per row."""
    if not params:
        return planned
    decls = {**planned[0], **params}
    return decls, _steps(decls)


def _plain(params: Mapping[str, Any]) -> bool:
    """Call-time values factory-boy would use as they are (no `parent__field`, no
    declarations)."""
    return all("__" not in k and _phase(v) is None for k, v in params.items())


def _phase(value: Any) -> Any:
    """factory-boy's get_builder_phase(): None for a plain value."""
    return getattr(value, "FACTORY_BUILDER_PHASE", None)


def _plan_of(cls: type[Any]) -> Plan | None:
    """The declarations of `cls`, if it and every factory its SubFactories reach can be
    built without factory-boy's resolver; else None. Decided once per class, and kept on
    the class itself (pytest-factoryboy makes a class per fixture: no registry to grow)."""
    decided = vars(cls).get(_PLAN)
    if decided is not None:
        return decided[0]  # type: ignore[no-any-return]
    seen: dict[type[Any], Plan | None] = {}
    todo = [cls]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen[current] = _own_plan(current)
            todo.extend(_targets(seen[current] or {}))
    if all(plan is not None for plan in seen.values()):
        for each, plan in seen.items():  # each one's parents are among them too
            assert plan is not None
            setattr(each, _PLAN, (plan, _steps(plan)))
    else:
        setattr(cls, _PLAN, (None, ()))
    return vars(cls)[_PLAN][0]  # type: ignore[no-any-return]


def _steps(decls: Plan) -> Steps:
    """How each value of `decls` is made (see Steps), decided once per plan."""
    steps = []
    for name, declaration in decls.items():
        kind = type(declaration)
        if kind is LazyFunction:
            steps.append((name, _CALL, declaration.function))
        elif kind is Sequence:
            steps.append((name, _NUMBERED, declaration.function))
        else:
            steps.append((name, _VALUE if kind not in _KINDS else _RESOLVE, declaration))
    return tuple(steps)


def _own_plan(cls: type[Any]) -> Plan | None:
    meta: Any = getattr(cls, "_meta", None)
    if not (isinstance(cls, type) and issubclass(cls, RowFactory)) or type(meta) is not Options:
        return None
    pre = meta.pre_declarations
    plain = (
        not meta.abstract
        and not meta.parameters
        and not meta.post_declarations.declarations
        and not any(getattr(meta, o) for o in ("exclude", "inline_args"))
        and not any(pre.contexts.values())
        and getattr(cls._adjust_kwargs, "__func__", None) is _ADJUST
    )
    if not plain or not all(_supported(d) for d in pre.declarations.values()):
        return None
    return dict(pre.declarations)


_ADJUST = vars(RowFactory)["_adjust_kwargs"].__func__  # a subclass's own: factory-boy's path


def _supported(declaration: Any) -> bool:
    kind = type(declaration)
    if _phase(declaration) is None:
        return True
    if kind is Maybe:
        return all(_supported(d) for d in (declaration.decider, declaration.yes, declaration.no))
    return kind in _KINDS and not declaration._defaults


def _targets(plan: Plan) -> list[type[Any]]:
    found: list[type[Any]] = []
    for declaration in plan.values():
        if type(declaration) is SubFactory:
            found.append(declaration.get_factory())  # type: ignore[no-untyped-call]
        elif type(declaration) is Maybe:
            found.extend(_targets({"": declaration.yes, " ": declaration.no}))
    return found


def finish(
    spec: Table, row: dict[str, Any], given: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Fill computed columns, then make every CHECK hold (retrying unbounded columns)."""
    for col, width in spec.padded.items():
        value = row.get(col)
        if isinstance(value, (bytes, bytearray)) and len(value) < width:
            row[col] = bytes(value).ljust(width, b"\x00")
    _compute(spec, row, given)
    for check in spec.checks:
        if _holds(check, row):
            continue
        free = [c for c in check.columns if c in spec.regen and c not in given]
        if not free:  # the caller's values: the database would refuse this row
            raise check_violated(spec.key, row, check)
        for _ in range(MAX_TRIES):
            view = _Row(spec, row)
            _coerce(spec, row, {col: spec.regen[col](view) for col in free})
            _compute(spec, row, given)
            if _holds(check, row):
                break
        else:
            shown = {c: row.get(c) for c in check.columns}
            raise GenerationError(
                f"{spec.key}: cannot satisfy CHECK {check.name} ({check.sql}) with {shown}"
                f" after {MAX_TRIES} tries; pass values for {', '.join(free)} or set an"
                " override for them in [tool.schemagen.overrides]"
            )
    return row


def distinct_residues(spec: Table, row: Mapping[str, Any], given: set[str]) -> None:
    """A UNIQUE over `column % k` keeps rows apart while the column's values differ modulo
    k, which consecutive values do for k rows; an override's values, or row k + 1, may not.
    Raise before the database refuses the duplicate (the caller's own values are theirs)."""
    for column, (k, what) in spec.residues.items():
        value = row.get(column)
        if column in given or not isinstance(value, int) or isinstance(value, bool):
            continue
        residue = abs(value) % k * (-1 if value < 0 else 1)  # PostgreSQL's %: truncated
        seen = spec.seen[column]
        if residue in seen:
            raise GenerationError(
                f"{spec.key}.{column} = {value}: {what} keeps rows apart by {column} % {k},"
                f" and an earlier row had {seen[residue]} (the same remainder): the database"
                f" would refuse this row as a duplicate. Give {column} values that differ"
                f" modulo {k} (an override's), or reset() between batches"
            )
        seen[residue] = value


def _coerce(spec: Table, row: dict[str, Any], values: Mapping[str, Any]) -> None:
    """Store `values` in `row` as the database would store them, or raise RowError."""
    row.update(values)
    _coerce_own(spec, row, values)


def _coerce_own(spec: Table, row: dict[str, Any], values: Mapping[str, Any] | None = None) -> None:
    """The row's own values (or those of `values`, already in it) as the database would
    store them; a value its column's type already holds is kept as it is."""
    as_is, types, computed = spec.as_is, spec.types, spec.computed
    for column, value in (row if values is None else values).items():  # sizes stay
        accept = as_is.get(column)
        if accept is not None and value is not None and accept(value):
            continue
        col = types.get(column)
        if col is not None and column not in computed:
            row[column] = coerce(spec.key, column, col, value)


def _compute(spec: Table, row: dict[str, Any], given: set[str] | frozenset[str]) -> None:
    """Computed columns in order; an input the database would reject (numeric overflow,
    division by zero) is regenerated, as a failed CHECK is."""
    for col, fn in spec.computed.items():
        try:
            row[col] = fn(row)
            continue
        except (NotImplementedError, sqlrt.SqlError):
            pass  # the loop below says what to do
        for attempt in range(MAX_TRIES):
            try:
                row[col] = fn(row)
                break
            except NotImplementedError:
                row[col] = None  # SQL outside what schemagen compiles (warned at generate)
                break
            except sqlrt.SqlError as error:
                params = getattr(fn, "params", ())
                free = [c for c in params if c in spec.regen and c not in given]
                if not free or attempt == MAX_TRIES - 1:
                    shown = {c: row.get(c) for c in params}
                    raise GenerationError(
                        f"{spec.key}.{col}: the database would reject {shown}: {error}"
                    ) from None
                view = _Row(spec, row)
                for c in free:
                    row[c] = spec.regen[c](view)


def _holds(check: Any, row: Mapping[str, Any]) -> bool:
    try:
        return check.predicate(row) is not False
    except NotImplementedError:
        return True  # not compiled: the database decides (warned at generate time)
    except sqlrt.SqlError:
        return False


# ------------------------------------------------------------------------------------ bind


def bind(connection: Any) -> None:
    """From now on `create()` inserts through this DB-API connection (sqlite3, psycopg 3,
    PyMySQL/mysqlclient) and returns the stored row. `bind(None)` goes back to building."""
    _insert.bind(connection)


def _flush(pending: list[_Pending]) -> dict[int, dict[str, Any]]:
    """create_batch()'s insert (`_bulk.flush`): a row whose parents' keys the database
    chose is finished again with them, as create() finishes it."""
    return _bulk.flush(pending, _refinish)


def _refinish(spec: Table, row: dict[str, Any], changed: dict[str, Any], given: set[str]) -> None:
    """The parents' stored keys put in the row, then finish() again, computing only the
    columns `_again` names: the others read what they read when the row was finished at
    build time, so they give what they gave then, and nothing reads them before the row goes
    in (they are not inserted, and create_batch returns the stored row). A failing CHECK or
    an error in a column is finish() itself, from the start. (A column computed before the
    build regenerated a value it reads, after an error in a later one, is left as create()
    leaves it: finish() again would compute it.)"""
    _coerce(spec, row, changed)
    again = _again(spec, frozenset(changed))
    if again is None:
        finish(spec, row, given)
        return
    try:
        for col in again:
            row[col] = spec.computed[col](row)
    except (NotImplementedError, sqlrt.SqlError):
        finish(spec, row, given)  # computes it again, regenerating as finish() does
        return
    if not all(_holds(check, row) for check in spec.checks):
        finish(spec, row, given)


def _again(spec: Table, changed: frozenset[str]) -> tuple[str, ...] | None:
    """The computed columns to compute again once `changed` columns took the parents' keys
    (in finish()'s order): those reading a changed one, and those a CHECK reads, with what
    they read; None where finish() runs whole (a padded column changed, a function or CHECK
    not saying which columns it reads)."""
    if changed not in spec.again:
        spec.again[changed] = _to_compute(spec, changed)
    return spec.again[changed]


def _to_compute(spec: Table, changed: frozenset[str]) -> tuple[str, ...] | None:
    found = {col: getattr(fn, "params", None) for col, fn in spec.computed.items()}
    checks = [getattr(check.predicate, "params", None) for check in spec.checks]
    if changed & spec.padded.keys() or None in (*found.values(), *checks):
        return None
    reads: dict[str, tuple[str, ...]] = {c: tuple(params or ()) for c, params in found.items()}
    stale = set(changed)
    needed = {c for params in checks for c in params or () if c in reads}
    for _ in range(len(reads) + 1):  # until nothing more reads a stale or needed column
        stale.update([c for c, params in reads.items() if not stale.isdisjoint(params)])
        needed.update([p for c in needed for p in reads[c] if p in reads])
    return tuple(c for c in reads if c in stale or c in needed)


# ----------------------------------------------------------------------- Faker, on first draw
# Faker(LOCALE) loads the locale's providers (30-60 ms): a test run that imports the package
# and draws no text should not pay it, as it does not with factory-boy's own Faker declarations.

_fake: Faker | None = None
_faker_seed = SEED  # what the instance is seeded with when it is made (reset() keeps it)


def _load_faker() -> Faker:
    """Make the Faker instance (seeded as reset() left it) and the shortcuts that read it."""
    global _fake, _faker, fake_word
    if _fake is None:
        made = Faker(LOCALE)
        made.seed_instance(_faker_seed)
        quicken(made)  # the same draws, faster (_quickfaker.py)
        # The generator itself when there is one locale: Faker's proxy hands it every attribute.
        _faker = made.factories[0] if len(made.factories) == 1 else made
        fake_word = one_draw_word(made) or (lambda: str(made.word()))
        _fake = made
    return _fake


class _FirstUse:
    """Stands for the Faker instance until something reads it, then makes it."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        return getattr(_load_faker(), name)


def _first_word() -> str:
    _load_faker()
    return fake_word()


fake: Any = _FirstUse()  # sg.fake: the Faker instance, made on first use
_faker: Any = fake  # rebound to the generator by _load_faker()
fake_word: Callable[[], str] = _first_word  # rebound by _load_faker()
reset()
