"""Sequences not belonging to identity columns (those follow their column).

Ownership (`OWNED BY`) is set after tables exist; a sequence owned by a dropped table or
column disappears with it and is not dropped again.
"""

from __future__ import annotations

from schema_assets.catalog.model import Sequence
from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, Change, display
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import ident, qualified


def _options(s: Sequence) -> str:
    return (
        f"AS {s.data_type} INCREMENT BY {s.increment} MINVALUE {s.min_value} "
        f"MAXVALUE {s.max_value} START WITH {s.start} CACHE {s.cache} "
        f"{'CYCLE' if s.cycle else 'NO CYCLE'}"
    )


def _owned(s: Sequence | None) -> str:
    if s is None or s.owned_by is None:
        return "NONE"
    schema, table, column = s.owned_by
    return f"{qualified(schema, table)}.{ident(column)}"


def compare_sequences(ctx: Context) -> list[Change]:
    out: list[Change] = []
    src = {k: s for k, s in ctx.source.sequences.items() if not s.identity}
    dst = {k: s for k, s in ctx.target.sequences.items() if not s.identity}
    for key in sorted(dst.keys() - src.keys()):
        out.append(
            Change(
                "sequence",
                "create",
                display(*key),
                (f"CREATE SEQUENCE {qualified(*key)} {_options(dst[key])}",),
                (f"DROP SEQUENCE {qualified(*key)}",),
                phases.CREATE_SEQUENCE,
                lock=NO_LOCK,
            )  # fmt: skip
        )
    for key in sorted(src.keys() - dst.keys()):
        s = src[key]
        if s.owned_by and _owner_goes(ctx, s):
            continue
        out.append(
            Change(
                "sequence",
                "drop",
                display(*key),
                (f"DROP SEQUENCE {qualified(*key)}",),
                (
                    f"CREATE SEQUENCE {qualified(*key)} {_options(s)}",
                    f"ALTER SEQUENCE {qualified(*key)} OWNED BY {_owned(s)}",
                ),
                phases.DROP_SEQUENCE,
                lock=NO_LOCK,
                notes=("the sequence's current value is lost",),
            )  # fmt: skip
        )
    for key in sorted(dst):
        a, b = src.get(key), dst[key]
        q = qualified(*key)
        if a is not None and _options(a) != _options(b):
            out.append(
                Change(
                    "sequence",
                    "alter",
                    display(*key),
                    (f"ALTER SEQUENCE {q} {_options(b)}",),
                    (f"ALTER SEQUENCE {q} {_options(a)}",),
                    phases.CREATE_SEQUENCE,
                    rank=1,
                    lock=NO_LOCK,
                )  # fmt: skip
            )
        if (a.owned_by if a else None) != b.owned_by:
            out.append(
                Change(
                    "sequence",
                    "alter",
                    display(*key),
                    (f"ALTER SEQUENCE {q} OWNED BY {_owned(b)}",),
                    (f"ALTER SEQUENCE {q} OWNED BY {_owned(a)}",),
                    phases.SEQUENCE_OWNERSHIP,
                    lock=NO_LOCK,
                    notes=("ownership",),
                )  # fmt: skip
            )
    return out


def _owner_goes(ctx: Context, s: Sequence) -> bool:
    """The owning table or column is dropped by the plan (taking the sequence with it)."""
    schema, table, column = s.owned_by
    if (schema, table) in ctx.dropped_relations:
        return True
    t = ctx.target.tables.get((schema, table))
    return t is None or t.column(column) is None
