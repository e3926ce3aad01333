"""Column type changes: the USING expression, and what a change costs (rewrite, narrowing).

A type change PostgreSQL makes without rewriting the table is not flagged as one; one that
can lose values is destructive (archived first). The conversion itself comes from
casts.py: a cast, a detour through text, or the user's USING expression.
"""

from __future__ import annotations

import re

from schema_assets import plan as hz
from schema_assets.catalog.model import Column
from schema_assets.diff import phases
from schema_assets.diff.casts import drops_enum_labels, using_expression
from schema_assets.diff.change import Change, alter, display
from schema_assets.diff.context import Context
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


def retype(ctx: Context, alter_sql: str, key: tuple[str, str], a: Column, b: Column) -> Change:
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
