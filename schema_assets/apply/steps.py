"""The one step runner: every migration statement of every applier runs through here.

The direct backend, the Alembic `op.step` operation and the rehearsal all call `run_step`,
which gives each statement the same treatment: `lock_timeout` retried with backoff (inside a
savepoint when a transaction is open, so a timeout does not doom it), "already applied"
detection for non-transactional statements a killed run had finished, the INVALID index of a
failed concurrent build dropped before a retry, and timing. Finished steps are recorded in
`schema_version_steps` under a key (in the step's own transaction when it has one), which is
what both resuming after a kill and compensating after a failure read.

Transaction boundaries are the caller's: `run_step` runs inside whatever transaction is open
on the connection (none: autocommit). Catalog reads and history writes are separate
functions, so a caller can keep them out of a transaction that holds a table lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from schema_assets.apply import history, lock
from schema_assets.apply.migration import ExecStep
from schema_assets.errors import ApplyError, server_message
from schema_assets.render.text import one_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepResult:
    step: int  # position in the migration (1-based)
    object: str
    action: str
    duration_ms: int
    resumed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "object": self.object,
            "action": self.action,
            "duration_ms": self.duration_ms,
            "resumed": self.resumed,
        }


def _in_transaction(conn: psycopg.Connection) -> bool:
    return conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


def _statement_head(stmt: str) -> str:
    return one_line(stmt.strip().splitlines()[0] if stmt.strip() else "", 160)


def execute(conn: psycopg.Connection, stmt: str, *, position: int, label: str) -> None:
    """One statement, verbatim (no parameters: `%` and `:name` stay text).

    A lock timeout is retried after each delay of `lock.RETRY_DELAYS_S`; inside a transaction
    each attempt runs in a savepoint. Outside one, a statement whose effect a killed run had
    already produced counts as done. Raises ApplyError naming the step and the server's message.
    """
    for attempt, delay in enumerate((*lock.RETRY_DELAYS_S, None)):
        try:
            if _in_transaction(conn):
                with conn.transaction():  # a savepoint: a lock timeout does not doom the rest
                    conn.execute(stmt.encode(), prepare=False)
            else:
                conn.execute(stmt.encode(), prepare=False)
            return
        except psycopg.Error as exc:
            if not _in_transaction(conn) and already_applied(stmt, exc):
                log.warning("step %d (%s): already applied by an interrupted run", position, label)
                return
            if delay is not None and lock.is_lock_timeout(exc):
                log.warning(
                    "step %d (%s): lock timeout, retry %d in %.1fs",
                    position, one_line(label), attempt + 1, delay,
                )  # fmt: skip
                time.sleep(delay)
                continue
            raise ApplyError(
                f"step {position} ({one_line(label)}) failed: {server_message(exc)}\n"
                f"  statement: {_statement_head(stmt)}"
            ) from exc


def run_step(
    conn: psycopg.Connection, step: ExecStep, position: int, *, key: str | None
) -> StepResult:
    """Run one step's statements in the connection's current transaction state, timed.

    With a `key`, the finished step is recorded in `schema_version_steps` (in the same
    transaction when one is open, so the record commits or vanishes with the step).
    """
    started = time.perf_counter()
    for stmt in step.statements:
        if not _in_transaction(conn):
            drop_invalid_index(conn, stmt)
        execute(conn, stmt, position=position, label=step.label)
    ms = round((time.perf_counter() - started) * 1000)
    if key is not None:
        history.record_step(conn, key, position, step.object or step.label, step.action, ms)
    log.info("step %d: %s (%d ms%s)", position, one_line(step.label), ms,
             "" if _in_transaction(conn) else ", autocommit")  # fmt: skip
    return StepResult(position, step.object or step.label, step.action, ms)


# ----------------------------------------------------------------------------- interrupted runs

#: A non-transactional statement failing with these already had its effect: the run that
#: issued it was killed after the server finished it but before the step was recorded.
_ALREADY_DONE = {
    "IndexStmt": "42P07",  # CREATE INDEX CONCURRENTLY: relation already exists
    "DropStmt": "42704",  # DROP INDEX CONCURRENTLY: index does not exist
    "AlterEnumStmt": "42710",  # ALTER TYPE ... ADD VALUE: enum label already exists
}


def _parse_one(stmt: str) -> Any:  # a pglast node, or None
    from pglast import parse_sql

    try:
        parsed = parse_sql(stmt)
    except Exception:  # not parseable here: treat as opaque
        return None
    return parsed[0].stmt if len(parsed) == 1 else None


def already_applied(stmt: str, exc: BaseException) -> bool:
    """True when a non-transactional step failed only because its effect is already there."""
    orig = getattr(exc, "orig", exc)
    node = _parse_one(stmt)
    if node is None:
        return False
    kind = type(node).__name__
    if _ALREADY_DONE.get(kind) != getattr(orig, "sqlstate", None):
        return False
    if kind in ("IndexStmt", "DropStmt") and not getattr(node, "concurrent", False):
        return False
    return True


def _concurrent_index(stmt: str) -> tuple[str, str] | None:
    """(schema, name) of the index a `CREATE INDEX CONCURRENTLY name ...` builds."""
    from pglast.ast import IndexStmt

    node = _parse_one(stmt)
    if not isinstance(node, IndexStmt) or not node.concurrent or not node.idxname:
        return None
    rel: Any = node.relation
    return rel.schemaname or "public", node.idxname


def drop_invalid_index(conn: psycopg.Connection, stmt: str) -> str | None:
    """Drop the INVALID index a failed `CREATE INDEX CONCURRENTLY` left; returns its name."""
    target = _concurrent_index(stmt)
    if target is None:
        return None
    schema, name = target
    row = conn.execute(
        "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
        (schema, name),
    ).fetchone()
    if not row or not row[0]:
        return None
    log.warning(
        "dropping invalid index %s.%s left by a failed build", one_line(schema), one_line(name)
    )
    conn.execute(
        sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}.{}").format(
            sql.Identifier(schema), sql.Identifier(name)
        )
    )
    return f"{schema}.{name}"


def _validated_constraint(stmt: str) -> tuple[str, str, str] | None:
    """(schema, table, constraint) of an `ALTER TABLE ... VALIDATE CONSTRAINT c`."""
    from pglast.ast import AlterTableStmt
    from pglast.enums import AlterTableType

    node = _parse_one(stmt)
    if not isinstance(node, AlterTableStmt):
        return None
    cmds: Any = node.cmds or ()
    rel: Any = node.relation
    if len(cmds) != 1 or cmds[0].subtype != AlterTableType.AT_ValidateConstraint:
        return None
    return (rel.schemaname or "public", rel.relname, cmds[0].name) if cmds[0].name else None


def drop_unvalidated_constraint(conn: psycopg.Connection, stmt: str) -> str | None:
    """After a failed `VALIDATE CONSTRAINT c`: drop `c` if it is still there NOT VALID."""
    target = _validated_constraint(stmt)
    if target is None:
        return None
    schema, table, name = target
    row = conn.execute(
        "SELECT NOT con.convalidated FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND con.conname = %s",
        (schema, table, name),
    ).fetchone()
    if not row or not row[0]:
        return None
    conn.execute(
        sql.SQL("ALTER TABLE {}.{} DROP CONSTRAINT {}").format(
            sql.Identifier(schema), sql.Identifier(table), sql.Identifier(name)
        )
    )
    return f"{schema}.{table}.{name}"


# ----------------------------------------------------------------------------- compensation


@dataclass(frozen=True)
class Undo:
    """What compensating a failed migration did."""

    undone: tuple[str, ...] = ()  # labels of finished steps undone with their down SQL
    leftovers: tuple[str, ...] = ()  # objects the failed step itself left behind, removed
    stopped_after: tuple[int, str] | None = None  # an irreversible finished step: kept
    problems: tuple[str, ...] = ()  # compensation that failed (the database is in between)

    def describe(self) -> str:
        """One paragraph for the error message and the history row."""
        done = []
        if self.undone:
            done.append(f"{len(self.undone)} finished step(s) undone with their down SQL")
        if self.leftovers:
            done.append(f"removed what the failed step left: {', '.join(self.leftovers)}")
        summary = "; ".join(done) or "nothing had committed"
        if self.problems:
            return (
                f"the migration was NOT fully undone ({summary}); compensation failed: "
                + "; ".join(self.problems)
                + ". The database is between revisions: repair it, then apply again"
            )
        if self.stopped_after is not None:
            position, label = self.stopped_after
            return (
                f"the migration was undone back to step {position} ({one_line(label)}), which "
                f"cannot be undone ({summary}). The database stays right after that step; "
                "fix the cause and apply again: the run resumes after it"
            )
        return f"the migration was undone ({summary}): the database is at the previous revision"


def undo_failed(conn: psycopg.Connection, steps: Sequence[ExecStep], key: str, failed: int) -> Undo:
    """Compensate a migration whose step `failed` (1-based position) raised.

    `conn` is in autocommit mode with no transaction open (the failed transaction is already
    rolled back). Finished steps are read from `schema_version_steps` (so steps finished by an
    earlier, killed run count too) and undone newest first with their down SQL, each down in
    a transaction of its own when the step was transactional; the progress row goes with it.
    An irreversible finished step stops the compensation: the steps up to it stay recorded, so
    the next run resumes right after it. Then the failed step's own leftovers go: the INVALID
    index of a concurrent build, the NOT VALID constraint a VALIDATE could not validate.
    """
    finished = history.finished_steps(conn, key)
    undone: list[str] = []
    problems: list[str] = []
    stopped: tuple[int, str] | None = None
    for position in sorted((p for p in finished if 0 < p < failed), reverse=True):
        step = steps[position - 1]
        if step.down is None:
            stopped = (position, step.label)
            break
        down = ExecStep(step.number, step.kind, f"undo {step.action}", step.object, step.down,
                        step.transactional, down=())  # fmt: skip
        try:
            if step.transactional:
                with conn.transaction():
                    run_step(conn, down, position, key=None)
                    history.delete_step(conn, key, position)
            else:
                run_step(conn, down, position, key=None)
                history.delete_step(conn, key, position)
        except (ApplyError, psycopg.Error) as exc:
            problems.append(f"undoing step {position} ({one_line(step.label)}): {exc}")
            break
        if step.down:
            undone.append(step.label)
    leftovers = [] if problems else _remove_leftovers(conn, steps, failed, problems)
    if not problems and stopped is None:
        history.clear_steps(conn, key)
    outcome = Undo(tuple(undone), tuple(leftovers), stopped, tuple(problems))
    log.warning("%s", outcome.describe())
    return outcome


def _added_constraints(steps: Sequence[ExecStep]) -> set[tuple[str, str, str]]:
    """(schema, table, constraint) of every `ALTER TABLE ... ADD CONSTRAINT` among `steps`."""
    from pglast.ast import AlterTableStmt
    from pglast.enums import AlterTableType

    out: set[tuple[str, str, str]] = set()
    for step in steps:
        for stmt in step.statements:
            node = _parse_one(stmt)
            if not isinstance(node, AlterTableStmt):
                continue
            rel: Any = node.relation
            cmds: Any = node.cmds or ()
            for cmd in cmds:
                if cmd.subtype == AlterTableType.AT_AddConstraint and cmd.def_.conname:
                    out.add((rel.schemaname or "public", rel.relname, cmd.def_.conname))
    return out


def _remove_leftovers(
    conn: psycopg.Connection, steps: Sequence[ExecStep], failed: int, problems: list[str]
) -> list[str]:
    """Objects the failed step left half-made: only ever ones this migration created (a NOT
    VALID constraint that existed before the migration stays, as the previous revision had it)."""
    step = steps[failed - 1]
    ours = _added_constraints(steps[: failed - 1])
    removed = []
    for stmt in step.statements:
        try:
            found = [drop_invalid_index(conn, stmt)]
            if _validated_constraint(stmt) in ours:
                found.append(drop_unvalidated_constraint(conn, stmt))
            removed += [one_line(f) for f in found if f]
        except psycopg.Error as exc:
            problems.append(f"removing what step {step.label} left: {server_message(exc)}")
    return removed
