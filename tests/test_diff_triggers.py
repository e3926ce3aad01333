"""Triggers (after their functions, recreated with them) and row-level security policies."""

from __future__ import annotations

from roundtrip import assert_roundtrip

FN = (
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
    "CREATE TABLE t (id int);"
)
TRG = "CREATE TRIGGER t_touch BEFORE {} ON t FOR EACH ROW EXECUTE FUNCTION touch();"


def test_new_trigger_and_its_function_are_created_function_first(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "", FN + TRG.format("INSERT"))
    kinds = [s.kind for s in plan.steps]
    assert kinds.index("function") < kinds.index("trigger")


def test_changed_trigger_is_dropped_and_created(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, FN + TRG.format("INSERT"), FN + TRG.format("UPDATE"))
    assert [(s.action, s.kind) for s in plan.steps] == [("drop", "trigger"), ("create", "trigger")]


def test_disabled_trigger_is_an_alter_table(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        FN + TRG.format("INSERT"),
        FN + TRG.format("INSERT") + "ALTER TABLE t DISABLE TRIGGER t_touch",
    )
    assert plan.steps[0].up == ("ALTER TABLE public.t DISABLE TRIGGER t_touch",)


def test_policy_is_created_and_changed(pg_server: str) -> None:
    table = "CREATE TABLE t (owner text); ALTER TABLE t ENABLE ROW LEVEL SECURITY;"
    policy = "CREATE POLICY own ON t FOR SELECT USING (owner = {});"
    plan = assert_roundtrip(
        pg_server, table + policy.format("current_user"), table + policy.format("'x'")
    )
    assert [(s.action, s.kind) for s in plan.steps] == [("drop", "policy"), ("create", "policy")]


def test_restrictive_policy_with_check_round_trips(pg_server: str) -> None:
    assert_roundtrip(
        pg_server,
        "CREATE TABLE t (n int)",
        "CREATE TABLE t (n int); ALTER TABLE t ENABLE ROW LEVEL SECURITY;"
        "CREATE POLICY pos ON t AS RESTRICTIVE FOR INSERT TO PUBLIC WITH CHECK (n > 0);",
    )
