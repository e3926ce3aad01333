"""Enums: add value outside a transaction; other changes recreate the type."""

from __future__ import annotations

from roundtrip import assert_roundtrip

from schema_assets.plan import NARROWS_TYPE

SIDE = "CREATE TYPE side AS ENUM ({});"


def test_added_value_is_placed_after_its_neighbour_outside_a_transaction(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server, SIDE.format("'buy', 'sell'"), SIDE.format("'buy', 'hold', 'sell'")
    )
    (step,) = plan.steps
    assert step.up == ("ALTER TYPE public.side ADD VALUE 'hold' AFTER 'buy'",)
    assert not step.transactional and step.down is None


def test_value_added_first_is_placed_before(pg_server: str) -> None:
    (step,) = assert_roundtrip(pg_server, SIDE.format("'buy'"), SIDE.format("'none', 'buy'")).steps
    assert step.up == ("ALTER TYPE public.side ADD VALUE 'none' BEFORE 'buy'",)


def test_new_value_used_by_a_column_default_is_added_before_the_default(pg_server: str) -> None:
    before = SIDE.format("'buy', 'sell'") + "CREATE TABLE t (s side)"
    after = SIDE.format("'buy', 'sell', 'unknown'") + "CREATE TABLE t (s side DEFAULT 'unknown')"
    plan = assert_roundtrip(pg_server, before, after)
    assert [s.kind for s in plan.steps] == ["enum", "column"]


def test_removed_value_recreates_the_type_and_is_destructive(pg_server: str) -> None:
    before = (
        SIDE.format("'buy', 'sell', 'x'")
        + "CREATE TABLE t (id int PRIMARY KEY, s side DEFAULT 'buy')"
    )
    after = (
        SIDE.format("'buy', 'sell'") + "CREATE TABLE t (id int PRIMARY KEY, s side DEFAULT 'buy')"
    )
    plan = assert_roundtrip(pg_server, before, after)
    retype = next(s for s in plan.steps if s.kind == "column")
    assert NARROWS_TYPE in retype.hazards and retype.destructive
    assert "USING s::text::public.side" in " ".join(retype.up)
    assert retype.archive == {"table": ["public", "t"], "columns": ["s"], "key": ["id"]}


def test_reordered_values_recreate_the_type_without_data_loss(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        SIDE.format("'a', 'b'") + "CREATE TABLE t (s side)",
        SIDE.format("'b', 'a'") + "CREATE TABLE t (s side)",
    )
    assert not plan.destructive_steps
