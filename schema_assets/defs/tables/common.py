"""What every table asset shares: asset specs from table names, metadata from the catalog,
and an idempotent bulk upsert.

The translator idea of dagster-dbt, kept small: a `WarehouseTable` names a table and its
layer; `asset_spec` turns it into a Dagster `AssetSpec`; `materialize_result` reads its row
count and column schema from the live catalog after the write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
import psycopg
from psycopg import sql

from schema_assets.catalog.model import Snapshot

#: The asset every table asset depends on: nothing is written before the schema is proven.
VALIDATED_SCHEMA = dg.AssetKey("validated_schema")


@dataclass(frozen=True)
class WarehouseTable:
    """One warehouse relation materialized by a table asset."""

    schema: str
    name: str
    group: str
    description: str = ""
    kind: str = "table"  # table | materialized_view

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey([self.schema, self.name])

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def ident(self) -> sql.Composable:
        return sql.Identifier(self.schema, self.name)


def asset_spec(table: WarehouseTable, deps: Iterable[WarehouseTable | dg.AssetKey]) -> dg.AssetSpec:
    dep_keys = [d.key if isinstance(d, WarehouseTable) else d for d in deps]
    return dg.AssetSpec(
        key=table.key,
        group_name=table.group,
        description=table.description or f"{table.kind} {table.qualified}",
        deps=dep_keys,
        kinds={"postgres"},
        metadata={"table": table.qualified, "dagster/table_name": f"warehouse.{table.qualified}"},
    )


def row_count(conn: psycopg.Connection, table: WarehouseTable) -> int:
    query = sql.SQL("SELECT count(*) FROM {}").format(table.ident)
    return int(conn.execute(query).fetchone()[0])


def table_schema(snapshot: Snapshot, table: WarehouseTable) -> dg.TableSchema:
    """Column names, types, nullability and comments exactly as the catalog has them."""
    key = (table.schema, table.name)
    columns = sorted(snapshot.relation_columns(key), key=lambda c: c.position)
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=c.type,
                description=c.comment,
                constraints=dg.TableColumnConstraints(nullable=not c.not_null),
            )
            for c in columns
        ]
    )


def materialize_result(
    conn: psycopg.Connection,
    snapshot: Snapshot,
    table: WarehouseTable,
    extra: dict[str, Any] | None = None,
) -> dg.MaterializeResult:
    count = row_count(conn, table)
    metadata: dict[str, Any] = {
        "dagster/row_count": dg.MetadataValue.int(count),
        "dagster/column_schema": table_schema(snapshot, table),
    }
    metadata.update(extra or {})
    return dg.MaterializeResult(asset_key=table.key, metadata=metadata)


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
        action = sql.SQL("DO UPDATE SET {}").format(
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
