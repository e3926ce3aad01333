"""Read a database's schema into a `Snapshot` with one bulk query per object kind."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from schema_assets.catalog.model import (
    Column,
    Constraint,
    Dependency,
    Domain,
    Enum,
    Extension,
    Function,
    Index,
    Policy,
    Schema,
    Sequence,
    Snapshot,
    Table,
    Trigger,
    View,
)

log = logging.getLogger(__name__)

#: Schemas never part of a snapshot: the system's and the tool's own bookkeeping/archive.
TOOL_SCHEMAS = ("schema_assets", "schema_assets_archive")
EXCLUDED_SCHEMAS = ("information_schema", *TOOL_SCHEMAS)

KINDS = (
    "schemas", "extensions", "enums", "domains", "sequences", "tables", "columns",
    "constraints", "indexes", "views", "functions", "triggers", "policies", "dependencies",
)  # fmt: skip


@cache
def query_text(kind: str) -> str:
    return resources.files("schema_assets.catalog.queries").joinpath(f"{kind}.sql").read_text()


def _t(value: Any) -> tuple:
    return tuple(value or ())


def _name(value: Any) -> tuple[str, str] | None:
    if not value:
        return None
    if isinstance(value, str):
        value = json.loads(value)
    return (value[0], value[1])


def _column(r: dict[str, Any]) -> Column:
    return Column(
        name=r["name"], type=r["type"], not_null=r["not_null"], default_expr=r["default_expr"],
        identity=r["identity"] or "", generated=r["generated"] or "",
        generation_expr=r["generation_expr"], collation=r["collation"], is_local=r["is_local"],
        inherited_count=r["inherited_count"], acl=_t(r["acl"]), comment=r["comment"],
        position=r["position"],
    )  # fmt: skip


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Reading ~100k rows into small objects (none cyclic) triggers the cyclic GC over and
    over; pausing it makes a 2,000-table snapshot about a fifth faster."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: How the queries split over two connections when snapshotting by URL (about equal cost).
PARALLEL_GROUPS = (
    ("indexes", "tables", "sequences", "schemas", "extensions", "enums", "domains"),
    ("columns", "constraints", "views", "functions", "triggers", "policies", "dependencies"),
)

_PIN_SETTINGS = (
    "SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, MDY', true),"
    " set_config('IntervalStyle', 'postgres', true), set_config('search_path', '', true)"
)


def take_snapshot(
    conn_or_url: psycopg.Connection | str, excluded_schemas: tuple[str, ...] = EXCLUDED_SCHEMAS
) -> Snapshot:
    """Snapshot the database behind a URL or an open connection (read-only, one transaction).

    With a URL the queries run on two connections sharing one exported snapshot: the
    deparsers are server-bound, so this halves the wait on a multi-core server while the
    result stays one consistent view of the catalog.
    """
    started = time.perf_counter()
    params = {"excluded": list(excluded_schemas)}
    with _gc_paused():
        if isinstance(conn_or_url, str):
            rows, version = _fetch_parallel(conn_or_url, params)
        else:
            rows, version = _fetch_on(conn_or_url, KINDS, params)
        snap = _build(rows, version)
    log.debug(
        "snapshot: %d tables, %d indexes, %d constraints in %.0f ms",
        len(snap.tables), len(snap.indexes), len(snap.constraints),
        (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return snap


def _run_queries(
    cur: psycopg.Cursor, kinds: tuple[str, ...], params: dict[str, Any]
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


def _fetch_imported(url: str, token: str, kinds: tuple[str, ...], params: dict[str, Any]):
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
        token = cur.fetchone()["token"]
        with ThreadPoolExecutor(max_workers=1) as pool:
            other = pool.submit(_fetch_imported, url, token, PARALLEL_GROUPS[1], params)
            rows = _run_queries(cur, PARALLEL_GROUPS[0], params)
            rows.update(other.result())  # the exporting transaction stays open until here
        conn.rollback()
        return rows, conn.info.server_version


def _build(rows: dict[str, list[dict[str, Any]]], version: int) -> Snapshot:
    columns: dict[tuple[str, str], list[Column]] = {}
    for r in rows["columns"]:
        columns.setdefault((r["schema"], r["relation"]), []).append(_column(r))

    snap = Snapshot(
        schemas={r["name"]: Schema(r["name"], r["comment"], _t(r["acl"])) for r in rows["schemas"]},
        extensions={
            r["name"]: Extension(r["name"], r["schema"], r["version"]) for r in rows["extensions"]
        },
        enums={
            (r["schema"], r["name"]): Enum(r["schema"], r["name"], _t(r["labels"]), r["comment"])
            for r in rows["enums"]
        },
        domains={
            (r["schema"], r["name"]): Domain(
                r["schema"],
                r["name"],
                r["base_type"],
                r["not_null"],
                r["default_expr"],
                r["collation"],
                tuple((c[0], c[1]) for c in (r["checks"] or [])),
                r["comment"],
            )  # fmt: skip
            for r in rows["domains"]
        },
        sequences={
            (r["schema"], r["name"]): Sequence(
                r["schema"],
                r["name"],
                r["data_type"],
                r["start"],
                r["increment"],
                r["min_value"],
                r["max_value"],
                r["cache"],
                r["cycle"],
                (r["owned_by_schema"], r["owned_by_table"], r["owned_by_column"])
                if r["owned_by_table"]
                else None,
                r["identity"],
                _t(r["acl"]),
                r["comment"],
            )  # fmt: skip
            for r in rows["sequences"]
        },
        tables={
            (r["schema"], r["name"]): Table(
                schema=r["schema"],
                name=r["name"],
                kind=r["kind"],
                columns=tuple(columns.get((r["schema"], r["name"]), ())),
                is_partition=r["is_partition"],
                partition_key=r["partition_key"],
                partition_bound=r["partition_bound"],
                parents=tuple(_name(p) for p in (r["parents"] or [])),
                persistence=r["persistence"],
                rls_enabled=r["rls_enabled"],
                rls_forced=r["rls_forced"],
                options=_t(r["options"]),
                acl=_t(r["acl"]),
                comment=r["comment"],
            )  # fmt: skip
            for r in rows["tables"]
        },
        constraints={
            (r["schema"], r["table_name"], r["name"]): Constraint(
                schema=r["schema"],
                table=r["table_name"],
                name=r["name"],
                type=r["type"],
                definition=r["definition"],
                columns=_t(r["columns"]),
                ref_table=(r["ref_schema"], r["ref_table"]) if r["ref_table"] else None,
                ref_columns=_t(r["ref_columns"]),
                deferrable=r["deferrable"],
                deferred=r["deferred"],
                validated=r["validated"],
                is_local=r["is_local"],
                inherited_count=r["inherited_count"],
                has_parent=r["has_parent"],
                index_name=r["index_name"],
                comment=r["comment"],
            )  # fmt: skip
            for r in rows["constraints"]
        },
        indexes={
            (r["schema"], r["name"]): Index(
                schema=r["schema"],
                name=r["name"],
                table=r["table_name"],
                definition=r["definition"],
                is_unique=r["is_unique"],
                is_primary=r["is_primary"],
                is_valid=r["is_valid"],
                method=r["method"],
                is_partitioned=r["is_partitioned"],
                constraint_name=r["constraint_name"],
                parent_index=_name(r["parent_index"]),
                key_columns=_t(r["key_columns"]),
                include_columns=_t(r["include_columns"]),
                predicate=r["predicate"],
                comment=r["comment"],
            )  # fmt: skip
            for r in rows["indexes"]
        },
        views={
            (r["schema"], r["name"]): View(
                r["schema"],
                r["name"],
                r["kind"],
                r["definition"],
                tuple(columns.get((r["schema"], r["name"]), ())),
                _t(r["options"]),
                _t(r["acl"]),
                r["comment"],
            )  # fmt: skip
            for r in rows["views"]
        },
        functions={
            (r["schema"], r["name"], r["identity_args"]): Function(
                r["schema"],
                r["name"],
                r["identity_args"],
                r["result"],
                r["kind"],
                r["definition"],
                r["language"],
                _t(r["acl"]),
                r["comment"],
            )  # fmt: skip
            for r in rows["functions"]
        },
        triggers={
            (r["schema"], r["table_name"], r["name"]): Trigger(
                r["schema"],
                r["table_name"],
                r["name"],
                r["definition"],
                r["enabled"],
                (r["function_schema"], r["function_name"]),
                r["comment"],
            )  # fmt: skip
            for r in rows["triggers"]
        },
        policies={
            (r["schema"], r["table_name"], r["name"]): Policy(
                r["schema"],
                r["table_name"],
                r["name"],
                r["command"],
                r["permissive"],
                _t(r["roles"]),
                r["using_expr"],
                r["check_expr"],
            )  # fmt: skip
            for r in rows["policies"]
        },
        dependencies=tuple(
            Dependency(
                r["schema"],
                r["name"],
                r["ref_kind"],
                r["ref_schema"],
                r["ref_name"],
                r["ref_column"],
            )  # fmt: skip
            for r in rows["dependencies"]
        ),
        server_version=version,
    )
    return snap
