CREATE TYPE price AS (amount NUMERIC(12, 2), currency CHAR(3));
ALTER TYPE price ADD ATTRIBUTE tax_rate NUMERIC(4, 3);
ALTER TYPE price RENAME ATTRIBUTE currency TO currency_code;

CREATE TABLE purchases (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    total price NOT NULL,
    items INTEGER NOT NULL CHECK (items > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
SELECT diesel_manage_updated_at('purchases');
