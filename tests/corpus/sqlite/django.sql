BEGIN;
--
-- Create model Author
--
CREATE TABLE "library_author" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL, "email" varchar(254) NOT NULL UNIQUE, "born" date NULL, "is_active" bool NOT NULL);
--
-- Create model Book
--
CREATE TABLE "library_book" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "isbn" varchar(13) NOT NULL UNIQUE, "price" decimal NOT NULL, "pages" integer unsigned NOT NULL CHECK ("pages" >= 0), "published" datetime NULL, "author_id" bigint NOT NULL REFERENCES "library_author" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE INDEX "library_book_author_id_8d5a8bd4" ON "library_book" ("author_id");
--
-- Create model Loan
--
CREATE TABLE "library_loan" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "borrowed_at" datetime NOT NULL, "returned_at" datetime NULL, "uuid" char(32) NOT NULL UNIQUE, "book_id" bigint NOT NULL REFERENCES "library_book" ("id") DEFERRABLE INITIALLY DEFERRED, "rating" smallint unsigned NULL CHECK ("rating" >= 0));
CREATE INDEX "library_loan_book_id_5b3b5a5e" ON "library_loan" ("book_id");
COMMIT;
