"""The direct backend: runs revisions (read from their files, never imported) itself.

Each transactional step commits in a transaction of its own; a non-transactional step
(`CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`, `ALTER TYPE ... ADD VALUE`) runs alone
in autocommit. History is written after the last step, never under a step's table lock.
Every step goes through the shared step runner (`apply.steps`) and is recorded in
`schema_version_steps`: a killed run resumes after the last finished step, a failed one is
undone. The result is recorded in `schema_version`, and Alembic's version table is kept
pointing at the same revision, so either backend can carry on after the other.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg

from schema_assets.apply import history
from schema_assets.apply.migration import ExecStep, Migration
from schema_assets.apply.revision import RevisionFile
from schema_assets.apply.steps import StepResult, run_step, undo_failed
from schema_assets.errors import ApplyError, BadInputError
from schema_assets.render.text import visible

log = logging.getLogger(__name__)


def run_steps(
    conn: psycopg.Connection,
    key: str,
    steps: Sequence[ExecStep],
    finish: Callable[[list[StepResult]], None],
    *,
    compensate: bool = True,
) -> list[StepResult]:
    """Run steps, each committed on its own: a transactional step in a transaction of its own
    (with its progress row), a non-transactional one in autocommit.

    One step per transaction is lock hygiene: a table lock is held for that step's statements
    only, never across the next step's lock wait, a catalog read or a history write. After
    the last step, `finish(results)` runs with no transaction open and writes history in one
    of its own (the step records make a run killed in between resume straight to it).
    Progress is recorded under `key`; steps already recorded there are skipped (resume). When
    a step fails, its transaction is rolled back and the rest of the migration is compensated
    (`steps.undo_failed`; not for rollbacks: `compensate=False`); the ApplyError raised says
    what that did.
    """
    done = history.finished_steps(conn, key)
    if done:
        log.info("resuming %s after %d finished steps", key, len(done))
    results: list[StepResult] = []
    position = 1
    try:
        for position, step in enumerate(steps, 1):
            if position in done:
                results.append(
                    StepResult(position, step.object, step.action, done[position], resumed=True)
                )
            elif step.transactional:
                with conn.transaction():
                    results.append(run_step(conn, step, position, key=key))
            else:
                results.append(run_step(conn, step, position, key=key))
    except ApplyError as exc:
        if not compensate:
            raise
        undo = undo_failed(conn, steps, key, min(position, len(steps)))
        raise ApplyError(f"{exc}\n{undo.describe()}") from exc
    finish(results)
    return results


def apply_revision(conn: psycopg.Connection, rf: RevisionFile) -> list[StepResult]:
    """Apply a revision file without Alembic; code only Alembic can run is refused first."""
    if rf.opaque:
        raise BadInputError(
            f"{rf.path}: has code the direct applier cannot run ({visible(rf.opaque[0])}); "
            "apply it with Alembic (SCHEMA_ASSETS_BACKEND=alembic)"
        )
    return apply_migration(
        conn, rf.migration(), target_fingerprint=rf.desired_sha256, keep_alembic=True
    )


def apply_migration(
    conn: psycopg.Connection,
    migration: Migration,
    *,
    snapshot: bool = True,
    kind: str = "revision",
    target_fingerprint: str | None = None,
    keep_alembic: bool = False,
) -> list[StepResult]:
    """Apply `migration` (connection in autocommit mode, migration lock held) and record it.

    Raises ApplyError naming the step and saying how the migration was undone (see
    `_run_steps`); the failure is recorded in `schema_version` with that message.
    """
    from schema_assets.catalog import take_snapshot

    history.ensure(conn)
    started = time.perf_counter()

    record = {"kind": kind, "target_fingerprint": target_fingerprint}

    def finish(results: list[StepResult]) -> None:
        # The catalog read first, in a read-only transaction of its own; then the writes.
        after = take_snapshot(conn).to_dict() if snapshot else None
        with conn.transaction():
            _record(
                conn, migration, started, success=True, steps=[r.to_dict() for r in results],
                snapshot=after, **record,
            )  # fmt: skip
            history.clear_steps(conn, migration.revision)
            if keep_alembic:
                from schema_assets.apply.alembic import set_current

                set_current(conn, migration.revision)

    try:
        return run_steps(conn, migration.revision, migration.up, finish)
    except ApplyError as exc:
        _record_failure(conn, migration, started, str(exc), record)
        raise


def _record(conn: psycopg.Connection, migration: Migration, started: float, **outcome: Any) -> None:
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
        migration=migration.to_dict(),
        **outcome,
    )


def _record_failure(
    conn: psycopg.Connection,
    migration: Migration,
    started: float,
    error: str,
    record: dict[str, Any],
) -> None:
    try:
        with conn.transaction():
            _record(conn, migration, started, success=False, error=error, **record)
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
        with conn.transaction():
            history.mark_rolled_back(conn, row.version)
            history.clear_steps(conn, f"{row.version}:down")
            move_alembic_version(conn)

    return run_steps(conn, f"{row.version}:down", migration.down, finish, compensate=False)


def move_alembic_version(conn: psycopg.Connection) -> None:
    """Point Alembic's version table at the last applied revision, after a rollback."""
    from schema_assets.apply.alembic import set_current

    remaining = [r.version for r in history.applied(conn)]
    set_current(conn, remaining[-1] if remaining else None)
