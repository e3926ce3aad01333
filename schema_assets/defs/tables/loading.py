"""Loading payloads through the field mappings: map, resolve lookups, upsert.

One path for the vendors' sample payloads and for the synthetic market data, so every row
in the raw layer has been through the same transforms the mapping checks validate.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from schema_assets.defs.tables.common import WarehouseTable, upsert_rows
from schema_assets.validation.mapping import (
    Lookup,
    Mapping,
    lookup_column,
    map_records,
    resolve_lookups,
)


@dataclass(frozen=True)
class LoadStats:
    """What one load did: records offered, rows written, records dropped and why."""

    records: int
    written: int
    dropped: int
    unresolved: dict[str, list[str]]


def lookup_table(conn: psycopg.Connection, lookup: Lookup) -> dict[Any, int]:
    """`match -> returns` of a lookup table; for repeated matches the lowest key wins."""
    schema, _, table = lookup.table.partition(".")
    rows = conn.execute(
        sql.SQL("SELECT {m}, {r} FROM {t} ORDER BY {r} DESC").format(
            m=sql.Identifier(lookup.match),
            r=sql.Identifier(lookup.returns),
            t=sql.Identifier(schema, table),
        )
    ).fetchall()
    return {match: key for match, key in rows}


def _json_default(value: Any) -> Any:
    """JSON numbers parsed as Decimal (to keep their digits) go back out as numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def jsonb(value: Any) -> Jsonb:
    return Jsonb(value, dumps=partial(json.dumps, default=_json_default))


def plain(value: Any) -> Any:
    """A DataFrame cell as something psycopg can COPY (NA → None, Timestamp → datetime)."""
    if isinstance(value, dict):
        return jsonb(value)
    if isinstance(value, list | tuple):
        return list(value)
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def frame_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    columns = [frame[c].tolist() for c in frame.columns]
    return [tuple(plain(v) for v in row) for row in zip(*columns, strict=True)]


def without_columns(mapping: Mapping, columns: Iterable[str]) -> Mapping:
    skip = set(columns)
    return dataclasses.replace(
        mapping, fields=tuple(f for f in mapping.fields if f.column not in skip)
    )


def load_mapped(
    conn: psycopg.Connection,
    mapping: Mapping,
    records: Sequence[AbcMapping[str, Any]],
    conflict: tuple[str, ...],
    *,
    where: Callable[[pd.DataFrame], pd.Series] | None = None,
) -> LoadStats:
    """Map records, resolve lookups against the live tables and upsert into the target.

    Records whose lookup value has no match (e.g. a ticker not in ref.instruments) are
    dropped and reported, not loaded with a guessed key. `where` selects mapped rows (e.g. a
    month window); rows it leaves out are neither loaded nor counted.
    """
    frame = map_records(mapping, records)
    if where is not None and len(frame):
        frame = frame[where(frame)].reset_index(drop=True)
    offered = len(frame)
    resolved: dict[str, dict[Any, int]] = {}
    unresolved: dict[str, list[str]] = {}
    keep = pd.Series(True, index=frame.index)
    for fm in mapping.fields:
        if fm.lookup is None:
            continue
        table = lookup_table(conn, fm.lookup)
        resolved[fm.column] = table
        values = frame[lookup_column(fm.column)]
        missing = values.map(lambda v, t=table: v is not None and v not in t)
        if missing.any():
            unresolved[fm.column] = sorted({str(v) for v in values[missing]})
            keep &= ~missing
    frame = resolve_lookups(frame[keep].reset_index(drop=True), mapping, resolved)
    frame = frame.drop_duplicates(subset=list(conflict), keep="last")
    schema, table_name = mapping.target_key
    target = WarehouseTable(schema, table_name)
    written = upsert_rows(conn, target, list(frame.columns), frame_rows(frame), conflict)
    dropped = int((~keep).sum())
    return LoadStats(offered, written, dropped, unresolved)
