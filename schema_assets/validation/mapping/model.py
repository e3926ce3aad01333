"""What a field-mapping file says, as frozen dataclasses (parsed by `loader`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Payload value kinds a field may declare (JSON types plus `decimal` strings).
FIELD_TYPES = ("integer", "number", "string", "boolean", "array", "object")
#: `field: $` maps the whole payload record (e.g. into a jsonb audit column).
WHOLE_RECORD = "$"


@dataclass(frozen=True)
class Lookup:
    """Resolve a payload value to a key: `returns` of the row of `table` whose `match` equals it."""

    table: str  # "schema.table"
    match: str
    returns: str


@dataclass(frozen=True)
class Transform:
    """One conversion of a payload value; `kind` is a key of `transforms.TRANSFORMS`."""

    kind: str
    scale: str | None = None  # decimal text for `scale`, e.g. "0.00000001"
    values: tuple[tuple[str, str], ...] = ()  # `enum` value map, payload value -> label
    default: str | None = None  # `enum` label for values missing from the map
    lookup: Lookup | None = None


@dataclass(frozen=True)
class FieldMap:
    """A payload field (or a constant) going into one column of the target table."""

    column: str
    field: str | None = None  # payload key; None for a constant
    constant: Any = None
    type: str | None = None  # declared payload type (FIELD_TYPES)
    required: bool = True  # the source always sends a non-null value
    default: Any = None  # used when the payload value is null/absent
    transforms: tuple[Transform, ...] = ()
    line: int = 0

    @property
    def name(self) -> str:
        """How findings name the input: the payload field or `=constant`."""
        return self.field if self.field is not None else f"={self.constant}"

    @property
    def lookup(self) -> Lookup | None:
        return next((t.lookup for t in self.transforms if t.lookup), None)


@dataclass(frozen=True)
class Mapping:
    """One data source's payload → one target table."""

    source: str
    target: str  # "schema.table"
    fields: tuple[FieldMap, ...]
    path: Path
    title: str = ""
    endpoint: str = ""
    ignore: tuple[str, ...] = ()  # payload fields known and deliberately not loaded
    samples: str | None = None  # samples file name, default `<source>.json`
    target_line: int = 0

    @property
    def target_key(self) -> tuple[str, str]:
        schema, _, table = self.target.partition(".")
        return (schema, table)

    @property
    def payload_fields(self) -> tuple[str, ...]:
        return tuple(f.field for f in self.fields if f.field not in (None, WHOLE_RECORD))

    @property
    def keeps_whole_record(self) -> bool:
        return any(f.field == WHOLE_RECORD for f in self.fields)

    def column_map(self, column: str) -> FieldMap | None:
        return next((f for f in self.fields if f.column == column), None)

    def where(self, line: int | None = None) -> str:
        """`file:line` for messages."""
        return f"{self.path}:{line if line is not None else self.target_line}"
