"""Read a database's schema into a `Snapshot` with one bulk query per object kind."""

from __future__ import annotations

import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from schema_assets.catalog.model import Snapshot
from schema_assets.gcpause import gc_paused

log = logging.getLogger(__name__)

#: Schemas never part of a snapshot: the system's and the tool's own bookkeeping/archive.
TOOL_SCHEMAS = ("schema_assets", "schema_assets_archive")
EXCLUDED_SCHEMAS = ("information_schema", *TOOL_SCHEMAS)


@cache
def query_text(kind: str) -> str:
    return resources.files("schema_assets.catalog.queries").joinpath(f"{kind}.sql").read_text()


def _queries() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The registered kinds' queries, split over two connections (a query runs once, on
    the connection of the first kind that reads it)."""
    from schema_assets.catalog.kinds import KINDS

    where: dict[str, int] = {}
    for kind in KINDS:
        for query in kind.queries:
            where.setdefault(query, kind.connection)
    return (
        tuple(q for q, c in where.items() if c == 0),
        tuple(q for q, c in where.items() if c != 0),
    )


_PIN_SETTINGS = (
    "SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, MDY', true),"
    " set_config('IntervalStyle', 'postgres', true), set_config('search_path', '', true)"
)


def take_snapshot(
    conn_or_url: psycopg.Connection | str,
    excluded_schemas: tuple[str, ...] = EXCLUDED_SCHEMAS,
    *,
    split: bool = True,
) -> Snapshot:
    """Snapshot the database behind a URL or an open connection (read-only, one transaction).

    With a URL the queries run on two connections sharing one exported snapshot: the
    deparsers are server-bound, so this halves the wait on a multi-core server while the
    result stays one consistent view of the catalog. `split=False` keeps a URL's queries on
    one connection, for a caller already taking another snapshot at the same time (two
    snapshots over four connections on a two-core server were measured 11% slower).
    """
    started = time.perf_counter()
    params = {"excluded": list(excluded_schemas)}
    with gc_paused():
        if isinstance(conn_or_url, str) and split:
            rows, version = _fetch_parallel(conn_or_url, params)
        else:
            first, second = _queries()
            with _connection(conn_or_url) as conn:
                rows, version = _fetch_on(conn, first + second, params)
        snap = _build(rows, version)
    log.debug(
        "snapshot: %d tables, %d indexes, %d constraints in %.0f ms",
        len(snap.tables), len(snap.indexes), len(snap.constraints),
        (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return snap


def _connection(
    conn_or_url: psycopg.Connection | str,
) -> contextlib.AbstractContextManager[psycopg.Connection]:
    """The caller's connection as is, or one of our own for a URL (closed afterwards)."""
    if isinstance(conn_or_url, str):
        from schema_assets.database import connect

        return connect(conn_or_url)
    return contextlib.nullcontext(conn_or_url)


def _run_queries(
    cur: psycopg.Cursor[dict[str, Any]], kinds: tuple[str, ...], params: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    # Deparsed defaults and partition bounds depend on these: pin them (transaction-local).
    cur.execute(_PIN_SETTINGS)
    rows: dict[str, list[dict[str, Any]]] = {}
    for kind in kinds:
        cur.execute(query_text(kind), params)
        rows[kind] = cur.fetchall()
    return rows


def _fetch_on(
    conn: psycopg.Connection, kinds: tuple[str, ...], params: dict[str, Any]
) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """All queries on the caller's connection (inside its transaction if it has one)."""
    own_transaction = (
        not conn.autocommit and conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    )
    scope = conn.transaction() if conn.autocommit else contextlib.nullcontext()
    with scope, conn.cursor(row_factory=dict_row) as cur:
        if own_transaction:  # one consistent view of the catalog across all queries
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        rows = _run_queries(cur, kinds, params)
    if own_transaction:
        conn.rollback()
    return rows, conn.info.server_version


def _fetch_imported(
    url: str, token: str, kinds: tuple[str, ...], params: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    from schema_assets.database import connect

    with connect(url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(token)))
        rows = _run_queries(cur, kinds, params)
        conn.rollback()
    return rows


def _fetch_parallel(
    url: str, params: dict[str, Any]
) -> tuple[dict[str, list[dict[str, Any]]], int]:
    from schema_assets.database import connect

    with connect(url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT pg_export_snapshot() AS token")
        exported = cur.fetchone()
        assert exported is not None  # a SELECT without FROM returns one row
        token = exported["token"]
        with ThreadPoolExecutor(max_workers=1) as pool:
            first, second = _queries()
            other = pool.submit(_fetch_imported, url, token, second, params)
            rows = _run_queries(cur, first, params)
            rows.update(other.result())  # the exporting transaction stays open until here
        conn.rollback()
        return rows, conn.info.server_version


def _build(rows: dict[str, list[dict[str, Any]]], version: int) -> Snapshot:
    from schema_assets.catalog.kinds import KINDS

    return Snapshot(version, **{kind.name: kind.objects(rows) for kind in KINDS})
