"""Partition membership of tables on both sides: attach, detach, move, new bounds.

ATTACH creates on the partition whatever key or index of the parent it lacks (under names
PostgreSQL chooses; indexes.py renames them) and DETACH leaves them behind, so the way
back drops what the attach added. An existing table is attached after a validated CHECK
matching its bound (bounds.py): no scan under ACCESS EXCLUSIVE.
"""

from __future__ import annotations

import hashlib

from schema_assets import plan as hz
from schema_assets.catalog.model import Name, Table
from schema_assets.diff import phases
from schema_assets.diff.bounds import bound_check
from schema_assets.diff.change import SHARE_UPDATE_EXCLUSIVE, Change, change, display
from schema_assets.diff.context import Context, per_diff
from schema_assets.diff.sqltext import ident, qualified


def _attach(parent: Name, t: Table) -> str:
    return (
        f"ALTER TABLE {qualified(*parent)} ATTACH PARTITION {qualified(t.schema, t.name)} "
        f"{t.partition_bound}"
    )


def _detach(parent: Name, t: Table) -> str:
    return f"ALTER TABLE {qualified(*parent)} DETACH PARTITION {qualified(t.schema, t.name)}"


@per_diff
def adopted_indexes(ctx: Context) -> dict[Name, Name]:
    """Indexes of a table about to be attached that ATTACH will adopt as the partition's
    index of a parent index (same definition): target partition index → source index."""
    out: dict[Name, Name] = {}
    attached = {key for key in _membership_changes(ctx) if ctx.target.tables[key].parent}
    if not attached:
        return out
    own: dict[tuple[Name, bool, str], Name] = {}
    for key, i in ctx.source.indexes.items():
        rel = (i.schema, i.table)
        if rel in attached and not i.constraint_name and not i.parent_index:
            own.setdefault((rel, i.is_unique, i.body), key)
    for key, i in sorted(ctx.target.indexes.items()):
        rel = (i.schema, i.table)
        if rel in attached and i.parent_index and not i.constraint_name:
            found = own.pop((rel, i.is_unique, i.body), None)
            if found is not None:
                out[key] = found
    return out


@per_diff
def kept_by_membership(ctx: Context) -> tuple[set[tuple[str, str, str]], set[Name]]:
    """Constraints and indexes that an ATTACH adopts or a DETACH leaves behind unchanged
    (same name and definition, only cloned <-> own changes): nothing to drop or create."""
    moved = set(_membership_changes(ctx))
    if not moved:
        return set(), set()
    constraints = {
        key
        for key, c in ctx.source.constraints.items()
        if (c.schema, c.table) in moved
        and (d := ctx.target.constraints.get(key)) is not None
        and (c.type, c.definition) == (d.type, d.definition)
    }
    indexes = {
        key
        for key, i in ctx.source.indexes.items()
        if (i.schema, i.table) in moved
        and (j := ctx.target.indexes.get(key)) is not None
        and (i.is_unique, i.body) == (j.is_unique, j.body)
    }
    return constraints, indexes


@per_diff
def _membership_changes(ctx: Context) -> list[Name]:
    """Tables on both sides whose parent or bound changes (cached per diff)."""
    out: list[Name] = []
    src, dst = ctx.source.tables, ctx.target.tables
    for key in src.keys() & dst.keys():
        a, b = src[key], dst[key]
        if a.parents == b.parents and a.partition_bound == b.partition_bound:
            continue  # the common case, checked first
        if key in ctx.new_relations or key in ctx.dropped_relations:
            continue
        if (a.parent, a.partition_bound) != (b.parent, b.partition_bound):
            out.append(key)
    out.sort()
    return out


def _cloned_by_attach(ctx: Context, t: Table) -> list[str]:
    """After DETACH: drop what the ATTACH created on the table (keys, indexes, foreign keys)."""
    q = qualified(t.schema, t.name)
    rel = (t.schema, t.name)
    out = []
    for con_key, c in sorted(ctx.target.constraints.items()):
        if (c.schema, c.table) == rel and c.has_parent and con_key not in ctx.source.constraints:
            out.append(f"ALTER TABLE {q} DROP CONSTRAINT IF EXISTS {ident(c.name)}")
    adopted = adopted_indexes(ctx)
    for key, i in sorted(ctx.target.indexes.items()):
        if (i.schema, i.table) != rel or not i.parent_index or i.constraint_name:
            continue
        if key not in ctx.source.indexes and key not in adopted:
            out.append(f"DROP INDEX IF EXISTS {qualified(*key)}")
    return out


def compare_partitions(ctx: Context) -> list[Change]:
    out: list[Change] = []
    for key in _membership_changes(ctx):
        a, b = ctx.source.tables[key], ctx.target.tables[key]
        if a.parent:
            out.append(
                change("partition", "detach", display(*key), up=_detach(a.parent, a),
                       down=_attach(a.parent, a),
                       phase=phases.DETACH_PARTITION,
                       notes=(f"detached from {display(*a.parent)}",))
            )  # fmt: skip
        if b.parent:
            out.extend(_attach_steps(ctx, b.parent, b))
    return out


def _attach_steps(ctx: Context, parent: Name, t: Table) -> list[Change]:
    """ATTACH; a table that may hold rows gets a CHECK matching its bound first, added NOT
    VALID and validated under SHARE UPDATE EXCLUSIVE, so that the ATTACH does not scan it
    under ACCESS EXCLUSIVE (the CHECK is dropped right after)."""
    name, q = display(t.schema, t.name), qualified(t.schema, t.name)
    down = [_detach(parent, t), *_cloned_by_attach(ctx, t)]
    check = bound_check(ctx.target.tables[parent].partition_key, t.partition_bound)
    if check is None:
        return [
            change("partition", "attach", name, up=_attach(parent, t), down=down,
                   phase=phases.ATTACH_PARTITION, lock=SHARE_UPDATE_EXCLUSIVE,
                   notes=(f"attached to {display(*parent)}; the partition itself is "
                          "locked ACCESS EXCLUSIVE and scanned (no CHECK can prove this bound)",))
        ]  # fmt: skip
    digest = hashlib.sha256(f"{t.schema}.{t.name}{t.partition_bound}".encode()).hexdigest()[:8]
    con = ident(f"sa_bound_{digest}")
    drop_check = f"ALTER TABLE {q} DROP CONSTRAINT IF EXISTS {con}"
    return [
        change("partition", "prepare attach", name,
               up=f"ALTER TABLE {q} ADD CONSTRAINT {con} {check} NOT VALID", down=drop_check,
               phase=phases.ATTACH_PARTITION, rank=0,
               notes=("a CHECK matching the bound, so that the ATTACH need not scan",)),
        change("partition", "validate bound", name, up=f"ALTER TABLE {q} VALIDATE CONSTRAINT {con}",
               down=(), phase=phases.ATTACH_PARTITION, rank=1, lock=SHARE_UPDATE_EXCLUSIVE,
               hazards=(hz.VALIDATES_CONSTRAINT,), transactional=False),
        change("partition", "attach", name, up=[_attach(parent, t), drop_check], down=down,
               phase=phases.ATTACH_PARTITION, rank=2, lock=SHARE_UPDATE_EXCLUSIVE,
               notes=(f"attached to {display(*parent)}; the validated CHECK proves the "
                      "bound: no scan",)),
    ]  # fmt: skip
