"""PostGIS values without PostGIS: no server here has the extension (the corpus entry
`postgis` is skipped with a reason naming it), so the generated extended WKT is checked by
an independent reader (shapely/GEOS): the column's shape, Z/M dimensions and SRID, a valid
geometry, lon/lat in range for geography, and the EWKB PostGIS would store."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType

import pytest
import shapely

COLUMNS = {
    "p": ("geometry(Point, 4326)", "Point", "", 4326),
    "pz": ("geometry(PointZ, 4326)", "Point", "z", 4326),
    "line": ("geometry(LineString, 3857)", "LineString", "", 3857),
    "area": ("geography(Polygon, 4326)", "Polygon", "", 4326),
    "centre": ("geography", "Point", "", 4326),
    "bare": ("geometry", "Point", "", 0),
    "pts": ("geometry(MultiPoint)", "MultiPoint", "", 0),
    "lines": ("geometry(MultiLineStringM, 4326)", "MultiLineString", "m", 4326),
    "areas": ("geometry(MultiPolygonZM, 2154)", "MultiPolygon", "zm", 2154),
    "bag": ("geometry(GeometryCollection, 4326)", "GeometryCollection", "", 4326),
}
SCHEMA = "CREATE TABLE places (id serial PRIMARY KEY, {});".format(
    ", ".join(f"{name} {sql} NOT NULL" for name, (sql, *_) in COLUMNS.items())
    + ", curve geometry(CurvePolygon, 4326)"
)
_EWKT = re.compile(r"(?:SRID=(\d+);)?(.+)")


@pytest.fixture
def places(make_package: Callable[..., ModuleType]) -> ModuleType:
    return make_package(SCHEMA, seed=4)


@pytest.mark.parametrize("column", sorted(COLUMNS))
def test_generated_shapes_have_the_columns_type_dimensions_and_srid(
    places: ModuleType, column: str
) -> None:
    _, shape, dims, srid = COLUMNS[column]
    for row in places.FACTORIES["places"].build_batch(50):
        match = _EWKT.fullmatch(row[column])
        assert match is not None, row[column]
        geometry = shapely.from_wkt(match.group(2))
        assert (int(match.group(1) or 0), geometry.geom_type) == (srid, shape), row[column]
        assert (geometry.has_z, geometry.has_m) == ("z" in dims, "m" in dims), row[column]
        assert geometry.is_valid, row[column]
        if COLUMNS[column][0].startswith("geography"):
            xmin, ymin, xmax, ymax = geometry.bounds
            assert -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90
        located = shapely.set_srid(geometry, srid)
        ewkb = shapely.to_wkb(located, include_srid=True, flavor="extended")
        assert shapely.get_srid(shapely.from_wkb(ewkb)) == srid


def test_a_shape_without_a_generator_is_said_not_guessed(places: ModuleType) -> None:
    said = [w.message for w in places.WARNINGS if "curve" in w.message]
    assert said and "no generator for type geometry(curvepolygon,4326)" in said[0]
    assert all(row["curve"] is None for row in places.FACTORIES["places"].build_batch(5))
