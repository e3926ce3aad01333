"""Compare two snapshots and produce the ordered, reviewable migration `Plan`.

Pure: no database access. `diff_snapshots(source, target)` is the migration that turns
`source` into `target`; rename hints, the comparators of the registered kinds
(`catalog/kinds.py`) and dependency ordering (`order.py`) are its parts.
"""

from __future__ import annotations

from schema_assets.catalog.model import Snapshot
from schema_assets.diff.casts import parse_using
from schema_assets.diff.context import build_context
from schema_assets.diff.order import order_changes
from schema_assets.diff.renames import apply_hints, flag_possible_renames, parse_hints
from schema_assets.gcpause import gc_paused
from schema_assets.plan import Plan

__all__ = ["diff_snapshots"]


def diff_snapshots(
    source: Snapshot,
    target: Snapshot,
    *,
    renames: dict[str, str] | None = None,
    managed_partition_pattern: str | None = None,
    source_label: str = "",
    target_label: str = "",
    using: dict[str, str] | None = None,
) -> Plan:
    """The migration turning `source` into `target`, in a safe order.

    `using` maps "schema.table.column" to the expression converting that column's values
    when its type changes without a cast (see casts.py).
    """
    from schema_assets.catalog.kinds import comparators

    with gc_paused():  # comparing two large snapshots: see gcpause.py
        hints = parse_hints(renames)
        renamed, changes = apply_hints(source, target, hints)
        ctx = build_context(renamed, target, managed_partition_pattern, parse_using(using))
        for compare in comparators():
            changes.extend(compare(ctx))
        changes, rename_warnings = flag_possible_renames(changes, renamed, target)
        ordered = order_changes(changes)
    return Plan(
        steps=tuple(c.to_step() for c in ordered),
        source=source_label,
        target=target_label,
        warnings=tuple(ctx.warnings) + tuple(rename_warnings),
    )
