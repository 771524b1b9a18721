"""Which generator fills a column: name heuristics first, then the type registry.

polyfactory-style dispatch: `TYPE_REGISTRY` maps an SQL type category to a function that
returns the generator call (Python source calling the generated `_runtime` as `sg`);
`NAME_RULES` (column-name patterns -> Faker provider or numeric range) are consulted first;
user overrides from the config come before both (see `plan/columns.py`). CHECK-derived bounds and
UNIQUE-ness shape the call: unique values mix the factory's sequence number `n` into the
value, so a 10,000-row batch never collides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from . import pgvalues, render
from .bounds import Bounds
from .dialect import POSTGRES, Dialect
from .model import SqlType
from .render import py, pystr
from .types import INT_RANGES


@dataclass(frozen=True)
class Gen:
    """A value expression: Python source, and what it reads (`o.<attr>`, the sequence `n`)."""

    expr: str
    needs_o: bool = False
    needs_n: bool = False
    supported: bool = True
    note: str = ""


@dataclass
class Want:
    """Everything that shapes one column's generator."""

    table: str
    column: str
    type: SqlType  # domains resolved to their base type
    bounds: Bounds = field(default_factory=Bounds)
    unique: bool = False
    wrap_unique: bool = False  # carrier of a composite UNIQUE: best effort, never raises
    seq: str = "n"  # the row's sequence number, or its digit in a composite UNIQUE
    null_past_end: bool = False  # nullable last digit: NULL once its values are used up
    labels: tuple[str, ...] = ()  # enum labels
    dialect: Dialect = POSTGRES
    json_paths: tuple[tuple[str | int, ...], ...] | None = None  # read as JSON at these paths
    element_bounds: Bounds | None = None  # an array's elements' (an array of a domain)
    attributes: tuple[tuple[str, SqlType], ...] = ()  # a composite type's, domains resolved
    lead: int = 0  # UNIQUE over its first `lead` characters (substr): the counter leads

    @property
    def what(self) -> str:
        return f"{self.table}.{self.column}"


TEXT = {"text", "varchar", "char"}
INTS = {"smallint", "integer", "bigint"}
NUMS = {"numeric", "money"}
FLOATS = {"real", "double"}
NUMBERS = INTS | NUMS | FLOATS
TIMES = {"timestamp", "timestamptz"}

# (pattern on the lower-cased column name, categories it applies to, provider)
# provider: a Faker method name for text, or (lo, hi) for numbers.
NAME_RULES: list[tuple[str, set[str], Any]] = [
    (r"(^|_)e?mail(_address)?$", TEXT, "email"),
    (r"^(first_?name|given_name|forename)$", TEXT, "first_name"),
    (r"^(last_?name|surname|family_name)$", TEXT, "last_name"),
    (r"^(full_?name|display_name|contact_name|customer_name|author|name)$", TEXT, "name"),
    (r"^(user_?name|login|handle|nickname)$", TEXT, "user_name"),
    (r"(phone|mobile|fax|tel)(_number)?$", TEXT, "phone_number"),
    (r"(^|_)(url|website|homepage|link|uri)$", TEXT, "url"),
    (r"^(country_code|country_iso|iso_country)$", TEXT, "country_code"),
    (r"^country(_name)?$", TEXT, "country"),
    (r"^city$", TEXT, "city"),
    (r"^(state|province)$", TEXT, "state"),
    (r"^(zip|zip_code|postal_code|postcode)$", TEXT, "postcode"),
    (r"(^|_)(address|street)(_line\d?)?$", TEXT, "street_address"),
    (r"^(company|company_name|organization|organisation)$", TEXT, "company"),
    (r"^(job|job_title|occupation)$", TEXT, "job"),
    (r"^(currency|currency_code)$", TEXT, "currency_code"),
    (r"^(lang|language|locale)$", TEXT, "language_code"),
    (r"^(timezone|time_zone|tz)$", TEXT, "timezone"),
    (r"^(color|colour)$", TEXT, "color_name"),
    (r"^slug$", TEXT, "slug"),
    (r"(^|_)(ip|ip_address|ipv4)$", TEXT, "ipv4"),
    (r"^(sku|code|product_code|reference|ref)$", TEXT, "code"),
    (r"(password|passwd|hash|token|secret|api_key)$", TEXT, "sha256"),
    (r"^(title|subject|headline)$", TEXT, "sentence"),
    (r"(description|bio|notes?|comments?|body|content|summary|message|text)$", TEXT, "text"),
    (r"(_at|_on|_time|timestamp)$", TEXT, "iso_ts"),
    (r"(^|_)date$|^(dob|birth_?date|date_of_birth)$", TEXT, "iso_date"),
    (r"(price|amount|cost|total|revenue|spent|balance|fee|salary|subtotal)$", NUMBERS, (1, 1000)),
    (r"(quantity|qty)$", NUMBERS, (1, 20)),
    (r"(count|_views|visitors|conversions|clicks|orders)$", NUMBERS, (0, 1000)),
    (r"^age$", NUMBERS, (18, 90)),
    (r"(rating|stars|score)$", NUMBERS, (1, 5)),
    (r"(percent|percentage|discount|_pct)$", NUMBERS, (0, 100)),
    (r"(^|_)(lat|latitude)$", NUMBERS, (-90, 90)),
    (r"(^|_)(lng|lon|long|longitude)$", NUMBERS, (-180, 180)),
    (r"^(year|yr)$", NUMBERS, (1990, 2030)),
]

DEFAULT_RANGE = (1, 1000)
TEXT_DEFAULT = "word"


def name_rule(column: str, category: str) -> Any:
    lowered = column.lower()
    for pattern, categories, provider in NAME_RULES:
        if category in categories and re.search(pattern, lowered):
            return provider
    return None


# --------------------------------------------------------------------------------- numbers


def _num(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return None
    return None


def _range(
    want: Want, unit: Decimal, type_lo: Decimal, type_hi: Decimal
) -> tuple[Decimal, Decimal]:
    """Inclusive [lo, hi] in multiples of `unit`: CHECK bounds, the name's range, the type."""
    b = want.bounds
    lo = _num(b.lo) if b.lo is not None else None
    hi = _num(b.hi) if b.hi is not None else None
    if lo is not None:
        lo = _ceil_to(lo, unit) + (unit if b.lo_strict and _ceil_to(lo, unit) == lo else 0)
    if hi is not None:
        hi = _floor_to(hi, unit) - (unit if b.hi_strict and _floor_to(hi, unit) == hi else 0)
    hint = name_rule(want.column, want.type.category)
    d_lo, d_hi = (
        (Decimal(hint[0]), Decimal(hint[1]))
        if isinstance(hint, tuple)
        else map(Decimal, DEFAULT_RANGE)
    )
    span = d_hi - d_lo
    r_lo = d_lo if lo is None else max(lo, d_lo)
    r_hi = d_hi if hi is None else min(hi, d_hi)
    if r_lo > r_hi:  # the name's range misses the CHECK's: keep to the CHECK
        if lo is not None and hi is not None:
            r_lo, r_hi = lo, hi
        elif lo is not None:
            r_lo, r_hi = lo, lo + span
        else:
            assert hi is not None
            r_lo, r_hi = hi - span, hi
    if want.unique:  # room for 10,000+ distinct values when the CHECK allows it
        r_hi = max(r_hi, min(hi if hi is not None else type_hi, r_lo + unit * 10**7))
        # below as well: CHECK (c < 17) cuts the name's range to 1..16, not the column's
        r_lo = min(r_lo, max(lo if lo is not None else type_lo, r_hi - unit * 10**7))
    return max(r_lo, type_lo), min(r_hi, type_hi)


def _ceil_to(x: Decimal, unit: Decimal) -> Decimal:
    return (x / unit).to_integral_value(rounding="ROUND_CEILING") * unit


def _floor_to(x: Decimal, unit: Decimal) -> Decimal:
    return (x / unit).to_integral_value(rounding="ROUND_FLOOR") * unit


def gen_int(want: Want) -> Gen:
    t_lo, t_hi = INT_RANGES.get(want.type.category, INT_RANGES["bigint"])
    if want.dialect.type_affinity or want.type.category == "bigint":  # SQLite: 64-bit
        t_lo, t_hi = INT_RANGES["bigint"]
    limits = want.dialect.type_limits(want.type)  # MySQL: TINYINT, MEDIUMINT, UNSIGNED
    if limits is not None and limits.lo is not None:
        t_lo = limits.lo
    if limits is not None and limits.hi is not None:
        t_hi = limits.hi
    lo, hi = _range(want, Decimal(1), Decimal(t_lo), Decimal(t_hi))
    if lo > hi:
        return Gen(f"sg.random_int({int(lo)}, {int(lo)})", note="CHECK bounds are empty")
    if want.unique:
        return _unique("unique_int", want, f"{int(lo)}, {int(hi)}, {pystr(want.what)}")
    return Gen(f"sg.random_int({int(lo)}, {int(hi)})")


def gen_numeric(want: Want) -> Gen:
    t = want.type
    scale = t.scale if t.scale is not None else 2
    if t.category == "money":
        scale = 2
    unit = Decimal(1).scaleb(-scale)
    if t.precision is not None:
        limit = Decimal(10) ** (t.precision - scale) - unit
    else:
        limit = Decimal(10) ** 12
    low = -limit if _least(want) is None else Decimal(0)
    lo, hi = _range(want, unit, low, limit)
    lo_u, hi_u = int(lo / unit), int(hi / unit)
    if lo_u > hi_u:
        hi_u = lo_u
    if want.unique:
        args = f"{lo_u}, {hi_u}, scale={scale}, what={pystr(want.what)}"
        return _unique("unique_decimal", want, args)
    return Gen(f"sg.random_decimal({lo_u}, {hi_u}, scale={scale})")


def _least(want: Want) -> int | None:
    """The least value the type allows, when the dialect says (MySQL's UNSIGNED: 0)."""
    limits = want.dialect.type_limits(want.type)
    return limits.lo if limits is not None else None


def gen_float(want: Want) -> Gen:
    big = Decimal("1e15")
    limits = want.dialect.type_limits(want.type)
    digits = limits.float_digits if limits is not None else None
    step = Decimal("0.0001")
    if digits is not None:  # MySQL's FLOAT(p,s): at most p digits, s of them after the point
        step = Decimal(1).scaleb(-min(digits[1], 4))
        big = Decimal(10) ** (digits[0] - digits[1]) - Decimal(1).scaleb(-digits[1])
    low = -big if _least(want) is None else Decimal(0)
    lo, hi = _range(want, step, low, big)
    if want.unique:
        places = "" if digits is None else f", places={digits[1]}"  # FLOAT(p,s) rounds to s
        args = f"{float(lo)!r}, {float(hi)!r}, {pystr(want.what)}{places}"
        return _unique("unique_float", want, args)
    if digits is not None and digits[1] < 4:  # the value MySQL stores, rounded inwards
        lo, hi = _ceil_to(lo, step), _floor_to(hi, step)
        return Gen(f"round(sg.random_float({float(lo)!r}, {float(hi)!r}), {digits[1]})")
    return Gen(f"sg.random_float({float(lo)!r}, {float(hi)!r})")


# ------------------------------------------------------------------------------------ text


def gen_text(want: Want) -> Gen:
    t = want.type
    b = want.bounds
    maxlen = t.length
    if b.maxlen is not None:
        maxlen = b.maxlen if maxlen is None else min(maxlen, b.maxlen)
    minlen = b.minlen or 0
    if t.category == "char" and t.length is not None and not want.dialect.type_affinity:
        minlen = max(minlen, t.length)  # char(n) pads: generate the full width
    if maxlen is not None and minlen > maxlen:
        minlen = maxlen
    provider = name_rule(want.column, "text")
    if not isinstance(provider, str):
        provider = (
            TEXT_DEFAULT
            if (maxlen or 100) < 40
            else "sentence"
            if (maxlen or 100) < 200
            else "text"
        )
        if maxlen is not None and maxlen < 8:
            provider = "code"
    args = pystr(provider) + (f", maxlen={maxlen}" if maxlen is not None else "")
    args += f", minlen={minlen}" if minlen else ""
    if want.unique and want.lead:
        return _charset(want, _unique("unique_text_led", want, f"{want.lead}, {args}"))
    if want.unique:
        return _charset(want, _unique("unique_text", want, args))
    return _charset(want, Gen(f"sg.random_text({args})"))


def _charset(want: Want, gen: Gen) -> Gen:
    """Text the column's character set stores (MySQL: latin1 holds no emoji, ascii no
    accents), within a TINYTEXT's bytes; other dialects store any text."""
    limits = want.dialect.type_limits(want.type)
    if limits is None or limits.charset is None or not gen.supported:
        return gen
    if limits.charset == "utf8mb4" and limits.max_text_bytes is None:
        return gen
    args = f"{pystr(limits.charset)}, {limits.max_text_bytes!r}"
    return replace(gen, expr=f"sg.in_charset({gen.expr}, {args})")


# ----------------------------------------------------------------------- dates and times


def _days(value: Any, today: dt.date) -> int | None:
    if isinstance(value, str):
        try:
            return (dt.date.fromisoformat(value[:10]) - today).days
        except ValueError:
            return None
    return None


REFERENCE_DAY = dt.date(2024, 1, 1)  # the runtime's default clock; bounds are relative to it


def _window(lo: int, hi: int, blo: int | None, bhi: int | None, span: int) -> tuple[int, int]:
    """The default window [lo, hi] narrowed to the CHECK's (or partition's) bounds; a
    window outside them moves inside, `span` wide, never past either bound."""
    if blo is not None:
        lo = max(lo, blo)
    if bhi is not None:
        hi = min(hi, bhi)
    if lo > hi:
        if blo is not None and bhi is not None:
            return blo, max(blo, min(bhi, blo + span))
        return (lo, lo + span) if blo is not None else (hi - span, hi)
    return lo, hi


def gen_date(want: Want) -> Gen:
    lo, hi = -3650, 0
    if re.search(r"(birth|dob)", want.column.lower()):
        lo, hi = -365 * 80, -365 * 18
    b = want.bounds
    blo, bhi = _days(b.lo, REFERENCE_DAY), _days(b.hi, REFERENCE_DAY)
    blo = None if blo is None else blo + (1 if b.lo_strict else 0)
    bhi = None if bhi is None else bhi - (1 if b.hi_strict else 0)
    lo, hi = _window(lo, hi, blo, bhi, 365)
    if want.unique:
        return _unique("unique_date", want, f"{lo}, {max(hi, lo + 100000)}, {pystr(want.what)}")
    return Gen(f"sg.random_date({lo}, {hi})")


REFERENCE_MOMENT = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _seconds(value: Any) -> int | None:
    """A timestamp bound as seconds from the runtime's clock."""
    if not isinstance(value, str):
        return None
    from .sqlexpr import runtime

    try:
        moment = runtime.to_timestamptz(value)
    except (NotImplementedError, ValueError, runtime.SqlError):
        return None
    return None if moment is None else int((moment - REFERENCE_MOMENT).total_seconds())


def gen_timestamp(want: Want) -> Gen:
    tz = want.type.category == "timestamptz" and want.dialect.aware_datetimes
    b = want.bounds
    blo, bhi = _seconds(b.lo), _seconds(b.hi)
    blo = None if blo is None else blo + (1 if b.lo_strict else 0)
    bhi = None if bhi is None else bhi - (1 if b.hi_strict else 0)
    lo, hi = _window(-365 * 86400, 0, blo, bhi, 365 * 86400)
    if want.unique:
        top = lo + 10**9
        limits = want.dialect.type_limits(want.type)
        if limits is not None and limits.seconds_end is not None:
            top = limits.seconds_end
        args = f"{lo}, {top}, tz={tz}, what={pystr(want.what)}"
        return _fraction(want, _unique("unique_timestamp", want, args))
    return _fraction(want, Gen(f"sg.random_timestamp({lo}, {hi}, tz={tz})"))


def gen_time(want: Want) -> Gen:
    tz = want.type.category == "timetz"
    return _fraction(want, Gen("sg.random_time(tz=True)" if tz else "sg.random_time()"))


def _fraction(want: Want, gen: Gen) -> Gen:
    """MySQL's DATETIME(n)/TIME(n): a fraction of a second of n digits, or none (MySQL
    would round a finer one, so the row read back would differ)."""
    limits = want.dialect.type_limits(want.type)
    if limits is None or limits.fraction_digits is None:
        return gen
    return replace(gen, expr=f"sg.with_fraction({gen.expr}, {limits.fraction_digits})")


# ---------------------------------------------------------------------------- the others


def gen_bool(want: Want) -> Gen:
    if want.unique:
        args = f"(False, True), {pystr(want.what)}, wrap={want.wrap_unique}"
        return _unique("unique_choice", want, args)
    return Gen("sg.random_bool()")


def gen_enum(want: Want) -> Gen:
    labels = tuple(want.labels)
    if not labels:
        return Gen("None", supported=False, note="enum with no labels")
    if want.unique:
        args = f"{py(labels)}, {pystr(want.what)}, wrap={want.wrap_unique}"
        return _unique("unique_choice", want, args)
    return Gen(f"sg.random_choice({py(labels)})")


def _simple(expr: str, unique_expr: str | None = None) -> Callable[[Want], Gen]:
    def make(want: Want) -> Gen:
        if want.unique and unique_expr:
            return Gen(unique_expr, needs_n=True)
        return Gen(expr)

    return make


def gen_bit(want: Want) -> Gen:
    length = want.type.length or 1
    limits = want.dialect.type_limits(want.type)
    if limits is not None and limits.bit_number:  # MySQL: a '0101' string would be bytes
        return Gen(f"sg.random_int(0, {2**length - 1})")
    return Gen(f"sg.random_bits({length}, fixed={want.type.category == 'bit'})")


def gen_json(want: Want) -> Gen:
    shape = "array" if re.search(r"(tags|list|items|ids)$", want.column.lower()) else "object"
    if want.unique:
        return Gen(
            "[n, *sg.random_json('array')]" if shape == "array" else "{'n': n, **sg.random_json()}",
            needs_n=True,
        )
    return Gen(f"sg.random_json({pystr(shape)})")


def gen_bytes(want: Want) -> Gen:
    t = want.type
    limits = want.dialect.type_limits(t)
    size = limits.max_bytes if limits is not None else None
    fixed = limits is not None and limits.fixed_bytes
    if want.unique:
        return Gen(f"sg.unique_bytes(n, {size}, fixed={fixed})", needs_n=True)
    if fixed:
        return Gen(f"sg.random_bytes(maxlen={size}, minlen={size})")
    return Gen(f"sg.random_bytes(maxlen={size})" if size else "sg.random_bytes()")


def gen_set(want: Want) -> Gen:
    """MySQL SET: a comma-separated subset of its members, in declaration order."""
    labels = tuple(re.findall(r"'((?:[^']|'')*)'", want.type.sql))
    members = tuple(label.replace("''", "'") for label in labels)
    if not members:
        return Gen("None", supported=False, note="SET with no members")
    return Gen(f"sg.random_set({py(members)})")


def gen_uuid(want: Want) -> Gen:
    return Gen("sg.random_uuid()")  # 122 random bits: unique without a counter


TYPE_REGISTRY: dict[str, Callable[[Want], Gen]] = {
    "smallint": gen_int,
    "integer": gen_int,
    "bigint": gen_int,
    "numeric": gen_numeric,
    "money": gen_numeric,
    "real": gen_float,
    "double": gen_float,
    "text": gen_text,
    "varchar": gen_text,
    "char": gen_text,
    "boolean": gen_bool,
    "date": gen_date,
    "timestamp": gen_timestamp,
    "timestamptz": gen_timestamp,
    "time": gen_time,
    "timetz": gen_time,
    "interval": _simple("sg.random_interval()"),
    "uuid": gen_uuid,
    "json": gen_json,
    "jsonb": gen_json,
    "bytes": gen_bytes,
    "inet": _simple("sg.random_inet()", 'f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"'),
    "cidr": _simple("sg.random_cidr()"),
    "macaddr": _simple("sg.random_mac()"),
    "bit": gen_bit,
    "varbit": gen_bit,
    "xml": _simple("f\"<note>{sg.random_text('word')}</note>\""),
    "tsvector": _simple("sg.random_text('sentence')"),
    "year": _simple("sg.random_int(1990, 2030)"),
    "set": gen_set,
    "enum": gen_enum,
}


# A composite value in PostgreSQL's record syntax: ("a","1",) with NULL as nothing.
_RECORD = (
    r""""(" + ",".join("" if v is None else '"' + str(v).replace('\\', '\\\\')"""
    r'''.replace('"', '\\"') + '"' for v in ({items},)) + ")"'''
)


def gen_composite(want: Want) -> Gen:
    """A composite type's value: each attribute from its own generator, as record text."""
    parts = []
    for name, t in want.attributes:
        if t.category in ("array", "composite"):
            return Gen("None", supported=False, note=f"composite attribute {name} of {t.sql}")
        inner = generator(Want(want.table, f"{want.column}.{name}", t, dialect=want.dialect))
        if not inner.supported or inner.needs_n or inner.needs_o:
            return Gen("None", supported=False, note=f"composite attribute {name} of {t.sql}")
        parts.append(inner.expr)
    if not parts:
        return Gen("None", supported=False, note="composite type with no attributes")
    return Gen(_RECORD.format(items=", ".join(parts)))


def gen_postgres_type(want: Want) -> Gen:
    """PostgreSQL's and its extensions' types (pgvector, hstore, ltree, PostGIS, ranges)."""
    found = pgvalues.expression(want.type, want.unique)
    if found is None:
        return Gen("None", supported=False, note=f"no unique values for {want.type.sql}")
    expr, needs_n = found
    return Gen(expr, needs_n=needs_n)


TYPE_REGISTRY.update({category: gen_postgres_type for category in pgvalues.EXPRESSIONS})
TYPE_REGISTRY["composite"] = gen_composite


def _unique(fn: str, want: Want, args: str) -> Gen:
    """A unique value: the runtime's `fn` called with the row's sequence number (or digit)."""
    return Gen(f"sg.{fn}({want.seq}, {args})", needs_n=True)


def generator(want: Want) -> Gen:
    """The generator for a column: CHECK choices, then the name rules, then the type."""
    gen = _generator(want)
    if want.null_past_end and gen.supported:
        # NULLs never collide in a UNIQUE: rows go on past the product of the domains
        return replace(gen, expr=f"sg.null_past_end(lambda: {gen.expr})")
    return gen


def _generator(want: Want) -> Gen:
    b = want.bounds
    category = want.type.category
    if b.choices:
        values = tuple(_coerce(v, want.type) for v in b.choices if v not in b.excluded)
        if values and all(v is not None for v in values):
            if want.unique:
                return _unique(
                    "unique_choice",
                    want,
                    f"{_py_values(values)}, {pystr(want.what)}, wrap={want.wrap_unique}",
                )
            return Gen(f"sg.random_choice({_py_values(values)})")
    if want.json_paths is not None and category in TEXT | {"json", "jsonb"}:
        as_text = category in TEXT
        return Gen(f"sg.random_json_doc({want.json_paths!r}, as_text={as_text})")
    if category == "array" and want.type.element is not None:
        element = Want(
            want.table,
            want.column,
            want.type.element,
            want.element_bounds or Bounds(),
            labels=want.labels,
            dialect=want.dialect,
        )
        inner = generator(element)
        if not inner.supported:
            return inner
        if want.unique:  # one element carries the sequence number
            element.unique, element.wrap_unique = True, True
            first = generator(element)
            return Gen(f"[{first.expr}, *sg.random_array(lambda: {inner.expr})]", needs_n=True)
        return Gen(f"sg.random_array(lambda: {inner.expr})", needs_o=inner.needs_o)
    if want.dialect.type_affinity and category in ("date", "timestamp", "timestamptz"):
        # SQLite stores dates as ISO text: generate what it stores
        text = Want(
            want.table,
            want.column,
            SqlType("text", "text"),
            want.bounds,
            want.unique,
            want.wrap_unique,
            dialect=want.dialect,
        )
        provider = "iso_date" if category == "date" else "iso_ts"
        if want.unique:
            return _unique("unique_text", want, pystr(provider))
        return Gen(f"sg.random_text({pystr(provider)})") if text else Gen("None")
    make = TYPE_REGISTRY.get(category)
    if make is None:
        return Gen("None", supported=False)
    return make(want)


def _coerce(value: Any, t: SqlType) -> Any:
    if t.category in INTS or (t.category in ("numeric",) and t.scale == 0):
        num = _num(value)
        return int(num) if num is not None and num == num.to_integral_value() else None
    if t.category in NUMS:
        num = _num(value)
        return num
    if t.category in FLOATS:
        num = _num(value)
        return float(num) if num is not None else None
    if t.category == "boolean":
        return bool(value) if isinstance(value, (bool, int, Decimal)) else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _py_values(values: tuple[Any, ...]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ("," if len(values) == 1 else "") + ")"


def literal(value: Any) -> str:
    """Python source for a constant in a factory module (which imports datetime as `_dt`)."""
    text = render.literal(value, dates="_dt.")
    if text is None:
        raise TypeError(f"no Python literal for {type(value).__name__} {value!r}")
    return text
