"""Comments: set, changed and removed, on each kind; NULL in down SQL when absent before."""

from __future__ import annotations

from roundtrip import assert_roundtrip

BASE = (
    "CREATE SCHEMA s; CREATE TABLE s.t (id int CONSTRAINT t_pk PRIMARY KEY, n int);"
    "CREATE INDEX t_n ON s.t (n); CREATE TYPE s.e AS ENUM ('a'); CREATE SEQUENCE s.q;"
    "CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"
    "CREATE VIEW s.v AS SELECT id FROM s.t;"
)
COMMENTS = (
    "COMMENT ON SCHEMA s IS 'schema';"
    "COMMENT ON TABLE s.t IS 'it''s a table';"
    "COMMENT ON COLUMN s.t.n IS 'number';"
    "COMMENT ON CONSTRAINT t_pk ON s.t IS 'key';"
    "COMMENT ON INDEX s.t_n IS 'index';"
    "COMMENT ON TYPE s.e IS 'enum';"
    "COMMENT ON SEQUENCE s.q IS 'seq';"
    "COMMENT ON FUNCTION s.f() IS 'fn';"
    "COMMENT ON VIEW s.v IS 'view';"
    "COMMENT ON COLUMN s.v.id IS 'view column';"
)


def test_comments_on_every_kind_are_added_and_reversed(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, BASE, BASE + COMMENTS)
    assert {s.kind for s in plan.steps} == {"comment"}
    assert len(plan.steps) == 10
    assert plan.reversible


def test_removed_comment_is_set_to_null(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, BASE + "COMMENT ON TABLE s.t IS 'x';", BASE)
    assert plan.steps[0].up == ("COMMENT ON TABLE s.t IS NULL",)
    assert plan.steps[0].down == ("COMMENT ON TABLE s.t IS 'x'",)


def test_comments_of_a_new_table_come_after_it(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "", BASE + COMMENTS)
    kinds = [s.kind for s in plan.steps]
    assert kinds.index("table") < kinds.index("comment")
