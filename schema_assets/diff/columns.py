"""Columns of tables that exist on both sides: add, drop, retype, default, identity, NOT NULL.

Online-safe choices: SET NOT NULL is prepared by a NOT VALID check validated under a weak
lock, so the final SET NOT NULL does not scan the table under ACCESS EXCLUSIVE. Type
changes are typechange.py's; columns a partition or child inherits are inherited.py's.
"""

from __future__ import annotations

import hashlib
import re

from schema_assets import plan as hz
from schema_assets.catalog.model import Column, Table
from schema_assets.diff import phases
from schema_assets.diff.change import SHARE_UPDATE_EXCLUSIVE, Change, alter, create, display, drop
from schema_assets.diff.context import Context
from schema_assets.diff.inherited import alter_inherited, attached_in_plan, inherited_not_null_names
from schema_assets.diff.sqltext import ident, qualified
from schema_assets.diff.tabledef import (
    COMPRESSION,
    STORAGE,
    add_not_null_sql,
    column_definition,
    default_sql,
    identity_clause,
    not_null_name,
)
from schema_assets.diff.tables import primary_key
from schema_assets.diff.typechange import retype


def compare_columns(ctx: Context) -> list[Change]:
    out: list[Change] = []
    for key in sorted(ctx.source.tables.keys() & ctx.target.tables.keys()):
        if key in ctx.new_relations or key in ctx.dropped_relations:
            continue
        a, b = ctx.source.tables[key], ctx.target.tables[key]
        if not ctx.unchanged_table(key) and a.columns != b.columns:  # most are unchanged
            out.extend(_compare_table(ctx, a, b))
    out.extend(_rebound_defaults(ctx))
    return out


def _rebound_defaults(ctx: Context) -> list[Change]:
    """A default calling a function the plan drops: dropped before the function goes, set
    again (the target's default) once the new one exists."""
    out: list[Change] = []
    for schema, table, column in sorted(ctx.rebound_defaults):
        a_table, b_table = (
            ctx.source.tables.get((schema, table)),
            ctx.target.tables.get((schema, table)),
        )
        if (
            a_table is None
            or b_table is None
            or ctx.fresh((schema, table))
            or ctx.gone((schema, table))
        ):
            continue
        a, b = a_table.column(column), b_table.column(column)
        if a is None or b is None or a.generated or a.default_expr is None or a.type != b.type:
            continue  # dropped, regenerated or retyped: handled with the column
        q = qualified(schema, table)
        alter_sql = f"ALTER TABLE {q} ALTER COLUMN {ident(column)}"
        name = display(schema, table, column)
        out.append(
            alter("column", name, up=f"{alter_sql} DROP DEFAULT",
                  down=default_sql(alter_sql, a.default_expr),
                  phase=phases.DROP_DEFAULT_FOR_FUNCTION,
                  notes=("the default calls a function that is dropped",))
        )  # fmt: skip
        if b.default_expr is not None:
            out.append(
                alter("column", name, up=f"{alter_sql} SET DEFAULT {b.default_expr}",
                      down=f"{alter_sql} DROP DEFAULT", phase=phases.ALTER_COLUMN, rank=1,
                      notes=("default bound to the new function",))
            )  # fmt: skip
    return out


def _compare_table(ctx: Context, a: Table, b: Table) -> list[Change]:
    out: list[Change] = []
    q = qualified(b.schema, b.name)
    key = (b.schema, b.name)
    old_cols = {c.name: c for c in a.columns}
    regenerated = _generated_over_retyped(a, b)
    for col in b.columns:
        old = old_cols.get(col.name)
        if old is None:
            if col.is_local:
                out.append(_add(ctx, q, key, col))
        elif col.name in regenerated:
            out.extend(_regenerate(q, key, old, col))
        elif old == col:
            continue  # the common case: unchanged
        elif old.is_local or col.is_local:
            out.extend(_alter(ctx, q, b, old, col))
        elif old != col:
            out.extend(alter_inherited(ctx, q, a, b, old, col))
    out.extend(inherited_not_null_names(ctx, q, a, b))
    new_names = {c.name for c in b.columns}
    for col in a.columns:
        if col.name not in new_names and col.is_local:
            out.append(
                drop("column", display(*key, col.name),
                     up=f"ALTER TABLE {q} DROP COLUMN {ident(col.name)}", down=None,
                     phase=phases.DROP_COLUMN, hazards=(hz.DELETES_DATA,),
                     irreversible_reason="the column's values are gone; restore from the archive",
                     archive={"table": list(key), "columns": [col.name],
                              "key": primary_key(ctx, key)})
            )  # fmt: skip
    return out


def _generated_over_retyped(a: Table, b: Table) -> set[str]:
    """Generated columns reading a column whose type changes: PostgreSQL refuses the retype
    while they exist, so they are dropped before and added back after (values are derived)."""
    new_cols = {c.name: c for c in b.columns}
    retyped = [
        c.name
        for c in a.columns
        if c.name in new_cols
        and (new_cols[c.name].type, new_cols[c.name].collation) != (c.type, c.collation)
    ]
    out = set()
    for c in a.columns:
        other = new_cols.get(c.name)
        if c.generated and other is not None and other.generated and c.generation_expr:
            if any(re.search(rf"(?<![\w\"]){re.escape(ident(r))}(?![\w\"])", c.generation_expr)
                   for r in retyped if r != c.name):  # fmt: skip
                out.add(c.name)
    return out


def _regenerate(q: str, key: tuple[str, str], a: Column, b: Column) -> list[Change]:
    name = display(*key, b.name)
    drop_sql = f"ALTER TABLE {q} DROP COLUMN {ident(b.name)}"
    return [
        drop("column", name, up=drop_sql, down=f"ALTER TABLE {q} ADD COLUMN {column_definition(a)}",
             phase=phases.ALTER_COLUMN, rank=-1,
             notes=("generated column: re-added after the retype",)),
        create("column", name, up=f"ALTER TABLE {q} ADD COLUMN {column_definition(b)}",
               down=drop_sql, phase=phases.ALTER_COLUMN, rank=2, hazards=(hz.REWRITES_TABLE,)),
    ]  # fmt: skip


#: Defaults PostgreSQL must evaluate per row (no "fast default"): adding such a column rewrites
#: the table. Stable ones such as now() are evaluated once and cost nothing.
_VOLATILE_DEFAULT = re.compile(
    r"\b(nextval|clock_timestamp|statement_timestamp|timeofday|random|gen_random_uuid|"
    r"uuid_generate_v[14]|txid_current)\s*\(",
    re.IGNORECASE,
)


def _settings_sql(q: str, col: Column, old: Column | None) -> list[str]:
    """SET STATISTICS / STORAGE / COMPRESSION where `col` differs from `old` (None: defaults)."""
    if old is not None and (old.statistics, old.storage, old.compression) == (
        col.statistics, col.storage, col.compression
    ):  # fmt: skip
        return []
    if old is None and col.statistics is None:
        return []
    alter_sql = f"ALTER TABLE {q} ALTER COLUMN {ident(col.name)}"
    out = []
    if col.statistics != (old.statistics if old else None):
        out.append(f"{alter_sql} SET STATISTICS {-1 if col.statistics is None else col.statistics}")
    if old is not None and col.storage != old.storage:
        out.append(f"{alter_sql} SET STORAGE {STORAGE.get(col.storage or '', 'DEFAULT')}")
    if old is not None and col.compression != old.compression:
        out.append(f"{alter_sql} SET COMPRESSION {COMPRESSION.get(col.compression, 'DEFAULT')}")
    return out


def _add(ctx: Context, q: str, key: tuple[str, str], col: Column) -> Change:
    notes = []
    hazards: tuple[str, ...] = ()
    if col.not_null and col.default_expr is None and not col.identity and not col.generated:
        notes.append("NOT NULL without a default: fails if the table already has rows")
    if col.generated == "s" or col.identity:
        hazards = (hz.REWRITES_TABLE,)
    elif col.default_expr and _VOLATILE_DEFAULT.search(col.default_expr):
        hazards = (hz.REWRITES_TABLE,)
        notes.append("volatile default: every existing row is rewritten to fill it")
    seq = ctx.identity_sequences(ctx.target).get((*key, col.name))
    up = [f"ALTER TABLE {q} ADD COLUMN {column_definition(col, seq)}"]
    up.extend(_settings_sql(q, col, None))
    return create("column", display(*key, col.name), up=up,
                  down=f"ALTER TABLE {q} DROP COLUMN {ident(col.name)}",
                  phase=phases.ALTER_COLUMN, hazards=hazards, notes=tuple(notes))  # fmt: skip


def _alter(ctx: Context, q: str, t: Table, a: Column, b: Column) -> list[Change]:
    out: list[Change] = []
    key = (t.schema, t.name)
    name = display(*key, b.name)
    alter_sql = f"ALTER TABLE {q} ALTER COLUMN {ident(b.name)}"
    if a.generated != b.generated:
        # Generated <-> plain: DROP EXPRESSION when it becomes plain, else re-add the column.
        if not b.generated:
            out.append(
                alter("column", name, up=f"{alter_sql} DROP EXPRESSION", down=None,
                      phase=phases.ALTER_COLUMN,
                      irreversible_reason="a column cannot become generated")
            )  # fmt: skip
        else:
            out.append(change_column_to_generated(ctx, q, key, b))
            return out
    elif a.generated and a.generation_expr != b.generation_expr:
        out.append(
            alter("column", name, up=f"{alter_sql} SET EXPRESSION AS ({b.generation_expr})",
                  down=f"{alter_sql} SET EXPRESSION AS ({a.generation_expr})",
                  phase=phases.ALTER_COLUMN,
                  hazards=(hz.REWRITES_TABLE,) if b.generated == "s" else ())
        )  # fmt: skip
    if a.type != b.type or a.collation != b.collation:
        out.append(retype(ctx, alter_sql, key, a, b))
    elif (*key, b.name) in ctx.rebound_defaults and a.default_expr is not None:
        pass  # re-set around the function it calls (_rebound_defaults)
    elif a.default_expr != b.default_expr and not b.generated:
        out.append(
            alter("column", name, up=default_sql(alter_sql, b.default_expr),
                  down=default_sql(alter_sql, a.default_expr), phase=phases.ALTER_COLUMN,
                  notes=("default changed",))
        )  # fmt: skip
    if a.identity != b.identity:
        out.append(_identity(ctx, q, key, a, b))
    elif a.not_null and not b.not_null:
        out.append(
            alter("column", name, up=f"{alter_sql} DROP NOT NULL",
                  down=add_not_null_sql(q, t.name, a), phase=phases.ALTER_COLUMN,
                  notes=("drops NOT NULL",))
        )  # fmt: skip
    elif b.not_null and not a.not_null:
        out.extend(_set_not_null(q, t.name, key, b))
    if a.not_null and b.not_null and a.identity == b.identity:
        out.extend(_rename_not_null(q, t.name, name, a, b, attached_in_plan(ctx, t)))
    settings = _settings_sql(q, b, a)
    if settings:
        out.append(
            alter("column", name, up=settings, down=_settings_sql(q, a, b),
                  phase=phases.ALTER_COLUMN, notes=("statistics, storage or compression",))
        )  # fmt: skip
    return out


def change_column_to_generated(ctx: Context, q: str, key: tuple[str, str], b: Column) -> Change:
    return alter(
        "column", display(*key, b.name),
        up=[f"ALTER TABLE {q} DROP COLUMN {ident(b.name)}",
            f"ALTER TABLE {q} ADD COLUMN {column_definition(b)}"],
        down=None, phase=phases.ALTER_COLUMN, hazards=(hz.DELETES_DATA, hz.REWRITES_TABLE),
        irreversible_reason="the column's values are replaced by the expression",
        archive={"table": list(key), "columns": [b.name], "key": primary_key(ctx, key)},
    )  # fmt: skip


def _rename_not_null(
    q: str, table: str, name: str, a: Column, b: Column, before_attach: bool
) -> list[Change]:
    """PG 18 NOT NULL constraints have names (after a table rename, or inherited)."""
    old, new = not_null_name(table, a), not_null_name(table, b)
    if old == new:
        return []
    return [
        alter("column", name, up=f"ALTER TABLE {q} RENAME CONSTRAINT {ident(old)} TO {ident(new)}",
              down=f"ALTER TABLE {q} RENAME CONSTRAINT {ident(new)} TO {ident(old)}",
              phase=phases.ALTER_COLUMN if before_attach else phases.SET_NOT_NULL, rank=3,
              notes=("NOT NULL constraint name",))
    ]  # fmt: skip


def _identity(ctx: Context, q: str, key: tuple[str, str], a: Column, b: Column) -> Change:
    """Identity added (NOT NULL first, sequence name and options in the same statement),
    dropped (then the nullability the target asks for), or switched ALWAYS/BY DEFAULT."""
    alter_sql = f"ALTER TABLE {q} ALTER COLUMN {ident(b.name)}"

    def kind(x: str) -> str:
        return "ALWAYS" if x == "a" else "BY DEFAULT"

    def add(col: Column, seq, was_not_null: bool) -> list[str]:
        head = [] if was_not_null else [f"{alter_sql} SET NOT NULL"]
        return [*head, f"{alter_sql} ADD {identity_clause(col, seq)}"]

    def remove(nullable: bool) -> list[str]:
        return [f"{alter_sql} DROP IDENTITY", *([f"{alter_sql} DROP NOT NULL"] if nullable else [])]

    new_seq = ctx.identity_sequences(ctx.target).get((*key, b.name))
    old_seq = ctx.identity_sequences(ctx.source).get((*key, a.name))
    if not a.identity:
        up, down = add(b, new_seq, a.not_null), remove(not a.not_null)
    elif not b.identity:
        up, down = remove(not b.not_null), add(a, old_seq, b.not_null)
    else:
        up = [f"{alter_sql} SET GENERATED {kind(b.identity)}"]
        down = [f"{alter_sql} SET GENERATED {kind(a.identity)}"]
    claims = ((new_seq.schema, new_seq.name),) if new_seq is not None and not a.identity else ()
    return alter("column", display(*key, b.name), up=up, down=down, phase=phases.ALTER_COLUMN,
                 rank=1, notes=("identity",), creates=claims)  # fmt: skip


def _set_not_null(q: str, table: str, key: tuple[str, str], b: Column) -> list[Change]:
    """CHECK (col IS NOT NULL) NOT VALID, VALIDATE under a weak lock, then SET NOT NULL."""
    digest = hashlib.sha256(f"{key}{b.name}".encode()).hexdigest()[:8]
    check = ident(f"sa_not_null_{digest}")
    name = display(*key, b.name)
    return [
        alter("column", name,
              up=f"ALTER TABLE {q} ADD CONSTRAINT {check} CHECK ({ident(b.name)} IS NOT NULL) NOT VALID",
              down=(), phase=phases.SET_NOT_NULL, rank=0,
              notes=("prepares SET NOT NULL without a long ACCESS EXCLUSIVE scan",)),
        alter("column", name, up=f"ALTER TABLE {q} VALIDATE CONSTRAINT {check}", down=(),
              phase=phases.SET_NOT_NULL, rank=1, lock=SHARE_UPDATE_EXCLUSIVE,
              hazards=(hz.VALIDATES_CONSTRAINT,),
              transactional=False),  # own transaction: the ADD's lock is released first
        alter("column", name,
              up=(add_not_null_sql(q, table, b), f"ALTER TABLE {q} DROP CONSTRAINT {check}"),
              down=f"ALTER TABLE {q} ALTER COLUMN {ident(b.name)} DROP NOT NULL",
              phase=phases.SET_NOT_NULL, rank=2,
              notes=("uses the validated check: no full scan under ACCESS EXCLUSIVE",)),
    ]  # fmt: skip
