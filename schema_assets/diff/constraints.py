"""Primary key, unique, foreign key, check and exclusion constraints.

On a table that already exists, a new FOREIGN KEY or CHECK is added NOT VALID (brief lock,
no scan) and validated in a separate step under SHARE UPDATE EXCLUSIVE. Constraints
cloned onto partitions or inherited from a parent are the parent's business.
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
    display,
)
from schema_assets.diff.context import Context
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


def _same(a: Constraint, b: Constraint) -> bool:
    return (a.type, a.definition, a.deferrable, a.deferred) == (
        b.type,
        b.definition,
        b.deferrable,
        b.deferred,
    ) and (a.validated or not b.validated)


def recreated_constraints(ctx: Context) -> set[Key]:
    """Constraints present on both sides that are dropped and added again."""
    if "recreated_constraints" in ctx._cache:
        return ctx._cache["recreated_constraints"]
    src, dst = ctx.source.constraints, ctx.target.constraints
    out: set[Key] = set()
    for key in src.keys() & dst.keys():
        a, b = src[key], dst[key]
        if not own(a) and not own(b):
            continue
        rel = (key[0], key[1])
        if ctx.gone(rel) or ctx.fresh(rel) or not _same(a, b):
            out.add(key)
    # FKs must be dropped before the unique key they reference is, and re-added after.
    changed_keys = {(k[0], k[1]) for k in src if src[k].type in "pu" and (k in out or k not in dst)}
    changed_keys |= {
        (i.schema, i.table)
        for k, i in ctx.source.indexes.items()
        if i.is_unique and not i.constraint_name and k not in ctx.target.indexes
    }
    for key in src.keys() & dst.keys():
        c = src[key]
        if c.type == "f" and c.ref_table in changed_keys and own(c):
            out.add(key)
    ctx._cache["recreated_constraints"] = out
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
    for key in sorted(src):
        c = src[key]
        rel = (c.schema, c.table)
        if own(c) and c.type == "f" and _between_dropped_tables(ctx, c):
            pass  # dropped first so the tables can then be dropped in any order
        elif not own(c) or ctx.gone(rel):
            continue
        if key in dst and key not in recreated:
            continue
        out.append(
            Change(
                "constraint",
                "drop",
                display(*key),
                (_drop_sql(c),),
                (_add_sql(c),),
                phases.DROP_FOREIGN_KEY if c.type == "f" else phases.DROP_CONSTRAINT,
                lock=_lock(c),
            )  # fmt: skip
        )
    for key in sorted(dst):
        c = dst[key]
        if not own(c) or (key in src and key not in recreated):
            continue
        out.extend(_add(ctx, c))
    return out


def _add(ctx: Context, c: Constraint) -> list[Change]:
    rel = (c.schema, c.table)
    name = display(c.schema, c.table, c.name)
    phase = phases.CREATE_FOREIGN_KEY if c.type == "f" else phases.CREATE_CONSTRAINT
    if ctx.fresh(rel):
        return [Change("constraint", "create", name, (_add_sql(c),), (_drop_sql(c),), phase)]
    partitioned = ctx.is_partitioned(ctx.target, rel)
    online = c.type in "fc" and c.validated and (not partitioned or ctx.server_version >= 180000)
    if not online:
        if c.type in "pux":  # builds an index while holding ACCESS EXCLUSIVE
            hazards: tuple[str, ...] = (hz.INDEX_BUILD, hz.ACCESS_EXCLUSIVE)
        else:
            hazards = (hz.VALIDATES_CONSTRAINT,) if c.validated else ()
        return [
            Change(
                "constraint",
                "create",
                name,
                (_add_sql(c),),
                (_drop_sql(c),),
                phase,
                lock=_lock(c),
                hazards=hazards,
            )  # fmt: skip
        ]
    validate_phase = phases.VALIDATE_FOREIGN_KEY if c.type == "f" else phases.VALIDATE_CONSTRAINT
    q = qualified(c.schema, c.table)
    return [
        Change(
            "constraint", "create", name, (_add_sql(c, " NOT VALID"),), (_drop_sql(c),), phase,
            lock=_lock(c), notes=("added NOT VALID: existing rows are checked by the next step",),
        ),
        Change(
            "constraint", "validate", name,
            (f"ALTER TABLE {q} VALIDATE CONSTRAINT {ident(c.name)}",), (), validate_phase,
            lock=SHARE_UPDATE_EXCLUSIVE, hazards=(hz.VALIDATES_CONSTRAINT,),
            transactional=False,  # own transaction: the ADD's lock is released before the scan
        ),
    ]  # fmt: skip
