"""One migration at a time: a PostgreSQL advisory lock on a fixed key, held for the whole run.

Both appliers (and the safety rehearsal) take it, so two deploys racing each other queue up
or fail clearly instead of interleaving DDL.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

import psycopg

from schema_assets.errors import ConcurrentRunError

log = logging.getLogger(__name__)

#: Fixed advisory-lock key ("schema-assets" as a stable 63-bit number).
LOCK_KEY = 0x5C4E_3A55_E75A_0001
#: How long a run waits for another one before giving up (seconds), unless told
#: (`Settings.lock_wait`, from SCHEMA_ASSETS_LOCK_WAIT).
DEFAULT_WAIT_S = 30.0
_POLL_S = 0.2


def lock_holder_pid(conn: psycopg.Connection) -> int | None:
    """Backend pid of the session holding the migration lock, if any."""
    row = conn.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND ((classid::bigint << 32) | objid::bigint) = %s LIMIT 1",
        (LOCK_KEY,),
    ).fetchone()
    return row[0] if row else None


def _try_lock(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
    return bool(row and row[0])


@contextlib.contextmanager
def migration_lock(
    conn_or_url: psycopg.Connection | str, timeout_s: float = DEFAULT_WAIT_S
) -> Iterator[None]:
    """Hold the migration lock; polls `pg_try_advisory_lock` until `timeout_s`, then fails.

    Given a URL, a dedicated autocommit session holds the lock (the work may use other
    sessions). Given a connection, it must be in autocommit mode: the lock is session-level.
    """
    if isinstance(conn_or_url, str):
        from schema_assets.database import connect

        with connect(conn_or_url, autocommit=True) as conn, migration_lock(conn, timeout_s):
            yield
        return
    conn = conn_or_url
    deadline = time.monotonic() + timeout_s
    while not _try_lock(conn):
        if time.monotonic() >= deadline:
            pid = lock_holder_pid(conn)
            raise ConcurrentRunError(
                f"another schema-assets run holds the migration lock (pid {pid}); waited "
                f"{timeout_s:g}s. Let it finish, or stop that session "
                f"(SELECT pg_terminate_backend({pid})) if it is stuck."
            )
        time.sleep(_POLL_S)
    log.debug("migration lock taken")
    try:
        yield
    finally:
        if not conn.closed:
            with contextlib.suppress(psycopg.Error):
                conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))


# ----------------------------------------------------------------- lock_timeout and retries

#: SQLSTATE of "canceling statement due to lock timeout".
LOCK_NOT_AVAILABLE = "55P03"
#: Waits between attempts of a statement that hit `lock_timeout` (then it fails).
RETRY_DELAYS_S: tuple[float, ...] = (0.5, 1.0, 2.0)


def is_lock_timeout(exc: BaseException) -> bool:
    """True for a psycopg (or SQLAlchemy-wrapped psycopg) lock-timeout error."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) == LOCK_NOT_AVAILABLE


def set_lock_timeout(conn: psycopg.Connection, value: str) -> None:
    """`SET lock_timeout` for the session: DDL waits at most this long for its lock."""
    from psycopg import sql

    from schema_assets.errors import BadInputError

    try:
        conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(value)))
    except psycopg.errors.InvalidParameterValue as exc:
        raise BadInputError(f"SCHEMA_ASSETS_LOCK_TIMEOUT={value!r} is not valid: {exc}") from exc
