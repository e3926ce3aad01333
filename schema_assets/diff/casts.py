"""How a column's values become another type: a cast, a detour through text, or the user's
USING expression. Never a statement that cannot run.

The planner has no database at hand, so cast paths are known from PostgreSQL's built-in
casts by type family. Any type converts to and from text (I/O conversion); an enum goes to
another enum through text (valid for every value when no label disappears); user types
resolve through the snapshots (domains convert like their base type). Otherwise the plan is
refused with the column named and the way to supply an expression.
"""

from __future__ import annotations

import re

from schema_assets.catalog.model import Snapshot
from schema_assets.diff.sqltext import ident, type_name
from schema_assets.errors import BadInputError

_NUMBERS = frozenset({"smallint", "integer", "bigint", "real", "double precision", "numeric"})
_STRINGS = frozenset({"text", "character varying", "character", "name", '"char"', "citext"})
_TIMES = frozenset(
    {
        "timestamp without time zone", "timestamp with time zone", "date",
        "time without time zone", "time with time zone", "interval",
    }
)  # fmt: skip
#: Built-in casts between types of different families or within the time family.
_CASTS = frozenset(
    {
        ("integer", "boolean"), ("boolean", "integer"), ("json", "jsonb"), ("jsonb", "json"),
        ("inet", "cidr"), ("cidr", "inet"), ("bit", "bit varying"), ("bit varying", "bit"),
        ("integer", "bit"), ("bigint", "bit"), ("bit", "integer"), ("bit", "bigint"),
        ("money", "numeric"), ("numeric", "money"), ("integer", "money"), ("bigint", "money"),
        ("date", "timestamp without time zone"), ("date", "timestamp with time zone"),
        ("timestamp without time zone", "date"), ("timestamp with time zone", "date"),
        ("timestamp without time zone", "timestamp with time zone"),
        ("timestamp with time zone", "timestamp without time zone"),
        ("timestamp without time zone", "time without time zone"),
        ("timestamp with time zone", "time without time zone"),
        ("timestamp with time zone", "time with time zone"),
        ("time without time zone", "time with time zone"),
        ("time with time zone", "time without time zone"),
        ("time without time zone", "interval"), ("interval", "time without time zone"),
        ("jsonb", "boolean"), ("jsonb", "numeric"), ("jsonb", "integer"), ("jsonb", "bigint"),
        ("jsonb", "smallint"), ("jsonb", "real"), ("jsonb", "double precision"),
    }
)  # fmt: skip
_TYPMOD = re.compile(r"\(\d+(?:,\d+)?\)")


def _base(t: str) -> tuple[str, int]:
    """Type without its modifier, and its array depth: `numeric(10,2)[]` → (`numeric`, 1)."""
    dims = 0
    while t.endswith("[]"):
        t, dims = t[:-2], dims + 1
    return _TYPMOD.sub("", t, count=1), dims


class _Types:
    """User types of both snapshots by the name `format_type` gives them."""

    def __init__(self, source: Snapshot, target: Snapshot) -> None:
        self.enums: dict[str, tuple[str, ...]] = {}
        self.domains: dict[str, str] = {}
        for snap in (source, target):
            for key, e in snap.enums.items():
                self.enums.setdefault(type_name(*key), e.labels)
            for key, d in snap.domains.items():
                self.domains.setdefault(type_name(*key), d.base_type)

    def resolve(self, t: str) -> str:
        """A domain stands for its base type (casts go through it)."""
        seen = set()
        while t in self.domains and t not in seen:
            seen.add(t)
            t = _base(self.domains[t])[0]
        return t


def _direct(old: str, new: str, types: _Types) -> bool:
    """PostgreSQL has a cast (built-in, I/O or binary) from `old` to `new`."""
    old, new = types.resolve(old), types.resolve(new)
    if old == new or old in _STRINGS or new in _STRINGS:
        return True  # typmod change, or I/O conversion through the type's text form
    if old in _NUMBERS and new in _NUMBERS:
        return True
    if old in types.enums or new in types.enums:
        return False  # enum <-> anything but text: no cast
    return (old, new) in _CASTS


def _via_text(old: str, new: str, types: _Types) -> bool:
    """Through text is valid for every value: enum to an enum holding all its labels."""
    old, new = types.resolve(old), types.resolve(new)
    if old in types.enums and new in types.enums:
        return set(types.enums[old]) <= set(types.enums[new])
    return False


def drops_enum_labels(old: str, new: str, source: Snapshot, target: Snapshot) -> bool:
    types = _Types(source, target)
    (o, _), (n, _) = _base(old), _base(new)
    o, n = types.resolve(o), types.resolve(n)
    return o in types.enums and n in types.enums and not set(types.enums[o]) <= set(types.enums[n])


def using_expression(
    column: tuple[str, str, str],
    old_type: str,
    new_type: str,
    source: Snapshot,
    target: Snapshot,
    using: dict[tuple[str, str, str], str],
) -> str:
    """The expression turning the column's values into `new_type`; refuses when none runs."""
    if column in using:
        return using[column]
    name = ident(column[2])
    types = _Types(source, target)
    (old, old_dims), (new, new_dims) = _base(old_type), _base(new_type)
    if old_dims == new_dims and _direct(old, new, types):
        return f"{name}::{new_type}"
    if old_dims == new_dims and _via_text(old, new, types):
        return f"{name}::text{'[]' * old_dims}::{new_type}"
    if (
        old_dims == new_dims
        and types.resolve(old) in types.enums
        and types.resolve(new) in types.enums
    ):
        return f"{name}::text{'[]' * old_dims}::{new_type}"  # rows with a dropped label fail
    dotted = ".".join(column)
    raise BadInputError(
        f"column {dotted} changes type from {old_type} to {new_type} and PostgreSQL has no "
        f"cast between them. Say how to convert the values with a USING expression over "
        f"the column, e.g. in pyproject.toml under [tool.schema-assets.using]: "
        f'"{dotted}" = "<expression of {column[2]}>", or on the command line: '
        f"--using '{dotted}=<expression of {column[2]}>'"
    )


def parse_using(using: dict[str, str] | None) -> dict[tuple[str, str, str], str]:
    """`{"schema.table.column": "expression"}` (pyproject or --using) keyed by column."""
    out: dict[tuple[str, str, str], str] = {}
    for column, expression in (using or {}).items():
        parts = column.split(".")
        if len(parts) != 3 or not all(parts) or not str(expression).strip():
            raise BadInputError(
                f"USING hint {column!r} = {expression!r} is not understood: use "
                '"schema.table.column" = "<expression of column>"'
            )
        out[(parts[0], parts[1], parts[2])] = str(expression)
    return out
