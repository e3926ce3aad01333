"""`schema_assets.schema_version`: the one record of applied migrations, written by both backends.

Each row says what ran (version, up/down SQL, checksum), how (backend, per-step durations),
whether it worked, and the catalog snapshot right after it (drift detection compares the live
database with it). A row stops counting as applied once `rolled_back_at` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

SCHEMA = "schema_assets"

DDL = (
    "CREATE SCHEMA IF NOT EXISTS schema_assets",
    """
    CREATE TABLE IF NOT EXISTS schema_assets.schema_version (
        id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        version            text        NOT NULL,
        description        text        NOT NULL DEFAULT '',
        checksum           text        NOT NULL,
        applied_at         timestamptz NOT NULL DEFAULT now(),
        duration_ms        integer,
        up_sql             text        NOT NULL,
        down_sql           text,
        backend            text        NOT NULL CHECK (backend IN ('alembic', 'direct')),
        success            boolean     NOT NULL,
        steps              jsonb       NOT NULL DEFAULT '[]'::jsonb,
        snapshot           jsonb,
        target_fingerprint text,
        rolled_back_at     timestamptz,
        migration          jsonb,
        error              text
    )""",
    # What a row records: a revision of the history, or a drift repair (never a revision).
    "ALTER TABLE schema_assets.schema_version "
    "ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'revision'",
    "CREATE INDEX IF NOT EXISTS schema_version_version_idx ON schema_assets.schema_version (version)",
    """
    CREATE TABLE IF NOT EXISTS schema_assets.schema_version_steps (
        version     text        NOT NULL,
        step        integer     NOT NULL,
        object      text        NOT NULL,
        action      text        NOT NULL,
        duration_ms integer     NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (version, step)
    )""",
)


@dataclass(frozen=True)
class HistoryRow:
    id: int
    version: str
    description: str
    checksum: str
    applied_at: datetime
    duration_ms: int | None
    up_sql: str
    down_sql: str | None
    backend: str
    success: bool
    steps: list[dict[str, Any]]
    target_fingerprint: str | None
    rolled_back_at: datetime | None
    migration: dict[str, Any] | None
    error: str | None
    kind: str = "revision"

    @property
    def applied(self) -> bool:
        return self.success and self.rolled_back_at is None and self.kind == "revision"

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "description": self.description,
            "backend": self.backend,
            "success": self.success,
            "applied_at": self.applied_at.isoformat(),
            "duration_ms": self.duration_ms,
            "checksum": self.checksum,
            "rolled_back_at": self.rolled_back_at.isoformat() if self.rolled_back_at else None,
            "steps": [
                {k: s.get(k) for k in ("step", "object", "action", "duration_ms")}
                for s in self.steps
            ],
            "error": self.error,
            "kind": self.kind,
        }


_FIELDS = [f for f in HistoryRow.__dataclass_fields__ if f != "kind"]  # no snapshot: on demand


def _columns(conn: psycopg.Connection) -> str:
    """The columns to read; a table made by an older version has no `kind` yet (read-only
    commands such as `status` must not alter it)."""
    has_kind = scalar(
        conn,
        "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
        "'schema_assets.schema_version'::regclass AND attname = 'kind' AND NOT attisdropped)",
    )
    return ", ".join(_FIELDS) + (", kind" if has_kind else ", 'revision' AS kind")


def scalar(conn: psycopg.Connection, query: str, params: tuple[Any, ...] = ()) -> Any:
    """The first column of the first row (None without a row)."""
    row = conn.execute(query, params).fetchone()
    return None if row is None else row[0]


def ensure(conn: psycopg.Connection) -> None:
    """Create the bookkeeping schema and tables if missing (idempotent)."""
    for stmt in DDL:
        conn.execute(stmt)


def exists(conn: psycopg.Connection) -> bool:
    return scalar(conn, "SELECT to_regclass('schema_assets.schema_version')") is not None


def rows(conn: psycopg.Connection, *, limit: int | None = None) -> list[HistoryRow]:
    """History, oldest first (the last `limit` rows when given)."""
    if not exists(conn):
        return []
    columns = _columns(conn)
    query = f"SELECT {columns} FROM schema_assets.schema_version ORDER BY id"  # noqa: S608 - fixed column list
    if limit is not None:
        query = (
            f"SELECT * FROM (SELECT {columns} FROM schema_assets.schema_version "  # noqa: S608
            f"ORDER BY id DESC LIMIT {int(limit)}) t ORDER BY id"
        )
    with conn.cursor(row_factory=dict_row) as cur:
        return [HistoryRow(**r) for r in cur.execute(query).fetchall()]


def applied(conn: psycopg.Connection) -> list[HistoryRow]:
    """Migrations currently in effect, in the order they were applied (one row per version)."""
    latest: dict[str, HistoryRow] = {}
    for row in rows(conn):
        if row.success:
            latest[row.version] = row
    return sorted((r for r in latest.values() if r.applied), key=lambda r: r.id)


def record(
    conn: psycopg.Connection,
    *,
    version: str,
    description: str,
    checksum: str,
    up_sql: str,
    down_sql: str | None,
    backend: str,
    success: bool,
    duration_ms: int | None = None,
    steps: list[dict[str, Any]] | None = None,
    snapshot: dict[str, Any] | None = None,
    target_fingerprint: str | None = None,
    migration: dict[str, Any] | None = None,
    error: str | None = None,
    kind: str = "revision",
) -> int:
    """Insert one history row (in the caller's transaction); returns its id."""
    row = conn.execute(
        """
        INSERT INTO schema_assets.schema_version (version, description, checksum, duration_ms,
            up_sql, down_sql, backend, success, steps, snapshot, target_fingerprint, migration,
            error, kind)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
        (
            version,
            description,
            checksum,
            duration_ms,
            up_sql,
            down_sql,
            backend,
            success,
            Jsonb(steps or []),
            Jsonb(snapshot) if snapshot is not None else None,
            target_fingerprint,
            Jsonb(migration) if migration is not None else None,
            error,
            kind,
        ),  # fmt: skip
    ).fetchone()
    assert row is not None  # INSERT ... RETURNING always returns the row
    return int(row[0])


def finish(
    conn: psycopg.Connection,
    row_id: int,
    *,
    success: bool,
    duration_ms: int,
    steps: list[dict[str, Any]],
    snapshot: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    conn.execute(
        "UPDATE schema_assets.schema_version SET success = %s, duration_ms = %s, steps = %s, "
        "snapshot = coalesce(%s, snapshot), error = %s WHERE id = %s",
        (success, duration_ms, Jsonb(steps), Jsonb(snapshot) if snapshot else None, error, row_id),
    )


def mark_rolled_back(conn: psycopg.Connection, version: str) -> None:
    conn.execute(
        "UPDATE schema_assets.schema_version SET rolled_back_at = now() "
        "WHERE version = %s AND success AND rolled_back_at IS NULL",
        (version,),
    )


def set_checksum(conn: psycopg.Connection, version: str, checksum: str) -> None:
    """Accept an edited revision file (`revision --repair`): its checksum becomes the record."""
    conn.execute(
        "UPDATE schema_assets.schema_version SET checksum = %s "
        "WHERE version = %s AND success AND rolled_back_at IS NULL",
        (checksum, version),
    )


def last_snapshot(conn: psycopg.Connection) -> dict[str, Any] | None:
    """The catalog snapshot recorded after the latest applied migration (for drift checks)."""
    current = applied(conn)
    if not current:
        return None
    row = conn.execute(
        "SELECT snapshot FROM schema_assets.schema_version WHERE id = %s", (current[-1].id,)
    ).fetchone()
    return row[0] if row else None


# ----------------------------------------------------------------- non-transactional progress


def finished_steps(conn: psycopg.Connection, version: str) -> dict[int, int]:
    """Steps of `version` already done (step number -> duration), for resuming a failed run."""
    if not exists(conn):
        return {}
    return dict(
        conn.execute(
            "SELECT step, duration_ms FROM schema_assets.schema_version_steps "
            "WHERE version = %s AND step > 0",
            (version,),
        ).fetchall()
    )


def record_step(
    conn: psycopg.Connection, version: str, step: int, obj: str, action: str, duration_ms: int
) -> None:
    conn.execute(
        "INSERT INTO schema_assets.schema_version_steps (version, step, object, action, "
        "duration_ms) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (version, step) DO UPDATE "
        "SET duration_ms = EXCLUDED.duration_ms, finished_at = now()",
        (version, step, obj, action, duration_ms),
    )


#: Progress row written for every pending revision before a run starts: a run killed before
#: its first step is recorded (a finished CREATE INDEX CONCURRENTLY, say) is still known as
#: interrupted, so the next run resumes it instead of calling its first step drift.
STARTED = 0


def has_progress(conn: psycopg.Connection, version: str) -> bool:
    """A run of `version` started (or finished steps) and did not complete: it was killed."""
    if not exists(conn):
        return False
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM schema_assets.schema_version_steps WHERE version = %s)",
        (version,),
    ).fetchone()
    return bool(row and row[0])


def mark_started(conn: psycopg.Connection, versions: list[str]) -> None:
    for version in versions:
        record_step(conn, version, STARTED, "started", "start", 0)


def clear_unstarted(conn: psycopg.Connection, versions: list[str]) -> None:
    """Drop the start markers of revisions that have no finished step (after a failure)."""
    conn.execute(
        "DELETE FROM schema_assets.schema_version_steps s WHERE s.step = %s AND s.version = "
        "ANY(%s) AND NOT EXISTS (SELECT 1 FROM schema_assets.schema_version_steps o "
        "WHERE o.version = s.version AND o.step <> %s)",
        (STARTED, versions, STARTED),
    )


def delete_step(conn: psycopg.Connection, version: str, step: int) -> None:
    """Forget one finished step (it was undone by compensation)."""
    conn.execute(
        "DELETE FROM schema_assets.schema_version_steps WHERE version = %s AND step = %s",
        (version, step),
    )


def clear_steps(conn: psycopg.Connection, version: str) -> None:
    conn.execute("DELETE FROM schema_assets.schema_version_steps WHERE version = %s", (version,))
