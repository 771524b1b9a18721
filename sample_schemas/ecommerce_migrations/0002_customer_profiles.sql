-- 0002: customer names get longer, referrals, profiles; import the legacy CRM export.

ALTER TABLE customers RENAME COLUMN name TO full_name;
ALTER TABLE customers ALTER COLUMN full_name TYPE varchar(120);
ALTER TABLE customers ALTER COLUMN phone DROP NOT NULL;
ALTER TABLE customers ALTER COLUMN created_at SET NOT NULL;
ALTER TABLE customers ADD COLUMN updated_at timestamptz, ADD COLUMN referred_by uuid;

--
-- Name: customers customers_referred_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_referred_by_fkey FOREIGN KEY (referred_by) REFERENCES public.customers(id) ON DELETE SET NULL;

CREATE INDEX customers_referred_by_idx ON customers (referred_by);

CREATE TABLE customer_profiles (
    customer_id uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    bio text,
    preferences json DEFAULT '{}',
    tags text[]
);

-- staging table for the one-off CRM import (dropped again in 0003)
CREATE TABLE legacy_customer_import (
    email text NOT NULL,
    full_name text,
    phone text
);

INSERT INTO legacy_customer_import (email, full_name, phone)
VALUES ('ada@example.com', 'Ada Lovelace', '+44 20 7946 0000');

UPDATE customers AS c
SET full_name = COALESCE(c.full_name, l.full_name),
    phone = COALESCE(c.phone, l.phone)
FROM legacy_customer_import AS l
WHERE lower(c.email) = lower(l.email);
