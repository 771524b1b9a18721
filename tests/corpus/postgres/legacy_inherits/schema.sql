-- Measurements partitioned the PostgreSQL 9 way: INHERITS children with CHECKs on the
-- key and a routing trigger on the parent; audit tables share columns through INHERITS.
CREATE TABLE sensor (
    sensor_id serial PRIMARY KEY,
    label varchar(40) NOT NULL UNIQUE,
    installed_on date NOT NULL DEFAULT CURRENT_DATE
);

CREATE TABLE measurement (
    sensor_id integer NOT NULL REFERENCES sensor,
    logdate date NOT NULL,
    peaktemp integer,
    unitsales integer CHECK (unitsales >= 0)
);

CREATE TABLE measurement_y2024m01 (
    CHECK (logdate >= DATE '2024-01-01' AND logdate < DATE '2024-02-01')
) INHERITS (measurement);

CREATE TABLE measurement_y2024m02 (
    CHECK (logdate >= DATE '2024-02-01' AND logdate < DATE '2024-03-01')
) INHERITS (measurement);

CREATE INDEX measurement_y2024m01_logdate ON measurement_y2024m01 (logdate);
CREATE INDEX measurement_y2024m02_logdate ON measurement_y2024m02 (logdate);

CREATE OR REPLACE FUNCTION measurement_insert_trigger()
RETURNS TRIGGER AS $$
BEGIN
    IF ( NEW.logdate >= DATE '2024-01-01' AND NEW.logdate < DATE '2024-02-01' ) THEN
        INSERT INTO measurement_y2024m01 VALUES (NEW.*);
    ELSIF ( NEW.logdate >= DATE '2024-02-01' AND NEW.logdate < DATE '2024-03-01' ) THEN
        INSERT INTO measurement_y2024m02 VALUES (NEW.*);
    ELSE
        RAISE EXCEPTION 'Date out of range.';
    END IF;
    RETURN NULL;
END;
$$
LANGUAGE plpgsql;

-- (the application inserts into the month's child itself; the routing trigger is only
-- attached in production: CREATE TRIGGER ... BEFORE INSERT ON measurement ...)

-- audit columns shared by every audited table
CREATE TABLE audited (
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT current_user,
    version integer NOT NULL DEFAULT 1 CHECK (version > 0)
);

CREATE TABLE invoice (
    invoice_id bigserial PRIMARY KEY,
    sensor_id integer REFERENCES sensor,
    total numeric(12,2) NOT NULL CHECK (total >= 0)
) INHERITS (audited);

CREATE TABLE note (
    note_id bigserial PRIMARY KEY,
    body text NOT NULL,
    version integer NOT NULL DEFAULT 1
) INHERITS (audited);

ALTER TABLE audited ADD COLUMN updated_at timestamptz;
ALTER TABLE audited ADD CONSTRAINT audited_updated_after CHECK (updated_at IS NULL OR updated_at >= created_at);
