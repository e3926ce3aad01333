"""Sequences: free-standing ones, and the options and names of identity sequences.

Ownership (`OWNED BY`) is set after tables exist; a sequence owned by a dropped table or
column disappears with it and is not dropped again; one owned by a rebuilt table is handed
to the new table before the old one goes. Option changes are one `ALTER SEQUENCE`
(validated as a whole), preceded by moving the current value into the new bounds, so no
intermediate state is invalid.
"""

from __future__ import annotations

from schema_assets.catalog.model import Sequence
from schema_assets.diff import phases
from schema_assets.diff.change import NO_LOCK, Change, alter, create, display, drop
from schema_assets.diff.context import Context
from schema_assets.diff.loop import compare_objects
from schema_assets.diff.sqltext import ident, literal, qualified
from schema_assets.diff.tabledef import aside_name, sequence_options


def _owned(s: Sequence | None) -> str:
    if s is None or s.owned_by is None:
        return "NONE"
    schema, table, column = s.owned_by
    return f"{qualified(schema, table)}.{ident(column)}"


def compare_sequences(ctx: Context) -> list[Change]:
    src = {k: s for k, s in ctx.source.sequences.items() if not s.identity}
    dst = {k: s for k, s in ctx.target.sequences.items() if not s.identity}

    def created(s: Sequence) -> list[Change]:
        q = qualified(s.schema, s.name)
        out = [
            create("sequence", display(s.schema, s.name),
                   up=f"CREATE SEQUENCE {q} {sequence_options(s)}", down=f"DROP SEQUENCE {q}",
                   phase=phases.CREATE_SEQUENCE, lock=NO_LOCK, creates=((s.schema, s.name),))
        ]  # fmt: skip
        return out + _ownership(ctx, None, s)

    def dropped(s: Sequence) -> list[Change]:
        if s.owned_by and _owner_goes(ctx, s.owned_by):
            return []
        q = qualified(s.schema, s.name)
        return [
            drop("sequence", display(s.schema, s.name), up=f"DROP SEQUENCE {q}",
                 down=(f"CREATE SEQUENCE {q} {sequence_options(s)}",
                       f"ALTER SEQUENCE {q} OWNED BY {_owned(s)}"),
                 phase=phases.DROP_SEQUENCE, lock=NO_LOCK, drops=((s.schema, s.name),),
                 notes=("the sequence's current value is lost",))
        ]  # fmt: skip

    def altered(a: Sequence, b: Sequence) -> list[Change]:
        out = []
        q = qualified(b.schema, b.name)
        if sequence_options(a) != sequence_options(b):
            out.append(
                alter("sequence", display(b.schema, b.name), up=_alter(q, a, b),
                      down=_alter(q, b, a), phase=phases.CREATE_SEQUENCE, rank=1, lock=NO_LOCK)
            )  # fmt: skip
        return out + _ownership(ctx, a, b)

    out = compare_objects(
        src, dst, create=created, drop=dropped, alter=altered,
        recreate=lambda key: False,
    )  # fmt: skip
    for key in sorted(src.keys() & dst.keys()):
        a, b = src[key], dst[key]
        if a == b and b.owned_by and b.owned_by[:2] in ctx.rebuilt:
            out.extend(_ownership(ctx, a, b, force=True))
    out.extend(_identity_sequences(ctx))
    return out


def _ownership(ctx: Context, a: Sequence | None, b: Sequence, force: bool = False) -> list[Change]:
    """OWNED BY, once the owning table exists (again, for a rebuilt table)."""
    if not force and (a.owned_by if a else None) == b.owned_by:
        return []
    q = qualified(b.schema, b.name)
    back = _owned(a)
    if force and a is not None and a.owned_by:
        schema, table, column = a.owned_by  # the old table, set aside by the rebuild
        back = f"{qualified(schema, aside_name(table))}.{ident(column)}"
    return [
        alter("sequence", display(b.schema, b.name), up=f"ALTER SEQUENCE {q} OWNED BY {_owned(b)}",
              down=f"ALTER SEQUENCE {q} OWNED BY {back}", phase=phases.SEQUENCE_OWNERSHIP,
              lock=NO_LOCK, notes=("ownership",))
    ]  # fmt: skip


_TYPE_MAX = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}


def _identity_sequences(ctx: Context) -> list[Change]:
    """Identity sequences follow their column: matched by the owning column, renamed when the
    target names them otherwise, options altered once the column exists. A sequence the plan
    creates (new identity column or table) gets its name and options in that statement."""
    out: list[Change] = []
    old_by_owner = {
        s.owned_by: s for s in ctx.source.sequences.values() if s.identity and s.owned_by
    }
    for key, b in sorted(ctx.target.sequences.items()):
        if not b.identity or not b.owned_by or ctx.fresh(b.owned_by[:2]):
            continue
        a = old_by_owner.get(b.owned_by)
        if a is None or a == b:
            continue  # created with its column (options included), or unchanged
        q = qualified(*key)
        if (a.schema, a.name) != key:
            old_q = qualified(a.schema, a.name)
            out.append(
                alter("sequence", display(a.schema, a.name),
                      up=f"ALTER SEQUENCE {old_q} RENAME TO {ident(b.name)}",
                      down=f"ALTER SEQUENCE {q} RENAME TO {ident(a.name)}",
                      phase=phases.SEQUENCE_OWNERSHIP, rank=0, lock=NO_LOCK,
                      notes=("identity sequence name",))
            )  # fmt: skip
        if sequence_options(a) != sequence_options(b) and b.data_type in _TYPE_MAX:
            out.append(
                alter("sequence", display(*key), up=_alter(q, a, b), down=_alter(q, b, a),
                      phase=phases.SEQUENCE_OWNERSHIP, rank=1, lock=NO_LOCK,
                      notes=("identity sequence options",))
            )  # fmt: skip
    return out


_WIDTH = {"smallint": 2, "integer": 4, "bigint": 8}


def _alter(q: str, a: Sequence, b: Sequence) -> tuple[str, ...]:
    """ALTER SEQUENCE to `b`'s options, every intermediate state valid: when the bounds
    shrink, first widen them to hold both old and new values, move the current value into
    the new bounds, then set the new options (validated together in one statement)."""
    out = []
    if b.min_value > a.min_value or b.max_value < a.max_value:
        wide = max((a.data_type, b.data_type), key=lambda t: _WIDTH.get(t, 8))
        out.append(
            f"ALTER SEQUENCE {q} AS {wide} MINVALUE {min(a.min_value, b.min_value)} "
            f"MAXVALUE {max(a.max_value, b.max_value)}"
        )
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
    out.append(f"ALTER SEQUENCE {q} {sequence_options(b)}")
    return tuple(out)


def _owner_goes(ctx: Context, owned_by: tuple[str, str, str]) -> bool:
    """The owning table or column is dropped by the plan (taking the sequence with it)."""
    schema, table, column = owned_by
    if (schema, table) in ctx.dropped_relations and (schema, table) not in ctx.rebuilt:
        return True
    t = ctx.target.tables.get((schema, table))
    return t is None or t.column(column) is None
