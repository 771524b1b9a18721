"""Values for PostgreSQL's own and its extensions' types, as Python source.

Each is text in the type's input syntax (`[0.1,0.2,0.3]` for vector(3), `"a"=>"1"` for
hstore, `SRID=4326;POINT(2.35 48.85)` for PostGIS): psycopg sends a str as an untyped
literal, so the server parses it as the column's type. The expressions use only the
runtime's `sg.rng`, `sg.fake`, `sg.random_*`, so the generated package needs nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .model import SqlType

_ROUNDED = "str(round(sg.rng.uniform(-1, 1), {digits}))"


def _vector(t: SqlType, digits: int = 4) -> str:
    item = _ROUNDED.format(digits=digits)
    return f'"[" + ",".join({item} for _ in range({t.length or 3})) + "]"'


def _sparsevec(t: SqlType) -> str:
    dims = t.length or 5
    first, last = _ROUNDED.format(digits=3), _ROUNDED.format(digits=3)
    if dims == 1:
        return f'"{{1:" + {first} + "}}/1"'
    return f'"{{1:" + {first} + ",{dims}:" + {last} + "}}/{dims}"'


_LABELS = ("top", "science", "astronomy", "arts", "crafts", "hobbies", "sport")
_SHAPES = {
    "point": "POINT({x} {y})",
    "linestring": "LINESTRING({x} {y}, {x + 1} {y + 1})",
    "polygon": "POLYGON(({x} {y}, {x + 1} {y}, {x + 1} {y + 1}, {x} {y + 1}, {x} {y}))",
    "multipoint": "MULTIPOINT(({x} {y}), ({x + 1} {y + 1}))",
}


def _spatial(t: SqlType) -> str:
    """A point, a line or a square in lon/lat range, with the column's SRID."""
    match = re.match(r"\w+\((\w+)(?:,(\d+))?\)", t.sql)
    shape = (match.group(1) if match else "point").rstrip("zm")
    srid = match.group(2) if match and match.group(2) else None
    srid = srid or ("4326" if t.category == "geography" else None)
    text = ("SRID=" + srid + ";" if srid else "") + _SHAPES.get(shape, _SHAPES["point"])
    return f'(lambda x, y: f"{text}")(sg.random_float(-170, 170), sg.random_float(-80, 80))'


_RANGE_BOUNDS = {
    "int4": ("sg.rng.randint(0, 400)", "sg.rng.randint(401, 800)", "sg.rng.randint(801, 1200)",
             "sg.rng.randint(1201, 1600)"),
    "int8": ("sg.rng.randint(0, 400)", "sg.rng.randint(401, 800)", "sg.rng.randint(801, 1200)",
             "sg.rng.randint(1201, 1600)"),
    "num": ("sg.random_decimal(0, 40000, scale=2)", "sg.random_decimal(40001, 80000, scale=2)",
            "sg.random_decimal(80001, 120000, scale=2)",
            "sg.random_decimal(120001, 160000, scale=2)"),
    "date": ("sg.random_date(-400, -301)", "sg.random_date(-300, -201)",
             "sg.random_date(-200, -101)", "sg.random_date(-100, 0)"),
    "ts": ("sg.random_timestamp(-4000000, -3000001, tz=False)",
           "sg.random_timestamp(-3000000, -2000001, tz=False)",
           "sg.random_timestamp(-2000000, -1000001, tz=False)",
           "sg.random_timestamp(-1000000, 0, tz=False)"),
    "tstz": ("sg.random_timestamp(-4000000, -3000001, tz=True)",
             "sg.random_timestamp(-3000000, -2000001, tz=True)",
             "sg.random_timestamp(-2000000, -1000001, tz=True)",
             "sg.random_timestamp(-1000000, 0, tz=True)"),
}  # fmt: skip


def _range(t: SqlType) -> str:
    a, b, _, _ = _RANGE_BOUNDS[t.sql.removesuffix("range")]
    return f'f"[{{{a}}},{{{b}}})"'


def _multirange(t: SqlType) -> str:
    a, b, c, d = _RANGE_BOUNDS[t.sql.removesuffix("multirange")]
    return f'f"{{{{[{{{a}}},{{{b}}}), [{{{c}}},{{{d}}})}}}}"'


EXPRESSIONS: dict[str, Callable[[SqlType], str]] = {
    "vector": _vector,
    "halfvec": lambda t: _vector(t, 2),
    "sparsevec": _sparsevec,
    "hstore": lambda t: (
        '", ".join(f\'"{sg.fake.word()}"=>"{sg.rng.randint(0, 99)}"\''
        " for _ in range(sg.rng.randint(0, 3)))"
    ),
    "ltree": lambda t: f'".".join(sg.rng.choice({_LABELS!r}) for _ in range(sg.rng.randint(1, 3)))',
    "lquery": lambda t: 'sg.rng.choice(("top.*", "*.science.*", "top.science|arts.*"))',
    "tsquery": lambda t: 'f"{sg.fake.word()} & {sg.fake.word()}"',
    "cube": lambda t: 'f"({sg.rng.randint(0, 9)}, {sg.rng.randint(0, 9)}, {sg.rng.randint(0, 9)})"',
    "geometry": _spatial,
    "geography": _spatial,
    "macaddr8": lambda t: '":".join(f"{sg.rng.randint(0, 255):02x}" for _ in range(8))',
    "range": _range,
    "multirange": _multirange,
}

# Unique values: the row's sequence number `n` is part of the value.
UNIQUE_EXPRESSIONS: dict[str, Callable[[SqlType], str]] = {
    "ltree": lambda t: f'sg.rng.choice({_LABELS!r}) + f".n{{n}}"',
    "macaddr8": lambda t: '":".join(f"{b:02x}" for b in n.to_bytes(8, "big"))',
    "range": lambda t: 'f"[{n * 2},{n * 2 + 1})"' if t.sql[:3] == "int" else "",
}


# Random enough that a collision in a UNIQUE is not a worry (real-valued coordinates).
_HIGH_ENTROPY = {"vector", "halfvec", "sparsevec", "geometry", "geography"}


def expression(t: SqlType, unique: bool) -> tuple[str, bool] | None:
    """(Python source of a value, whether it reads the sequence number `n`); None when
    there is no generator for the type (or none that keeps values unique)."""
    if unique and t.category not in _HIGH_ENTROPY:
        make = UNIQUE_EXPRESSIONS.get(t.category)
        source = make(t) if make else ""
        return (source, True) if source else None
    make = EXPRESSIONS.get(t.category)
    return (make(t), False) if make else None
