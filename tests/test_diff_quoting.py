"""Names with capitals, spaces and quotes go through every kind of statement quoted."""

from __future__ import annotations

from roundtrip import assert_roundtrip

WEIRD = '''
CREATE SCHEMA "My Schema";
CREATE TYPE "My Schema"."Side ""x""" AS ENUM ('it''s', 'b');
CREATE TABLE "My Schema"."Order" (
    "Id" int CONSTRAINT "Order PK" PRIMARY KEY,
    "select" "My Schema"."Side ""x""" DEFAULT 'it''s',
    "a;b" text CONSTRAINT "chk ""q""" CHECK ("a;b" <> '')
);
CREATE INDEX "Order idx" ON "My Schema"."Order" ("a;b");
CREATE VIEW "My Schema"."V w" AS SELECT "Id", "select" FROM "My Schema"."Order";
COMMENT ON TABLE "My Schema"."Order" IS 'a ''quoted'' comment';
'''


def test_weird_names_are_created_and_dropped(pg_server: str) -> None:
    assert_roundtrip(pg_server, "", WEIRD)
    assert_roundtrip(pg_server, WEIRD, "")


def test_weird_column_is_retyped_under_its_view(pg_server: str) -> None:
    assert_roundtrip(pg_server, WEIRD, WEIRD.replace('"Id" int', '"Id" bigint'))


def test_enum_value_with_quote_is_added(pg_server: str) -> None:
    assert_roundtrip(pg_server, WEIRD, WEIRD.replace("'b'", "'b', 'c''d'"))
