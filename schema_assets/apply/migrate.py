"""`migrate`: the one entry point the CLI and Dagster call to apply the schema files.

    files pass the statement policy      (no connection yet; exit 2)
    versioned: files == head's state     (no connection yet; exit 1)
    lock → integrity of applied revision files
    unmanaged database with tables → adopt it if it is already what history/files describe
    drift: live == desired state at the applied revision, else exit 1 (or --repair-drift)
    declarative: new revision = head's state → files, written to migrations/versions
    pending revisions → the chosen backend (Alembic `upgrade head`, or the direct applier)

A revision is never computed from the live database (see `autogen`), and only declarative
mode writes into the code tree.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from schema_assets.apply import gate
from schema_assets.apply import history as records
from schema_assets.apply.backend import BackendChoice, select_backend
from schema_assets.apply.chain import History
from schema_assets.apply.integrity import check_integrity
from schema_assets.apply.lock import migration_lock, set_lock_timeout
from schema_assets.apply.revision import RevisionFile
from schema_assets.config import Settings
from schema_assets.errors import ApplyError, BadInputError, PlanRefusedError
from schema_assets.plan import Plan
from schema_assets.render.text import one_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApplyResult:
    backend: str
    reason: str
    revision: str | None  # the revision the database is at afterwards (None: unchanged)
    plan: Plan  # the new revision's plan (empty when the files matched head's state)
    steps: list[tuple[str, str, int]] = field(default_factory=list)  # (object, action, ms)
    total_ms: int = 0
    skipped: bool = False  # nothing to do: the database already matches
    dry_run: bool = False
    revision_file: Path | None = None  # written by this run: commit it
    applied: tuple[str, ...] = ()  # revisions applied by this run, in order
    repaired: bool = False  # drift was repaired first (--repair-drift)

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "reason": self.reason,
            "revision": self.revision,
            "summary": self.plan.summary(),
            "steps": [{"object": o, "action": a, "duration_ms": ms} for o, a, ms in self.steps],
            "total_ms": self.total_ms,
            "skipped": self.skipped,
            "dry_run": self.dry_run,
            "revision_file": str(self.revision_file) if self.revision_file else None,
            "applied": list(self.applied),
            "repaired": self.repaired,
        }


def refuse_destructive(plan: Plan, allow: bool) -> None:
    """Raise PlanRefusedError listing destructive steps unless destruction is allowed."""
    if allow or not plan.destructive_steps:
        return
    listed = "\n".join(
        f"  - step {plan.steps.index(s) + 1}: {one_line(f'{s.action} {s.kind} {s.object}')} "
        f"({', '.join(s.hazards)})"
        for s in plan.destructive_steps
    )
    raise PlanRefusedError(
        f"the plan has {len(plan.destructive_steps)} destructive step(s):\n{listed}\n"
        "Re-run with --allow-destructive (or SCHEMA_ASSETS_ALLOW_DESTRUCTIVE=1) to apply them; "
        "their data is archived in schema_assets_archive first."
    )


def _refuse_destructive_revisions(pending: list[RevisionFile], allow: bool) -> None:
    if allow:
        return
    listed = [
        f"  - {rf.revision} step {s.number}: {one_line(s.label)}"
        for rf in pending
        for s in rf.up
        if s.destructive
    ]
    if listed:
        raise PlanRefusedError(
            "pending revisions have destructive step(s):\n" + "\n".join(listed) + "\nRe-run "
            "with --allow-destructive (or SCHEMA_ASSETS_ALLOW_DESTRUCTIVE=1) to apply them; "
            "their data is archived in schema_assets_archive first."
        )


def irreversible_notice(plan: Plan) -> list[str]:
    """Lines for `apply --dry-run`: steps that cannot be undone, and what a failure after them
    does (the apply stops right after such a step instead of undoing the migration)."""
    lines = [
        f"  step {position}: {one_line(f'{s.action} {s.kind} {s.object}')}: "
        f"{one_line(s.irreversible_reason or 'irreversible')}"
        for position, s in enumerate(plan.steps, 1)
        if s.down is None
    ]
    if not lines:
        return []
    return [
        "irreversible steps (if a later step fails, the migration is undone back to the last "
        "of these and stops there; fix the cause and apply again to resume after it):",
        *lines,
    ]


def _has_user_tables(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', "
        "'information_schema', 'schema_assets', 'schema_assets_archive') "
        "AND n.nspname NOT LIKE 'pg_toast%')"
    ).fetchone()
    return bool(row and row[0])


def _interrupted(conn: psycopg.Connection, pending: list[RevisionFile]) -> str | None:
    """A pending revision a killed (or stopped) run left steps of: it resumes, no drift check."""
    for rf in pending:
        if records.has_progress(conn, rf.revision):
            return rf.revision
    return None


def migrate(
    url: str,
    settings: Settings,
    *,
    allow_destructive: bool | None = None,
    message: str = "auto",
    dry_run: bool = False,
    repair_drift: bool = False,
) -> ApplyResult:
    """Bring the database at `url` to the schema files through history (see module docstring).

    `dry_run` computes what would happen (the new revision's plan) and changes nothing.
    """
    from schema_assets.database import mask_url
    from schema_assets.shadow import shadow_snapshot
    from schema_assets.sqlfiles import load_desired_state

    allow = settings.allow_destructive if allow_destructive is None else allow_destructive
    server = settings.shadow_server(url)
    versions = settings.migrations_dir / "versions"
    history = History.read(versions)
    load_desired_state(settings.schema_files)
    if settings.mode == "versioned":
        gate.require_committed(history, settings.schema_files, server, settings)
    else:  # a broken schema file fails here (exit 2, file:line), before any lock or check
        shadow_snapshot(list(settings.schema_files), server)
    choice = select_backend(settings)
    started = time.perf_counter()
    with _connect(url) as conn, migration_lock(conn, settings.lock_wait):
        history = History.read(versions)  # again: a run we waited for may have added one
        if not dry_run:
            records.ensure(conn)
        check_integrity(conn, history)
        applied = [r.version for r in records.applied(conn)]
        unknown = [v for v in applied if v not in history.files]
        if unknown:
            raise BadInputError(
                f"the database has revision(s) {', '.join(unknown)} applied that are not in "
                f"{versions}: restore those revision files (e.g. `git pull`)"
            )
        repaired = False
        if not applied and _has_user_tables(conn):
            applied = _adopt_first(conn, url, settings, choice, history, dry_run)
            history = History.read(versions)
        pending = history.pending(set(applied))
        current = applied[-1] if applied else None
        if _interrupted(conn, pending) is None:
            plan = gate.drift(conn, history, current, server, settings, mask_url(url))
            if not plan.is_empty:
                if not repair_drift:
                    raise gate.refuse(plan, current)
                refuse_destructive(plan, allow)
                if not dry_run:
                    set_lock_timeout(conn, settings.lock_timeout)
                    gate.repair(conn, plan, current)
                    repaired = True
        new_plan, written = Plan(), None
        if settings.mode == "declarative":
            new_plan, written = _new_revision(history, settings, server, message, allow, dry_run)
            if written is not None:
                history = History.read(versions)
                pending = history.pending(set(applied))
        _refuse_destructive_revisions(pending, allow)
        if dry_run or not pending:
            return _result(
                choice, new_plan, revision=None, skipped=not pending and not new_plan.steps,
                dry_run=dry_run, repaired=repaired, started=started,
            )  # fmt: skip
        records.mark_started(conn, [rf.revision for rf in pending])
        try:
            _apply_pending(conn, url, settings, choice, pending)
        except ApplyError:
            records.clear_unstarted(conn, [rf.revision for rf in pending])
            if written is not None and not records.finished_steps(conn, written.stem):
                _forget(written)  # undone, never applied anywhere: not history (yet)
            raise
        steps = _recorded_steps(conn, [rf.revision for rf in pending])
    return _result(
        choice, new_plan, revision=pending[-1].revision, steps=steps, revision_file=written,
        applied=tuple(rf.revision for rf in pending), repaired=repaired, started=started,
    )  # fmt: skip


def _connect(url: str) -> psycopg.Connection:
    from schema_assets.database import connect

    return connect(url, autocommit=True)


def _result(choice: BackendChoice, plan: Plan, *, started: float, **kw: Any) -> ApplyResult:
    total = round((time.perf_counter() - started) * 1000)
    return ApplyResult(backend=choice.name, reason=choice.reason, plan=plan, total_ms=total, **kw)


def _new_revision(
    history: History, settings: Settings, server: str, message: str, allow: bool, dry_run: bool
) -> tuple[Plan, Path | None]:
    """Declarative mode: the revision from head's desired state to the files, written."""
    from schema_assets.apply.autogen import compute

    new = compute(history, settings.schema_files, server, settings, message)
    if new is None:
        return Plan(), None
    refuse_destructive(new.plan, allow)
    if dry_run:
        return new.plan, None
    path = new.write(history.versions_dir)
    log.info("new revision %s (%s): commit it", path, new.plan.summary())
    return new.plan, path


def _forget(path: Path) -> None:
    """Remove a revision file written by this run (and its frozen schema files)."""
    shutil.rmtree(path.with_suffix(""), ignore_errors=True)
    path.unlink(missing_ok=True)


def _apply_pending(
    conn: psycopg.Connection,
    url: str,
    settings: Settings,
    choice: BackendChoice,
    pending: list[RevisionFile],
) -> None:
    set_lock_timeout(conn, settings.lock_timeout)
    if choice.name == "direct":
        from schema_assets.apply import direct

        for rf in pending:
            direct.apply_revision(conn, rf)
        return
    from schema_assets.apply import alembic as alembic_backend

    applied = [r.version for r in records.applied(conn)]
    current = applied[-1] if applied else None
    if alembic_backend.current_revision(conn) != current:  # the direct backend moved on
        alembic_backend.set_current(conn, current)
    cfg = alembic_backend.make_config(settings, url, lock_held=True)
    alembic_backend.upgrade(cfg, "head")


def _adopt_first(
    conn: psycopg.Connection,
    url: str,
    settings: Settings,
    choice: BackendChoice,
    history: History,
    dry_run: bool,
) -> list[str]:
    """An unmanaged database with tables: adopt it when it already is what history describes,
    or, declarative with no history yet, as it is (its live state becomes the baseline, and
    the difference to the files the next revision); otherwise ask for `adopt`. Returns the
    applied list."""
    from schema_assets.apply.adopt import adopt_locked

    if not dry_run:
        first = settings.mode == "declarative" and not history.files
        result = adopt_locked(conn, url, settings, choice.name, force=first)
        if result.adopted:
            log.warning(
                "adopted a database that already matched: %s recorded as applied, nothing run",
                ", ".join(result.stamped) or result.revision,
            )
            return [r.version for r in records.applied(conn)]
    raise BadInputError(
        "the database already has tables but no migration history, and they differ from what "
        f"{'the revisions' if history.files else 'the schema files'} describe: run "
        "`schema-assets adopt` first (it records the existing schema without changing it, or "
        "shows what differs)"
    )


def _recorded_steps(conn: psycopg.Connection, versions: list[str]) -> list[tuple[str, str, int]]:
    out = []
    for row in records.applied(conn):
        if row.version in versions:
            out += [
                (s.get("object", ""), s.get("action", ""), s.get("duration_ms", 0))
                for s in row.steps
            ]
    return out


def write_new_revision(
    settings: Settings, server_url: str, *, message: str
) -> tuple[Plan, Path | None]:
    """`schema-assets revision`: the next revision from history, written (not applied).

    Works in either mode (it is how revisions for versioned deployments are made) and needs
    no warehouse, only a server for shadows. Returns the plan and the file (None: no change).
    """
    from schema_assets.apply.autogen import compute

    history = History.read(settings.migrations_dir / "versions")
    new = compute(history, settings.schema_files, server_url, settings, message)
    if new is None:
        return Plan(), None
    return new.plan, new.write(history.versions_dir)
