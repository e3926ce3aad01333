"""CREATE TABLE from a snapshot's `Table`: columns, identity, NOT NULL names, partitions.

A partition is created `PARTITION OF` its parent (as pg_dump's target would have it:
inherited columns, the parent's NOT NULL names); what the partition holds of its own
(a NOT NULL, a default, storage or statistics the parent lacks) is set right after.
"""

from __future__ import annotations

import hashlib

from schema_assets.catalog.model import Column, Name, Sequence, Snapshot, Table
from schema_assets.diff.sqltext import ident, qualified

STORAGE = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}
COMPRESSION = {"p": "pglz", "l": "lz4"}
NAMEDATALEN = 64


def aside_name(name: str) -> str:
    """A name no schema uses, for an object set aside during a rebuild (63 bytes at most)."""
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    raw = f"sa_old_{digest}_{name}".encode()[: NAMEDATALEN - 1]
    return raw.decode("utf-8", "ignore")


def default_not_null_name(table: str, column: str) -> str:
    """PostgreSQL 18's name for an unnamed NOT NULL (what pg_dump leaves out)."""
    return f"{table}_{column}_not_null"


def not_null_name(table: str, col: Column) -> str:
    return col.not_null_name or default_not_null_name(table, col.name)


def sequence_options(s: Sequence, *, with_type: bool = True) -> str:
    """Every option of a sequence, so that the result never depends on defaults."""
    head = f"AS {s.data_type} " if with_type else ""
    return (
        f"{head}INCREMENT BY {s.increment} MINVALUE {s.min_value} MAXVALUE {s.max_value} "
        f"START WITH {s.start} CACHE {s.cache} {'CYCLE' if s.cycle else 'NO CYCLE'}"
    )


def identity_clause(col: Column, seq: Sequence | None) -> str:
    """`GENERATED … AS IDENTITY (SEQUENCE NAME … options)`: name and options in one go."""
    kind = "ALWAYS" if col.identity == "a" else "BY DEFAULT"
    if seq is None:
        return f"GENERATED {kind} AS IDENTITY"
    options = sequence_options(seq, with_type=False)
    return (
        f"GENERATED {kind} AS IDENTITY (SEQUENCE NAME {qualified(seq.schema, seq.name)} {options})"
    )


def column_definition(
    col: Column, identity_seq: Sequence | None = None, not_null_as: str | None = None
) -> str:
    """The column as CREATE TABLE / ADD COLUMN spell it; `not_null_as` names its NOT NULL
    explicitly (a rebuild: the old table still holds the default names)."""
    parts = [ident(col.name), col.type]
    if col.storage:
        parts.append(f"STORAGE {STORAGE[col.storage]}")
    if col.compression:
        parts.append(f"COMPRESSION {COMPRESSION[col.compression]}")
    if col.collation:
        parts.append(f"COLLATE {col.collation}")
    if col.generated:
        kind = "STORED" if col.generated == "s" else "VIRTUAL"
        parts.append(f"GENERATED ALWAYS AS ({col.generation_expr}) {kind}")
    if col.identity:
        parts.append(identity_clause(col, identity_seq))
    if col.default_expr is not None:
        parts.append(f"DEFAULT {col.default_expr}")
    if col.not_null:
        constraint_name = col.not_null_name or not_null_as
        if constraint_name:
            parts.append(f"CONSTRAINT {ident(constraint_name)}")
        parts.append("NOT NULL NO INHERIT" if col.not_null_no_inherit else "NOT NULL")
    return " ".join(parts)


def create_table_sql(
    t: Table,
    snap: Snapshot,
    identity: dict[tuple[str, str, str], Sequence] | None = None,
    *,
    name_not_nulls: bool = False,
) -> list[str]:
    """The table as `snap` has it, partition-local properties and RLS included.

    `name_not_nulls` spells every NOT NULL constraint's name out: PostgreSQL would avoid
    the default names while a table set aside by a rebuild still holds them."""
    q = qualified(t.schema, t.name)
    unlogged = "UNLOGGED " if t.persistence == "u" else ""
    parent_name = t.parent  # set on a partition only
    parent = snap.tables.get(parent_name) if parent_name else None
    attach = None
    if parent_name and parent is not None and own_not_null_names(t, parent):
        # PARTITION OF would give it the parent's NOT NULL names, which cannot be renamed
        # while inherited: declared on its own, then attached (as pg_dump restores it).
        cols = ",\n    ".join(
            column_definition(c, None, not_null_name(t.name, c)) for c in t.columns
        )
        stmt = f"CREATE {unlogged}TABLE {q} (\n    {cols}\n)"
        attach = f"ALTER TABLE {qualified(*parent_name)} ATTACH PARTITION {q} {t.partition_bound}"
        parent = None
    elif parent_name and parent is not None:
        stmt = (
            f"CREATE {unlogged}TABLE {q} PARTITION OF {qualified(*parent_name)} {t.partition_bound}"
        )
    else:
        seqs = identity or {}
        cols = ",\n    ".join(
            column_definition(
                c,
                seqs.get((t.schema, t.name, c.name)),
                not_null_name(t.name, c) if name_not_nulls else None,
            )
            for c in t.columns
            if c.is_local
        )
        stmt = f"CREATE {unlogged}TABLE {q} (\n    {cols}\n)"
        if t.parents:
            stmt += f" INHERITS ({', '.join(qualified(*p) for p in t.parents)})"
    if t.partition_key:
        stmt += f" PARTITION BY {t.partition_key}"
    if t.options:
        stmt += f" WITH ({', '.join(t.options)})"
    out = [stmt] if attach is None else [stmt, attach]
    if parent is not None and t.is_partition:
        out.extend(partition_local_sql(t, parent))
    else:
        out.extend(_column_settings(t))
    if t.rls_enabled:
        out.append(f"ALTER TABLE {q} ENABLE ROW LEVEL SECURITY")
    if t.rls_forced:
        out.append(f"ALTER TABLE {q} FORCE ROW LEVEL SECURITY")
    return out


def _column_settings(t: Table) -> list[str]:
    """What CREATE TABLE cannot say inline: per-column statistics targets."""
    q = qualified(t.schema, t.name)
    return [
        f"ALTER TABLE {q} ALTER COLUMN {ident(c.name)} SET STATISTICS {c.statistics}"
        for c in t.columns
        if c.statistics is not None and (c.is_local or t.is_partition)
    ]


def own_not_null_names(t: Table, parent: Table) -> bool:
    """A partition whose NOT NULL constraints are not named as its parent's."""
    for col in t.columns:
        inherited = parent.column(col.name)
        if col.not_null and inherited is not None and inherited.not_null:
            if not_null_name(parent.name, inherited) != not_null_name(t.name, col):
                return True
    return False


def partition_local_sql(t: Table, parent: Table) -> list[str]:
    """After `PARTITION OF`: make each column what the partition itself declares."""
    q = qualified(t.schema, t.name)
    out: list[str] = []
    for col in t.columns:
        inherited = parent.column(col.name)
        if inherited is None:
            continue
        alter = f"ALTER TABLE {q} ALTER COLUMN {ident(col.name)}"
        if col.default_expr != inherited.default_expr and not col.generated:
            out.append(
                f"{alter} DROP DEFAULT"
                if col.default_expr is None
                else f"{alter} SET DEFAULT {col.default_expr}"
            )
        if col.not_null and not inherited.not_null:
            out.append(add_not_null_sql(q, t.name, col))
        if col.statistics is not None:
            out.append(f"{alter} SET STATISTICS {col.statistics}")
        if col.storage != inherited.storage:
            out.append(f"{alter} SET STORAGE {STORAGE.get(col.storage or '', 'DEFAULT')}")
        if col.compression != inherited.compression:
            out.append(f"{alter} SET COMPRESSION {COMPRESSION.get(col.compression, 'DEFAULT')}")
    return out


def default_sql(alter_column: str, expr: str | None) -> str:
    """`ALTER TABLE … ALTER COLUMN c` + SET DEFAULT expr / DROP DEFAULT."""
    return f"{alter_column} DROP DEFAULT" if expr is None else f"{alter_column} SET DEFAULT {expr}"


def add_not_null_sql(q: str, table: str, col: Column) -> str:
    """SET NOT NULL, under the column's own constraint name when it has one (PG 18)."""
    if col.not_null_name:
        return (
            f"ALTER TABLE {q} ADD CONSTRAINT {ident(col.not_null_name)} NOT NULL {ident(col.name)}"
        )
    return f"ALTER TABLE {q} ALTER COLUMN {ident(col.name)} SET NOT NULL"


def depth(snap: Snapshot, key: Name, seen: frozenset[Name] = frozenset()) -> int:
    """Partition/inheritance depth: parents are created before, dropped after, children."""
    t = snap.tables.get(key)
    if not t or not t.parents or key in seen:
        return 0
    return 1 + max(depth(snap, p, seen | {key}) for p in t.parents)
