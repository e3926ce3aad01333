-- Names that need quoting: capitals, spaces, quotes, keywords.

-- case: schema and table with capitals and spaces
-- before:
-- after:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Mixed Case" ("Id" bigint PRIMARY KEY, "some column" text);

-- case: column with a double quote and a keyword name
-- before:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Mixed Case" ("Id" bigint PRIMARY KEY);
-- after:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Mixed Case" ("Id" bigint PRIMARY KEY, "it's ""quoted""" text, "select" int, "Order" text DEFAULT 'a''b');

-- case: index and constraints with quoted names
-- before:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Parent Table" ("Key" int PRIMARY KEY);
CREATE TABLE "Weird Schema"."Mixed Case" ("Id" bigint PRIMARY KEY, "Parent Key" int);
-- after:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Parent Table" ("Key" int PRIMARY KEY);
CREATE TABLE "Weird Schema"."Mixed Case" (
    "Id" bigint PRIMARY KEY,
    "Parent Key" int CONSTRAINT "FK to ""Parent""" REFERENCES "Weird Schema"."Parent Table" ("Key"),
    CONSTRAINT "Check; DROP TABLE x" CHECK ("Id" > 0)
);
CREATE INDEX "Index On ""Parent Key""" ON "Weird Schema"."Mixed Case" ("Parent Key");

-- case: enum with awkward labels and a quoted name
-- before:
CREATE SCHEMA "Weird Schema";
CREATE TYPE "Weird Schema"."Side Type" AS ENUM ('Buy', 'it''s');
-- after:
CREATE SCHEMA "Weird Schema";
CREATE TYPE "Weird Schema"."Side Type" AS ENUM ('Buy', 'it''s', 'with space', 'x"y');

-- case: view function and trigger with quoted names
-- before:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Mixed Case" ("Id" bigint PRIMARY KEY, "Updated At" timestamptz);
-- after:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Mixed Case" ("Id" bigint PRIMARY KEY, "Updated At" timestamptz);
CREATE VIEW "Weird Schema"."My View" AS SELECT "Id" FROM "Weird Schema"."Mixed Case";
CREATE FUNCTION "Weird Schema"."Touch It"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."Updated At" := now(); RETURN NEW; END $$;
CREATE TRIGGER "Touch Trigger" BEFORE UPDATE ON "Weird Schema"."Mixed Case" FOR EACH ROW EXECUTE FUNCTION "Weird Schema"."Touch It"();

-- case: retype a quoted column
-- before:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Mixed Case" ("Id" bigint PRIMARY KEY, "Qty Value" integer);
-- after:
CREATE SCHEMA "Weird Schema";
CREATE TABLE "Weird Schema"."Mixed Case" ("Id" bigint PRIMARY KEY, "Qty Value" bigint NOT NULL DEFAULT 1);
