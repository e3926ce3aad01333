"""Which backend runs, and the one `migrate` / `rollback` entry point the CLI and Dagster call.

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
from schema_assets.apply.lock import migration_lock, set_lock_timeout
from schema_assets.apply.revision import (
    Migration,
    RevisionEditedError,
    build_migration,
    chain_head,
    new_revision_id,
    revision_files,
    write_revision,
)
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


# ----------------------------------------------------------------------------- integrity


def verify_integrity(conn: psycopg.Connection, versions: Path) -> list[str]:
    """Problems with applied revision files: edited after being applied (checksum mismatch)."""
    files = revision_files(versions)
    problems = []
    for row in history.applied(conn):
        rf = files.get(row.version)
        if rf is not None and rf.checksum != row.checksum:
            problems.append(
                f"{rf.path}: edited after it was applied (recorded checksum {row.checksum[:12]}, "
                f"file now {rf.checksum[:12]})"
            )
    return problems


def check_integrity(conn: psycopg.Connection, versions: Path) -> None:
    problems = verify_integrity(conn, versions)
    if problems:
        raise RevisionEditedError(
            "applied revision files were changed:\n  "
            + "\n  ".join(problems)
            + "\nRestore them (e.g. `git checkout -- <file>`), or accept the edits with "
            "`schema-assets revision --repair` if the database already matches them."
        )


def repair_checksums(url: str | None = None, settings: Settings | None = None) -> list[str]:
    """Accept edited applied revision files: record their current checksums. Returns versions."""
    settings = settings or Settings.from_env()
    url = url or _server_url(settings)
    versions = settings.migrations_dir / "versions"
    files = revision_files(versions)
    repaired = []
    with _connect(url) as conn, migration_lock(conn):
        for row in history.applied(conn):
            rf = files.get(row.version)
            if rf is not None and rf.checksum != row.checksum:
                history.set_checksum(conn, row.version, rf.checksum)
                repaired.append(row.version)
    return repaired


# ----------------------------------------------------------------------------- cross-backend


def sync_revision_files(conn: psycopg.Connection, cfg: Any, versions: Path) -> list[Path]:
    """Give Alembic every migration the direct backend applied: write files, then stamp.

    Applied `schema_version` rows without a revision file get one, written from the recorded
    statements (nothing is re-executed); Alembic's version table then points at the last
    applied migration. Returns the files written.
    """
    from schema_assets.apply import alembic as alembic_backend

    applied = history.applied(conn)
    files = revision_files(versions)
    written: list[Path] = []
    previous = None
    for row in applied:
        if row.version not in files and row.migration is not None:
            migration = Migration.from_dict(row.migration)
            path = write_revision(versions, migration, previous)
            written.append(path)
            log.info("wrote %s for migration applied by the %s backend", path.name, row.backend)
        previous = row.version
    _set_aside_stale(versions, [r.version for r in applied])
    current = alembic_backend.current_revision(conn)
    target = applied[-1].version if applied else None
    if target and current != target:
        alembic_backend.stamp(cfg, target)
        log.info("stamped Alembic at %s (was %s)", target, current or "empty")
    return written


def _set_aside_stale(versions: Path, applied: list[str]) -> list[Path]:
    """Rename unapplied revision files that branch off the applied chain to `*.py.stale`.

    They were rolled back (or written but never applied) before another backend moved the
    database on; keeping them would give Alembic two heads. Their changes are not lost: the
    next plan is computed from the live state, and the file stays beside the others.
    """
    files = revision_files(versions)
    position = {v: i for i, v in enumerate(applied)}
    stale: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rf in files.values():
            if rf.revision in position or rf.revision in stale:
                continue
            parent = rf.down_revision
            branches_off = (parent is None and applied) or (
                parent in position and position[parent] < len(applied) - 1
            )
            if branches_off or parent in stale:
                stale.add(rf.revision)
                changed = True
    moved = []
    for revision in sorted(stale):
        path = files[revision].path
        target = path.with_name(path.name + ".stale")
        path.rename(target)
        log.warning("set aside %s: it is not applied and branches off the applied chain", path.name)
        moved.append(target)
    return moved


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
        path.unlink(missing_ok=True)  # a revision that never applied is not history
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


# ----------------------------------------------------------------------------- rollback


def _irreversible(conn: psycopg.Connection, targets: list[str]) -> list[tuple[str, str]]:
    """(version, reason) of the revisions among `targets` that have no down SQL."""
    by_version = {r.version: r for r in history.applied(conn)}
    out = []
    for version in targets:
        recorded = by_version[version].migration
        if recorded is not None and recorded.get("down") is None:
            out.append((version, recorded.get("irreversible_reason") or "an irreversible step"))
    return out


def _refuse_irreversible(conn: psycopg.Connection, targets: list[str]) -> None:
    """Check every revision to undo before undoing any: all of them, or nothing."""
    from schema_assets.errors import ApplyError

    for version, reason in _irreversible(conn, targets):
        raise ApplyError(
            f"revision {version} cannot be rolled back: {reason}. Nothing was rolled back; "
            "restore archived data (`schema-assets restore`), write a forward revision, or "
            "use `rollback --revert-irreversible` to bring the structure back from the "
            "recorded snapshot."
        )


def revert_to_snapshot(
    conn: psycopg.Connection, url: str, settings: Settings, targets: list[str]
) -> None:
    """Undo `targets` by planning from the live schema to the one recorded before them.

    For revisions without down SQL (a dropped column, a baseline): the structure comes back
    exactly as recorded in `schema_version` after the last revision that stays (or an empty
    database); data the revisions deleted does not (it is in `schema_assets_archive`: use
    `schema-assets restore`). Objects the reverted revisions created are dropped with their
    data, as their down SQL would. Runs with the direct step runner whatever the backend,
    then marks the revisions rolled back and moves Alembic's version back.
    """
    from schema_assets.apply import direct
    from schema_assets.apply.adopt import empty_snapshot
    from schema_assets.catalog import Snapshot, take_snapshot
    from schema_assets.diff import diff_snapshots

    applied = history.applied(conn)
    remaining = applied[: len(applied) - len(targets)]
    if remaining:
        recorded = conn.execute(
            "SELECT snapshot FROM schema_assets.schema_version WHERE id = %s", (remaining[-1].id,)
        ).fetchone()[0]
        if recorded is None:
            raise BadInputError(
                f"revision {remaining[-1].version} has no recorded snapshot to revert to"
            )
        target, label = Snapshot.from_dict(recorded), f"state after {remaining[-1].version}"
    else:
        target, label = empty_snapshot(url), "empty database"
    plan = diff_snapshots(
        take_snapshot(conn), target, managed_partition_pattern=settings.managed_partition_pattern,
        source_label="live", target_label=label,
    )  # fmt: skip
    migration = build_migration(plan, f"revert_{targets[-1]}", f"revert to {label}", archive=False)
    log.warning("reverting %s to the %s: %s", ", ".join(targets), label, plan.summary())

    def finish(results: list[direct.StepResult]) -> None:
        for version in targets:
            history.mark_rolled_back(conn, version)
        history.clear_steps(conn, migration.revision)
        direct.move_alembic_version(conn)

    direct._run_steps(conn, migration.revision, migration.up, finish)


def rollback(
    url: str | None = None,
    settings: Settings | None = None,
    *,
    to: str | None = None,
    steps: int = 1,
    revert_irreversible: bool = False,
) -> list[str]:
    """Undo the last `steps` migrations, or every migration after revision `to` (`base`: all).

    Returns the versions rolled back, newest first. Works with either backend. A revision
    with an irreversible step is refused unless `revert_irreversible`: then the schema is
    brought back to the snapshot recorded after the last revision that stays (see
    `revert_to_snapshot`).
    """
    settings = settings or Settings.from_env()
    url = url or _server_url(settings)
    choice = select_backend(settings)
    with _connect(url) as conn, migration_lock(conn):
        history.ensure(conn)
        applied = [r.version for r in history.applied(conn)]
        if to is not None:
            if to != "base" and to not in applied:
                raise BadInputError(
                    f"revision {to!r} is not applied; applied: {', '.join(applied) or 'none'}"
                )
            keep = 0 if to == "base" else applied.index(to) + 1
            targets = list(reversed(applied[keep:]))
        else:
            if steps < 1:
                raise BadInputError("--steps must be at least 1")
            targets = list(reversed(applied[-steps:]))
        if not targets:
            return []
        set_lock_timeout(conn, settings.lock_timeout)
        if revert_irreversible and _irreversible(conn, targets):
            revert_to_snapshot(conn, url, settings, targets)
            return targets
        _refuse_irreversible(conn, targets)
        if choice.name == "alembic":
            from schema_assets.apply import alembic as alembic_backend

            cfg = alembic_backend.make_config(settings, url, lock_held=True)
            versions = alembic_backend.versions_dir(cfg)
            sync_revision_files(conn, cfg, versions)
            remaining = applied[: len(applied) - len(targets)]
            alembic_backend.downgrade(cfg, remaining[-1] if remaining else "base")
        else:
            from schema_assets.apply import direct

            by_version = {r.version: r for r in history.applied(conn)}
            for version in targets:
                direct.rollback_migration(conn, by_version[version])
        return targets


# ----------------------------------------------------------------------------- revision, status


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


def status(url: str | None = None, settings: Settings | None = None) -> dict[str, Any]:
    """What `schema-assets status` shows: backend and why, revisions, history, pending plan."""
    from schema_assets.apply import alembic as alembic_backend
    from schema_assets.database import mask_url

    settings = settings or Settings.from_env()
    url = url or _server_url(settings)
    out: dict[str, Any] = {"database": mask_url(url)}
    try:
        choice = select_backend(settings)
        out["backend"] = {"name": choice.name, "reason": choice.reason, "forced": choice.forced}
    except Exception as exc:  # strict mode with Alembic broken: report, don't hide the rest
        out["backend"] = {"name": None, "reason": str(exc), "forced": True}
    versions = settings.migrations_dir / "versions"
    with _connect(url) as conn:
        out["alembic_current"] = alembic_backend.current_revision(conn)
        rows = history.rows(conn, limit=10)
        applied = history.applied(conn)
        out["applied_version"] = applied[-1].version if applied else None
        out["applied_count"] = len(applied)
        out["history"] = [r.to_dict() for r in rows]
        try:
            files = revision_files(versions)
            out["integrity"] = verify_integrity(conn, versions) or "ok"
            head = chain_head(files)
            out["revision_files"] = len(files)
            out["head"] = head
            applied_ids = {r.version for r in applied}
            out["unapplied_revision_files"] = sorted(r for r in files if r not in applied_ids)
        except BadInputError as exc:
            out["integrity"] = [str(exc)]
    try:
        plan = _plan(url, settings)
        out["pending"] = {
            "summary": plan.summary(),
            "steps": len(plan.steps),
            "destructive": len(plan.destructive_steps),
        }
    except Exception as exc:  # the planner failing must not hide what is applied
        out["pending"] = {"error": str(exc)}
    return out
