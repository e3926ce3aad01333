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
from dataclasses import dataclass

import psycopg
from psycopg import sql

from schema_assets.apply import history
from schema_assets.apply.lock import RETRY_DELAYS_S, is_lock_timeout
from schema_assets.apply.revision import ExecStep, Migration
from schema_assets.database import mask_secrets
from schema_assets.errors import ApplyError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepResult:
    step: int
    object: str
    action: str
    duration_ms: int
    resumed: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "step": self.step,
            "object": self.object,
            "action": self.action,
            "duration_ms": self.duration_ms,
            "resumed": self.resumed,
        }


def _server_message(exc: psycopg.Error) -> str:
    diag = exc.diag
    message = (diag.message_primary or str(exc)).strip()
    if diag.sqlstate:
        message += f" [SQLSTATE {diag.sqlstate}]"
    return mask_secrets(message)


def _execute(conn: psycopg.Connection, index: int, step: ExecStep, stmt: str) -> None:
    """One statement, retried on lock timeout (inside a savepoint when in a transaction)."""
    for attempt, delay in enumerate((*RETRY_DELAYS_S, None)):
        try:
            if step.transactional:
                with conn.transaction():  # a savepoint: a lock timeout does not doom the rest
                    conn.execute(stmt.encode(), prepare=False)
            else:
                conn.execute(stmt.encode(), prepare=False)
            return
        except psycopg.Error as exc:
            if not step.transactional and already_applied(stmt, exc):
                log.warning(
                    "step %d (%s): already applied by an interrupted run", index, step.label
                )
                return
            if delay is not None and is_lock_timeout(exc):
                log.warning(
                    "step %d (%s): lock timeout, retry %d in %.1fs",
                    index, step.label, attempt + 1, delay,
                )  # fmt: skip
                time.sleep(delay)
                continue
            raise ApplyError(
                f"step {index} ({step.label}) failed: {_server_message(exc)}\n"
                f"  statement: {stmt.strip().splitlines()[0][:160]}"
            ) from exc


#: A non-transactional statement failing with these already had its effect: the run that
#: issued it was killed after the server finished it but before the step was recorded.
_ALREADY_DONE = {
    "IndexStmt": "42P07",  # CREATE INDEX CONCURRENTLY: relation already exists
    "DropStmt": "42704",  # DROP INDEX CONCURRENTLY: index does not exist
    "AlterEnumStmt": "42710",  # ALTER TYPE ... ADD VALUE: enum label already exists
}


def already_applied(stmt: str, exc: BaseException) -> bool:
    """True when a non-transactional step failed only because its effect is already there."""
    from pglast import parse_sql

    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None)
    try:
        node = parse_sql(stmt)[0].stmt
    except Exception:
        return False
    kind = type(node).__name__
    if _ALREADY_DONE.get(kind) != sqlstate:
        return False
    if kind in ("IndexStmt", "DropStmt") and not getattr(node, "concurrent", False):
        return False
    return True


def drop_invalid_index(conn: psycopg.Connection, stmt: str) -> None:
    """Before retrying `CREATE INDEX CONCURRENTLY`, drop the INVALID index a failure left."""
    from pglast import parse_sql
    from pglast.ast import IndexStmt

    try:
        parsed = parse_sql(stmt)
    except Exception:
        return
    node = parsed[0].stmt if parsed else None
    if not isinstance(node, IndexStmt) or not node.concurrent or not node.idxname:
        return
    schema = node.relation.schemaname or "public"
    row = conn.execute(
        "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
        (schema, node.idxname),
    ).fetchone()
    if row and row[0]:
        log.warning("dropping invalid index %s.%s left by a failed build", schema, node.idxname)
        conn.execute(
            sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}.{}").format(
                sql.Identifier(schema), sql.Identifier(node.idxname)
            )
        )


def _run_steps(
    conn: psycopg.Connection,
    key: str,
    steps: Sequence[ExecStep],
    finish: Callable[[list[StepResult]], None],
) -> list[StepResult]:
    """Run steps: consecutive transactional ones share one transaction, others run alone.

    `finish(results)` runs in the same transaction as the last step when that step is
    transactional (so the history row commits with the DDL), else in its own transaction.
    Progress is recorded under `key`; steps already recorded there are skipped (resume).
    """
    done = history.finished_steps(conn, key)
    if done:
        log.info("resuming %s after %d finished steps", key, len(done))
    results: list[StepResult] = []
    index = 0
    finished = False
    while index < len(steps):
        step = steps[index]
        if index + 1 in done:
            results.append(StepResult(index + 1, step.object, step.action, done[index + 1], True))
            index += 1
            continue
        if not step.transactional:
            started = time.perf_counter()
            for stmt in step.statements:
                drop_invalid_index(conn, stmt)
                _execute(conn, index + 1, step, stmt)
            ms = round((time.perf_counter() - started) * 1000)
            history.record_step(conn, key, index + 1, step.object, step.action, ms)
            log.info("step %d: %s (%d ms, autocommit)", index + 1, step.label, ms)
            results.append(StepResult(index + 1, step.object, step.action, ms))
            index += 1
            continue
        with conn.transaction():
            while index < len(steps) and steps[index].transactional and index + 1 not in done:
                step = steps[index]
                started = time.perf_counter()
                for stmt in step.statements:
                    _execute(conn, index + 1, step, stmt)
                ms = round((time.perf_counter() - started) * 1000)
                log.info("step %d: %s (%d ms)", index + 1, step.label, ms)
                results.append(StepResult(index + 1, step.object, step.action, ms))
                history.record_step(conn, key, index + 1, step.object, step.action, ms)
                index += 1
            if index >= len(steps):
                finish(results)
                finished = True
    if not finished:
        with conn.transaction():
            finish(results)
    return results


def apply_migration(
    conn: psycopg.Connection, migration: Migration, *, snapshot: bool = True
) -> list[StepResult]:
    """Apply `migration` (connection in autocommit mode, migration lock held) and record it.

    Raises ApplyError naming the step; transactional work of a failed run is rolled back, and
    finished non-transactional steps stay recorded so the next run resumes after them.
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

    return _run_steps(conn, f"{row.version}:down", migration.down, finish)


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
