"""Indexes that are not backing a constraint and not attached to a partitioned parent's.

On an existing table, indexes are built and dropped CONCURRENTLY (outside a transaction,
SHARE UPDATE EXCLUSIVE). PostgreSQL cannot do that on a partitioned parent: there the plain
statement is used and the step says it blocks writes.
"""

from __future__ import annotations

from schema_assets import plan as hz
from schema_assets.catalog.model import Index, Name
from schema_assets.diff import phases
from schema_assets.diff.change import (
    ACCESS_EXCLUSIVE_LOCK,
    SHARE,
    SHARE_UPDATE_EXCLUSIVE,
    Change,
    display,
)
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import qualified


def own(i: Index) -> bool:
    return i.constraint_name is None and i.parent_index is None


def concurrently(definition: str) -> str:
    """`CREATE [UNIQUE] INDEX name ...` → `CREATE [UNIQUE] INDEX CONCURRENTLY name ...`."""
    head, sep, tail = definition.partition(" INDEX ")
    return f"{head} INDEX CONCURRENTLY {tail}" if sep else definition


def create_sql(i: Index) -> str:
    """pg_get_indexdef says `ON ONLY` for a partitioned index; creating it must cascade."""
    if i.is_partitioned:
        return i.definition.replace(" ON ONLY ", " ON ", 1)
    return i.definition


def recreated_indexes(ctx: Context) -> set[Name]:
    if "recreated_indexes" in ctx._cache:
        return ctx._cache["recreated_indexes"]
    src, dst = ctx.source.indexes, ctx.target.indexes
    out = set()
    for key in src.keys() & dst.keys():
        a, b = src[key], dst[key]
        rel = (a.schema, a.table)
        if (
            a.definition != b.definition
            or not a.is_valid
            or ctx.gone(rel)
            or ctx.fresh(rel)
            or a.table != b.table
        ):
            out.add(key)
    ctx._cache["recreated_indexes"] = out
    return out


def _is_view(ctx: Context, rel: Name) -> bool:
    return rel in ctx.target.views or rel in ctx.source.views


def compare_indexes(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src, dst = ctx.source.indexes, ctx.target.indexes
    recreated = recreated_indexes(ctx)
    for key in sorted(src):
        i = src[key]
        rel = (i.schema, i.table)
        if not own(i) or ctx.gone(rel) or (key in dst and key not in recreated):
            continue
        q = qualified(*key)
        if ctx.is_partitioned(ctx.source, rel):
            change = Change(
                "index", "drop", display(*key), (f"DROP INDEX {q}",), (create_sql(i),),
                phases.DROP_INDEX, lock=ACCESS_EXCLUSIVE_LOCK,
            )  # fmt: skip
        else:
            change = Change(
                "index", "drop", display(*key), (f"DROP INDEX CONCURRENTLY {q}",),
                (concurrently(i.definition),), phases.DROP_INDEX, transactional=False,
                lock=SHARE_UPDATE_EXCLUSIVE,
            )  # fmt: skip
        out.append(change)
    for key in sorted(dst):
        i = dst[key]
        rel = (i.schema, i.table)
        if not own(i) or (key in src and key not in recreated):
            continue
        if _is_view(ctx, rel) and ctx.fresh(rel):
            continue  # created together with its (re)created materialized view
        online = _online_partitioned(ctx, i)
        out.extend(online if online is not None else [_create(ctx, i)])
    return out


def _children(ctx: Context) -> dict[Name, list[Index]]:
    """Target indexes by the partitioned index they are attached to."""
    if "index_children" not in ctx._cache:
        out: dict[Name, list[Index]] = {}
        for i in ctx.target.indexes.values():
            if i.parent_index:
                out.setdefault(i.parent_index, []).append(i)
        ctx._cache["index_children"] = out
    return ctx._cache["index_children"]


def _partitions(ctx: Context) -> dict[Name, set[Name]]:
    """Partitions per parent once the plan ran: the target's plus the kept managed ones."""
    if "partitions" not in ctx._cache:
        out: dict[Name, set[Name]] = {}
        for t in ctx.target.tables.values():
            if t.parent:
                out.setdefault(t.parent, set()).add(t.key)
        for key in ctx.kept_partitions:
            parent = ctx.source.tables[key].parent
            out.setdefault(parent, set()).add(key)
        ctx._cache["partitions"] = out
    return ctx._cache["partitions"]


def _online_partitioned(ctx: Context, i: Index) -> list[Change] | None:
    """New index on an existing partitioned table without blocking writes for the build:
    CREATE INDEX ON ONLY the parent (instant, invalid), CREATE INDEX CONCURRENTLY on each
    partition, then ATTACH each one (the parent index turns valid with the last).
    None when that is not possible (sub-partitions, partitions without a matching index)."""
    rel = (i.schema, i.table)
    if ctx.fresh(rel) or not ctx.is_partitioned(ctx.target, rel):
        return None
    children = _children(ctx).get((i.schema, i.name), [])
    covered = {(c.schema, c.table) for c in children}
    if not children or covered != _partitions(ctx).get(rel, set()):
        return None
    if any(c.is_partitioned for c in children):
        return None
    q = qualified(i.schema, i.name)
    name = display(i.schema, i.name)
    out = [
        Change(
            "index", "create", name, (i.definition,), (f"DROP INDEX {q}",), phases.CREATE_INDEX,
            rank=0, lock=SHARE, notes=("ON ONLY the parent: instant, valid once all partitions are attached",),
        )
    ]  # fmt: skip
    for c in sorted(children, key=lambda c: c.name):
        cq = qualified(c.schema, c.name)
        out.append(
            Change(
                "index", "create", display(c.schema, c.name), (concurrently(c.definition),), (),
                phases.CREATE_INDEX, rank=1, transactional=False, lock=SHARE_UPDATE_EXCLUSIVE,
                hazards=(hz.INDEX_BUILD,), notes=(f"partition index of {name}, built concurrently",),
            )
        )  # fmt: skip
        out.append(
            Change(
                "index", "attach", display(c.schema, c.name),
                (f"ALTER INDEX {q} ATTACH PARTITION {cq}",), (), phases.CREATE_INDEX, rank=2,
                lock=SHARE_UPDATE_EXCLUSIVE, notes=(f"attached to {name}",),
            )
        )  # fmt: skip
    return out


def _create(ctx: Context, i: Index) -> Change:
    rel = (i.schema, i.table)
    name = display(i.schema, i.name)
    q = qualified(i.schema, i.name)
    phase = phases.CREATE_VIEW_INDEX if _is_view(ctx, rel) else phases.CREATE_INDEX
    if ctx.fresh(rel):
        return Change("index", "create", name, (create_sql(i),), (f"DROP INDEX {q}",), phase)
    if ctx.is_partitioned(ctx.target, rel):
        return Change(
            "index", "create", name, (create_sql(i),), (f"DROP INDEX {q}",), phase, lock=SHARE,
            hazards=(hz.INDEX_BUILD,),
            notes=("partitioned table: CONCURRENTLY is impossible, writes wait for the build",),
        )  # fmt: skip
    return Change(
        "index", "create", name, (concurrently(i.definition),),
        (f"DROP INDEX CONCURRENTLY {q}",), phase, transactional=False,
        lock=SHARE_UPDATE_EXCLUSIVE, hazards=(hz.INDEX_BUILD,),
        notes=("a failed concurrent build leaves an INVALID index: drop it and retry",),
    )  # fmt: skip
