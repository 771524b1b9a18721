-- migrate:up
ALTER TABLE "users" ADD "role" varchar DEFAULT 'member' NOT NULL;
ALTER TABLE "posts" ADD "score" real;

-- migrate:down
ALTER TABLE "users" DROP COLUMN "role";
