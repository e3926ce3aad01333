"""Partition membership of tables on both sides: attach, detach, move, new bounds."""

from __future__ import annotations

from schema_assets.catalog.model import Table
from schema_assets.diff import phases
from schema_assets.diff.change import SHARE_UPDATE_EXCLUSIVE, Change, display
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import qualified


def _attach(t: Table) -> str:
    return (
        f"ALTER TABLE {qualified(*t.parent)} ATTACH PARTITION {qualified(t.schema, t.name)} "
        f"{t.partition_bound}"
    )


def _detach(t: Table) -> str:
    return f"ALTER TABLE {qualified(*t.parent)} DETACH PARTITION {qualified(t.schema, t.name)}"


def compare_partitions(ctx: Context) -> list[Change]:
    out: list[Change] = []
    for key in sorted(ctx.source.tables.keys() & ctx.target.tables.keys()):
        if key in ctx.new_relations or key in ctx.dropped_relations:
            continue
        a, b = ctx.source.tables[key], ctx.target.tables[key]
        same = (a.parent, a.partition_bound) == (b.parent, b.partition_bound)
        if same:
            continue
        if a.parent:
            out.append(
                Change(
                    "partition",
                    "detach",
                    display(*key),
                    (_detach(a),),
                    (_attach(a),),
                    phases.DETACH_PARTITION,
                    notes=(f"detached from {display(*a.parent)}",),
                )  # fmt: skip
            )
        if b.parent:
            out.append(
                Change(
                    "partition",
                    "attach",
                    display(*key),
                    (_attach(b),),
                    (_detach(b),),
                    phases.ATTACH_PARTITION,
                    lock=SHARE_UPDATE_EXCLUSIVE,
                    notes=(
                        f"attached to {display(*b.parent)}; the partition itself is locked "
                        "ACCESS EXCLUSIVE and scanned unless a matching CHECK proves the bound",
                    ),
                )  # fmt: skip
            )
    return out
