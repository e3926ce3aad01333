"""Tables: create (ordinary, partitioned, partitions, inheritance children), drop, alter.

A dropped table loses its data, so the step is destructive, irreversible and names the
table to archive first. Partitions in the live database that match the managed-partition
pattern (created by a schedule, not by the schema file) are kept.
"""

from __future__ import annotations

from schema_assets import plan as hz
from schema_assets.catalog.model import Column, Name, Sequence, Snapshot, Table
from schema_assets.diff import phases
from schema_assets.diff.change import Change, display
from schema_assets.diff.context import Context
from schema_assets.diff.sequences import identity_sequence
from schema_assets.diff.sqltext import ident, qualified


def column_definition(col: Column, identity_seq: Sequence | None = None) -> str:
    parts = [ident(col.name), col.type]
    if col.collation:
        parts.append(f"COLLATE {col.collation}")
    if col.generated:
        kind = "STORED" if col.generated == "s" else "VIRTUAL"
        parts.append(f"GENERATED ALWAYS AS ({col.generation_expr}) {kind}")
    if col.identity:
        parts.append(f"GENERATED {'ALWAYS' if col.identity == 'a' else 'BY DEFAULT'} AS IDENTITY")
    if col.default_expr is not None:
        parts.append(f"DEFAULT {col.default_expr}")
    if col.not_null:
        parts.append("NOT NULL")
    return " ".join(parts)


def create_table_sql(t: Table, ctx: Context | None = None) -> list[str]:
    q = qualified(t.schema, t.name)
    unlogged = "UNLOGGED " if t.persistence == "u" else ""
    attach = None
    if t.is_partition and t.parent and not any(c.is_local for c in t.columns):
        stmt = f"CREATE {unlogged}TABLE {q} PARTITION OF {qualified(*t.parent)} {t.partition_bound}"
    else:
        cols = ",\n    ".join(
            column_definition(
                c, identity_sequence(ctx, True, (t.schema, t.name, c.name)) if ctx else None
            )
            for c in t.columns
            if c.is_local
        )
        stmt = f"CREATE {unlogged}TABLE {q} (\n    {cols}\n)"
        if t.is_partition and t.parent:  # declared on its own, then attached
            attach = f"ALTER TABLE {qualified(*t.parent)} ATTACH PARTITION {q} {t.partition_bound}"
        elif t.parents:
            stmt += f" INHERITS ({', '.join(qualified(*p) for p in t.parents)})"
    if t.partition_key:
        stmt += f" PARTITION BY {t.partition_key}"
    if t.options:
        stmt += f" WITH ({', '.join(t.options)})"
    out = [stmt] if attach is None else [stmt, attach]
    if t.rls_enabled:
        out.append(f"ALTER TABLE {q} ENABLE ROW LEVEL SECURITY")
    if t.rls_forced:
        out.append(f"ALTER TABLE {q} FORCE ROW LEVEL SECURITY")
    return out


def _depth(snap: Snapshot, key: Name, seen: frozenset[Name] = frozenset()) -> int:
    t = snap.tables.get(key)
    if not t or not t.parents or key in seen:
        return 0
    return 1 + max(_depth(snap, p, seen | {key}) for p in t.parents)


def primary_key(ctx: Context, key: Name) -> list[str]:
    for c in ctx.source_constraints_of(key):
        if c.type == "p":
            return list(c.columns)
    return []


def compare_tables(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src, dst = ctx.source.tables, ctx.target.tables
    for key in sorted(k for k in dst if k in ctx.new_relations):
        t = dst[key]
        out.append(
            Change(
                "table",
                "create",
                display(*key),
                tuple(create_table_sql(t, ctx)),
                (f"DROP TABLE {qualified(*key)}",),
                phases.CREATE_TABLE,
                rank=_depth(ctx.target, key),
                notes=(f"partition of {display(*t.parent)}",) if t.parent else (),
            )  # fmt: skip
        )
    for key in sorted(k for k in src if k in ctx.dropped_relations):
        t = src[key]
        if t.parent and t.parent in ctx.dropped_relations and t.parent in src:
            if src[t.parent].kind == "p":
                continue  # dropped with its partitioned parent
        out.append(
            Change(
                "table",
                "drop",
                display(*key),
                (f"DROP TABLE {qualified(*key)}",),
                None,
                phases.DROP_TABLE,
                rank=-_depth(ctx.source, key),
                hazards=(hz.DELETES_DATA,),
                irreversible_reason="the table's rows are gone; restore them from the archive",
                archive={"table": list(key)},
            )  # fmt: skip
        )
    for key in sorted(src.keys() & dst.keys()):
        out.extend(_alter_table(ctx, src[key], dst[key]))
    return out


def _alter_table(ctx: Context, a: Table, b: Table) -> list[Change]:
    q = qualified(b.schema, b.name)
    name = display(b.schema, b.name)
    if a.kind != b.kind or a.partition_key != b.partition_key:
        ctx.warnings.append(
            f"table {name} changes between plain and partitioned (or its partition key): "
            "PostgreSQL cannot do that in place; create a new table, copy, and swap by hand"
        )
    pairs: list[tuple[str, str]] = []
    if a.persistence != b.persistence:
        pairs.append(
            (
                f"ALTER TABLE {q} SET {'UNLOGGED' if b.persistence == 'u' else 'LOGGED'}",
                f"ALTER TABLE {q} SET {'UNLOGGED' if a.persistence == 'u' else 'LOGGED'}",
            )
        )
    if a.rls_enabled != b.rls_enabled:
        pairs.append(
            (
                f"ALTER TABLE {q} {'ENABLE' if b.rls_enabled else 'DISABLE'} ROW LEVEL SECURITY",
                f"ALTER TABLE {q} {'ENABLE' if a.rls_enabled else 'DISABLE'} ROW LEVEL SECURITY",
            )
        )
    if a.rls_forced != b.rls_forced:
        pairs.append(
            (
                f"ALTER TABLE {q} {'' if b.rls_forced else 'NO '}FORCE ROW LEVEL SECURITY",
                f"ALTER TABLE {q} {'' if a.rls_forced else 'NO '}FORCE ROW LEVEL SECURITY",
            )
        )
    if a.options != b.options:
        pairs.append((_set_options(q, a.options, b.options), _set_options(q, b.options, a.options)))
    if not pairs:
        return []
    hazards = (hz.REWRITES_TABLE,) if a.persistence != b.persistence else ()
    return [
        Change(
            "table",
            "alter",
            name,
            tuple(u for u, _ in pairs),
            tuple(d for _, d in reversed(pairs)),
            phases.ALTER_TABLE,
            hazards=hazards,
        )  # fmt: skip
    ]


def _set_options(q: str, old: tuple[str, ...], new: tuple[str, ...]) -> str:
    new_keys = {o.split("=", 1)[0] for o in new}
    removed = [o.split("=", 1)[0] for o in old if o.split("=", 1)[0] not in new_keys]
    parts = []
    if new:
        parts.append(f"SET ({', '.join(new)})")
    if removed:
        parts.append(f"RESET ({', '.join(removed)})")
    return f"ALTER TABLE {q} {', '.join(parts)}"
