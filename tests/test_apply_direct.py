"""The direct applier against real PostgreSQL: atomic, resumable, lock-aware, recorded."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from apply_support import create_table_plan
from helpers import execute, query, scalar

from schema_assets.apply import direct, history, lock
from schema_assets.apply.lock import migration_lock, set_lock_timeout
from schema_assets.apply.migration import build_migration
from schema_assets.database import connect
from schema_assets.errors import ApplyError, ConcurrentRunError
from schema_assets.plan import Plan, Step


def _migration(*steps: Step, revision: str = "20260101_000000_test"):
    return build_migration(Plan(steps=steps, target_fingerprint="fp"), revision, "test")


def _table(name: str) -> Step:
    return Step("table", "create", f"public.{name}", up=(f"CREATE TABLE public.{name} (x int)",),
                down=(f"DROP TABLE public.{name}",))  # fmt: skip


def _exists(url: str, name: str) -> bool:
    return scalar(url, "SELECT to_regclass(%s) IS NOT NULL", (name,))


def test_applied_migration_is_recorded_with_steps_checksum_and_snapshot(empty_db: str) -> None:
    migration = build_migration(create_table_plan(), "20260101_000000_t1", "add t1")
    with connect(empty_db, autocommit=True) as conn:
        results = direct.apply_migration(conn, migration)
    assert [r.action for r in results] == ["create", "create"]
    row = query(
        empty_db,
        "SELECT version, backend, success, checksum, jsonb_array_length(steps), "
        "snapshot IS NOT NULL, down_sql FROM schema_assets.schema_version",
    )
    assert row == [
        ("20260101_000000_t1", "direct", True, migration.checksum, 2, True, migration.down_sql)
    ]
    assert _exists(empty_db, "public.t1_note_idx")


def test_failing_transactional_step_rolls_back_the_whole_migration(empty_db: str) -> None:
    bad = Step("table", "alter", "public.a", up=("ALTER TABLE public.a ADD COLUMN x int",))
    migration = _migration(_table("a"), _table("b"), bad)
    with connect(empty_db, autocommit=True) as conn, pytest.raises(ApplyError) as info:
        direct.apply_migration(conn, migration)
    message = str(info.value)
    assert "step 3 (alter table public.a)" in message
    assert 'column "x" of relation "a" already exists' in message
    assert not _exists(empty_db, "public.a") and not _exists(empty_db, "public.b")
    assert query(empty_db, "SELECT success FROM schema_assets.schema_version") == [(False,)]


def test_failed_step_undoes_the_finished_steps_and_records_the_failure(empty_db: str) -> None:
    index_on_missing = Step(
        "index", "create", "public.other_x_idx",
        up=("CREATE INDEX CONCURRENTLY other_x_idx ON public.other (x)",),
        down=("DROP INDEX CONCURRENTLY public.other_x_idx",), transactional=False,
    )  # fmt: skip
    migration = build_migration(
        Plan(steps=(*create_table_plan().steps, index_on_missing)), "20260101_000000_r", "r"
    )
    with connect(empty_db, autocommit=True) as conn, pytest.raises(ApplyError) as info:
        direct.apply_migration(conn, migration)
    assert "step 3" in str(info.value)
    assert "the migration was undone (2 finished step(s) undone" in str(info.value)
    assert not _exists(empty_db, "public.t1") and not _exists(empty_db, "public.t1_note_idx")
    assert scalar(empty_db, "SELECT count(*) FROM schema_assets.schema_version_steps") == 0
    assert query(empty_db, "SELECT success, error LIKE '%undone%' FROM schema_assets.schema_version") == [(False, True)]  # fmt: skip


def _as_if_killed_after(url: str, migration, positions: int) -> None:
    """What a run killed after `positions` finished steps leaves: their effect, their rows."""
    with connect(url, autocommit=True) as conn:
        history.ensure(conn)
        for position, step in enumerate(migration.up[:positions], 1):
            for stmt in step.statements:
                conn.execute(stmt)
            history.record_step(conn, migration.revision, position, step.object, step.action, 1)


def test_rerun_after_a_kill_resumes_after_the_last_finished_step(empty_db: str) -> None:
    migration = build_migration(create_table_plan(), "20260101_000000_r", "r")
    _as_if_killed_after(empty_db, migration, 1)
    with connect(empty_db, autocommit=True) as conn:
        results = direct.apply_migration(conn, migration)
    assert [r.resumed for r in results] == [True, False]
    assert _exists(empty_db, "public.t1_note_idx")
    assert scalar(empty_db, "SELECT count(*) FROM schema_assets.schema_version_steps") == 0


def test_invalid_index_left_by_a_killed_concurrent_build_is_dropped_before_the_retry(
    empty_db: str,
) -> None:
    execute(empty_db, "CREATE TABLE public.u (x int); INSERT INTO public.u VALUES (1), (1)")
    with pytest.raises(psycopg.errors.UniqueViolation):  # as a killed build would leave it
        execute(empty_db, "CREATE UNIQUE INDEX CONCURRENTLY u_x_key ON public.u (x)")
    assert query(empty_db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.u_x_key'::regclass") == [(False,)]  # fmt: skip
    execute(empty_db, "DELETE FROM public.u WHERE ctid = (SELECT max(ctid) FROM public.u)")
    unique = Step(
        "index", "create", "public.u_x_key",
        up=("CREATE UNIQUE INDEX CONCURRENTLY u_x_key ON public.u (x)",),
        down=("DROP INDEX CONCURRENTLY public.u_x_key",), transactional=False,
    )  # fmt: skip
    with connect(empty_db, autocommit=True) as conn:
        direct.apply_migration(conn, _migration(unique, revision="20260101_000000_u"))
    assert scalar(
        empty_db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.u_x_key'::regclass"
    )


def _hold_lock(url: str, table: str, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def hold() -> None:
        with psycopg.connect(url) as conn:
            conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            ready.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(10)
    return thread


def test_lock_timeout_is_retried_until_the_lock_is_free(
    empty_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lock, "RETRY_DELAYS_S", (0.2, 0.4, 0.8))
    execute(empty_db, "CREATE TABLE public.busy (x int)")
    add = Step("column", "add", "public.busy.y", up=("ALTER TABLE public.busy ADD COLUMN y int",))
    holder = _hold_lock(empty_db, "public.busy", 0.6)
    with connect(empty_db, autocommit=True) as conn:
        set_lock_timeout(conn, "100ms")
        direct.apply_migration(conn, _migration(add))
    holder.join()
    assert (
        scalar(
            empty_db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'busy'"
        )
        == 2
    )


def test_lock_timeout_gives_up_after_the_retries_naming_the_step(
    empty_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lock, "RETRY_DELAYS_S", (0.1, 0.1))
    execute(empty_db, "CREATE TABLE public.busy (x int)")
    add = Step("column", "add", "public.busy.y", up=("ALTER TABLE public.busy ADD COLUMN y int",))
    holder = _hold_lock(empty_db, "public.busy", 3)
    with connect(empty_db, autocommit=True) as conn, pytest.raises(ApplyError) as info:
        set_lock_timeout(conn, "100ms")
        direct.apply_migration(conn, _migration(add))
    holder.join()
    assert "step 1 (add column public.busy.y)" in str(info.value)
    assert "55P03" in str(info.value)


def test_rollback_runs_the_down_steps_and_marks_the_row(empty_db: str) -> None:
    migration = build_migration(create_table_plan(), "20260101_000000_t1", "add t1")
    with connect(empty_db, autocommit=True) as conn:
        direct.apply_migration(conn, migration)
        direct.rollback_migration(conn, history.applied(conn)[0])
        assert history.applied(conn) == []
    assert not _exists(empty_db, "public.t1")


def test_irreversible_migration_refuses_rollback(empty_db: str) -> None:
    step = Step("table", "create", "public.a", up=("CREATE TABLE public.a (x int)",), down=None,
                irreversible_reason="baseline")  # fmt: skip
    with connect(empty_db, autocommit=True) as conn:
        direct.apply_migration(conn, _migration(step))
        with pytest.raises(ApplyError, match="cannot be rolled back: .*baseline"):
            direct.rollback_migration(conn, history.applied(conn)[0])
    assert _exists(empty_db, "public.a")


def test_second_run_waiting_for_the_migration_lock_fails_with_the_holder_pid(
    empty_db: str,
) -> None:
    with connect(empty_db, autocommit=True) as first, migration_lock(first):
        pid = first.info.backend_pid
        with pytest.raises(ConcurrentRunError, match=f"holds the migration lock \\(pid {pid}\\)"):
            with migration_lock(empty_db, timeout_s=0.5):
                pass
    with migration_lock(empty_db, timeout_s=0.5):  # released: the next run gets it
        pass


def test_concurrent_index_already_built_by_a_killed_run_counts_as_done(empty_db: str) -> None:
    execute(empty_db, "CREATE TABLE public.t (x int); CREATE INDEX t_x_idx ON public.t (x)")
    step = Step("index", "create", "public.t_x_idx",
                up=("CREATE INDEX CONCURRENTLY t_x_idx ON public.t (x)",),
                down=("DROP INDEX CONCURRENTLY public.t_x_idx",), transactional=False)  # fmt: skip
    with connect(empty_db, autocommit=True) as conn:
        direct.apply_migration(conn, build_migration(Plan(steps=(step,)), "20260101_000000_i", "i"))
    assert query(empty_db, "SELECT success FROM schema_assets.schema_version") == [(True,)]
