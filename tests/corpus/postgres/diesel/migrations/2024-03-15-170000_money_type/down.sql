DROP TABLE purchases;
DROP TYPE price;
