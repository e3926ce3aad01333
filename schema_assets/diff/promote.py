"""Unique indexes that become PRIMARY KEY or UNIQUE constraints in place (USING INDEX).

`ADD CONSTRAINT … PRIMARY KEY USING INDEX` adopts an existing unique index (renaming it to
the constraint's name) instead of building a second one under ACCESS EXCLUSIVE. It applies
when the target's constraint has exactly the index's definition and the source index is
going away (not kept as a plain index).
"""

from __future__ import annotations

from schema_assets.catalog.model import Index, Name
from schema_assets.diff.context import Context, per_diff

ConstraintKey = tuple[str, str, str]


def adoptable(index: Index) -> bool:
    """USING INDEX takes only a plain btree index: no predicate, no INCLUDE columns (callers
    check the columns themselves: expressions and non-default ordering are refused too)."""
    return not (index.predicate or index.include_columns) and index.method == "btree"


@per_diff
def promoted_indexes(ctx: Context) -> dict[ConstraintKey, Name]:
    """New PK/unique constraints made from an existing unique index: constraint → index."""
    src, dst = ctx.source, ctx.target
    candidates: dict[tuple[Name, str], Name] = {}
    plain_unique = [
        (key, i)
        for key, i in src.indexes.items()
        if i.is_unique and not (i.constraint_name or i.parent_index or i.is_partitioned)
    ]
    for key, i in sorted(plain_unique):
        if not (adoptable(i) and i.is_valid):
            continue
        kept = dst.indexes.get(key)
        if kept is not None and kept.constraint_name is None and kept.definition == i.definition:
            continue  # stays a plain index
        candidates.setdefault(((i.schema, i.table), i.body), key)
    out: dict[ConstraintKey, Name] = {}
    if not candidates:
        return out
    for con_key, c in sorted(dst.constraints.items()):
        rel = (c.schema, c.table)
        if c.type not in "pu" or not c.is_local or c.has_parent or c.deferrable:
            continue
        if con_key in src.constraints or ctx.fresh(rel) or ctx.gone(rel) or not c.index_name:
            continue
        index = dst.indexes.get((c.schema, c.index_name))
        if index is None:
            continue
        found = candidates.pop((rel, index.body), None)
        if found is not None:
            out[con_key] = found
    return out
