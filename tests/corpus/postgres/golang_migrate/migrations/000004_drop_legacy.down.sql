DROP TABLE coupon_uses;
