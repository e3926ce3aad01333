"""Adopt a database that already has the warehouse schema (and data) without touching it.

With revisions in `migrations/versions`: when the database is exactly the desired state at
head, every revision is recorded as applied (not run) and Alembic's version table points at
head. Without revisions: when the database is what the schema files describe, a baseline
revision is written from the files (it runs them, frozen beside it, on an empty database) and
recorded as applied. Otherwise the plan that would make it match is returned; `force` (only
with no revisions) writes a baseline of the live state as it is.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

from schema_assets.apply import history as records
from schema_assets.apply.chain import History, desired_snapshot
from schema_assets.apply.lock import migration_lock
from schema_assets.apply.migration import Migration
from schema_assets.apply.revision import RevisionFile, read_revision_file
from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.config import Settings
from schema_assets.errors import BadInputError
from schema_assets.plan import Plan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AdoptResult:
    adopted: bool
    plan: Plan  # live database -> desired state (empty when they match)
    backend: str
    revision: str | None = None
    revision_file: Path | None = None
    stamped: tuple[str, ...] = ()  # existing revisions recorded as applied

    def describe(self) -> str:
        if not self.adopted:
            return f"not adopted: the database differs ({self.plan.summary()})"
        lines = [f"adopted with the {self.backend} backend; no data was changed"]
        if self.revision_file:
            lines.append(f"baseline revision: {self.revision_file} (commit it)")
        if self.stamped:
            lines.append(f"recorded as applied: {', '.join(self.stamped)}")
        if not self.plan.is_empty:
            lines.append(f"still pending (run `schema-assets apply`): {self.plan.summary()}")
        return "\n".join(lines)


def _managed(conn: psycopg.Connection) -> bool:
    from schema_assets.apply.alembic import current_revision

    return bool(records.applied(conn)) or current_revision(conn) is not None


def adopt(
    url: str, settings: Settings, *, force: bool = False, message: str = "baseline"
) -> AdoptResult:
    """Baseline + stamp an existing database (see module docstring); never changes its data."""
    from schema_assets.apply.backend import select_backend
    from schema_assets.database import connect

    choice = select_backend(settings)
    with connect(url, autocommit=True) as conn, migration_lock(conn, settings.lock_wait):
        return adopt_locked(conn, url, settings, choice.name, force=force, message=message)


def _diff(live: Snapshot, target: Snapshot, settings: Settings, label: str) -> Plan:
    from schema_assets.diff import diff_snapshots

    return diff_snapshots(
        live, target, managed_partition_pattern=settings.managed_partition_pattern,
        source_label="live database", target_label=label, using=settings.using,
    )  # fmt: skip


def adopt_locked(
    conn: psycopg.Connection,
    url: str,
    settings: Settings,
    backend: str,
    *,
    force: bool = False,
    message: str = "baseline",
) -> AdoptResult:
    """`adopt` for a caller that already holds the migration lock on `conn`."""
    from schema_assets.apply.autogen import compute
    from schema_assets.database import mask_url

    if _managed(conn):
        raise BadInputError(
            f"{mask_url(url)} is already managed (it has a migration history): "
            "use `schema-assets apply`"
        )
    history = History.read(settings.migrations_dir / "versions")
    server = settings.shadow_server(url)
    live = take_snapshot(conn)
    head = history.head
    if head is not None:
        plan = _diff(live, desired_snapshot(history, head, server), settings, f"state at {head}")
        if not plan.is_empty:
            if force:
                raise BadInputError(
                    f"{history.versions_dir} already holds revisions, so the live state (which "
                    "differs from head's) cannot become their baseline. Make the database match "
                    "first, or adopt into an empty versions directory."
                )
            return AdoptResult(False, plan, backend)
        chain = history.ordered(history.ancestors(head))
        records.ensure(conn)
        for rf in chain:
            _record(conn, rf.migration(), rf, backend, live)
        _stamp(conn, chain[-1].revision)
        log.info("adopted: recorded %d existing revisions as applied", len(chain))
        return AdoptResult(True, plan, backend, stamped=tuple(r.revision for r in chain))
    if settings.mode == "versioned":
        raise BadInputError(
            "versioned mode never writes into the code tree, and there is no baseline revision "
            "yet: adopt once in declarative mode (a developer machine) and commit the baseline"
        )
    from schema_assets.shadow import shadow_snapshot

    files_plan = _diff(live, shadow_snapshot(list(settings.schema_files), server), settings,
                       "schema files")  # fmt: skip
    if not files_plan.is_empty and not force:
        return AdoptResult(False, files_plan, backend)
    with tempfile.TemporaryDirectory() as tmp:
        files = settings.schema_files if files_plan.is_empty else _live_sql(live, server, Path(tmp))
        new = compute(history, files, server, settings, message)
        if new is None:  # an empty database and empty files: nothing to record
            return AdoptResult(True, files_plan, backend)
        path = new.write(history.versions_dir)
    rf = read_revision_file(path)
    records.ensure(conn)
    _record(conn, rf.migration(), rf, backend, live)
    _stamp(conn, rf.revision)
    return AdoptResult(True, files_plan, backend, rf.revision, path)


def _live_sql(live: Snapshot, server: str, folder: Path) -> list[Path]:
    """`adopt --force`: the live state as one schema file (the SQL that builds it from empty)."""
    from schema_assets.apply.desired import empty_snapshot
    from schema_assets.diff import diff_snapshots

    plan = diff_snapshots(empty_snapshot(server), live, source_label="empty", target_label="live")
    path = folder / "schema.sql"
    path.write_text(
        "-- The live database as adopted (schema-assets adopt --force).\n\n"
        + "\n\n".join(s.rstrip().rstrip(";") + ";" for s in plan.up_sql())
        + "\n",
        encoding="utf-8",
    )
    return [path]


def _record(
    conn: psycopg.Connection, migration: Migration, rf: RevisionFile, backend: str, live: Snapshot
) -> None:
    records.record(
        conn,
        version=migration.revision,
        description=f"{migration.message} (adopted: recorded, not executed)",
        checksum=rf.checksum,
        up_sql=migration.up_sql,
        down_sql=migration.down_sql,
        backend=backend,
        success=True,
        duration_ms=0,
        steps=[],
        snapshot=live.to_dict(),
        target_fingerprint=rf.desired_sha256,
        migration=migration.to_dict(),
    )


def _stamp(conn: psycopg.Connection, revision: str) -> None:
    """What `alembic stamp` does (no Alembic needed): the version table points at `revision`."""
    from schema_assets.apply.alembic import set_current

    set_current(conn, revision)
