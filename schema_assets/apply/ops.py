"""schema-assets' Alembic operations, registered when `migrations/env.py` imports this module.

- `op.step(label, up, down=(), *, transactional=True, destructive=False, irreversible=None)`:
  one step through the shared step runner (`apply.steps`): lock-timeout retries, savepoints,
  resume after a kill, timing; a non-transactional step runs in an autocommit block.
- `op.sql_file(path)`: every statement of a frozen schema file (a baseline), one step.
- `op.undo(upgrade)`: the down SQL of `upgrade()`'s `op.step` calls, last first; refuses
  before running anything when one of them is irreversible.
- `op.irreversible(reason)`: the body of a `downgrade()` that must not run.

Offline (`--sql`) each prints its SQL instead. Statements written by hand (`op.execute`,
`op.add_column`, ...) are timed by `Recorder` and land in `schema_version` with the steps.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, cast

import psycopg
from alembic.operations import MigrateOperation, Operations

from schema_assets.apply import history
from schema_assets.apply.migration import ExecStep, down_steps
from schema_assets.apply.revision import read_revision_file, undoable
from schema_assets.apply.steps import StepResult, run_step
from schema_assets.errors import ApplyError
from schema_assets.render.text import one_line

log = logging.getLogger(__name__)


class StepFailed(ApplyError):
    """A step of a revision failed inside Alembic; env.py undoes the revision and records it."""

    def __init__(self, message: str, path: Path, key: str, position: int) -> None:
        super().__init__(message)
        self.path, self.key, self.position = path, key, position


@dataclass
class Run:
    """The revision being run in this process: its file, progress key and what it did."""

    path: Path
    revision: str
    key: str  # `<revision>` upgrading, `<revision>:down` downgrading
    count: int = 0
    timings: list[dict[str, Any]] = field(default_factory=list)


_CURRENT: list[Run] = []


def current() -> Run | None:
    """The revision whose upgrade()/downgrade() is on the call stack (None: none is)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_name
        revision = frame.f_globals.get("revision")
        path = frame.f_globals.get("__file__")
        if name in ("upgrade", "downgrade") and isinstance(revision, str) and path:
            key = revision + (":down" if name == "downgrade" else "")
            if not _CURRENT or _CURRENT[0].key != key:
                _CURRENT[:] = [Run(Path(path), revision, key)]
            return _CURRENT[0]
        frame = frame.f_back
    return None


def drain() -> Run | None:
    """The finished revision's record (and forget it)."""
    run = _CURRENT[0] if _CURRENT else None
    _CURRENT.clear()
    return run


def _emit(operations: Operations, step: ExecStep) -> None:
    impl = operations.get_context().impl
    for stmt in step.statements:
        impl.static_output(stmt.rstrip().rstrip(";") + ";\n")


def _execute(operations: Operations, step: ExecStep) -> None:
    ctx = operations.get_context()
    run = current()
    if run is None:
        raise ApplyError(f"op.{step.action} called outside a revision's upgrade()/downgrade()")
    run.count += 1
    position = run.count
    block = contextlib.nullcontext() if step.transactional else ctx.autocommit_block()
    if ctx.as_sql:
        with block:
            _emit(operations, step)
        return
    with block:
        # Straight to psycopg, without parameters: `%` and `:name` in SQL stay literal text.
        driver = cast(psycopg.Connection, operations.get_bind().connection.driver_connection)
        done = history.finished_steps(driver, run.key)
        if position in done:
            log.info("step %d: %s already done by an interrupted run", position, step.label)
            result = StepResult(position, step.label, step.action, done[position], resumed=True)
        else:
            try:
                result = run_step(driver, step, position, key=run.key)
            except ApplyError as exc:
                raise StepFailed(str(exc), run.path, run.key, position) from exc
    run.timings.append({**result.to_dict(), "object": step.label})


@Operations.register_operation("step")
class StepOp(MigrateOperation):
    """One step of a generated revision: its SQL and the SQL that undoes it."""

    def __init__(
        self,
        label: str,
        up: str | tuple[str, ...],
        down: str | tuple[str, ...] | None = (),
        *,
        transactional: bool = True,
        destructive: bool = False,
        irreversible: str | None = None,
    ) -> None:
        self.label, self.up, self.down = label, up, down
        self.transactional, self.destructive, self.irreversible = (
            transactional, destructive, irreversible,
        )  # fmt: skip

    @classmethod
    def step(cls, operations: Operations, label: str, up: Any, down: Any = (), **kw: Any) -> None:
        return operations.invoke(cls(label, up, down, **kw))

    def exec_step(self) -> ExecStep:
        action, _, obj = self.label.partition(" ")
        return ExecStep(
            0, "", action, obj, _tuple(self.up), self.transactional,
            down=None if self.down is None else _tuple(self.down),
            destructive=self.destructive, irreversible_reason=self.irreversible,
        )  # fmt: skip

    def to_diff_tuple(self) -> tuple[str, str]:
        """What `alembic check` lists for a pending step."""
        return ("schema_assets_step", one_line(self.label))


def _tuple(sql: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (sql.strip(),) if isinstance(sql, str) else tuple(s.strip() for s in sql)


@Operations.implementation_for(StepOp)
def _step(operations: Operations, operation: StepOp) -> None:
    _execute(operations, operation.exec_step())


@Operations.register_operation("sql_file")
class SqlFileOp(MigrateOperation):
    """Every statement of a schema file frozen beside the revision (a baseline's body)."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def sql_file(cls, operations: Operations, path: str) -> None:
        return operations.invoke(cls(path))


@Operations.implementation_for(SqlFileOp)
def _sql_file(operations: Operations, operation: SqlFileOp) -> None:
    from schema_assets.apply.desired import resolve
    from schema_assets.sqlfiles import load_statements

    run = current()
    if run is None:
        raise ApplyError("op.sql_file called outside a revision's upgrade()")
    path = resolve(run.path.parent, operation.path)
    statements = tuple(s.text for s in load_statements([path]))
    _execute(operations, ExecStep(0, "file", "run", operation.path, statements, down=None))


@Operations.register_operation("undo")
class UndoOp(MigrateOperation):
    """The down SQL of an upgrade function's `op.step` calls, last first."""

    def __init__(self, upgrade: Any) -> None:
        self.upgrade = upgrade

    @classmethod
    def undo(cls, operations: Operations, upgrade: Any) -> None:
        return operations.invoke(cls(upgrade))


@Operations.implementation_for(UndoOp)
def _undo(operations: Operations, operation: UndoOp) -> None:
    source = inspect.getsourcefile(operation.upgrade)
    if source is None:
        raise ApplyError("op.undo needs the upgrade function of a revision file")
    rf = read_revision_file(Path(source))  # parsed, not run: only its literal op.step calls
    steps, reason = down_steps(undoable(rf.up))
    if steps is None:
        raise ApplyError(
            f"revision {rf.revision} cannot be rolled back: {reason}. Restore from a backup or "
            "write a new forward revision instead."
        )
    for step in steps:
        _execute(operations, step)


@Operations.register_operation("irreversible")
class IrreversibleOp(MigrateOperation):
    """A downgrade() that refuses to run, with the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @classmethod
    def irreversible(cls, operations: Operations, reason: str) -> None:
        return operations.invoke(cls(reason))


@Operations.implementation_for(IrreversibleOp)
def _irreversible(operations: Operations, operation: IrreversibleOp) -> None:
    run = current()
    revision = run.revision if run else "this revision"
    raise ApplyError(
        f"revision {revision} cannot be rolled back: {operation.reason}. Restore from a backup "
        "or write a new forward revision instead."
    )


class Recorder:
    """Times statements written by hand in a revision (`op.execute`, `op.add_column`, ...).

    Listens on the SQLAlchemy engine; the `op.*` operations above run on psycopg directly and
    are timed by the step runner, Alembic's own version-table statements are skipped.
    """

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self._started: dict[int, float] = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        started = self._started.pop(id(cursor), None)
        if started is None or "alembic_version" in statement:
            return
        run = current()
        if run is None:
            return
        head = statement.strip().splitlines()[0] if statement.strip() else ""
        run.timings.append({
            "step": None, "object": one_line(head, 120), "action": "execute",
            "duration_ms": round((time.perf_counter() - started) * 1000), "hand_written": True,
        })  # fmt: skip
