"""Functions: CREATE OR REPLACE for bodies; DROP + CREATE for signatures, dependents around."""

from __future__ import annotations

from roundtrip import assert_roundtrip

FN = "CREATE FUNCTION f(x integer) RETURNS {} LANGUAGE sql AS $$ SELECT {} $$;"
TRIGGER_FN = (
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {} RETURN NEW; END $$;"
    "CREATE TABLE t (id int); CREATE TRIGGER t_touch BEFORE INSERT ON t "
    "FOR EACH ROW EXECUTE FUNCTION touch();"
)


def test_changed_body_is_create_or_replace(pg_server: str) -> None:
    (step,) = assert_roundtrip(
        pg_server, FN.format("integer", "x + 1"), FN.format("integer", "x + 2")
    ).steps
    assert step.action == "replace" and "CREATE OR REPLACE FUNCTION public.f" in " ".join(step.up)


def test_changed_result_type_is_drop_and_create(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, FN.format("integer", "x"), FN.format("bigint", "x::bigint"))
    assert [s.action for s in plan.steps] == ["drop", "create"]


def test_renamed_argument_is_drop_and_create(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE FUNCTION g(a integer) RETURNS integer LANGUAGE sql AS $$ SELECT a $$;",
        "CREATE FUNCTION g(b integer) RETURNS integer LANGUAGE sql AS $$ SELECT b $$;",
    )
    assert [s.action for s in plan.steps] == ["drop", "create"]


def test_trigger_function_body_change_keeps_the_trigger(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, TRIGGER_FN.format(""), TRIGGER_FN.format("NULL;"))
    assert [s.kind for s in plan.steps] == ["function"]


def test_view_using_a_recreated_function_is_recreated(pg_server: str) -> None:
    view = "CREATE VIEW v AS SELECT f(1) AS one;"
    plan = assert_roundtrip(
        pg_server, FN.format("integer", "x") + view, FN.format("bigint", "x::bigint") + view
    )
    assert [(s.action, s.kind) for s in plan.steps] == [
        ("drop", "view"), ("drop", "function"), ("create", "function"), ("create", "view"),
    ]  # fmt: skip


def test_procedure_round_trips(pg_server: str) -> None:
    assert_roundtrip(
        pg_server, "", "CREATE PROCEDURE p(n int) LANGUAGE plpgsql AS $$ BEGIN PERFORM n; END $$;"
    )


def test_sql_function_reading_a_new_table_is_created(pg_server: str) -> None:
    assert_roundtrip(
        pg_server,
        "",
        "CREATE TABLE t (id int);"
        "CREATE FUNCTION n() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM t $$;"
        "ALTER TABLE t ALTER COLUMN id SET DEFAULT n()",
    )
