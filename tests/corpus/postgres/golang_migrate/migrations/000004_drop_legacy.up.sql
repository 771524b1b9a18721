CREATE TABLE legacy_coupons (id SERIAL PRIMARY KEY, code TEXT NOT NULL);
CREATE TABLE coupon_uses (
    id SERIAL PRIMARY KEY,
    coupon_id INTEGER NOT NULL REFERENCES legacy_coupons (id),
    order_id BIGINT NOT NULL REFERENCES orders (id)
);
CREATE VIEW coupon_report AS SELECT c.code, count(*) AS uses
    FROM legacy_coupons c JOIN coupon_uses u ON u.coupon_id = c.id GROUP BY c.code;
-- coupons move to the billing service: the table goes, and with it the view and the FK
DROP TABLE legacy_coupons CASCADE;
ALTER TABLE coupon_uses ADD COLUMN external_coupon TEXT NOT NULL DEFAULT '';
ALTER TABLE coupon_uses ALTER COLUMN coupon_id DROP NOT NULL;
