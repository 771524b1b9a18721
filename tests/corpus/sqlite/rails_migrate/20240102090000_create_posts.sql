-- migrate:up
CREATE TABLE IF NOT EXISTS "posts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "title" varchar NOT NULL, "body" text, "published_at" datetime(6), "views" integer DEFAULT 0 NOT NULL, "slug" varchar GENERATED ALWAYS AS (lower(replace("title", ' ', '-'))) VIRTUAL, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL, CONSTRAINT "fk_rails_5b5ddfd518" FOREIGN KEY ("user_id") REFERENCES "users" ("id"));
CREATE INDEX "index_posts_on_user_id" ON "posts" ("user_id");

-- migrate:down
DROP TABLE posts;
