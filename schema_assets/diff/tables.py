"""Tables: create (ordinary, partitioned, partitions, inheritance children), drop, alter.

A dropped table loses its data, so the step is destructive, irreversible and names the
table to archive first. Partitions in the live database that match the managed-partition
pattern (created by a schedule, not by the schema file) are kept. A table whose kind or
partition key changes is rebuilt with its rows (rebuild.py).
"""

from __future__ import annotations

from schema_assets import plan as hz
from schema_assets.catalog.model import Name, Table
from schema_assets.diff import phases
from schema_assets.diff.change import SHARE_UPDATE_EXCLUSIVE, Change, alter, create, display, drop
from schema_assets.diff.context import Context
from schema_assets.diff.rebuild import rebuild_table
from schema_assets.diff.sqltext import ident, qualified
from schema_assets.diff.tabledef import create_table_sql, depth

_REPLICA = {"d": "DEFAULT", "n": "NOTHING", "f": "FULL"}


def primary_key(ctx: Context, key: Name) -> list[str]:
    for c in ctx.source_constraints_of(key):
        if c.type == "p":
            return list(c.columns)
    return []


def _made_by_rebuild(ctx: Context, key: Name) -> bool:
    """Created inside a rebuild step: the rebuilt table itself or one of its new partitions."""
    t = ctx.target.tables[key]
    while True:
        if key in ctx.rebuilt:
            return True
        if not t.parent or t.parent not in ctx.target.tables:
            return False
        key, t = t.parent, ctx.target.tables[t.parent]


def compare_tables(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src, dst = ctx.source.tables, ctx.target.tables
    seqs = ctx.identity_sequences(ctx.target)
    for key in sorted(k for k in dst if k in ctx.new_relations):
        if _made_by_rebuild(ctx, key):
            continue
        t = dst[key]
        out.append(
            create("table", display(*key), up=create_table_sql(t, ctx.target, seqs),
                   down=f"DROP TABLE {qualified(*key)}", phase=phases.CREATE_TABLE,
                   rank=depth(ctx.target, key), creates=(key,),
                   notes=(f"partition of {display(*t.parent)}",) if t.parent else ())
        )  # fmt: skip
    for key in sorted(ctx.rebuilt):
        out.extend(rebuild_table(ctx, key))
    for key in sorted(k for k in src if k in ctx.dropped_relations):
        if key in ctx.rebuilt or key in ctx.aside:
            continue  # set aside by the rebuild and dropped with the old shape
        t = src[key]
        if t.parent and t.parent in ctx.dropped_relations and t.parent in src:
            if src[t.parent].kind == "p":
                continue  # dropped with its partitioned parent
        out.append(
            drop("table", display(*key), up=f"DROP TABLE {qualified(*key)}", down=None,
                 phase=phases.DROP_TABLE, rank=-depth(ctx.source, key), drops=(key,),
                 hazards=(hz.DELETES_DATA,),
                 irreversible_reason="the table's rows are gone; restore them from the archive",
                 archive={"table": list(key)})
        )  # fmt: skip
    for key in sorted(src.keys() & dst.keys()):
        if key in ctx.new_relations or key in ctx.dropped_relations:
            continue
        out.extend(_alter_table(src[key], dst[key]))
    for key, t in dst.items():  # changes are ordered later (order.py)
        old = src.get(key)
        if old is not None and (old.replica_identity, old.replica_index) == (
            t.replica_identity, t.replica_index
        ) and not ctx.fresh(key):  # fmt: skip
            continue
        out.extend(_replica_identity(t, None if ctx.fresh(key) else old))
    return out


def _alter_table(a: Table, b: Table) -> list[Change]:
    if (a.persistence, a.rls_enabled, a.rls_forced, a.options, a.parents) == (
        b.persistence, b.rls_enabled, b.rls_forced, b.options, b.parents
    ):  # fmt: skip
        return []  # the common case, checked before any SQL is rendered
    q = qualified(b.schema, b.name)
    name = display(b.schema, b.name)
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
    out: list[Change] = []
    if pairs:
        hazards = (hz.REWRITES_TABLE,) if a.persistence != b.persistence else ()
        out.append(
            alter("table", name, up=[u for u, _ in pairs], down=[d for _, d in reversed(pairs)],
                  phase=phases.ALTER_TABLE, hazards=hazards)
        )  # fmt: skip
    if not a.is_partition and not b.is_partition and a.parents != b.parents:
        out.extend(_inheritance(q, name, a, b))
    return out


def _inheritance(q: str, name: str, a: Table, b: Table) -> list[Change]:
    """INHERIT / NO INHERIT (a child that must lose local columns is rebuilt instead)."""
    out = []
    inherited_only = any(not c.is_local for c in a.columns)
    for p in a.parents:
        if p not in b.parents:
            back = None if inherited_only else f"ALTER TABLE {q} INHERIT {qualified(*p)}"
            out.append(
                alter("table", name, up=f"ALTER TABLE {q} NO INHERIT {qualified(*p)}", down=back,
                      phase=phases.DETACH_PARTITION, notes=(f"no longer inherits {display(*p)}",),
                      irreversible_reason="its inherited columns become its own; INHERIT cannot "
                      "make them inherited-only again (that is a rebuild)")
            )  # fmt: skip
    for p in b.parents:
        if p not in a.parents:
            out.append(
                alter("table", name, up=f"ALTER TABLE {q} INHERIT {qualified(*p)}",
                      down=f"ALTER TABLE {q} NO INHERIT {qualified(*p)}",
                      phase=phases.ATTACH_PARTITION, lock=SHARE_UPDATE_EXCLUSIVE,
                      notes=(f"inherits {display(*p)}",))
            )  # fmt: skip
    return out


def _replica_sql(q: str, t: Table) -> str:
    if t.replica_identity == "i" and t.replica_index:
        return f"ALTER TABLE {q} REPLICA IDENTITY USING INDEX {ident(t.replica_index)}"
    return f"ALTER TABLE {q} REPLICA IDENTITY {_REPLICA.get(t.replica_identity, 'DEFAULT')}"


def _replica_identity(b: Table, a: Table | None) -> list[Change]:
    """REPLICA IDENTITY of each table and each partition, once its index exists."""
    now = ("d", None) if a is None else (a.replica_identity, a.replica_index)
    if (b.replica_identity, b.replica_index) == now:
        return []
    q = qualified(b.schema, b.name)
    before = _replica_sql(q, a) if a is not None else f"ALTER TABLE {q} REPLICA IDENTITY DEFAULT"
    return [
        alter("table", display(b.schema, b.name), up=_replica_sql(q, b),
              down=before if a is not None else (), phase=phases.REPLICA_IDENTITY,
              notes=("replica identity (logical replication)",))
    ]  # fmt: skip


def _set_options(q: str, old: tuple[str, ...], new: tuple[str, ...]) -> str:
    new_keys = {o.split("=", 1)[0] for o in new}
    removed = [o.split("=", 1)[0] for o in old if o.split("=", 1)[0] not in new_keys]
    parts = []
    if new:
        parts.append(f"SET ({', '.join(new)})")
    if removed:
        parts.append(f"RESET ({', '.join(removed)})")
    return f"ALTER TABLE {q} {', '.join(parts)}"
