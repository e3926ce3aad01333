"""Order changes: by phase (what must exist first), then dependency rank, then name.

Ranks come from real dependencies in the catalogs: view-on-view depth (pg_rewrite via
`Snapshot.dependencies`) for views, parent-before-partition depth for tables, label
position for enum values. Drops use negative ranks, so dependents go first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from schema_assets.diff.change import Change


def order_changes(changes: Iterable[Change]) -> list[Change]:
    return sorted(
        drop_reused_names_first(changes), key=lambda c: (c.phase, c.rank, c.object, c.kind)
    )


def drop_reused_names_first(changes: Iterable[Change]) -> list[Change]:
    """A relation name dropped and created again in one plan (a table replaced by a view, an
    index by a constraint of the same name, a serial's sequence by an identity's) is freed
    before it is claimed: a drop that would run after the creation moves just before it
    (same phase, lower rank), where whatever it depended on is already gone."""
    changes = list(changes)
    claimed: dict[tuple[str, str], tuple[int, int]] = {}
    for c in changes:
        for name in c.creates:
            claimed[name] = min(claimed.get(name, (c.phase, c.rank)), (c.phase, c.rank))
    if not claimed:
        return changes
    out = []
    for c in changes:
        first = min((claimed[n] for n in c.drops if n in claimed), default=None)
        if first is not None and (c.phase, c.rank) >= first:
            c = dataclasses.replace(c, phase=first[0], rank=first[1] - 1)
        out.append(c)
    return out
