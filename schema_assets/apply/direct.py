"""The direct backend: runs a `Migration` itself and records it in `schema_version`.

Transactional steps run in one transaction (all or nothing). A non-transactional step
(`CREATE INDEX CONCURRENTLY`, `ALTER TYPE ... ADD VALUE`) cannot, so the transaction before it
is committed, it runs alone in autocommit, and its completion is recorded in
`schema_version_steps`: a re-run of the same migration resumes after the last finished step,
first dropping an INVALID index a failed concurrent build left behind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

import psycopg

from schema_assets.apply import history
from schema_assets.apply.revision import ExecStep, Migration
from schema_assets.apply.steps import StepResult, run_step, undo_failed
from schema_assets.errors import ApplyError

log = logging.getLogger(__name__)


def _run_steps(
    conn: psycopg.Connection,
    key: str,
    steps: Sequence[ExecStep],
    finish: Callable[[list[StepResult]], None],
    *,
    compensate: bool = True,
) -> list[StepResult]:
    """Run steps: consecutive transactional ones share one transaction, others run alone.

    `finish(results)` runs in the same transaction as the last step when that step is
    transactional (so the history row commits with the DDL), else in its own transaction.
    Progress is recorded under `key`; steps already recorded there are skipped (resume).
    When a step fails, the transaction it was in is rolled back and the rest of the migration
    is compensated (`steps.undo_failed`; not for rollbacks: `compensate=False`); the
    ApplyError raised says what that did.
    """
    done = history.finished_steps(conn, key)
    if done:
        log.info("resuming %s after %d finished steps", key, len(done))
    results: list[StepResult] = []
    position = 1
    finished = False
    try:
        while position <= len(steps):
            step = steps[position - 1]
            if position in done:
                results.append(
                    StepResult(position, step.object, step.action, done[position], resumed=True)
                )
                position += 1
                continue
            if not step.transactional:
                results.append(run_step(conn, step, position, key=key))
                position += 1
                continue
            with conn.transaction():
                while position <= len(steps):
                    step = steps[position - 1]
                    if not step.transactional or position in done:
                        break
                    results.append(run_step(conn, step, position, key=key))
                    position += 1
                if position > len(steps):
                    finish(results)
                    finished = True
    except ApplyError as exc:
        if not compensate:
            raise
        failed = min(position, len(steps))
        undo = undo_failed(conn, steps, key, failed)
        raise ApplyError(f"{exc}\n{undo.describe()}") from exc
    if not finished:
        with conn.transaction():
            finish(results)
    return results


def apply_migration(
    conn: psycopg.Connection, migration: Migration, *, snapshot: bool = True
) -> list[StepResult]:
    """Apply `migration` (connection in autocommit mode, migration lock held) and record it.

    Raises ApplyError naming the step and saying how the migration was undone (see
    `_run_steps`); the failure is recorded in `schema_version` with that message.
    """
    from schema_assets.catalog import take_snapshot

    history.ensure(conn)
    started = time.perf_counter()

    def finish(results: list[StepResult]) -> None:
        _record(
            conn,
            migration,
            started,
            success=True,
            steps=[r.to_dict() for r in results],
            snapshot=take_snapshot(conn).to_dict() if snapshot else None,
        )
        history.clear_steps(conn, migration.revision)

    try:
        return _run_steps(conn, migration.revision, migration.up, finish)
    except ApplyError as exc:
        _record_failure(conn, migration, started, str(exc))
        raise


def _record(conn: psycopg.Connection, migration: Migration, started: float, **outcome) -> None:
    """One `schema_version` row for this migration; `outcome` says how it ended."""
    history.record(
        conn,
        version=migration.revision,
        description=migration.message,
        checksum=migration.checksum,
        up_sql=migration.up_sql,
        down_sql=migration.down_sql,
        backend="direct",
        duration_ms=round((time.perf_counter() - started) * 1000),
        target_fingerprint=migration.target_fingerprint,
        migration=migration.to_dict(),
        **outcome,
    )


def _record_failure(
    conn: psycopg.Connection, migration: Migration, started: float, error: str
) -> None:
    try:
        with conn.transaction():
            _record(conn, migration, started, success=False, error=error)
    except psycopg.Error:  # pragma: no cover - the failure itself is what matters
        log.exception("could not record the failed migration %s", migration.revision)


def rollback_migration(conn: psycopg.Connection, row: history.HistoryRow) -> list[StepResult]:
    """Undo one applied migration with its recorded down steps and mark it rolled back.

    Alembic's version table, when present, moves back to the previous applied version so
    that both backends keep agreeing on the current state.
    """
    if row.migration is None:
        raise ApplyError(f"revision {row.version} has no recorded steps to roll back")
    migration = Migration.from_dict(row.migration)
    if migration.down is None:
        raise ApplyError(
            f"revision {row.version} cannot be rolled back: "
            f"{migration.irreversible_reason or 'it is irreversible'}"
        )

    def finish(results: list[StepResult]) -> None:
        history.mark_rolled_back(conn, row.version)
        history.clear_steps(conn, f"{row.version}:down")
        move_alembic_version(conn)

    return _run_steps(conn, f"{row.version}:down", migration.down, finish, compensate=False)


def move_alembic_version(conn: psycopg.Connection) -> None:
    """Point Alembic's version table (if any) at the last applied migration, after a rollback."""
    if conn.execute("SELECT to_regclass('schema_assets.alembic_version')").fetchone()[0] is None:
        return
    remaining = [r.version for r in history.applied(conn)]
    if not conn.execute("DELETE FROM schema_assets.alembic_version").rowcount:
        return  # Alembic never stamped this database: the next Alembic run syncs it
    if remaining:
        conn.execute(
            "INSERT INTO schema_assets.alembic_version (version_num) VALUES (%s)", (remaining[-1],)
        )
