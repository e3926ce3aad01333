"""Copy the data a destructive step would delete, and bring it back on request.

`archive_statements` is pure (plan → SQL), so both appliers run the very same statements in
the destructive step's own transaction: either the data is archived *and* dropped, or
neither. Archives live in `schema_assets_archive`, one table per (revision, object), indexed
by `schema_assets_archive.archives`. Re-running a revision (downgrade, upgrade again) appends a
new batch instead of failing or overwriting, so nothing archived is ever lost; each batch is
told apart by `schema_assets_archived_at` and `restore` brings back the latest one by default.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from schema_assets.diff.sqltext import ident, qualified
from schema_assets.errors import ApplyError, BadInputError, server_message
from schema_assets.plan import Step

log = logging.getLogger(__name__)

ARCHIVE_SCHEMA = "schema_assets_archive"
INDEX_TABLE = "archives"
BATCH_COLUMN = "schema_assets_archived_at"
MAX_IDENTIFIER_BYTES = 63  # NAMEDATALEN - 1


def _text_array(values: Sequence[str] | None) -> sql.Composable:
    if values is None:
        return sql.SQL("NULL::text[]")
    return sql.SQL("ARRAY[{}]::text[]").format(sql.SQL(", ").join(map(sql.Literal, values)))


# --------------------------------------------------------------------------- naming


def archive_name(revision: str, schema: str, table: str, columns: Sequence[str] = ()) -> str:
    """`<revision>__<schema>__<table>[__<cols>]`, cut to 63 bytes with a stable hash suffix."""
    name = "__".join([revision, schema, table] + (["_".join(columns)] if columns else []))
    raw = name.encode()
    if len(raw) <= MAX_IDENTIFIER_BYTES:
        return name
    suffix = "_" + hashlib.sha256(raw).hexdigest()[:8]
    head = raw[: MAX_IDENTIFIER_BYTES - len(suffix)].decode("utf-8", errors="ignore")
    return head + suffix


def _archive_spec(step: Step) -> tuple[str, str, list[str] | None, list[str]] | None:
    """(schema, table, columns or None for the whole table, key) from `Step.archive`."""
    spec = step.archive
    if not spec:
        return None
    table = spec.get("table")
    if not isinstance(table, (list, tuple)) or len(table) != 2:
        raise BadInputError(
            f"step {step.action} {step.object}: archive hint needs table [schema, name], got {table!r}"
        )
    columns = spec.get("columns")
    key = list(spec.get("key") or [])
    return str(table[0]), str(table[1]), (list(columns) if columns else None), key


# --------------------------------------------------------------------------- SQL


def index_ddl() -> tuple[str, ...]:
    """Schema + index table, idempotent: safe in every revision that archives."""
    index = qualified(ARCHIVE_SCHEMA, INDEX_TABLE)
    return (
        f"CREATE SCHEMA IF NOT EXISTS {ident(ARCHIVE_SCHEMA)}",
        f"CREATE TABLE IF NOT EXISTS {index} (\n"
        "    archive_name text NOT NULL,\n"
        "    revision text NOT NULL,\n"
        "    source_schema text NOT NULL,\n"
        "    source_table text NOT NULL,\n"
        "    columns text[],\n"
        "    key text[] NOT NULL DEFAULT '{}',\n"
        "    row_count bigint NOT NULL,\n"
        "    created_at timestamptz NOT NULL DEFAULT now(),\n"
        "    PRIMARY KEY (archive_name, created_at)\n"
        ")",
    )


def archive_statements(step: Step, revision: str) -> tuple[str, ...]:
    """SQL that copies what `step` would delete into the archive schema; () if nothing to keep.

    Columns archive the key + the dropped columns (restored by key); a table without a key
    archives whole rows so the data is kept even though it cannot be restored by key.
    """
    spec = _archive_spec(step)
    if spec is None:
        return ()
    schema, table, columns, key = spec
    name = archive_name(revision, schema, table, columns or ())
    target = sql.Identifier(ARCHIVE_SCHEMA, name)
    source = sql.Identifier(schema, table)
    picked = (
        sql.SQL(", ").join(sql.Identifier(c) for c in [*key, *(c for c in columns if c not in key)])
        if columns and key
        else sql.SQL("*")
    )
    create = sql.SQL(
        "CREATE TABLE IF NOT EXISTS {target} AS\n"
        "    SELECT {picked}, now() AS {batch} FROM {source} WITH NO DATA"
    ).format(target=target, picked=picked, batch=sql.Identifier(BATCH_COLUMN), source=source)
    copy = sql.SQL(
        "WITH moved AS (\n"
        "    INSERT INTO {target} SELECT {picked}, now() FROM {source} RETURNING 1\n"
        ")\n"
        "INSERT INTO {index}\n"
        "    (archive_name, revision, source_schema, source_table, columns, key, row_count)\n"
        "SELECT {name}, {revision}, {schema}, {table}, {columns}, {key}, count(*) FROM moved\n"
        "ON CONFLICT (archive_name, created_at) DO UPDATE\n"
        "    SET row_count = {index_name}.row_count + EXCLUDED.row_count"
    ).format(
        target=target,
        picked=picked,
        source=source,
        index=sql.Identifier(ARCHIVE_SCHEMA, INDEX_TABLE),
        name=sql.Literal(name),
        revision=sql.Literal(revision),
        schema=sql.Literal(schema),
        table=sql.Literal(table),
        columns=_text_array(columns),
        key=_text_array(key),
        index_name=sql.Identifier(INDEX_TABLE),
    )
    return (
        *index_ddl(),
        create.as_string(None),
        _detach_user_types(target).as_string(None),
        copy.as_string(None),
    )


def _detach_user_types(target: sql.Identifier) -> sql.Composed:
    """Archive columns of user-defined types (enums, domains, composites) as text.

    Otherwise the archive would depend on the type, and a plan that drops a table and then
    its enum would fail on its own archive. Restore casts the text back to the live type.
    """
    body = sql.SQL(
        "DECLARE r record; BEGIN\n"
        "  FOR r IN SELECT a.attname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid\n"
        "    WHERE a.attrelid = {target}::regclass AND a.attnum > 0 AND NOT a.attisdropped\n"
        "      AND t.typnamespace <> 'pg_catalog'::regnamespace LOOP\n"
        "    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE text USING %I::text',\n"
        "                   {target}::regclass, r.attname, r.attname);\n"
        "  END LOOP;\nEND"
    ).format(target=sql.Literal(target.as_string(None)))
    return sql.SQL("DO {}").format(sql.Literal(body.as_string(None)))


def plan_archive_statements(steps: Sequence[Step], revision: str) -> dict[int, tuple[str, ...]]:
    """Archive SQL per step index, for appliers and revision writers that want them at once."""
    out: dict[int, tuple[str, ...]] = {}
    for i, step in enumerate(steps):
        stmts = archive_statements(step, revision)
        if stmts:
            out[i] = stmts
    return out


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ArchiveInfo:
    """One archived batch: where the data came from and how much of it there is."""

    name: str
    revision: str
    source: tuple[str, str]
    columns: tuple[str, ...] | None  # None: whole rows of a dropped table
    key: tuple[str, ...]
    row_count: int
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "revision": self.revision,
            "source": ".".join(self.source),
            "columns": list(self.columns) if self.columns is not None else None,
            "key": list(self.key),
            "row_count": self.row_count,
            "created_at": self.created_at.isoformat(),
        }


def _index_exists(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL",
        (qualified(ARCHIVE_SCHEMA, INDEX_TABLE),),
    ).fetchone()
    return bool(row and row[0])


def _read_index(conn: psycopg.Connection, name: str | None = None) -> list[ArchiveInfo]:
    if not _index_exists(conn):
        return []
    query = sql.SQL(
        "SELECT archive_name, revision, source_schema, source_table, columns, key, "
        "row_count, created_at FROM {} WHERE %(name)s::text IS NULL OR archive_name = %(name)s "
        "ORDER BY created_at, archive_name"
    ).format(sql.Identifier(ARCHIVE_SCHEMA, INDEX_TABLE))
    rows = conn.execute(query, {"name": name}).fetchall()
    return [
        ArchiveInfo(
            name=r[0],
            revision=r[1],
            source=(r[2], r[3]),
            columns=tuple(r[4]) if r[4] is not None else None,
            key=tuple(r[5] or ()),
            row_count=r[6],
            created_at=r[7],
        )
        for r in rows
    ]


def list_archives(url: str) -> list[ArchiveInfo]:
    """Every archived batch, oldest first; empty when nothing was ever archived."""
    from schema_assets.database import connect

    with connect(url) as conn:
        return _read_index(conn)


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    archive: ArchiveInfo
    rows: int  # rows inserted (whole table) or updated (columns)
    created_table: bool = False
    added_columns: tuple[str, ...] = ()
    skipped_rows: int = 0  # whole-table rows that conflicted with rows already present

    def summary(self) -> str:
        target = ".".join(self.archive.source)
        if self.archive.columns is None:
            what = f"{self.rows} rows into {target}"
            if self.created_table:
                what += " (table recreated from the archive: add keys and indexes again)"
            if self.skipped_rows:
                what += f"; {self.skipped_rows} rows already present were left as they are"
        else:
            what = f"{', '.join(self.archive.columns)} of {self.rows} rows in {target}"
            if self.added_columns:
                what += f" (re-added columns: {', '.join(self.added_columns)})"
        return f"restored {what} from {self.archive.name}"


#: A live or archive table's column: (type, is generated, is of a user-defined type).
ColumnInfo = tuple[str, bool, bool]


def _columns(conn: psycopg.Connection, schema: str, table: str) -> dict[str, ColumnInfo]:
    """name -> (type, is generated, is user-defined type) for a table's live columns; {} when
    it is missing."""
    rows = conn.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated <> '',
               t.typnamespace <> 'pg_catalog'::regnamespace
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_type t ON t.oid = a.atttypid
        WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        (schema, table),
    ).fetchall()
    return {r[0]: (r[1], bool(r[2]), bool(r[3])) for r in rows}


def _pick(info: ArchiveInfo, archives: list[ArchiveInfo], at: dt.datetime | None) -> ArchiveInfo:
    if at is None:
        return archives[-1]
    for candidate in archives:
        if candidate.created_at == at:
            return candidate
    raise BadInputError(f"archive {info.name} has no batch created at {at.isoformat()}")


def restore(url: str, name: str, *, at: dt.datetime | None = None) -> RestoreResult:
    """Bring an archive's data back (latest batch unless `at` names one), in one transaction.

    Whole table: recreate it when missing, else insert rows into the compatible table, keeping
    rows already present. Columns: re-add missing columns, then UPDATE them by key.
    """
    from schema_assets.database import connect

    with connect(url) as conn:
        batches = _read_index(conn, name)
        if not batches:
            raise BadInputError(
                f"no archive named {name!r}; `schema-assets archives` lists the archives"
            )
        info = _pick(batches[0], batches, at)
        archive_cols = _columns(conn, ARCHIVE_SCHEMA, name)
        if not archive_cols:
            raise BadInputError(f"archive table {ARCHIVE_SCHEMA}.{name} is missing")
        archive_cols.pop(BATCH_COLUMN, None)
        try:
            with conn.transaction():
                if info.columns is None:
                    result = _restore_table(conn, info, archive_cols)
                else:
                    result = _restore_columns(conn, info, archive_cols)
        except psycopg.Error as exc:
            raise ApplyError(
                f"restore of {name} into {'.'.join(info.source)} failed, nothing changed: "
                f"{server_message(exc)}"
            ) from exc
    log.info("%s", result.summary())
    return result


def _text_of_user_type(archived: ColumnInfo, live: ColumnInfo) -> bool:
    """Archived as text because the live column's type is user-defined (see archive time)."""
    return archived[0] == "text" and live[2]


def _value(column: str, archived: ColumnInfo, live: ColumnInfo | None,
           alias: str | None = None) -> sql.Composable:  # fmt: skip
    """The archived column as an expression of the live column's type."""
    ref = sql.Identifier(alias, column) if alias else sql.Identifier(column)
    if live is not None and live[0] != archived[0] and _text_of_user_type(archived, live):
        return sql.SQL("{}::{}").format(ref, sql.SQL(live[0]))  # type text from format_type
    return ref


def _batch_filter(info: ArchiveInfo) -> sql.Composed:
    return sql.SQL("{} = {}").format(sql.Identifier(BATCH_COLUMN), sql.Literal(info.created_at))


def _check_types(
    info: ArchiveInfo,
    archive_cols: dict[str, ColumnInfo],
    live: dict[str, ColumnInfo],
    names: list[str],
) -> None:
    """Refuse to write archived values into columns of another type (e.g. still narrowed):
    the cast would silently change them again."""
    differing = [
        f"{c} is {live[c][0]}, archived as {archive_cols[c][0]}"
        for c in names
        if live[c][0] != archive_cols[c][0] and not _text_of_user_type(archive_cols[c], live[c])
    ]
    if differing:
        raise BadInputError(
            f"cannot restore {info.name} into {'.'.join(info.source)}: {'; '.join(differing)}. "
            "Change the columns back to the archived types first (or copy the data by hand "
            f"from {ARCHIVE_SCHEMA}.{info.name})"
        )


def _restore_table(
    conn: psycopg.Connection, info: ArchiveInfo, archive_cols: dict[str, ColumnInfo]
) -> RestoreResult:
    schema, table = info.source
    target = sql.Identifier(schema, table)
    archive = sql.Identifier(ARCHIVE_SCHEMA, info.name)
    live = _columns(conn, schema, table)
    if not live:
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in archive_cols)
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        cur = conn.execute(
            sql.SQL("CREATE TABLE {} AS SELECT {} FROM {} WHERE {}").format(
                target, cols, archive, _batch_filter(info)
            )
        )
        return RestoreResult(info, rows=cur.rowcount, created_table=True)
    missing = [c for c in archive_cols if c not in live]
    if missing:
        raise BadInputError(
            f"{schema}.{table} exists but lacks archived columns {', '.join(missing)}: "
            "add them (or drop the table) before restoring"
        )
    _check_types(info, archive_cols, live, list(archive_cols))
    insertable = [c for c in archive_cols if not live[c][1]]
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in insertable)
    values = sql.SQL(", ").join(_value(c, archive_cols[c], live[c]) for c in insertable)
    cur = conn.execute(
        sql.SQL(
            "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {} WHERE {} "
            "ON CONFLICT DO NOTHING"
        ).format(target, cols, values, archive, _batch_filter(info))
    )
    return RestoreResult(info, rows=cur.rowcount, skipped_rows=info.row_count - cur.rowcount)


def _restore_columns(
    conn: psycopg.Connection, info: ArchiveInfo, archive_cols: dict[str, ColumnInfo]
) -> RestoreResult:
    schema, table = info.source
    columns = list(info.columns or ())
    if not info.key:
        raise BadInputError(
            f"archive {info.name} holds whole rows of {schema}.{table}, which has no key: "
            f"restore it by hand from {ARCHIVE_SCHEMA}.{info.name}"
        )
    live = _columns(conn, schema, table)
    if not live:
        raise BadInputError(f"{schema}.{table} does not exist: recreate it before restoring")
    absent_key = [k for k in info.key if k not in live]
    if absent_key:
        raise BadInputError(f"{schema}.{table} lacks key columns {', '.join(absent_key)}")
    _check_types(info, archive_cols, live, [c for c in columns if c in live])
    target = sql.Identifier(schema, table)
    added = []
    for col in columns:
        if col not in live:
            conn.execute(
                sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
                    target, sql.Identifier(col), sql.SQL(archive_cols[col][0])
                )
            )
            added.append(col)
    live = _columns(conn, schema, table)  # again: columns may have been added above
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(c), _value(c, archive_cols[c], live[c], "a"))
        for c in columns
        if c not in info.key
    )
    match = sql.SQL(" AND ").join(
        sql.SQL("t.{} = {}").format(sql.Identifier(k), _value(k, archive_cols[k], live[k], "a"))
        for k in info.key
    )
    cur = conn.execute(
        sql.SQL("UPDATE {} AS t SET {} FROM {} AS a WHERE {} AND a.{}").format(
            target,
            assignments,
            sql.Identifier(ARCHIVE_SCHEMA, info.name),
            match,
            _batch_filter(info),
        )
    )
    return RestoreResult(info, rows=cur.rowcount, added_columns=tuple(added))
