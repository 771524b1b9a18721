-- A multi-tenant SaaS: schemas per concern, tables copied from templates with LIKE,
-- a table moved between schemas, scratch temp tables in a maintenance script.
CREATE SCHEMA app;
CREATE SCHEMA billing;
CREATE SCHEMA staging;

CREATE TABLE app.tenants (
    id serial PRIMARY KEY,
    name text NOT NULL,
    subdomain text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tenants_subdomain_lower ON app.tenants (lower(subdomain));

-- template of the audited columns every tenant-owned table has
CREATE TABLE app.tenant_owned (
    tenant_id integer NOT NULL REFERENCES app.tenants (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz,
    row_version integer NOT NULL DEFAULT 1 CHECK (row_version > 0)
);

CREATE TABLE app.projects (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    LIKE app.tenant_owned INCLUDING ALL,
    title text NOT NULL,
    code text NOT NULL,
    bucket smallint GENERATED ALWAYS AS ((id % 10)::smallint) STORED,
    UNIQUE (tenant_id, code)
);
CREATE INDEX projects_title_idx ON app.projects (lower(title));

CREATE TABLE app.tasks (
    id bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES app.projects (id) ON DELETE CASCADE,
    LIKE app.tenant_owned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    title text NOT NULL,
    estimate interval DEFAULT '2 hours'::interval,
    done boolean NOT NULL DEFAULT false
);

-- invoices started life in app, then moved to billing
CREATE TABLE app.invoices (
    id bigserial PRIMARY KEY,
    tenant_id integer NOT NULL REFERENCES app.tenants (id),
    number text NOT NULL,
    amount numeric(12,2) NOT NULL CHECK (amount >= 0),
    issued_on date NOT NULL DEFAULT CURRENT_DATE
);
ALTER TABLE app.invoices SET SCHEMA billing;
ALTER TABLE billing.invoices ALTER COLUMN id DROP DEFAULT;
CREATE UNIQUE INDEX invoices_number_prefix ON billing.invoices (tenant_id, number);

CREATE TABLE billing.invoice_lines (
    invoice_id bigint NOT NULL REFERENCES billing.invoices (id) ON DELETE CASCADE,
    line smallint NOT NULL,
    description text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(10,2) NOT NULL,
    total numeric(12,2) GENERATED ALWAYS AS (quantity * unit_price) STORED,
    PRIMARY KEY (invoice_id, line)
);

-- a staging copy for imports: LIKE without constraints
CREATE TABLE staging.invoices_import (LIKE billing.invoices);

-- maintenance: scratch tables are temporary, the model never sees them
CREATE TEMP TABLE tmp_tenant_ids (id integer);
CREATE TEMPORARY TABLE tmp_counts AS SELECT 1 AS n;
DROP TABLE tmp_tenant_ids;

-- an old reporting schema, dropped with everything in it
CREATE SCHEMA reporting;
CREATE TABLE reporting.monthly (tenant_id integer REFERENCES app.tenants (id), month date);
CREATE VIEW reporting.monthly_v AS SELECT * FROM reporting.monthly;
DROP SCHEMA reporting CASCADE;

-- e-invoices as sent to the tax authority (UBL XML)
CREATE TABLE billing.einvoices (
    invoice_id bigint PRIMARY KEY REFERENCES billing.invoices (id),
    ubl xml NOT NULL,
    sent_at timestamptz
);
