CREATE TYPE "weird""enum" AS ENUM ('a''b', 'x"""y', '\n');
CREATE TABLE "class" (
    id serial PRIMARY KEY,
    "order total" numeric(8,2) NOT NULL DEFAULT 0,
    "type" text NOT NULL DEFAULT 'x''); import os; --',
    "Meta" integer,
    "_meta" integer,
    "build" text,
    "create" text UNIQUE,
    "n" integer CHECK (n > 0),
    "o" text,
    "sg" text,
    "Decimal" integer,
    "1st" text,
    "w" "weird""enum",
    "x""y" text,
    "def" int GENERATED ALWAYS AS ("n" * 2) STORED
);
COMMENT ON TABLE "class" IS 'A comment with """ triple quotes
and newlines \ and ''quotes''';
COMMENT ON COLUMN "class"."type" IS '""" + __import__("os").system("x") + """';
CREATE TABLE "Class" (id int PRIMARY KEY, parent int REFERENCES "class"(id), self int REFERENCES "Class"(id));
CREATE TABLE a (id int PRIMARY KEY, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a(id));
ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b(id);
CREATE TABLE p (x int, y text, PRIMARY KEY (x, y));
CREATE TABLE c (id int PRIMARY KEY, px int NOT NULL, py text NOT NULL, FOREIGN KEY (px, py) REFERENCES p(x, y), UNIQUE (px, py));
