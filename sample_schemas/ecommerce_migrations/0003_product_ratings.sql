-- 0003: prices fit numeric(10,2); ratings and popularity; drop the import staging table.

BEGIN;

ALTER TABLE products ALTER COLUMN price TYPE numeric(10,2);
ALTER TABLE products ALTER COLUMN sku SET NOT NULL;

UPDATE products SET category = 'general' WHERE category IS NULL;
UPDATE products SET stock_quantity = 0 WHERE stock_quantity IS NULL;

ALTER TABLE products
    ALTER COLUMN category SET DEFAULT 'general',
    ALTER COLUMN category SET NOT NULL,
    ALTER COLUMN stock_quantity SET NOT NULL;

ALTER TABLE products
    ADD COLUMN rating numeric(3,2) CHECK (rating BETWEEN 0 AND 5),
    ADD COLUMN reviews_count integer NOT NULL DEFAULT 0;

ALTER TABLE products
    ADD COLUMN popularity_score numeric GENERATED ALWAYS AS (COALESCE(rating, 0) * reviews_count) STORED;

ALTER TABLE products ADD COLUMN is_active boolean NOT NULL DEFAULT true;
ALTER TABLE products ADD COLUMN updated_at timestamptz;
ALTER TABLE products ADD COLUMN description text;

CREATE TABLE product_ratings (
    id serial PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    product_name text NOT NULL,
    date date NOT NULL DEFAULT CURRENT_DATE,
    quality smallint NOT NULL CHECK (quality BETWEEN 1 AND 5),
    value smallint NOT NULL CHECK (value BETWEEN 1 AND 5),
    usability smallint NOT NULL CHECK (usability BETWEEN 1 AND 5),
    delivery smallint NOT NULL CHECK (delivery BETWEEN 1 AND 5),
    rating_note varchar(200),
    overall_rating numeric(3,2)
        GENERATED ALWAYS AS (round((quality + value + usability + delivery) / 4.0, 2)) STORED,
    would_recommend boolean
        GENERATED ALWAYS AS ((quality + value + usability + delivery) >= 14) STORED,
    UNIQUE (customer_id, product_name, date)
);

DROP TABLE legacy_customer_import;

COMMIT;
