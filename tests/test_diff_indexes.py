"""Indexes: CONCURRENTLY on existing tables, plain on new or partitioned ones."""

from __future__ import annotations

from roundtrip import assert_roundtrip, database_with

from schema_assets.catalog import take_snapshot
from schema_assets.diff import diff_snapshots
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


PARTITIONED = (
    "CREATE TABLE p (d date, v int) PARTITION BY RANGE (d);"
    "CREATE TABLE p1 PARTITION OF p FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');"
)


def test_index_on_partitioned_table_is_built_concurrently_per_partition_then_attached(
    pg_server: str,
) -> None:
    plan = assert_roundtrip(pg_server, PARTITIONED, PARTITIONED + "CREATE INDEX p_v ON p (v)")
    only, build, attach = plan.steps
    assert only.up == ("CREATE INDEX p_v ON ONLY public.p USING btree (v)",)
    assert build.up == ("CREATE INDEX CONCURRENTLY p1_v_idx ON public.p1 USING btree (v)",)
    assert not build.transactional and INDEX_BUILD in build.hazards
    assert attach.up == ("ALTER INDEX public.p_v ATTACH PARTITION public.p1_v_idx",)


def test_index_on_partitioned_table_with_kept_partitions_is_plain_and_names_the_target_children(
    pg_server: str,
) -> None:
    kept = "CREATE TABLE p_p202602 PARTITION OF p FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');"
    with (
        database_with(pg_server, PARTITIONED + kept) as before,
        database_with(pg_server, PARTITIONED + "CREATE INDEX p_v ON p (v)") as after,
    ):
        plan = diff_snapshots(
            take_snapshot(before), take_snapshot(after), managed_partition_pattern="_p[0-9]{6}$"
        )
    (step,) = plan.steps
    assert step.up == (
        "CREATE INDEX p1_v_idx ON public.p1 USING btree (v)",  # the target's name, not PG's
        "CREATE INDEX p_v ON public.p USING btree (v)",  # attaches it, builds the kept one
    )
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


def test_an_index_named_like_its_own_statement_keeps_its_name_on_a_partitioned_table(
    pg_server: str,
) -> None:
    plan = assert_roundtrip(
        pg_server, PARTITIONED, PARTITIONED + 'CREATE INDEX "x ON ONLY y" ON p (v)'
    )
    assert plan.steps[0].up == ('CREATE INDEX "x ON ONLY y" ON ONLY public.p USING btree (v)',)


def test_a_partition_index_postgres_named_is_renamed_through_the_catalog(pg_server: str) -> None:
    parent = PARTITIONED + "CREATE INDEX p_v ON p (v);"
    weird = "x $sa0$ y"
    new = (
        "CREATE TABLE p2 PARTITION OF p FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');"
        f'ALTER INDEX p2_v_idx RENAME TO "{weird}";'
    )
    plan = assert_roundtrip(pg_server, parent, parent + new)
    rename = next(s for s in plan.steps if s.up[0].startswith("DO "))
    assert rename.up[0].startswith("DO $sa1$") and "'x $sa0$ y'" in rename.up[0]


def test_a_unique_index_becomes_the_primary_key_without_a_second_build(pg_server: str) -> None:
    plan = assert_roundtrip(
        pg_server,
        "CREATE TABLE t (id int, v text); CREATE UNIQUE INDEX t_id ON t (id);",
        "CREATE TABLE t (id int PRIMARY KEY, v text);",
    )
    key = next(s for s in plan.steps if s.kind == "constraint")
    assert key.up == ("ALTER TABLE public.t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id",)
    assert not any(s.kind == "index" for s in plan.steps)
    nulls = [s for s in plan.steps if "SET NOT NULL" in " ".join(s.up)]
    assert plan.steps.index(nulls[-1]) < plan.steps.index(key)  # NOT NULL set before
