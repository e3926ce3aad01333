"""Which backend runs, and `migrate`: the one entry point the CLI and Dagster call to apply.

Alembic is primary. `SCHEMA_ASSETS_BACKEND=direct` or the emergency switch
`SCHEMA_ASSETS_DISABLE_ALEMBIC=1` force the direct backend; `auto` falls back to it only when
Alembic cannot be imported or its environment fails to load, and says so loudly;
`SCHEMA_ASSETS_BACKEND=alembic` never falls back. Both backends write `schema_version`, so
whichever runs next knows what is applied.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from schema_assets.apply import history
from schema_assets.apply.integrity import check_integrity
from schema_assets.apply.lock import migration_lock, set_lock_timeout
from schema_assets.apply.revision import (
    Migration,
    build_migration,
    chain_head,
    new_revision_id,
    revision_files,
    write_revision,
)
from schema_assets.apply.sync import sync_revision_files
from schema_assets.config import Settings
from schema_assets.errors import BadInputError, PlanRefusedError
from schema_assets.plan import Plan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackendChoice:
    name: str  # "alembic" | "direct"
    reason: str
    forced: bool  # chosen by configuration rather than by a failed probe


@dataclass(frozen=True)
class ApplyResult:
    backend: str
    reason: str
    revision: str | None
    plan: Plan
    steps: list[tuple[str, str, int]] = field(default_factory=list)  # (object, action, ms)
    total_ms: int = 0
    skipped: bool = False  # nothing to do: the database already matches
    dry_run: bool = False
    revision_file: Path | None = None

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
        }


def select_backend(settings: Settings) -> BackendChoice:
    """The backend to use and why (see module docstring for the rules)."""
    from schema_assets.apply import alembic as alembic_backend

    if settings.disable_alembic:
        return BackendChoice("direct", "SCHEMA_ASSETS_DISABLE_ALEMBIC=1 (emergency switch)", True)
    if settings.backend == "direct":
        return BackendChoice("direct", "SCHEMA_ASSETS_BACKEND=direct", True)
    problem = alembic_backend.probe(settings)
    if settings.backend == "alembic":
        if problem:
            raise alembic_backend.AlembicUnavailable(
                f"SCHEMA_ASSETS_BACKEND=alembic but Alembic cannot be used: {problem}. "
                "Fix it, or set SCHEMA_ASSETS_BACKEND=direct to use the direct applier."
            )
        return BackendChoice("alembic", "SCHEMA_ASSETS_BACKEND=alembic", True)
    if problem:
        log.warning(
            "!!! FALLING BACK TO THE DIRECT APPLIER: %s. Migrations are recorded in "
            "schema_assets.schema_version and Alembic will continue from them once fixed. !!!",
            problem,
        )
        return BackendChoice("direct", f"automatic fallback: {problem}", False)
    return BackendChoice("alembic", "default (Alembic available)", False)


def refuse_destructive(plan: Plan, allow: bool) -> None:
    """Raise PlanRefusedError listing destructive steps unless destruction is allowed."""
    if allow or not plan.destructive_steps:
        return
    listed = "\n".join(
        f"  - step {plan.steps.index(s) + 1}: {s.action} {s.kind} {s.object} "
        f"({', '.join(s.hazards)})"
        for s in plan.destructive_steps
    )
    raise PlanRefusedError(
        f"the plan has {len(plan.destructive_steps)} destructive step(s):\n{listed}\n"
        "Re-run with --allow-destructive (or SCHEMA_ASSETS_ALLOW_DESTRUCTIVE=1) to apply them; "
        "their data is archived in schema_assets_archive first."
    )


def irreversible_notice(plan: Plan) -> list[str]:
    """Lines for `apply --dry-run`: steps that cannot be undone, and what a failure after them
    does (the apply stops right after such a step instead of undoing the migration)."""
    from schema_assets.render.text import one_line

    lines = []
    for position, step in enumerate(plan.steps, 1):
        if step.down is None:
            lines.append(
                f"  step {position}: {one_line(f'{step.action} {step.kind} {step.object}')}: "
                f"{one_line(step.irreversible_reason or 'irreversible')}"
            )
    if not lines:
        return []
    return [
        "irreversible steps (if a later step fails, the migration is undone back to the last "
        "of these and stops there; fix the cause and apply again to resume after it):",
        *lines,
    ]


def _plan(url: str, settings: Settings) -> Plan:
    from schema_assets.planner import plan_database

    return plan_database(url, settings.schema_files, settings)


def _connect(url: str) -> psycopg.Connection:
    from schema_assets.database import connect

    return connect(url, autocommit=True)


def _existing_ids(conn: psycopg.Connection, versions: Path | None) -> list[str]:
    ids = [r.version for r in history.rows(conn)]
    if versions is not None:
        ids += list(revision_files(versions))
    return ids


# ----------------------------------------------------------------------------- migrate


def _server_url(settings: Settings) -> str:
    from schema_assets.database import server_url

    return server_url(settings)


def migrate(
    url: str | None = None,
    settings: Settings | None = None,
    *,
    allow_destructive: bool | None = None,
    message: str = "auto",
    dry_run: bool = False,
    plan: Plan | None = None,
) -> ApplyResult:
    """Plan → refuse destructive steps unless allowed → apply with the chosen backend → record.

    `plan` may be given (tests, callers that planned already); else the live database is
    planned against the project's schema files. `dry_run` returns the plan and changes nothing.
    """
    settings = settings or Settings.from_env()
    url = url or _server_url(settings)
    allow = settings.allow_destructive if allow_destructive is None else allow_destructive
    choice = select_backend(settings)
    started = time.perf_counter()
    with _connect(url) as conn, migration_lock(conn):
        if not dry_run:
            history.ensure(conn)
        if choice.name == "alembic":
            result = _migrate_alembic(conn, url, settings, choice, allow, message, dry_run, plan)
        else:
            result = _migrate_direct(conn, url, settings, choice, allow, message, dry_run, plan)
    return dataclasses.replace(result, total_ms=round((time.perf_counter() - started) * 1000))


def _result(choice: BackendChoice, plan: Plan, **kw: Any) -> ApplyResult:
    return ApplyResult(backend=choice.name, reason=choice.reason, plan=plan, **kw)


def _migrate_direct(
    conn: psycopg.Connection,
    url: str,
    settings: Settings,
    choice: BackendChoice,
    allow: bool,
    message: str,
    dry_run: bool,
    plan: Plan | None,
) -> ApplyResult:
    from schema_assets.apply import direct

    resumed = None if dry_run else _unfinished(conn)
    if resumed is not None:
        migration = resumed
        plan = Plan.from_dict(migration.plan or {})
        log.info("resuming unfinished migration %s", migration.revision)
    else:
        plan = plan if plan is not None else _plan(url, settings)
        if plan.is_empty:
            return _result(choice, plan, revision=None, skipped=True, dry_run=dry_run)
        refuse_destructive(plan, allow)
        if dry_run:
            return _result(choice, plan, revision=None, dry_run=True)
        revision = new_revision_id(
            message, _existing_ids(conn, settings.migrations_dir / "versions")
        )
        migration = build_migration(plan, revision, message)
    set_lock_timeout(conn, settings.lock_timeout)
    results = direct.apply_migration(conn, migration)
    return _result(
        choice,
        plan,
        revision=migration.revision,
        steps=[(r.object, r.action, r.duration_ms) for r in results],
    )


def _unfinished(conn: psycopg.Connection) -> Migration | None:
    """A failed direct migration with finished non-transactional steps: resume it."""
    rows = history.rows(conn)
    if not rows:
        return None
    last = rows[-1]
    if last.success or last.backend != "direct" or last.migration is None:
        return None
    if not history.finished_steps(conn, last.version):
        return None
    return Migration.from_dict(last.migration)


def _migrate_alembic(
    conn: psycopg.Connection,
    url: str,
    settings: Settings,
    choice: BackendChoice,
    allow: bool,
    message: str,
    dry_run: bool,
    plan: Plan | None,
) -> ApplyResult:
    from schema_assets.apply import alembic as alembic_backend

    cfg = alembic_backend.make_config(settings, url, lock_held=True)
    versions = alembic_backend.versions_dir(cfg)
    if not dry_run:
        sync_revision_files(conn, cfg, versions)
    check_integrity(conn, versions)
    files = revision_files(versions)
    head = chain_head(files)
    current = alembic_backend.current_revision(conn)
    pending = _pending(files, head, current)
    if pending and current is None and not history.applied(conn) and _has_user_tables(conn):
        pending = _adopt_first(conn, url, settings, len(pending), dry_run)
    steps: list[tuple[str, str, int]] = []
    if pending and not dry_run:
        for rf in pending:
            if rf.plan:
                refuse_destructive(Plan.from_dict(rf.plan), allow)
        alembic_backend.upgrade(cfg, "head")
        steps += _recorded_steps(conn, [rf.revision for rf in pending])
    plan = plan if plan is not None and not pending else _plan(url, settings)
    if plan.is_empty:
        applied = pending[-1].revision if pending else None
        return _result(
            choice, plan, revision=applied, steps=steps, skipped=not pending, dry_run=dry_run
        )
    refuse_destructive(plan, allow)
    if dry_run:
        return _result(choice, plan, revision=None, dry_run=True)
    revision = new_revision_id(message, _existing_ids(conn, versions))
    migration = build_migration(plan, revision, message)
    path = write_revision(versions, migration, head)
    log.info("wrote revision %s", path)
    try:
        alembic_backend.upgrade(cfg, "head")
    except Exception:
        path.unlink(missing_ok=True)  # a revision that never applied is not history;
        history.clear_steps(conn, revision)  # what did commit is re-planned from the live state
        raise
    steps += _recorded_steps(conn, [revision])
    return _result(choice, plan, revision=revision, steps=steps, revision_file=path)


def _adopt_first(
    conn: psycopg.Connection, url: str, settings: Settings, pending: int, dry_run: bool
) -> list:
    """An unmanaged database with tables, and revisions that would create them again.

    When it already is exactly what the schema files describe, adopt it (record the
    revisions as applied, change nothing) and carry on; otherwise ask for `adopt`.
    """
    from schema_assets.apply.adopt import adopt_locked
    from schema_assets.planner import plan_database

    if dry_run or not plan_database(url, settings.schema_files, settings).is_empty:
        raise BadInputError(
            f"the database already has tables but no migration history, and {pending} "
            "revision file(s) would create them again: run `schema-assets adopt` first (it "
            "records the existing schema without changing it, or shows what differs)"
        )
    result = adopt_locked(conn, url, settings, "alembic")
    log.warning(
        "adopted a database that already matched the schema files: %s recorded as applied, "
        "nothing executed",
        ", ".join(result.stamped) or result.revision,
    )
    return []


def _has_user_tables(conn: psycopg.Connection) -> bool:
    return conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
        "'information_schema', 'schema_assets', 'schema_assets_archive') "
        "AND n.nspname NOT LIKE 'pg_toast%')"
    ).fetchone()[0]


def _pending(files: dict, head: str | None, current: str | None) -> list:
    """Revision files between Alembic's current revision and head, oldest first."""
    chain = []
    node = head
    while node is not None and node != current:
        rf = files.get(node)
        if rf is None:
            break
        chain.append(rf)
        node = rf.down_revision
    if node != current:
        raise BadInputError(
            f"the database is at revision {current}, which is not in the chain of "
            f"migrations/versions (head {head}); restore the missing revision file"
        )
    return list(reversed(chain))


def _recorded_steps(conn: psycopg.Connection, versions: list[str]) -> list[tuple[str, str, int]]:
    out = []
    for row in history.applied(conn):
        if row.version in versions:
            out += [
                (s.get("object", ""), s.get("action", ""), s.get("duration_ms", 0))
                for s in row.steps
            ]
    return out


# ----------------------------------------------------------------------------- revision


def write_plan_revision(
    url: str | None = None, settings: Settings | None = None, *, message: str = "auto"
) -> tuple[Plan, Path | None]:
    """`schema-assets revision`: write the current plan as the next revision file (not applied).

    Returns the plan and the file (None when the plan is empty: nothing to write).
    """
    settings = settings or Settings.from_env()
    url = url or _server_url(settings)
    versions = settings.migrations_dir / "versions"
    with _connect(url) as conn, migration_lock(conn):
        files = revision_files(versions)
        current = None
        if history.exists(conn):
            applied = history.applied(conn)
            current = applied[-1].version if applied else None
        head = chain_head(files)
        if head != current:
            raise BadInputError(
                f"migrations/versions has unapplied revisions (head {head}, database at "
                f"{current or 'nothing'}): run `schema-assets apply` first, so the new revision "
                "is planned from the state they produce"
            )
        plan = _plan(url, settings)
        if plan.is_empty:
            return plan, None
        revision = new_revision_id(message, _existing_ids(conn, versions))
        path = write_revision(versions, build_migration(plan, revision, message), head)
        return plan, path
