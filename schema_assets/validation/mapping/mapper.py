"""Payload records → a DataFrame shaped like the target table, through a mapping.

Columns are the mapped columns of the target table, in mapping order. A column filled by
a lookup (e.g. symbol → instrument_id) is left for the caller: it is all-NA, and the payload
value sits beside it in `<column>__lookup`; `resolve_lookups` fills it from a dict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Mapping as AbcMapping
from typing import Any

import pandas as pd

from schema_assets.errors import BadInputError
from schema_assets.validation.mapping.model import WHOLE_RECORD, FieldMap, Mapping
from schema_assets.validation.mapping.transforms import TransformError, apply_transform, output_kind

LOOKUP_SUFFIX = "__lookup"

#: pandas dtype per produced value kind; kinds not listed stay `object`.
_DTYPES = {
    "integer": "Int64",
    "key": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "timestamp": "datetime64[ns, UTC]",
}


def lookup_column(column: str) -> str:
    return column + LOOKUP_SUFFIX


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def first_value(fm: FieldMap, records: Sequence[AbcMapping[str, Any]]) -> Any:
    """The field's first non-null payload value: its kind when the mapping declares none."""
    if fm.field is None or fm.field == WHOLE_RECORD:
        return None
    return next((r[fm.field] for r in records if not _is_null(r.get(fm.field))), None)


def map_value(fm: FieldMap, record: AbcMapping[str, Any]) -> Any:
    """The column value for one record (None when null); unconvertible values pass unchanged."""
    if fm.field == WHOLE_RECORD:
        value: Any = dict(record)
    else:
        value = fm.constant if fm.field is None else record.get(fm.field)
    if _is_null(value):
        value = fm.default
    if _is_null(value):
        return None
    for transform in fm.transforms:
        try:
            value = apply_transform(transform, value)
        except TransformError:
            return value
    return value


def _series(values: list[Any], kind: str | None) -> pd.Series:
    dtype = _DTYPES.get(kind or "")
    if dtype is not None:
        try:
            if kind == "number":
                values = [None if v is None else float(v) for v in values]
            return pd.Series(pd.array(values, dtype=dtype))
        except (TypeError, ValueError):
            pass  # a value of the wrong kind: keep it visible for validation
    return pd.Series(values, dtype="object")


def map_records(mapping: Mapping, records: Iterable[AbcMapping[str, Any]]) -> pd.DataFrame:
    """Apply the mapping to payload records; see the module docstring for lookup columns."""
    records = list(records)
    data: dict[str, pd.Series] = {}
    for fm in mapping.fields:
        values = [map_value(fm, r) for r in records]
        if fm.lookup is not None:
            data[fm.column] = pd.Series(pd.array([None] * len(records), dtype="Int64"))
            data[lookup_column(fm.column)] = pd.Series(values, dtype="object")
        else:
            data[fm.column] = _series(values, output_kind(fm, first_value(fm, records)))
    return pd.DataFrame(data, index=pd.RangeIndex(len(records)))


def resolve_lookups(
    frame: pd.DataFrame, mapping: Mapping, resolved: AbcMapping[str, AbcMapping[Any, int]]
) -> pd.DataFrame:
    """Fill lookup columns from `resolved[column][payload value]`; unknown values are an error."""
    out = frame.copy()
    for fm in mapping.fields:
        if fm.lookup is None:
            continue
        source = out.pop(lookup_column(fm.column))
        table = resolved.get(fm.column, {})
        missing = sorted({str(v) for v in source if v is not None and v not in table})
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise BadInputError(
                f"{mapping.source}: {fm.column} has no {fm.lookup.table}.{fm.lookup.match} "
                f"match for: {shown}"
            )
        out[fm.column] = pd.array([None if v is None else table[v] for v in source], dtype="Int64")
    return out


def surrogate_lookups(frame: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """Resolve lookups with stand-in ids (1, 2, ... per distinct value), for validation only."""
    resolved = {}
    for fm in mapping.fields:
        if fm.lookup is not None:
            values = [v for v in frame[lookup_column(fm.column)] if v is not None]
            resolved[fm.column] = {v: i for i, v in enumerate(dict.fromkeys(values), start=1)}
    return resolve_lookups(frame, mapping, resolved)
