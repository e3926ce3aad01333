"""Columns of tables that exist on both sides: add, drop, retype, default, identity, NOT NULL.

Online-safe choices: a type change that PostgreSQL does without a rewrite is not flagged
as one; SET NOT NULL is prepared by a NOT VALID check validated under a weak lock, so the
final SET NOT NULL does not scan the table under ACCESS EXCLUSIVE.
"""

from __future__ import annotations

import hashlib
import re

from schema_assets import plan as hz
from schema_assets.catalog.model import Column, Sequence, Table
from schema_assets.diff import phases
from schema_assets.diff.change import SHARE_UPDATE_EXCLUSIVE, Change, display
from schema_assets.diff.context import Context
from schema_assets.diff.sequences import identity_options, identity_sequence
from schema_assets.diff.sqltext import ident, qualified
from schema_assets.diff.tables import column_definition, primary_key

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


def _default_sql(alter: str, expr: str | None) -> str:
    return f"{alter} DROP DEFAULT" if expr is None else f"{alter} SET DEFAULT {expr}"


def compare_columns(ctx: Context) -> list[Change]:
    out: list[Change] = []
    for key in sorted(ctx.source.tables.keys() & ctx.target.tables.keys()):
        if key in ctx.new_relations or key in ctx.dropped_relations:
            continue
        a, b = ctx.source.tables[key], ctx.target.tables[key]
        if a.columns != b.columns:  # fast path: most tables are unchanged
            out.extend(_compare_table(ctx, a, b))
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
                out.append(_add(q, key, col, identity_sequence(ctx, True, (*key, col.name))))
        elif col.name in regenerated:
            out.extend(_regenerate(q, key, old, col))
        elif old.is_local or col.is_local:
            out.extend(_alter(ctx, q, key, old, col))
    new_names = {c.name for c in b.columns}
    for col in a.columns:
        if col.name not in new_names and col.is_local:
            out.append(
                Change(
                    "column",
                    "drop",
                    display(*key, col.name),
                    (f"ALTER TABLE {q} DROP COLUMN {ident(col.name)}",),
                    None,
                    phases.DROP_COLUMN,
                    hazards=(hz.DELETES_DATA,),
                    irreversible_reason="the column's values are gone; restore from the archive",
                    archive={
                        "table": list(key),
                        "columns": [col.name],
                        "key": primary_key(ctx, key),
                    },
                )  # fmt: skip
            )
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
    drop = f"ALTER TABLE {q} DROP COLUMN {ident(b.name)}"
    return [
        Change(
            "column", "drop", name, (drop,), (f"ALTER TABLE {q} ADD COLUMN {column_definition(a)}",),
            phases.ALTER_COLUMN, rank=-1, notes=("generated column: re-added after the retype",),
        ),
        Change(
            "column", "create", name, (f"ALTER TABLE {q} ADD COLUMN {column_definition(b)}",),
            (drop,), phases.ALTER_COLUMN, rank=2, hazards=(hz.REWRITES_TABLE,),
        ),
    ]  # fmt: skip


#: Defaults PostgreSQL must evaluate per row (no "fast default"): adding such a column rewrites
#: the table. Stable ones such as now() are evaluated once and cost nothing.
_VOLATILE_DEFAULT = re.compile(
    r"\b(nextval|clock_timestamp|statement_timestamp|timeofday|random|gen_random_uuid|"
    r"uuid_generate_v[14]|txid_current)\s*\(",
    re.IGNORECASE,
)


def _add(q: str, key: tuple[str, str], col: Column, seq: Sequence | None) -> Change:
    notes = []
    hazards: tuple[str, ...] = ()
    if col.not_null and col.default_expr is None and not col.identity and not col.generated:
        notes.append("NOT NULL without a default: fails if the table already has rows")
    if col.generated == "s" or col.identity:
        hazards = (hz.REWRITES_TABLE,)
    elif col.default_expr and _VOLATILE_DEFAULT.search(col.default_expr):
        hazards = (hz.REWRITES_TABLE,)
        notes.append("volatile default: every existing row is rewritten to fill it")
    return Change(
        "column", "create", display(*key, col.name),
        (f"ALTER TABLE {q} ADD COLUMN {column_definition(col, seq)}",),
        (f"ALTER TABLE {q} DROP COLUMN {ident(col.name)}",), phases.ALTER_COLUMN,
        hazards=hazards, notes=tuple(notes),
    )  # fmt: skip


def _alter(ctx: Context, q: str, key: tuple[str, str], a: Column, b: Column) -> list[Change]:
    out: list[Change] = []
    name = display(*key, b.name)
    alter = f"ALTER TABLE {q} ALTER COLUMN {ident(b.name)}"
    if a.generated != b.generated:
        # Generated <-> plain: DROP EXPRESSION when it becomes plain, else re-add the column.
        if not b.generated:
            out.append(
                Change(
                    "column",
                    "alter",
                    name,
                    (f"{alter} DROP EXPRESSION",),
                    None,
                    phases.ALTER_COLUMN,
                    irreversible_reason="a column cannot become generated",
                )  # fmt: skip
            )
        else:
            out.append(
                Change(
                    "column",
                    "replace",
                    name,
                    (
                        f"ALTER TABLE {q} DROP COLUMN {ident(b.name)}",
                        f"ALTER TABLE {q} ADD COLUMN {column_definition(b)}",
                    ),
                    None,
                    phases.ALTER_COLUMN,
                    hazards=(hz.DELETES_DATA, hz.REWRITES_TABLE),
                    irreversible_reason="the column's values are replaced by the expression",
                    archive={"table": list(key), "columns": [b.name], "key": primary_key(ctx, key)},
                )  # fmt: skip
            )
            return out
    elif a.generated and a.generation_expr != b.generation_expr:
        out.append(
            Change(
                "column",
                "alter",
                name,
                (f"{alter} SET EXPRESSION AS ({b.generation_expr})",),
                (f"{alter} SET EXPRESSION AS ({a.generation_expr})",),
                phases.ALTER_COLUMN,
                hazards=(hz.REWRITES_TABLE,) if b.generated == "s" else (),
            )  # fmt: skip
        )
    if a.type != b.type or a.collation != b.collation:
        out.append(_retype(ctx, alter, key, a, b))
    elif a.default_expr != b.default_expr and not b.generated:
        out.append(
            Change(
                "column",
                "alter",
                name,
                (_default_sql(alter, b.default_expr),),
                (_default_sql(alter, a.default_expr),),
                phases.ALTER_COLUMN,
                notes=("default changed",),
            )  # fmt: skip
        )
    if a.identity != b.identity:
        seq = identity_sequence(ctx, True, (*key, b.name))
        out.append(_identity(alter, name, a, b, identity_options(seq)))
    if a.not_null and not b.not_null and not (a.identity and not b.identity):
        out.append(
            Change(
                "column",
                "alter",
                name,
                (f"{alter} DROP NOT NULL",),
                (f"{alter} SET NOT NULL",),
                phases.ALTER_COLUMN,
                notes=("drops NOT NULL",),
            )  # fmt: skip
        )
    elif b.not_null and not a.not_null and not (b.identity and not a.identity):
        out.extend(_set_not_null(q, alter, key, b))
    return out


def _retype(ctx: Context, alter: str, key: tuple[str, str], a: Column, b: Column) -> Change:
    name = display(*key, b.name)
    up: list[str] = []
    down: list[str] = []
    if a.default_expr is not None and not a.generated:
        up.append(f"{alter} DROP DEFAULT")
    if b.default_expr is not None and not b.generated:
        down.append(f"{alter} DROP DEFAULT")
    up.append(f"{alter} TYPE {_type_clause(b)}")
    down.append(f"{alter} TYPE {_type_clause(a)}")
    if b.default_expr is not None and not b.generated:
        up.append(f"{alter} SET DEFAULT {b.default_expr}")
    if a.default_expr is not None and not a.generated:
        down.append(f"{alter} SET DEFAULT {a.default_expr}")
    hazards: list[str] = []
    if rewrites(a.type, b.type):
        hazards.append(hz.REWRITES_TABLE)
    narrowing = narrows(a.type, b.type)
    if narrowing:
        hazards.append(hz.NARROWS_TYPE)
    return Change(
        "column", "alter", name, tuple(up), tuple(down), phases.ALTER_COLUMN,
        hazards=tuple(hazards), notes=(f"type {a.type} -> {b.type}",),
        archive={"table": list(key), "columns": [b.name], "key": primary_key(ctx, key)}
        if narrowing else None,
    )  # fmt: skip


def _type_clause(c: Column) -> str:
    """`TYPE t [COLLATE c] [USING col::t]`; generated columns take no USING (recomputed)."""
    out = c.type + (f" COLLATE {c.collation}" if c.collation else "")
    if not c.generated:
        out += f" USING {ident(c.name)}::{c.type}"
    return out


def _identity(alter: str, name: str, a: Column, b: Column, options: str) -> Change:
    def to(x: str) -> str:
        return "ALWAYS" if x == "a" else "BY DEFAULT"

    if not a.identity:
        up = f"{alter} ADD GENERATED {to(b.identity)} AS IDENTITY{options}"
        down = f"{alter} DROP IDENTITY"
    elif not b.identity:
        up, down = f"{alter} DROP IDENTITY", f"{alter} ADD GENERATED {to(a.identity)} AS IDENTITY"
    else:
        up, down = (
            f"{alter} SET GENERATED {to(b.identity)}",
            f"{alter} SET GENERATED {to(a.identity)}",
        )
    return Change("column", "alter", name, (up,), (down,), phases.ALTER_COLUMN, rank=1)


def _set_not_null(q: str, alter: str, key: tuple[str, str], b: Column) -> list[Change]:
    """CHECK (col IS NOT NULL) NOT VALID, VALIDATE under a weak lock, then SET NOT NULL."""
    digest = hashlib.sha256(f"{key}{b.name}".encode()).hexdigest()[:8]
    check = ident(f"sa_not_null_{digest}")
    name = display(*key, b.name)
    return [
        Change(
            "column", "alter", name,
            (f"ALTER TABLE {q} ADD CONSTRAINT {check} CHECK ({ident(b.name)} IS NOT NULL) NOT VALID",),
            (), phases.SET_NOT_NULL, rank=0,
            notes=("prepares SET NOT NULL without a long ACCESS EXCLUSIVE scan",),
        ),
        Change(
            "column", "alter", name, (f"ALTER TABLE {q} VALIDATE CONSTRAINT {check}",), (),
            phases.SET_NOT_NULL, rank=1, lock=SHARE_UPDATE_EXCLUSIVE,
            hazards=(hz.VALIDATES_CONSTRAINT,),
            transactional=False,  # own transaction: the ADD's lock is released before the scan
        ),
        Change(
            "column", "alter", name,
            (f"{alter} SET NOT NULL", f"ALTER TABLE {q} DROP CONSTRAINT {check}"),
            (f"{alter} DROP NOT NULL",), phases.SET_NOT_NULL, rank=2,
            notes=("uses the validated check: no full scan under ACCESS EXCLUSIVE",),
        ),
    ]  # fmt: skip
