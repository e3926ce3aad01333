"""Primary key, unique, foreign key, check and exclusion constraints.

On a table that already exists, a new FOREIGN KEY or CHECK is added NOT VALID (brief lock,
no scan) and validated in a separate step under SHARE UPDATE EXCLUSIVE; a PRIMARY KEY or
UNIQUE that an existing unique index already enforces adopts it (USING INDEX, NOT NULLs
set first), and a new one gets its index built CONCURRENTLY first, then adopted the same
way. Constraints cloned onto partitions or inherited from a parent are the parent's business,
except their names: on a new partitioned table they are created first under the
target's names and the parent's constraint attaches them.
"""

from __future__ import annotations

from schema_assets import plan as hz
from schema_assets.catalog.model import Constraint
from schema_assets.diff import phases
from schema_assets.diff.change import (
    ACCESS_EXCLUSIVE_LOCK,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    Change,
    change,
    create,
    display,
    drop,
)
from schema_assets.diff.context import Context, per_diff
from schema_assets.diff.indexes import children_of, index_sql, recreated_indexes
from schema_assets.diff.partitions import kept_by_membership
from schema_assets.diff.promote import adoptable, promoted_indexes
from schema_assets.diff.sqltext import ident, qualified

Key = tuple[str, str, str]


def own(c: Constraint) -> bool:
    """Declared on this table (not cloned from a partitioned parent nor inherited)."""
    return c.is_local and not c.has_parent


def _add_sql(c: Constraint, suffix: str = "") -> str:
    return (
        f"ALTER TABLE {qualified(c.schema, c.table)} ADD CONSTRAINT {ident(c.name)} "
        f"{c.definition}{suffix}"
    )


def _drop_sql(c: Constraint) -> str:
    return f"ALTER TABLE {qualified(c.schema, c.table)} DROP CONSTRAINT {ident(c.name)}"


def _lock(c: Constraint) -> str:
    return SHARE_ROW_EXCLUSIVE if c.type == "f" else ACCESS_EXCLUSIVE_LOCK


def _index_names(c: Constraint) -> tuple[tuple[str, str], ...]:
    """The relation name a key or exclusion constraint gives its index."""
    return ((c.schema, c.index_name or c.name),) if c.type in "pux" else ()


def _same(a: Constraint, b: Constraint) -> bool:
    return (a.type, a.definition, a.deferrable, a.deferred) == (
        b.type,
        b.definition,
        b.deferrable,
        b.deferred,
    ) and (a.validated or not b.validated)


@per_diff
def recreated_constraints(ctx: Context) -> set[Key]:
    """Constraints present on both sides that are dropped and added again."""
    src, dst = ctx.source.constraints, ctx.target.constraints
    kept = kept_by_membership(ctx)[0]
    unstable = ctx.new_relations | ctx.dropped_relations | ctx.recreated_views  # fresh or gone
    rebound = ctx.rebound_constraints
    out: set[Key] = set()
    for key in src.keys() & dst.keys():
        a, b = src[key], dst[key]
        own_a, own_b = own(a), own(b)
        if not own_a and not own_b:
            continue
        if (key[0], key[1]) in unstable or not _same(a, b) or key in rebound:
            out.add(key)
        elif own_a != own_b and key not in kept:
            out.add(key)
    # FKs must be dropped before the unique key they reference is, and re-added after; so
    # must those pointing at a table the plan rebuilds.
    changed_keys = {(k[0], k[1]) for k in src if src[k].type in "pu" and (k in out or k not in dst)}
    recreated_idx = recreated_indexes(ctx)
    changed_keys |= {
        (i.schema, i.table)
        for k, i in ctx.source.indexes.items()
        if i.is_unique
        and not i.constraint_name
        and (k not in ctx.target.indexes or k in recreated_idx)
    }
    for key in src.keys() & dst.keys():
        c = src[key]
        if c.type == "f" and own(c) and (c.ref_table in changed_keys or c.ref_table in ctx.rebuilt):
            out.add(key)
    return out


def _between_dropped_tables(ctx: Context, c: Constraint) -> bool:
    rel = (c.schema, c.table)
    return (
        rel in ctx.dropped_relations
        and rel in ctx.source.tables
        and c.ref_table in ctx.dropped_relations
        and c.ref_table != rel
    )


def compare_constraints(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src, dst = ctx.source.constraints, ctx.target.constraints
    recreated = recreated_constraints(ctx)
    promoted = promoted_indexes(ctx)
    kept = kept_by_membership(ctx)[0]
    for key in sorted(src):
        c = src[key]
        rel = (c.schema, c.table)
        if own(c) and c.type == "f" and _between_dropped_tables(ctx, c):
            pass  # dropped first so the tables can then be dropped in any order
        elif not own(c) or ctx.gone(rel):
            continue
        if key in dst and (key not in recreated or key in kept):
            continue
        out.append(
            drop("constraint", display(*key), up=_drop_sql(c), down=_add_sql(c),
                 phase=phases.DROP_FOREIGN_KEY if c.type == "f" else phases.DROP_CONSTRAINT,
                 lock=_lock(c), drops=_index_names(c))
        )  # fmt: skip
    for key in sorted(dst):
        c = dst[key]
        if not own(c) or (key in src and (key not in recreated or key in kept)):
            continue
        if key in promoted:
            out.append(_using_index(ctx, c, promoted[key]))
        else:
            out.extend(_add(ctx, c))
    return out


def _using_index(ctx: Context, c: Constraint, index: tuple[str, str]) -> Change:
    """Adopt the existing unique index; NOT NULLs are set first (columns.py, same phase)."""
    up = _adopt_sql(c, index[1])
    down = [_drop_sql(c), index_sql(ctx.source.indexes[index])]  # the drop takes the index
    return change(
        "constraint", "create", display(c.schema, c.table, c.name), up=up, down=down,
        phase=phases.SET_NOT_NULL, rank=5, lock=ACCESS_EXCLUSIVE_LOCK,
        creates=_index_names(c), drops=(index,),
        notes=(f"adopts the unique index {display(*index)}: no second index build",),
    )  # fmt: skip


def _adopt_sql(c: Constraint, index_name: str) -> str:
    """The PK/UNIQUE `c` made from the unique index `index_name` (renamed to the constraint)."""
    kind = "PRIMARY KEY" if c.type == "p" else "UNIQUE"
    return (
        f"ALTER TABLE {qualified(c.schema, c.table)} ADD CONSTRAINT {ident(c.name)} {kind} "
        f"USING INDEX {ident(index_name)}"
    )


def _children_first(ctx: Context, c: Constraint) -> list[str]:
    """On a new partitioned table: the partitions' own constraints under the target's names
    (deepest first), so that the parent's constraint attaches them instead of naming its own."""
    if c.type not in "pux" or not c.index_name:
        return []
    out: list[str] = []
    by_index = {
        (k.schema, k.index_name): k
        for k in ctx.target.constraints.values()
        if k.index_name and k.has_parent
    }
    explicit = ctx.explicit_parents
    explicit.add((c.schema, c.index_name))

    def walk(index: tuple[str, str]) -> None:
        for child in children_of(ctx).get(index, []):
            walk((child.schema, child.name))
            con = by_index.get((child.schema, child.name))
            if con is not None:
                explicit.add((child.schema, child.name))
                out.append(_add_sql(con))

    walk((c.schema, c.index_name))
    return out


def _add(ctx: Context, c: Constraint) -> list[Change]:
    rel = (c.schema, c.table)
    name = display(c.schema, c.table, c.name)
    phase = phases.CREATE_FOREIGN_KEY if c.type == "f" else phases.CREATE_CONSTRAINT
    names = _index_names(c)
    if ctx.fresh(rel):
        up = (
            [*_children_first(ctx, c), _add_sql(c)]
            if ctx.is_partitioned(ctx.target, rel)
            else [_add_sql(c)]
        )
        return [create("constraint", name, up=up, down=_drop_sql(c), phase=phase, creates=names)]
    partitioned = ctx.is_partitioned(ctx.target, rel)
    concurrent = _key_built_concurrently(ctx, c) if not partitioned else None
    if concurrent is not None:
        return concurrent
    online = c.type in "fc" and c.validated and (not partitioned or ctx.server_version >= 180000)
    if not online:
        if c.type in "pux":  # builds an index while holding ACCESS EXCLUSIVE
            hazards: tuple[str, ...] = (hz.INDEX_BUILD, hz.ACCESS_EXCLUSIVE)
        else:
            hazards = (hz.VALIDATES_CONSTRAINT,) if c.validated else ()
        return [
            create("constraint", name, up=_add_sql(c), down=_drop_sql(c), phase=phase,
                   lock=_lock(c), hazards=hazards, creates=names)
        ]  # fmt: skip
    validate_phase = phases.VALIDATE_FOREIGN_KEY if c.type == "f" else phases.VALIDATE_CONSTRAINT
    q = qualified(c.schema, c.table)
    return [
        create("constraint", name, up=_add_sql(c, " NOT VALID"), down=_drop_sql(c), phase=phase,
               lock=_lock(c),
               notes=("added NOT VALID: existing rows are checked by the next step",)),
        change("constraint", "validate", name,
               up=f"ALTER TABLE {q} VALIDATE CONSTRAINT {ident(c.name)}", down=(),
               phase=validate_phase, lock=SHARE_UPDATE_EXCLUSIVE,
               hazards=(hz.VALIDATES_CONSTRAINT,),
               transactional=False),  # own transaction: the ADD's lock is released first
    ]  # fmt: skip


def _key_built_concurrently(ctx: Context, c: Constraint) -> list[Change] | None:
    """A new PRIMARY KEY or UNIQUE on an existing table: its unique index is built
    CONCURRENTLY (writes go on), then adopted with USING INDEX (a brief ACCESS EXCLUSIVE, no
    build). A PK's NOT NULLs are set first through validated checks (columns.py, same phase).
    None when USING INDEX cannot take the index (deferrable, partial, expressions, INCLUDE)."""
    index = ctx.target.indexes.get((c.schema, c.index_name or c.name))
    if c.type not in "pu" or c.deferrable or index is None or index.name != c.name:
        return None
    if not adoptable(index):
        return None
    ordering = (" DESC", " NULLS FIRST", " NULLS LAST", " COLLATE ")
    if index.body.count("(") != 1 or any(w in index.body for w in ordering):
        return None  # expressions or non-default ordering: USING INDEX refuses them
    if c.type == "p" and _referenced_by_new_foreign_key(ctx, c):
        return None  # the FK (earlier phase) would hang on the index the PK's undo drops
    name = display(c.schema, c.table, c.name)
    iq = qualified(c.schema, index.name)
    # A PK's NOT NULLs come first (columns.py, SET_NOT_NULL); a UNIQUE is attached right
    # away, before any FK that references it.
    phase, rank = (phases.SET_NOT_NULL, 5) if c.type == "p" else (phases.CREATE_CONSTRAINT, 1)
    return [
        create("constraint", name, up=index_sql(index, concurrently=True),
               down=f"DROP INDEX CONCURRENTLY IF EXISTS {iq}", phase=phases.CREATE_CONSTRAINT,
               transactional=False, lock=SHARE_UPDATE_EXCLUSIVE, hazards=(hz.INDEX_BUILD,),
               creates=_index_names(c),
               notes=("unique index built CONCURRENTLY; the next step makes it the constraint",
                      "a failed concurrent build leaves an INVALID index: drop it and retry")),
        change("constraint", "attach index", name, up=_adopt_sql(c, index.name),
               down=_drop_sql(c), phase=phase, rank=rank, lock=ACCESS_EXCLUSIVE_LOCK,
               notes=("adopts the index built by the previous step: no build under the lock",)),
    ]  # fmt: skip


def _referenced_by_new_foreign_key(ctx: Context, c: Constraint) -> bool:
    """An FK the plan (re)creates points at the table: it would come before the PK."""
    rel = (c.schema, c.table)
    recreated = recreated_constraints(ctx)
    return any(
        f.type == "f"
        and f.ref_table == rel
        and (key not in ctx.source.constraints or key in recreated)
        for key, f in ctx.target.constraints.items()
    )
