"""Undo applied migrations with either backend, all of them or none."""

from __future__ import annotations

import logging

import psycopg

from schema_assets.apply import direct, history
from schema_assets.apply.desired import empty_snapshot
from schema_assets.apply.lock import migration_lock, set_lock_timeout
from schema_assets.apply.migration import build_migration
from schema_assets.config import Settings
from schema_assets.errors import ApplyError, BadInputError

log = logging.getLogger(__name__)


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
    from schema_assets.catalog import Snapshot, take_snapshot
    from schema_assets.diff import diff_snapshots

    applied = history.applied(conn)
    remaining = applied[: len(applied) - len(targets)]
    if remaining:
        recorded = history.scalar(
            conn, "SELECT snapshot FROM schema_assets.schema_version WHERE id = %s",
            (remaining[-1].id,),
        )  # fmt: skip
        if recorded is None:
            raise BadInputError(
                f"revision {remaining[-1].version} has no recorded snapshot to revert to"
            )
        target, label = Snapshot.from_dict(recorded), f"state after {remaining[-1].version}"
    else:
        target, label = empty_snapshot(settings.shadow_server(url)), "empty database"
    plan = diff_snapshots(
        take_snapshot(conn), target, managed_partition_pattern=settings.managed_partition_pattern,
        source_label="live", target_label=label, using=settings.using,
    )  # fmt: skip
    migration = build_migration(plan, f"revert_{targets[-1]}", f"revert to {label}", archive=False)
    log.warning("reverting %s to the %s: %s", ", ".join(targets), label, plan.summary())

    def finish(results: list[direct.StepResult]) -> None:
        with conn.transaction():
            for version in targets:
                history.mark_rolled_back(conn, version)
            history.clear_steps(conn, migration.revision)
            direct.move_alembic_version(conn)

    direct.run_steps(conn, migration.revision, migration.up, finish)


def rollback(
    url: str,
    settings: Settings,
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
    from schema_assets.apply.backend import select_backend
    from schema_assets.database import connect

    choice = select_backend(settings)
    with connect(url, autocommit=True) as conn, migration_lock(conn, settings.lock_wait):
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
            if alembic_backend.current_revision(conn) != applied[-1]:  # the direct backend moved on
                alembic_backend.set_current(conn, applied[-1])
            remaining = applied[: len(applied) - len(targets)]
            alembic_backend.downgrade(cfg, remaining[-1] if remaining else "base")
        else:
            by_version = {r.version: r for r in history.applied(conn)}
            for version in targets:
                direct.rollback_migration(conn, by_version[version])
        return targets
