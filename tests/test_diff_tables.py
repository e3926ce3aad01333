"""Tables: create, drop (destructive, archived, irreversible), alter in place."""

from __future__ import annotations

from roundtrip import assert_roundtrip

from schema_assets.plan import DELETES_DATA


def test_new_table_is_created_with_columns_defaults_and_identity(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "",
        "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, "
        "name text NOT NULL DEFAULT 'x', created_at timestamptz DEFAULT now())",
    )
    assert [(s.action, s.kind) for s in plan.steps] == [("create", "table")]
    assert plan.reversible


def test_dropped_table_is_destructive_and_names_the_table_to_archive(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server, "CREATE SCHEMA s; CREATE TABLE s.t (id int)", "CREATE SCHEMA s"
    )
    (step,) = plan.steps
    assert step.up == ("DROP TABLE s.t",)
    assert DELETES_DATA in step.hazards and step.destructive
    assert step.archive == {"table": ["s", "t"]}
    assert step.down is None and step.irreversible_reason


def test_tables_referencing_each_other_can_all_be_dropped(pg_server: str) -> None:
    before = (
        "CREATE TABLE a (id int PRIMARY KEY, b_id int);"
        "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);"
        "ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b"
    )
    plan = assert_roundtrip(pg_server, before, "")
    kinds = [(s.action, s.kind) for s in plan.steps]
    assert kinds.index(("drop", "constraint")) < kinds.index(("drop", "table"))


def test_unlogged_table_becomes_logged_in_place(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server, "CREATE UNLOGGED TABLE t (id int)", "CREATE TABLE t (id int)"
    )
    assert plan.steps[0].up == ("ALTER TABLE public.t SET LOGGED",)


def test_row_level_security_is_enabled_on_an_existing_table(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE t (id int)",
        "CREATE TABLE t (id int); ALTER TABLE t ENABLE ROW LEVEL SECURITY",
    )
    assert plan.steps[0].up == ("ALTER TABLE public.t ENABLE ROW LEVEL SECURITY",)
