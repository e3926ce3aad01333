"""Indexes: CONCURRENTLY on existing tables, plain on new or partitioned ones."""

from __future__ import annotations

from roundtrip import assert_roundtrip

from schema_assets.plan import INDEX_BUILD

TABLE = "CREATE TABLE t (id int, a int, b text);"


def test_new_index_on_existing_table_is_built_concurrently_outside_a_transaction(
    pg_server: str,
) -> None:
    (step,) = assert_roundtrip(pg_server, TABLE, TABLE + "CREATE INDEX t_a ON t (a)").steps
    assert step.up == ("CREATE INDEX CONCURRENTLY t_a ON public.t USING btree (a)",)
    assert not step.transactional and step.lock == "SHARE UPDATE EXCLUSIVE"
    assert INDEX_BUILD in step.hazards


def test_dropped_index_on_existing_table_is_dropped_concurrently(pg_server: str) -> None:
    (step,) = assert_roundtrip(pg_server, TABLE + "CREATE INDEX t_a ON t (a)", TABLE).steps
    assert step.up == ("DROP INDEX CONCURRENTLY public.t_a",) and not step.transactional


def test_index_on_new_table_is_plain_and_transactional(pg_server: str) -> None:
    plan = assert_roundtrip(pg_server, "", TABLE + "CREATE INDEX t_a ON t (a)")
    index = next(s for s in plan.steps if s.kind == "index")
    assert "CONCURRENTLY" not in index.up[0] and index.transactional


def test_index_on_partitioned_table_is_plain_and_cascades_to_partitions(pg_server: str) -> None:
    table = "CREATE TABLE p (d date, v int) PARTITION BY RANGE (d);"
    part = "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');"
    (step,) = assert_roundtrip(
        pg_server, table + part, table + part + "CREATE INDEX p_v ON p (v)"
    ).steps
    assert step.up == ("CREATE INDEX p_v ON public.p USING btree (v)",)
    assert step.transactional and step.lock == "SHARE"


def test_changed_index_definition_is_dropped_and_created(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server, TABLE + "CREATE INDEX t_a ON t (a)", TABLE + "CREATE INDEX t_a ON t (a, id)"
    )
    assert [s.action for s in plan.steps] == ["drop", "create"]


def test_unique_partial_expression_include_and_method_round_trip(pg_server: str) -> None:
    assert_roundtrip(
        pg_server,
        TABLE,
        TABLE
        + "CREATE UNIQUE INDEX t_u ON t (lower(b)) INCLUDE (a) WHERE id > 0;"
        + "CREATE INDEX t_h ON t USING hash (b)",
    )
