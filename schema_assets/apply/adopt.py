"""Adopt a database that already has the warehouse schema (and data) without touching it.

If it matches the schema files, a baseline revision is written (the full create SQL from an
empty database, so a fresh database can be built from revisions) and stamped: recorded as
applied, nothing executed. If it does not match, the plan that would make it match is
returned instead; `force` baselines the live state as it is and leaves the difference for the
next `apply`.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import psycopg

from schema_assets.apply import history
from schema_assets.apply.lock import migration_lock
from schema_assets.apply.revision import (
    Migration,
    RevisionFile,
    build_migration,
    chain_head,
    new_revision_id,
    revision_files,
    write_revision,
)
from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.config import Settings
from schema_assets.errors import BadInputError
from schema_assets.plan import Plan

log = logging.getLogger(__name__)

BASELINE_IRREVERSIBLE = "it is a baseline: undoing it would drop the whole warehouse"


@dataclass(frozen=True)
class AdoptResult:
    adopted: bool
    plan: Plan  # live database -> schema files (empty when they match)
    backend: str
    revision: str | None = None
    revision_file: Path | None = None
    stamped: tuple[str, ...] = ()  # existing revisions recorded as applied

    def describe(self) -> str:
        if not self.adopted:
            return (
                f"not adopted: the database differs from the schema files ({self.plan.summary()})"
            )
        lines = [f"adopted with the {self.backend} backend; no data was changed"]
        if self.revision_file:
            lines.append(f"baseline revision: {self.revision_file}")
        if self.stamped:
            lines.append(f"recorded as applied: {', '.join(self.stamped)}")
        if not self.plan.is_empty:
            lines.append(f"still pending (run `schema-assets apply`): {self.plan.summary()}")
        return "\n".join(lines)


def empty_snapshot(server_url: str) -> Snapshot:
    """What a brand-new database on this server looks like (it has `public`, for one)."""
    from schema_assets.database import scratch_database

    with scratch_database(server_url, "sa_empty") as url:
        return take_snapshot(url)


def baseline_migration(
    target: Snapshot,
    revision: str,
    message: str,
    settings: Settings,
    server_url: str,
    label: str = "",
) -> Migration:
    """Everything needed to build `target` from an empty database; downgrade is refused."""
    from schema_assets.diff import diff_snapshots

    plan = diff_snapshots(
        empty_snapshot(server_url), target, managed_partition_pattern=settings.managed_partition_pattern,
        source_label="empty database", target_label=label,
    )  # fmt: skip
    plan = dataclasses.replace(plan, target_fingerprint=target.fingerprint())
    migration = build_migration(plan, revision, message)
    return dataclasses.replace(migration, down=None, irreversible_reason=BASELINE_IRREVERSIBLE)


def _managed(conn: psycopg.Connection) -> bool:
    from schema_assets.apply.alembic import current_revision

    return bool(history.applied(conn)) or current_revision(conn) is not None


def _chain(files: dict[str, RevisionFile]) -> list[RevisionFile]:
    chain, node = [], chain_head(files)
    while node is not None and node in files:
        chain.append(files[node])
        node = files[node].down_revision
    return list(reversed(chain))


def adopt(
    url: str | None = None,
    settings: Settings | None = None,
    *,
    force: bool = False,
    message: str = "baseline",
) -> AdoptResult:
    """Baseline + stamp an existing database (see module docstring); never changes its data."""
    from schema_assets.apply.choose import _server_url, select_backend
    from schema_assets.database import connect

    settings = settings or Settings.from_env()
    url = url or _server_url(settings)
    choice = select_backend(settings)
    with connect(url, autocommit=True) as conn, migration_lock(conn):
        return adopt_locked(conn, url, settings, choice.name, force=force, message=message)


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
    from schema_assets.database import mask_url
    from schema_assets.planner import plan_database
    from schema_assets.shadow import shadow_snapshot

    versions = settings.migrations_dir / "versions"
    if _managed(conn):
        raise BadInputError(
            f"{mask_url(url)} is already managed (it has a migration history): "
            "use `schema-assets apply`"
        )
    plan = plan_database(url, settings.schema_files, settings)
    if not plan.is_empty and not force:
        return AdoptResult(False, plan, backend)
    files = revision_files(versions)
    live = take_snapshot(conn)
    if files and not plan.is_empty:
        raise BadInputError(
            f"{versions} already holds revisions, so the live state (which differs from the "
            "schema files) cannot become their baseline. Make the database match first "
            "(`schema-assets apply`), or adopt into an empty versions directory."
        )
    history.ensure(conn)
    if files:  # the revisions build exactly what the database already is: record them
        chain = _chain(files)
        for rf in chain:
            _record(conn, rf.migration(), rf.checksum, backend, live)
        if backend == "alembic":
            _stamp(settings, url, chain[-1].revision)
        log.info("adopted: recorded %d existing revisions as applied", len(chain))
        return AdoptResult(True, plan, backend, stamped=tuple(r.revision for r in chain))
    target = (
        shadow_snapshot(settings.schema_files, settings.shadow_server(url))
        if plan.is_empty
        else live
    )
    revision = new_revision_id(message, [r.version for r in history.rows(conn)])
    migration = baseline_migration(target, revision, message, settings, url, mask_url(url))
    path = None
    if backend == "alembic":
        path = write_revision(versions, migration, None)
    _record(conn, migration, migration.checksum, backend, live)
    if backend == "alembic":
        _stamp(settings, url, revision)
    return AdoptResult(True, plan, backend, revision, path)


def _record(
    conn: psycopg.Connection, migration: Migration, checksum: str, backend: str, live: Snapshot
) -> None:
    history.record(
        conn,
        version=migration.revision,
        description=f"{migration.message} (adopted: recorded, not executed)",
        checksum=checksum,
        up_sql=migration.up_sql,
        down_sql=migration.down_sql,
        backend=backend,
        success=True,
        duration_ms=0,
        steps=[],
        snapshot=live.to_dict(),
        target_fingerprint=migration.target_fingerprint,
        migration=migration.to_dict(),
    )


def _stamp(settings: Settings, url: str, revision: str) -> None:
    from schema_assets.apply import alembic as alembic_backend

    cfg = alembic_backend.make_config(settings, url, lock_held=True)
    alembic_backend.stamp(cfg, revision)
