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
# shape -> WKT with {d} for the dimension token and {p0}..{p3} for the corners of a square
_SHAPES = {
    "point": "POINT{d}({p0})",
    "linestring": "LINESTRING{d}({p0}, {p2})",
    "polygon": "POLYGON{d}(({p0}, {p1}, {p2}, {p3}, {p0}))",
    "multipoint": "MULTIPOINT{d}(({p0}), ({p2}))",
    "multilinestring": "MULTILINESTRING{d}(({p0}, {p2}), ({p1}, {p3}))",
    "multipolygon": "MULTIPOLYGON{d}((({p0}, {p1}, {p2}, {p3}, {p0})))",
    "geometrycollection": "GEOMETRYCOLLECTION{d}(POINT{d}({p0}), LINESTRING{d}({p0}, {p2}))",
}
_SPATIAL_TYPMOD = re.compile(r"\w+\((\w+?)(zm|z|m)?(?:,(-?\d+))?\)")


def _spatial(t: SqlType) -> str:
    """A shape of the column's type (a point, a line, a unit square, ...) in lon/lat range,
    with its Z / M coordinates and its SRID, as PostGIS's extended WKT."""
    match = _SPATIAL_TYPMOD.fullmatch(t.sql)
    shape, dims, srid = match.groups() if match else ("geometry", None, None)
    shape = "point" if shape == "geometry" else shape
    if shape not in _SHAPES:
        return ""  # curves, surfaces, TINs: no generator (said at generate time)
    srid = srid if srid and srid != "0" else ("4326" if t.category == "geography" else None)
    extra = " 0" * len(dims or "")
    corners = ("{x} {y}", "{x + 1} {y}", "{x + 1} {y + 1}", "{x} {y + 1}")
    wkt = _SHAPES[shape].format(
        d=f" {dims.upper()} " if dims else "", **{f"p{i}": c + extra for i, c in enumerate(corners)}
    )
    text = ("SRID=" + srid + ";" if srid else "") + wkt
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

# Slot k of a unique range: [lower(2k), lower(2k + 1)), so no two rows' ranges overlap
# (what EXCLUDE ... WITH && needs, as well as UNIQUE).
_SLOTS = {
    "int4": "{k}",
    "int8": "{k}",
    "num": "{k}",
    "date": "sg.unique_date({k}, -3650, 10 ** 6, 'range slots')",
    "ts": "sg.unique_timestamp(3600 * ({k}), -10 ** 8, 10 ** 9, tz=False, what='range slots')",
    "tstz": "sg.unique_timestamp(3600 * ({k}), -10 ** 8, 10 ** 9, tz=True, what='range slots')",
}


def _slots(kind: str) -> str:
    """`[lower,upper)` of slot n, as the inside of an f-string."""
    slot = _SLOTS[kind]
    return "[{" + slot.format(k="2 * n") + "},{" + slot.format(k="2 * n + 1") + "})"


def _unique_range(t: SqlType) -> str:
    return 'f"' + _slots(t.sql.removesuffix("range")) + '"'


def _unique_multirange(t: SqlType) -> str:
    return 'f"{{' + _slots(t.sql.removesuffix("multirange")) + '}}"'


# Unique values: the row's sequence number `n` is part of the value.
UNIQUE_EXPRESSIONS: dict[str, Callable[[SqlType], str]] = {
    "ltree": lambda t: f'sg.rng.choice({_LABELS!r}) + f".n{{n}}"',
    "macaddr8": lambda t: '":".join(f"{b:02x}" for b in n.to_bytes(8, "big"))',
    "range": _unique_range,
    "multirange": _unique_multirange,
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
    source = make(t) if make else ""
    return (source, False) if source else None
