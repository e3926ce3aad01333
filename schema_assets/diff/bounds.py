"""A partition bound as a CHECK expression, so ATTACH PARTITION can skip its scan.

ATTACH scans the table under ACCESS EXCLUSIVE unless a valid CHECK constraint already
implies the bound. Only the forms PostgreSQL's own implication proof matches reliably are
rendered: one plain column, a RANGE bound of literals (MINVALUE/MAXVALUE leave that side
open) or a LIST bound without NULL. Anything else (expressions, several columns, HASH,
DEFAULT) gets None: the ATTACH stays as it is.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"^(RANGE|LIST) \((\"?[A-Za-z_][\w$]*\"?)\)$")
_RANGE = re.compile(r"^FOR VALUES FROM \((.*)\) TO \((.*)\)$", re.S)
_LIST = re.compile(r"^FOR VALUES IN \((.*)\)$", re.S)
_LITERAL = r"(?:'(?:[^']|'')*'|-?[0-9][0-9.e+-]*|true|false)"
_ONE = re.compile(rf"^{_LITERAL}$")
_MANY = re.compile(rf"^{_LITERAL}(?:, {_LITERAL})*$")


def bound_check(partition_key: str | None, bound: str | None) -> str | None:
    """`CHECK (...)` text equivalent to the partition constraint of `bound`, or None."""
    key = _KEY.match(partition_key or "")
    if key is None or not bound:
        return None
    method, column = key.groups()
    if method == "RANGE" and (m := _RANGE.match(bound)):
        low, high = m.group(1).strip(), m.group(2).strip()
        parts = [f"{column} IS NOT NULL"]
        for value, op, open_end in ((low, ">=", "MINVALUE"), (high, "<", "MAXVALUE")):
            if value == open_end:
                continue
            if not _ONE.match(value):
                return None
            parts.append(f"{column} {op} {value}")
        return f"CHECK ({' AND '.join(parts)})"
    if method == "LIST" and (m := _LIST.match(bound)):
        values = m.group(1).strip()
        if not _MANY.match(values):
            return None  # NULL among the values, or something this does not parse
        return f"CHECK ({column} IS NOT NULL AND {column} = ANY (ARRAY[{values}]))"
    return None
