"""What every table loader shares: table names, metadata from the catalog, an idempotent upsert.

A loader writes tables; `materialize_result` then reads each table's row count (of the run's
month window for partitioned loads) and its column schema from the live catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import dagster as dg
import psycopg
from psycopg import sql

from schema_assets.catalog.model import Snapshot
from schema_assets.defs.text import one_line


@dataclass(frozen=True)
class WarehouseTable:
    """One warehouse relation, addressed by schema and name (quoted whenever used in SQL)."""

    schema: str
    name: str

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey([self.schema, self.name])

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def ident(self) -> sql.Composable:
        return sql.Identifier(self.schema, self.name)


@dataclass(frozen=True)
class Window:
    """The half-open time range [start, end) a partitioned load covers (one or more months)."""

    start: datetime
    end: datetime

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def single_value(cursor: psycopg.Cursor[tuple[Any, ...]]) -> Any:
    """The first column of the row a query always returns (a count, RETURNING, a seeded key)."""
    row = cursor.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row[0]


def row_count(
    conn: psycopg.Connection,
    table: WarehouseTable,
    window: Window | None = None,
    column: str | None = None,
) -> int:
    query = sql.SQL("SELECT count(*) FROM {}").format(table.ident)
    params: tuple[datetime, ...] = ()
    if window is not None and column:
        query += sql.SQL(" WHERE {c} >= %s AND {c} < %s").format(c=sql.Identifier(column))
        params = (window.start, window.end)
    return int(single_value(conn.execute(query, params)))


def table_schema(snapshot: Snapshot, table: WarehouseTable) -> dg.TableSchema:
    """Column names, types, nullability and comments exactly as the live catalog has them."""
    columns = sorted(
        snapshot.relation_columns((table.schema, table.name)), key=lambda c: c.position
    )
    return dg.TableSchema(
        columns=[table_column(c.name, c.type, c.comment, nullable=not c.not_null) for c in columns]
    )


def table_column(name: str, type_: str, comment: str | None, *, nullable: bool) -> dg.TableColumn:
    """One column of a Dagster table schema; the comment through the one-line renderer."""
    return dg.TableColumn(
        name=name,
        type=type_,
        description=one_line(comment) if comment else None,
        constraints=dg.TableColumnConstraints(nullable=nullable),
    )


def upsert_rows(
    conn: psycopg.Connection,
    table: WarehouseTable,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    conflict: Sequence[str],
    *,
    update: bool = True,
) -> int:
    """COPY rows into a temp table, then INSERT ... ON CONFLICT into the target.

    Re-running with the same rows changes nothing but the updated values: this is what makes
    table assets idempotent and lets them re-materialize after a migration without losing
    or duplicating rows. Returns the number of rows written (inserted or updated).
    """
    temp = sql.Identifier(f"_upsert_{table.schema}_{table.name}")
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(temp))
    conn.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            temp, cols, table.ident
        )
    )
    with conn.cursor() as cur:
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(temp, cols)) as copy:
            for row in rows:
                copy.write_row(row)
    target = sql.SQL(", ").join(sql.Identifier(c) for c in conflict)
    others = [c for c in columns if c not in conflict]
    if update and others:
        action: sql.Composable = sql.SQL("DO UPDATE SET {}").format(
            sql.SQL(", ").join(
                sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(c), sql.Identifier(c))
                for c in others
            )
        )
    else:
        action = sql.SQL("DO NOTHING")
    result = conn.execute(
        sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT ({}) {}").format(
            table.ident, cols, cols, temp, target, action
        )
    )
    written = result.rowcount
    conn.execute(sql.SQL("DROP TABLE {}").format(temp))
    return written
