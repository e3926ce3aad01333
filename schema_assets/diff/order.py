"""Order changes: by phase (what must exist first), then dependency rank, then name.

Ranks come from real dependencies in the catalogs: view-on-view depth (pg_rewrite via
`Snapshot.dependencies`) for views, parent-before-partition depth for tables, label
position for enum values. Drops use negative ranks, so dependents go first.
"""

from __future__ import annotations

from collections.abc import Iterable

from schema_assets.diff.change import Change


def order_changes(changes: Iterable[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (c.phase, c.rank, c.object, c.kind))
