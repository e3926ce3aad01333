"""Schemas, extensions, sequences and domains."""

from __future__ import annotations

from roundtrip import assert_roundtrip


def test_new_schema_comes_before_its_tables(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "", "CREATE SCHEMA s; CREATE TABLE s.t (id int)")
    assert [s.kind for s in plan.steps] == ["schema", "table"]


def test_dropped_schema_goes_after_its_tables(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "CREATE SCHEMA s; CREATE TABLE s.t (id int)", "")
    assert [s.kind for s in plan.steps] == ["table", "schema"]


def test_extension_is_created_in_its_schema_with_its_version(pg_server: str) -> None:
    (step,) = assert_roundtrip(pg_server, "", "CREATE EXTENSION pg_trgm").steps
    assert step.up[0].startswith(
        "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public VERSION"
    )


def test_sequence_is_created_with_its_options_and_owner(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE t (id int)",
        "CREATE TABLE t (id int); CREATE SEQUENCE q AS integer START 5 INCREMENT 2 CACHE 10 OWNED BY t.id",
    )
    assert [s.action for s in plan.steps] == ["create", "alter"]
    assert plan.steps[1].up == ("ALTER SEQUENCE public.q OWNED BY public.t.id",)


def test_sequence_options_change_moves_the_value_into_new_bounds(pg_server: str) -> None:
    (step,) = assert_roundtrip(
        pg_server, "CREATE SEQUENCE q", "CREATE SEQUENCE q MINVALUE 10 START 10"
    ).steps
    widen, move, final = step.up  # every intermediate state valid: widen, move, then narrow
    assert widen == "ALTER SEQUENCE public.q AS bigint MINVALUE 1 MAXVALUE 9223372036854775807"
    assert move.startswith("SELECT setval('public.q', 10, false)")
    assert final.startswith("ALTER SEQUENCE public.q AS bigint INCREMENT BY 1 MINVALUE 10")


def test_serial_column_keeps_its_sequence_and_default(pg_server: str) -> None:
    assert_roundtrip(pg_server, "", "CREATE TABLE t (id serial PRIMARY KEY, big bigserial)")


def test_sequence_owned_by_a_dropped_table_is_not_dropped_twice(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "CREATE TABLE t (id serial)", "")
    assert [s.kind for s in plan.steps] == ["table"]


def test_domain_is_created_and_its_checks_changed(pg_server: str) -> None:
    before = "CREATE DOMAIN price AS numeric(12,4) CONSTRAINT pos CHECK (VALUE > 0);"
    after = (
        "CREATE DOMAIN price AS numeric(12,4) DEFAULT 1 NOT NULL CONSTRAINT pos CHECK (VALUE >= 0);"
    )
    (step,) = assert_roundtrip(pg_server, before, after).steps
    assert step.kind == "domain" and step.action == "alter"


def test_new_domain_used_by_a_new_table(pg_server: str) -> None:
    assert_roundtrip(
        pg_server,
        "",
        "CREATE DOMAIN code AS text CHECK (VALUE ~ '^[A-Z]+$'); CREATE TABLE t (c code)",
    )
