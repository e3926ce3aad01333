"""Columns a partition or inheritance child inherits: only what the child holds of its own.

A partition's or child's own NOT NULL, default, statistics, storage or compression is
compared with where the plan leaves it (an ALTER on the parent recurses to its children);
the NOT NULL constraint names it holds for its parent's NOT NULLs are renamed while the
table is detached, since PostgreSQL renames no inherited constraint.
"""

from __future__ import annotations

from schema_assets import plan as hz
from schema_assets.catalog.model import Column, Snapshot, Table
from schema_assets.diff import phases
from schema_assets.diff.change import Change, alter, display
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import ident, qualified
from schema_assets.diff.tabledef import (
    COMPRESSION,
    STORAGE,
    add_not_null_sql,
    default_sql,
    not_null_name,
)


def attached_in_plan(ctx: Context, t: Table) -> bool:
    """The table becomes a partition in this plan: once attached, its NOT NULL constraints
    are inherited and cannot be renamed, so that happens before the ATTACH."""
    old = ctx.source.tables[(t.schema, t.name)]
    return bool(t.parent) and (old.parent, old.partition_bound) != (t.parent, t.partition_bound)


def _follows(old: object, new: object, parent_old: object, parent_new: object) -> bool:
    """A child's inherited property ends where the plan leaves it: at the parent's new value
    when the parent's changes (ALTER on the parent recurses), else where it was."""
    expected = parent_new if parent_old != parent_new else old
    return new == expected


def alter_inherited(
    ctx: Context, q: str, ta: Table, tb: Table, a: Column, b: Column
) -> list[Change]:
    """A column a partition or inheritance child inherits: only its own properties."""
    pa = _parent_column(ctx.source, ta, a.name)
    pb = _parent_column(ctx.target, tb, b.name)
    if pa is None or pb is None:
        return []
    name = display(tb.schema, tb.name, b.name)
    alter_sql = f"ALTER TABLE {q} ALTER COLUMN {ident(b.name)}"
    up: list[str] = []
    down: list[str] = []
    if not _follows(a.default_expr, b.default_expr, pa.default_expr, pb.default_expr):
        up.append(default_sql(alter_sql, b.default_expr))
        down.append(default_sql(alter_sql, a.default_expr))
    if b.not_null and not pb.not_null and (not a.not_null or pa.not_null):
        up.append(add_not_null_sql(q, tb.name, b))
        down.append(f"{alter_sql} DROP NOT NULL")
    elif not b.not_null and a.not_null and not pa.not_null:
        up.append(f"{alter_sql} DROP NOT NULL")
        down.append(add_not_null_sql(q, tb.name, a))
    elif (
        a.not_null and b.not_null and pa.not_null == pb.not_null
        and (not pb.not_null or attached_in_plan(ctx, tb))  # renamed while standalone
    ):  # fmt: skip
        old, new = not_null_name(tb.name, a), not_null_name(tb.name, b)
        if old != new:
            up.append(f"ALTER TABLE {q} RENAME CONSTRAINT {ident(old)} TO {ident(new)}")
            down.append(f"ALTER TABLE {q} RENAME CONSTRAINT {ident(new)} TO {ident(old)}")
    for attr, render in (
        ("statistics", lambda v: f"SET STATISTICS {-1 if v is None else v}"),
        ("storage", lambda v: f"SET STORAGE {STORAGE.get(v or '', 'DEFAULT')}"),
        ("compression", lambda v: f"SET COMPRESSION {COMPRESSION.get(v, 'DEFAULT')}"),
    ):
        values = [getattr(x, attr) for x in (a, b, pa, pb)]
        if not _follows(*values):
            up.append(f"{alter_sql} {render(values[1])}")
            down.append(f"{alter_sql} {render(values[0])}")
    if not up:
        return []
    return [
        alter("column", name, up=up, down=list(reversed(down)),
              phase=phases.ALTER_COLUMN if attached_in_plan(ctx, tb) else phases.SET_NOT_NULL,
              rank=4, notes=("the partition's (or child's) own setting of an inherited column",))
    ]  # fmt: skip


def inherited_not_null_names(ctx: Context, q: str, ta: Table, tb: Table) -> list[Change]:
    """NOT NULL names a partition (or child) holds for its parent's NOT NULLs: PostgreSQL
    renames no inherited constraint, so the table leaves its parent for the rename and
    comes back (one transaction; ATTACH checks the rows against the bound)."""
    if not tb.parents or attached_in_plan(ctx, tb) or ta.parents != tb.parents:
        return []
    renames: list[tuple[str, str]] = []
    for b in tb.columns:
        a = ta.column(b.name)
        if a is None or a.is_local or b.is_local or not (a.not_null and b.not_null):
            continue
        pa = _parent_column(ctx.source, ta, b.name)
        pb = _parent_column(ctx.target, tb, b.name)
        if pa is None or pb is None or not (pa.not_null and pb.not_null):
            continue
        old, new = not_null_name(tb.name, a), not_null_name(tb.name, b)
        if old != new:
            renames.append((old, new))
    if not renames:
        return []
    if tb.parent is not None:  # a partition
        parent = qualified(*tb.parent)
        leave = f"ALTER TABLE {parent} DETACH PARTITION {q}"
        come_back = f"ALTER TABLE {parent} ATTACH PARTITION {q} {tb.partition_bound}"
    else:
        parents = [qualified(*p) for p in tb.parents]
        leave = "; ".join(f"ALTER TABLE {q} NO INHERIT {p}" for p in parents)
        come_back = "; ".join(f"ALTER TABLE {q} INHERIT {p}" for p in parents)

    def sql(pairs: list[tuple[str, str]]) -> list[str]:
        moves = [f"ALTER TABLE {q} RENAME CONSTRAINT {ident(o)} TO {ident(n)}" for o, n in pairs]
        return [*leave.split("; "), *moves, *come_back.split("; ")]

    return [
        alter("table", display(tb.schema, tb.name), up=sql(renames),
              down=sql([(n, o) for o, n in renames]), phase=phases.SET_NOT_NULL, rank=6,
              hazards=(hz.ACCESS_EXCLUSIVE,),
              notes=("NOT NULL names of inherited columns: renamed while detached",))
    ]  # fmt: skip


def _parent_column(snap: Snapshot, t: Table, column: str) -> Column | None:
    for p in t.parents:
        parent = snap.tables.get(p)
        col = parent.column(column) if parent else None
        if col is not None:
            return col
    return None
