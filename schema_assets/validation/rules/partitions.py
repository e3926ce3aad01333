"""Partitioned tables: partitions for now and the next month, a default, no orphans."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pandas as pd

from schema_assets.catalog.model import Table
from schema_assets.diff.sqltext import literal, qualified
from schema_assets.validation.rules.base import Hit, RuleContext, qname, rule

_RANGE_BOUND = re.compile(r"^FOR VALUES FROM \((.+)\) TO \((.+)\)$")
#: Names the warehouse gives partitions: <parent>_pYYYYMM[DD] and <parent>_default.
PARTITION_NAME = re.compile(r"^(?P<parent>.+)_(?:p\d{6}(?:\d{2})?|default)$")
_TIME_TYPES = ("timestamp with time zone", "timestamp without time zone", "date")


def _bound(text: str) -> pd.Timestamp | None:
    """A range bound as a UTC instant; None for MINVALUE/MAXVALUE (unbounded)."""
    text = text.strip()
    if text in ("MINVALUE", "MAXVALUE"):
        return None
    ts = pd.Timestamp(text.strip("'"))
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _ranges(partitions: list[Table]) -> list[tuple[pd.Timestamp | None, pd.Timestamp | None]]:
    ranges = []
    for part in partitions:
        match = _RANGE_BOUND.match(part.partition_bound or "")
        if match and "," not in match.group(1):
            ranges.append((_bound(match.group(1)), _bound(match.group(2))))
    return ranges


def first_uncovered(
    ranges: list[tuple[pd.Timestamp | None, pd.Timestamp | None]],
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.Timestamp | None:
    """The first instant of [start, end) in no range, or None when the span is covered."""
    point = start
    progressed = True
    while point < end and progressed:
        progressed = False
        for low, high in ranges:
            if (low is None or low <= point) and (high is None or point < high):
                if high is None:
                    return None
                point, progressed = high, True
    return point if point < end else None


def _month_start(moment: dt.datetime, months_ahead: int) -> pd.Timestamp:
    total = moment.year * 12 + moment.month - 1 + months_ahead
    return pd.Timestamp(dt.datetime(total // 12, total % 12 + 1, 1, tzinfo=dt.UTC))


def _regclass(table: Table) -> str:
    return f"{literal(qualified(table.schema, table.name))}::regclass"


def _partitioned(ctx: RuleContext) -> Iterator[Table]:
    for table in ctx.tables():
        if table.kind == "p":
            yield table


@rule(
    "PAR001",
    "partitioned table without partitions for now and next month",
    "error",
    "create the missing months: SELECT util.create_monthly_partitions('<table>'::regclass, "
    "date_trunc('month', now())::date, 2) (the partition schedule does this)",
)
def par001(ctx: RuleContext) -> Iterator[Hit]:
    now = pd.Timestamp(ctx.now)
    until = _month_start(ctx.now, 2)
    for table in _partitioned(ctx):
        column = table.column(table.range_column) if table.range_column else None
        if column is None or not column.type.startswith(_TIME_TYPES):
            continue  # only time-ranged tables have a "now"
        gap = first_uncovered(_ranges(ctx.snapshot.partitions_of(table.key)), now, until)
        if gap is not None:
            yield Hit(
                qname(table.schema, table.name),
                f"no partition covers {gap.isoformat()} (needed: {now.date()} up to {until.date()}); "
                "rows would land in the default partition or fail",
                f"SELECT util.create_monthly_partitions({_regclass(table)}, "
                f"DATE '{gap.date().replace(day=1)}', 2)",
            )


@rule(
    "PAR002",
    "partitioned table without a default partition",
    "error",
    "SELECT util.ensure_default_partition('<table>'::regclass)",
)
def par002(ctx: RuleContext) -> Iterator[Hit]:
    for table in _partitioned(ctx):
        if (table.partition_key or "").startswith("HASH"):
            continue  # hash partitioning has no default partition
        parts = ctx.snapshot.partitions_of(table.key)
        if not any((p.partition_bound or "") == "DEFAULT" for p in parts):
            yield Hit(
                qname(table.schema, table.name),
                "has no DEFAULT partition: a row outside every range fails the insert",
                f"SELECT util.ensure_default_partition({_regclass(table)})",
            )


@rule(
    "PAR003",
    "orphan partition",
    "error",
    "attach it (ALTER TABLE <parent> ATTACH PARTITION ...) or archive and drop it",
)
def par003(ctx: RuleContext) -> Iterator[Hit]:
    tables = ctx.snapshot.tables
    for key in sorted(tables):
        table = tables[key]
        if table.is_partition:
            if table.parent not in tables:
                yield Hit(qname(*key), "is a partition of a table outside the snapshot")
            continue
        match = PARTITION_NAME.match(table.name)
        if not match:
            continue
        parent = (table.schema, match.group("parent"))
        if parent in tables and tables[parent].kind == "p":
            yield Hit(
                qname(*key),
                f"is named like a partition of {qname(*parent)} but is not attached to it",
                f"ALTER TABLE {qualified(*parent)} ATTACH PARTITION {qualified(*key)} FOR VALUES ... "
                "(or archive and drop it)",
            )
        elif not table.name.endswith("_default"):
            yield Hit(
                qname(*key),
                f"is named like a monthly partition but {qname(*parent)} is not a partitioned table",
            )
