"""Column type categories from catalog types, and which payload value kinds fit each."""

from __future__ import annotations

import re

from schema_assets.catalog.model import Snapshot

INTEGER_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
_NUMERIC = re.compile(r"^numeric\((\d+),(\d+)\)$")
_LENGTH = re.compile(r"^(?:character varying|character)\((\d+)\)$")

#: payload value kind (transforms.output_kind) -> column categories it can be stored in.
COMPATIBLE: dict[str, frozenset[str]] = {
    "integer": frozenset({"integer", "numeric", "float"}),
    "number": frozenset({"numeric", "float"}),
    "decimal": frozenset({"numeric", "float"}),
    "string": frozenset({"text", "enum"}),
    "enum": frozenset({"enum", "text"}),
    "timestamp": frozenset({"timestamptz", "timestamp"}),
    "date": frozenset({"date"}),
    "boolean": frozenset({"boolean"}),
    "object": frozenset({"json"}),
    "array": frozenset({"array", "json"}),
    "json": frozenset({"json"}),
    "key": frozenset({"integer"}),
}


def category(type_: str, snapshot: Snapshot) -> str:
    """integer|numeric|float|text|timestamptz|timestamp|date|boolean|json|array|enum|other."""
    if type_.endswith("[]"):
        return "array"
    if type_ in INTEGER_RANGES:
        return "integer"
    if type_.startswith("numeric"):
        return "numeric"
    if type_ in ("double precision", "real"):
        return "float"
    if type_ == "text" or _LENGTH.match(type_) or type_ in ("character varying", "character"):
        return "text"
    if type_.startswith("timestamp with time zone"):
        return "timestamptz"
    if type_.startswith("timestamp without time zone"):
        return "timestamp"
    if type_ in ("date", "boolean"):
        return type_
    if type_ in ("jsonb", "json"):
        return "json"
    if enum_labels(type_, snapshot) is not None:
        return "enum"
    return "other"


def enum_labels(type_: str, snapshot: Snapshot) -> tuple[str, ...] | None:
    schema, _, name = type_.rpartition(".")
    for key in ((schema or "public", name.strip('"')), ("public", type_)):
        if key in snapshot.enums:
            return snapshot.enums[key].labels
    return None


def numeric_limit(type_: str) -> tuple[int, int] | None:
    """(precision, scale) of numeric(p,s)."""
    match = _NUMERIC.match(type_.replace(" ", ""))
    return (int(match.group(1)), int(match.group(2))) if match else None


def max_length(type_: str) -> int | None:
    match = _LENGTH.match(type_)
    return int(match.group(1)) if match else None
