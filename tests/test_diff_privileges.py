"""Grants and revokes per grantee, reversible."""

from __future__ import annotations

import pytest
from helpers import execute
from roundtrip import assert_roundtrip

from schema_assets.diff.privileges import grant_statements, parse_acl


@pytest.fixture(scope="module")
def reader(pg_server: str) -> str:
    execute(
        pg_server, "DO $$ BEGIN CREATE ROLE sa_reader; EXCEPTION WHEN duplicate_object THEN END $$"
    )
    return "sa_reader"


def test_grant_on_table_is_a_reversible_grant(pg_server: str, reader: str) -> None:
    (step,) = assert_roundtrip(
        pg_server,
        "CREATE TABLE t (id int)",
        f"CREATE TABLE t (id int); GRANT SELECT, INSERT ON t TO {reader}",
    ).steps
    assert reader == "sa_reader"
    assert step.up == ("GRANT INSERT, SELECT ON TABLE public.t TO sa_reader",)
    assert step.down == ("REVOKE INSERT, SELECT ON TABLE public.t FROM sa_reader CASCADE",)


def test_column_grant_round_trips(pg_server: str, reader: str) -> None:
    assert_roundtrip(
        pg_server,
        "CREATE TABLE t (id int)",
        f"CREATE TABLE t (id int); GRANT SELECT (id) ON t TO {reader}",
    )


def test_revoking_execute_from_public_round_trips(pg_server: str) -> None:
    fn = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"
    plan = assert_roundtrip(pg_server, fn, fn + "REVOKE EXECUTE ON FUNCTION f() FROM PUBLIC")
    assert plan.steps[0].up == ("REVOKE EXECUTE ON FUNCTION public.f() FROM PUBLIC CASCADE",)


def test_schema_usage_and_sequence_grants_round_trip(pg_server: str, reader: str) -> None:
    base = "CREATE SCHEMA s; CREATE SEQUENCE s.q;"
    assert_roundtrip(
        pg_server,
        base,
        base + f"GRANT USAGE ON SCHEMA s TO {reader}; GRANT USAGE ON SEQUENCE s.q TO {reader}",
    )


def test_grant_option_is_granted_separately() -> None:
    old = ("owner=arwdDxtm/owner",)
    new = ("owner=arwdDxtm/owner", "bob=r*/owner")
    assert grant_statements("TABLE", "t", old, new) == [
        "GRANT SELECT ON TABLE t TO bob WITH GRANT OPTION"
    ]


def test_parse_acl_leaves_out_the_owner_and_reads_public() -> None:
    assert parse_acl(("owner=X/owner", "=X/owner")) == {"": {("X", False)}}
