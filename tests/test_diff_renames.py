"""Renames are never guessed: flagged with a how-to warning; hints make them RENAME."""

from __future__ import annotations

import pytest
from roundtrip import assert_roundtrip

from schema_assets.catalog.model import Snapshot
from schema_assets.diff import diff_snapshots
from schema_assets.errors import BadInputError
from schema_assets.plan import POSSIBLE_RENAME


def test_dropped_and_added_column_of_same_type_is_flagged_not_renamed(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "CREATE TABLE t (a int)", "CREATE TABLE t (b int)")
    assert [s.action for s in plan.steps] == ["create", "drop"]
    assert all(POSSIBLE_RENAME in s.hazards for s in plan.steps)
    assert any("--rename public.t.a=b" in w for w in plan.warnings)


def test_column_hint_turns_drop_and_add_into_rename(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE t (a int); CREATE INDEX t_a ON t (a)",
        "CREATE TABLE t (b int); CREATE INDEX t_a ON t (b)",
        renames={"public.t.a": "b"},
    )
    assert [s.up for s in plan.steps] == [("ALTER TABLE public.t RENAME COLUMN a TO b",)]


def test_table_hint_turns_drop_and_create_into_rename(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE old (id int); CREATE INDEX old_id ON old (id)",
        "CREATE TABLE new (id int); CREATE INDEX old_id ON new (id)",
        renames={"public.old": "new"},
    )
    assert [s.up for s in plan.steps] == [("ALTER TABLE public.old RENAME TO new",)]
    assert not plan.destructive_steps


def test_table_with_same_columns_dropped_and_created_is_flagged(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "CREATE TABLE old (id int)", "CREATE TABLE new (id int)")
    assert any("--rename public.old=new" in w for w in plan.warnings)


def test_hint_that_no_longer_applies_is_ignored() -> None:
    assert diff_snapshots(Snapshot(), Snapshot(), renames={"public.t.a": "b"}).is_empty


@pytest.mark.parametrize("hint", [{"t": "x"}, {"a.b.c.d": "x"}, {"s.t": "u.v"}, {"s.t": ""}])
def test_malformed_hint_is_bad_input(hint: dict[str, str]) -> None:
    with pytest.raises(BadInputError, match="rename hint"):
        diff_snapshots(Snapshot(), Snapshot(), renames=hint)
