"""Tables PostgreSQL cannot change in place are rebuilt with their rows."""

from __future__ import annotations

from roundtrip import apply_plan, assert_roundtrip, database_with, snapshot_difference

from schema_assets import plan as hz
from schema_assets.catalog import take_snapshot
from schema_assets.diff import diff_snapshots
from schema_assets.plan import Plan

PLAIN = "CREATE TABLE t (id bigint NOT NULL, d date NOT NULL, v text);"
PARTITIONED = (
    "CREATE TABLE t (id bigint NOT NULL, d date NOT NULL, v text) PARTITION BY RANGE (d);"
    "CREATE TABLE t_2025 PARTITION OF t FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
)
ROWS = "INSERT INTO t SELECT g, '2025-01-01'::date + g % 300, 'v' FROM generate_series(1, 3000) g;"


def test_plain_to_partitioned_is_one_rebuild_step_then_the_old_shape_is_dropped(
    pg_server: str,
) -> None:
    plan = assert_roundtrip(pg_server, PLAIN, PARTITIONED, data_sql=ROWS)
    rebuild, drop_old = plan.steps
    assert (rebuild.action, rebuild.kind, rebuild.object) == ("rebuild", "table", "public.t")
    assert {hz.REWRITES_TABLE, hz.ACCESS_EXCLUSIVE} <= set(rebuild.hazards)
    assert rebuild.lock == "ACCESS EXCLUSIVE" and rebuild.transactional
    assert any(s.startswith("INSERT INTO public.t (id, d, v) SELECT") for s in rebuild.up)
    assert drop_old.up[0].startswith("DROP TABLE public.sa_old_")
    assert drop_old.down is None and not drop_old.destructive  # the rows live on


def test_the_rebuild_steps_own_down_puts_the_old_table_back(pg_server: str) -> None:
    """Compensation after a later step fails: the old table is still there until the end."""
    with (
        database_with(pg_server, PLAIN + ROWS) as before,
        database_with(pg_server, PARTITIONED) as after,
    ):
        original = take_snapshot(before)
        plan = diff_snapshots(original, take_snapshot(after))
        rebuild = Plan(steps=plan.steps[:1])
        apply_plan(before, rebuild)
        apply_plan(before, rebuild, down=True)
        assert not snapshot_difference(take_snapshot(before), original)


def test_rows_that_fit_no_partition_fail_the_rebuild_instead_of_vanishing(pg_server: str) -> None:
    rows = "INSERT INTO t VALUES (1, '2030-01-01', 'x');"
    with (
        database_with(pg_server, PLAIN + rows) as before,
        database_with(pg_server, PARTITIONED) as after,
    ):
        plan = diff_snapshots(take_snapshot(before), take_snapshot(after))
        try:
            apply_plan(before, plan)
        except AssertionError as exc:
            assert "no partition of relation" in str(exc)
        else:
            raise AssertionError("the rebuild should have failed")
        assert take_snapshot(before).tables[("public", "t")].kind == "r"  # rolled back
