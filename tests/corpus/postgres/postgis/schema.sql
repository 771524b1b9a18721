-- A delivery app on PostGIS: depots as points, routes as lines, zones as polygons.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE depots (
    id serial PRIMARY KEY,
    name text NOT NULL,
    location geometry(Point, 4326) NOT NULL
);
CREATE INDEX depots_location_gix ON depots USING gist (location);

CREATE TABLE routes (
    id bigserial PRIMARY KEY,
    depot_id integer NOT NULL REFERENCES depots (id),
    path geometry(LineString, 4326),
    length_m double precision
);

CREATE TABLE zones (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    area geography(Polygon, 4326) NOT NULL,
    centre geography
);
