"""Sequences not belonging to identity columns (those follow their column).

Ownership (`OWNED BY`) is set after tables exist; a sequence owned by a dropped table or
column disappears with it and is not dropped again.
"""

from __future__ import annotations

from schema_assets.catalog.model import Sequence
from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, Change, display
from schema_assets.diff.context import Context
from schema_assets.diff.sqltext import ident, literal, qualified


def _options(s: Sequence) -> str:
    return (
        f"AS {s.data_type} INCREMENT BY {s.increment} MINVALUE {s.min_value} "
        f"MAXVALUE {s.max_value} START WITH {s.start} CACHE {s.cache} "
        f"{'CYCLE' if s.cycle else 'NO CYCLE'}"
    )


def identity_sequence(ctx: Context, target: bool, owner: tuple[str, str, str]) -> Sequence | None:
    """The sequence behind an identity column (its options must be recreated too)."""
    name = "idseq_dst" if target else "idseq_src"
    if name not in ctx._cache:
        snap = ctx.target if target else ctx.source
        ctx._cache[name] = {
            s.owned_by: s for s in snap.sequences.values() if s.identity and s.owned_by
        }
    return ctx._cache[name].get(owner)


def identity_options(s: Sequence | None) -> str:
    """` (sequence options)` for GENERATED … AS IDENTITY, empty when defaults are fine."""
    if s is None:
        return ""
    return " (" + _options(s).split(" ", 2)[2] + ")"  # without AS: follows the column type


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
    for key, b in sorted(ctx.target.sequences.items()):
        a = ctx.source.sequences.get(key)
        if b.identity and a is not None and a.identity and _options(a) != _options(b):
            out.append(
                Change(
                    "sequence",
                    "alter",
                    display(*key),
                    _alter(qualified(*key), a, b),
                    _alter(qualified(*key), b, a),
                    phases.SEQUENCE_OWNERSHIP,
                    rank=1,
                    lock=NO_LOCK,
                    notes=("options of an identity column's sequence",),
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
                    _alter(q, a, b),
                    _alter(q, b, a),
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
    out.extend(_identity_options(ctx))
    return out


_TYPE_MAX = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}


def _identity_options(ctx: Context) -> list[Change]:
    """Options of identity sequences (START/INCREMENT/...), set once their column exists.

    A sequence created implicitly by the plan (new identity column) starts from the
    defaults PostgreSQL gives it, so that is what it is compared against.
    """
    out: list[Change] = []
    for key, b in sorted(ctx.target.sequences.items()):
        if not b.identity or b.data_type not in _TYPE_MAX:
            continue
        a = ctx.source.sequences.get(key)
        if a is None or not a.identity or (b.owned_by and ctx.fresh(b.owned_by[:2])):
            a = Sequence(
                b.schema, b.name, b.data_type, 1, 1, 1, _TYPE_MAX[b.data_type], 1, False
            )  # PostgreSQL's defaults for a new identity sequence of this type
        if _options(a) == _options(b):
            continue
        q = qualified(*key)
        out.append(
            Change(
                "sequence",
                "alter",
                display(*key),
                (f"ALTER SEQUENCE {q} {_options(b)}",),
                (f"ALTER SEQUENCE {q} {_options(a)}",),
                phases.SEQUENCE_OWNERSHIP,
                rank=1,
                lock=NO_LOCK,
                notes=("identity sequence options",),
            )  # fmt: skip
        )
    return out


def _alter(q: str, a: Sequence, b: Sequence) -> tuple[str, ...]:
    """ALTER SEQUENCE to `b`'s options; first moves the current value into the new bounds."""
    out = []
    if b.min_value > a.min_value:
        out.append(
            f"SELECT setval({literal(q)}, {b.min_value}, false) FROM {q} "  # noqa: S608 - quoted
            f"WHERE last_value < {b.min_value}"
        )
    if b.max_value < a.max_value:
        out.append(
            f"SELECT setval({literal(q)}, {b.max_value}, false) FROM {q} "  # noqa: S608 - quoted
            f"WHERE last_value > {b.max_value}"
        )
    out.append(f"ALTER SEQUENCE {q} {_options(b)}")
    return tuple(out)


def _owner_goes(ctx: Context, s: Sequence) -> bool:
    """The owning table or column is dropped by the plan (taking the sequence with it)."""
    schema, table, column = s.owned_by
    if (schema, table) in ctx.dropped_relations:
        return True
    t = ctx.target.tables.get((schema, table))
    return t is None or t.column(column) is None
