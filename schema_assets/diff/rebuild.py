"""Rebuild a table whose shape PostgreSQL cannot change in place, keeping its rows.

Plain ↔ partitioned, another partition key, or an inheritance child that must give up
local columns: the old table (with its partitions, indexes and identity sequences) is
renamed aside, the new shape is created under the real names with its partitions, the rows
are copied, and identity sequences continue where they were; all of it in one transaction,
so nobody ever sees an empty table. Dependents (views, foreign keys pointing at the table,
triggers, policies, indexes, constraints, grants, comments) are recreated by their own
comparators, which see the table as both dropped and created. The old table is dropped at
the end of the plan: that last step is irreversible (going back is another rebuild).
"""

from __future__ import annotations

from schema_assets import plan as hz
from schema_assets.catalog.model import Name, Table
from schema_assets.diff import phases
from schema_assets.diff.casts import using_expression
from schema_assets.diff.change import ACCESS_EXCLUSIVE_LOCK, Change, change, display, drop
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import ident, idents, literal, qualified
from schema_assets.diff.tabledef import aside_name, create_table_sql, depth


def _kind(t: Table) -> str:
    if t.kind == "p":
        return f"partitioned by {t.partition_key}"
    if t.parents and not t.is_partition:
        return "inheritance child"
    return "plain table"


def _set_aside(ctx: Context, key: Name) -> list[tuple[str, str]]:
    """(up, down) pairs moving the old table, its partitions, indexes and identity sequences
    out of the way of the new names."""
    a = ctx.source.tables[key]
    pairs: list[tuple[str, str]] = []
    if a.is_partition and a.parent:
        q, parent = qualified(*key), qualified(*a.parent)
        pairs.append(
            (
                f"ALTER TABLE {parent} DETACH PARTITION {q}",
                f"ALTER TABLE {parent} ATTACH PARTITION {q} {a.partition_bound}",
            )
        )
    tree = [key, *ctx.descendants(ctx.source, key)]
    for rel in tree:
        pairs.append(
            (
                f"ALTER TABLE {qualified(*rel)} RENAME TO {ident(aside_name(rel[1]))}",
                f"ALTER TABLE {qualified(rel[0], aside_name(rel[1]))} RENAME TO {ident(rel[1])}",
            )
        )
    members = set(tree)
    for (schema, name), i in sorted(ctx.source.indexes.items()):
        if (i.schema, i.table) in members:
            pairs.append(
                (
                    f"ALTER INDEX {qualified(schema, name)} RENAME TO {ident(aside_name(name))}",
                    f"ALTER INDEX {qualified(schema, aside_name(name))} RENAME TO {ident(name)}",
                )
            )
    for (schema, name), s in sorted(ctx.source.sequences.items()):
        if s.identity and s.owned_by and s.owned_by[:2] == key:
            pairs.append(
                (
                    f"ALTER SEQUENCE {qualified(schema, name)} RENAME TO {ident(aside_name(name))}",
                    f"ALTER SEQUENCE {qualified(schema, aside_name(name))} RENAME TO {ident(name)}",
                )
            )
    return pairs


def _copy(ctx: Context, key: Name) -> list[str]:
    """INSERT … SELECT from the old table, converting retyped columns; identity continues."""
    a, b = ctx.source.tables[key], ctx.target.tables[key]
    old_q = qualified(key[0], aside_name(key[1]))
    names: list[str] = []
    values: list[str] = []
    for col in b.columns:
        old = a.column(col.name)
        if old is None or col.generated or old.generated:
            continue
        names.append(col.name)
        if (old.type, old.collation) == (col.type, col.collation):
            values.append(ident(col.name))
        else:
            values.append(
                using_expression(
                    (*key, col.name), old.type, col.type, ctx.source, ctx.target, ctx.using
                )
            )
    if not names:
        return []
    overriding = any(c.identity == "a" for c in b.columns if c.name in names)
    select = f"SELECT {', '.join(values)} FROM {old_q}"  # noqa: S608 - every name is quoted
    into = f"INSERT INTO {qualified(*key)} ({idents(names)})"
    out = [f"{into}{' OVERRIDING SYSTEM VALUE' if overriding else ''} {select}"]
    old_seqs = ctx.identity_sequences(ctx.source)
    for column, seq in sorted(ctx.identity_sequences(ctx.target).items()):
        before = old_seqs.get(column)
        if column[:2] == key and before is not None:
            setval = f"setval({literal(qualified(seq.schema, seq.name))}, last_value, is_called)"
            old_seq = qualified(before.schema, aside_name(before.name))
            out.append(f"SELECT {setval} FROM {old_seq}")  # noqa: S608 - names are quoted
    return out


def rebuild_table(ctx: Context, key: Name) -> list[Change]:
    a, b = ctx.source.tables[key], ctx.target.tables[key]
    q = qualified(*key)
    seqs = ctx.identity_sequences(ctx.target)
    created = [key, *ctx.descendants(ctx.target, key)]
    pairs = _set_aside(ctx, key)
    up = [u for u, _ in pairs]
    for rel in created:
        up.extend(create_table_sql(ctx.target.tables[rel], ctx.target, seqs, name_not_nulls=True))
    up.extend(_copy(ctx, key))
    down = [f"DROP TABLE {q}", *(d for _, d in reversed(pairs))]
    note = f"rebuilt: {_kind(a)} -> {_kind(b)}; rows copied in the same transaction"
    return [
        change("table", "rebuild", display(*key), up=up, down=down, phase=phases.CREATE_TABLE,
               rank=depth(ctx.target, key), lock=ACCESS_EXCLUSIVE_LOCK,
               hazards=(hz.REWRITES_TABLE, hz.ACCESS_EXCLUSIVE), creates=tuple(created),
               notes=(note, "reads and writes wait for the copy; dependents are recreated")),
        drop("table", display(key[0], aside_name(key[1])),
             up=f"DROP TABLE {qualified(key[0], aside_name(key[1]))}", down=None,
             phase=phases.DROP_TABLE, rank=-depth(ctx.source, key),
             irreversible_reason="the old shape is dropped once its rows live in the rebuilt "
             "table; going back is another rebuild",
             notes=(f"old shape of {display(*key)}, set aside by the rebuild",)),
    ]  # fmt: skip
