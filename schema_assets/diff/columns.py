"""Columns of tables that exist on both sides: add, drop, retype, default, identity, NOT NULL.

Online-safe choices: a type change that PostgreSQL does without a rewrite is not flagged
as one; SET NOT NULL is prepared by a NOT VALID check validated under a weak lock, so the
final SET NOT NULL does not scan the table under ACCESS EXCLUSIVE. A type change uses a
cast, a detour through text, or the user's USING expression (casts.py), never SQL that
cannot run. Columns a partition or child inherits follow their parent; what the child
holds of its own (a NOT NULL, a default, a NOT NULL constraint's name) is compared too.
"""

from __future__ import annotations

import hashlib
import re

from schema_assets import plan as hz
from schema_assets.catalog.model import Column, Table
from schema_assets.diff import phases
from schema_assets.diff.casts import drops_enum_labels, using_expression
from schema_assets.diff.change import SHARE_UPDATE_EXCLUSIVE, Change, alter, create, display, drop
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import ident, qualified
from schema_assets.diff.tabledef import (
    COMPRESSION,
    STORAGE,
    add_not_null_sql,
    column_definition,
    identity_clause,
    not_null_name,
)
from schema_assets.diff.tables import primary_key
from schema_assets.errors import BadInputError

_INT_SIZE = {"smallint": 2, "integer": 4, "bigint": 8}
_FLOAT_SIZE = {"real": 4, "double precision": 8}
_LENGTHED = re.compile(r"(character varying|character|bit varying|bit)\((\d+)\)\Z")
_NUMERIC = re.compile(r"numeric\((\d+),(\d+)\)\Z")


def _length(t: str) -> tuple[str, int | None]:
    m = _LENGTHED.match(t)
    if m:
        return m.group(1), int(m.group(2))
    return t, None


def rewrites(old: str, new: str) -> bool:
    """False where PostgreSQL changes the type without rewriting the table."""
    if old == new:
        return False
    ob, ol = _length(old)
    nb, nl = _length(new)
    if ob == "character varying" and new == "text":
        return False
    if old == "text" and new == "character varying":
        return False
    if ob == nb and ob in ("character varying", "bit varying"):
        return not (nl is None or (ol is not None and nl >= ol))
    if old.startswith("character varying") and new == "character varying":
        return False
    mo, mn = _NUMERIC.match(old), _NUMERIC.match(new)
    if mo and new == "numeric":
        return False
    if mo and mn:
        return not (mo.group(2) == mn.group(2) and int(mn.group(1)) >= int(mo.group(1)))
    return True


def narrows(old: str, new: str) -> bool:
    """True when some values of `old` cannot be represented in `new` (data would be lost)."""
    if old in _INT_SIZE and new in _INT_SIZE:
        return _INT_SIZE[new] < _INT_SIZE[old]
    if old in _FLOAT_SIZE and new in _FLOAT_SIZE:
        return _FLOAT_SIZE[new] < _FLOAT_SIZE[old]
    if old in _FLOAT_SIZE and new in _INT_SIZE or old == "numeric" and new in _INT_SIZE:
        return True
    ob, ol = _length(old)
    nb, nl = _length(new)
    if nl is not None and (ol is None or nl < ol) and old in ("text", "character varying", ob):
        return True
    mo, mn = _NUMERIC.match(old), _NUMERIC.match(new)
    if mn and (old == "numeric" or old in _FLOAT_SIZE or old in _INT_SIZE):
        return True
    if mo and mn:
        po, so, pn, sn = (int(x) for x in (*mo.groups(), *mn.groups()))
        return sn < so or (pn - sn) < (po - so)
    if mo and new in _INT_SIZE:
        return True
    if old.startswith("timestamp") and new in ("date", "time without time zone"):
        return True
    return False


def _default_sql(alter_sql: str, expr: str | None) -> str:
    return f"{alter_sql} DROP DEFAULT" if expr is None else f"{alter_sql} SET DEFAULT {expr}"


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
                  down=_default_sql(alter_sql, a.default_expr),
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
            out.extend(_alter_inherited(ctx, q, a, b, old, col))
    out.extend(_inherited_not_null_names(ctx, q, a, b))
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
        out.append(_retype(ctx, alter_sql, key, a, b))
    elif (*key, b.name) in ctx.rebound_defaults and a.default_expr is not None:
        pass  # re-set around the function it calls (_rebound_defaults)
    elif a.default_expr != b.default_expr and not b.generated:
        out.append(
            alter("column", name, up=_default_sql(alter_sql, b.default_expr),
                  down=_default_sql(alter_sql, a.default_expr), phase=phases.ALTER_COLUMN,
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
        out.extend(_rename_not_null(q, t.name, name, a, b, _attached_in_plan(ctx, t)))
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


def _attached_in_plan(ctx: Context, t: Table) -> bool:
    """The table becomes a partition in this plan: once attached, its NOT NULL constraints
    are inherited and cannot be renamed, so that happens before the ATTACH."""
    old = ctx.source.tables[(t.schema, t.name)]
    return bool(t.parent) and (old.parent, old.partition_bound) != (t.parent, t.partition_bound)


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


def _follows(old: object, new: object, parent_old: object, parent_new: object) -> bool:
    """A child's inherited property ends where the plan leaves it: at the parent's new value
    when the parent's changes (ALTER on the parent recurses), else where it was."""
    expected = parent_new if parent_old != parent_new else old
    return new == expected


def _alter_inherited(
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
        up.append(_default_sql(alter_sql, b.default_expr))
        down.append(_default_sql(alter_sql, a.default_expr))
    if b.not_null and not pb.not_null and (not a.not_null or pa.not_null):
        up.append(add_not_null_sql(q, tb.name, b))
        down.append(f"{alter_sql} DROP NOT NULL")
    elif not b.not_null and a.not_null and not pa.not_null:
        up.append(f"{alter_sql} DROP NOT NULL")
        down.append(add_not_null_sql(q, tb.name, a))
    elif (
        a.not_null and b.not_null and pa.not_null == pb.not_null
        and (not pb.not_null or _attached_in_plan(ctx, tb))  # renamed while standalone
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
              phase=phases.ALTER_COLUMN if _attached_in_plan(ctx, tb) else phases.SET_NOT_NULL,
              rank=4, notes=("the partition's (or child's) own setting of an inherited column",))
    ]  # fmt: skip


def _inherited_not_null_names(ctx: Context, q: str, ta: Table, tb: Table) -> list[Change]:
    """NOT NULL names a partition (or child) holds for its parent's NOT NULLs: PostgreSQL
    renames no inherited constraint, so the table leaves its parent for the rename and
    comes back (one transaction; ATTACH checks the rows against the bound)."""
    if not tb.parents or _attached_in_plan(ctx, tb) or ta.parents != tb.parents:
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
    if tb.is_partition:
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


def _parent_column(snap, t: Table, column: str) -> Column | None:
    for p in t.parents:
        parent = snap.tables.get(p)
        col = parent.column(column) if parent else None
        if col is not None:
            return col
    return None


def _retype(ctx: Context, alter_sql: str, key: tuple[str, str], a: Column, b: Column) -> Change:
    name = display(*key, b.name)
    column = (*key, b.name)
    up: list[str] = []
    down: list[str] = []
    if a.default_expr is not None and not a.generated:
        up.append(f"{alter_sql} DROP DEFAULT")
    if b.default_expr is not None and not b.generated:
        down.append(f"{alter_sql} DROP DEFAULT")
    up.append(f"{alter_sql} TYPE {_type_clause(ctx, column, a, b)}")
    reverse_using = None
    try:
        down.append(f"{alter_sql} TYPE {_type_clause(ctx, column, b, a, reverse=True)}")
    except BadInputError:  # no way back without the user's expression: the step is irreversible
        reverse_using = f"no cast from {b.type} back to {a.type}"
    if b.default_expr is not None and not b.generated:
        up.append(f"{alter_sql} SET DEFAULT {b.default_expr}")
    if a.default_expr is not None and not a.generated:
        down.append(f"{alter_sql} SET DEFAULT {a.default_expr}")
    hazards: list[str] = []
    if rewrites(a.type, b.type):
        hazards.append(hz.REWRITES_TABLE)
    narrowing = narrows(a.type, b.type) or drops_enum_labels(a.type, b.type, ctx.source, ctx.target)
    if narrowing:
        hazards.append(hz.NARROWS_TYPE)
    notes = [f"type {a.type} -> {b.type}"]
    if column in ctx.using:
        notes.append(f"USING {ctx.using[column]} (configured)")
    return alter(
        "column", name, up=up, down=None if reverse_using else down, phase=phases.ALTER_COLUMN,
        hazards=tuple(hazards), notes=tuple(notes), irreversible_reason=reverse_using,
        archive={"table": list(key), "columns": [b.name], "key": primary_key(ctx, key)}
        if narrowing else None,
    )  # fmt: skip


def _type_clause(
    ctx: Context, column: tuple[str, str, str], a: Column, b: Column, *, reverse: bool = False
) -> str:
    """`TYPE t [COLLATE c] [USING expr]`; generated columns take no USING (recomputed)."""
    out = b.type + (f" COLLATE {b.collation}" if b.collation else "")
    if not b.generated:
        source, target = (ctx.target, ctx.source) if reverse else (ctx.source, ctx.target)
        using = {} if reverse else ctx.using
        out += f" USING {using_expression(column, a.type, b.type, source, target, using)}"
    return out


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
