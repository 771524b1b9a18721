-- A search/recommendation service: embeddings, tags as hstore, category trees,
-- case-insensitive handles, network inventory, booking ranges.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE visibility AS ENUM ('public', 'unlisted', 'private');
CREATE DOMAIN slug AS text CHECK (VALUE ~ '^[a-z0-9-]+$');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TYPE price AS (amount numeric(10,2), currency char(3));

CREATE TABLE authors (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    handle citext NOT NULL UNIQUE,
    email citext,
    homepage_ip inet,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE categories (
    id serial PRIMARY KEY,
    path ltree NOT NULL UNIQUE,
    pattern lquery
);
CREATE INDEX categories_path_gist ON categories USING gist (path);

CREATE TABLE documents (
    id bigserial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    category_id integer REFERENCES categories (id),
    title text NOT NULL,
    body text NOT NULL DEFAULT '',
    search tsvector,
    query tsquery,
    embedding vector(8),
    embedding_small halfvec(4),
    sparse sparsevec(10),
    attributes hstore,
    visibility visibility NOT NULL DEFAULT 'public',
    labels visibility[],
    counts positive_int[],
    list_price price,
    box cube,
    published_during tstzrange,
    pages int4range,
    score_range numrange,
    windows datemultirange,
    ids int8multirange,
    budget money,
    flags bit(8),
    mask varbit(16),
    device macaddr,
    device8 macaddr8,
    subnet cidr
);
CREATE INDEX documents_search_idx ON documents USING gin (search);
CREATE INDEX documents_title_trgm ON documents USING gin (title gin_trgm_ops);
CREATE INDEX documents_attrs_idx ON documents USING gist (attributes);

CREATE TABLE bookings (
    id serial PRIMARY KEY,
    room int NOT NULL,
    during tsrange NOT NULL,
    nights daterange,
    EXCLUDE USING gist (room WITH =, during WITH &&)
);

-- exports keep the XML a partner API sent
CREATE TABLE exports (
    id serial PRIMARY KEY,
    document_id bigint REFERENCES documents (id),
    payload xml NOT NULL
);

-- old slugs of a document, kept for redirects
CREATE TABLE document_slugs (
    document_id bigint PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    current slug NOT NULL,
    previous slug[] NOT NULL DEFAULT '{}'
);
