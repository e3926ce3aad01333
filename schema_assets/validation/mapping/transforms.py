"""Payload value conversions named in mapping files, and the value kind each produces.

Transforms work value by value (payload batches are small) and never guess: a value that
cannot be converted is returned unchanged, so the derived pandera schema reports it
instead of a loader crashing half way.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from schema_assets.validation.mapping.model import FieldMap, Transform

_DECIMAL_MARK = re.compile(r'"@dec:([-0-9.E+]+)"')


def dumps_json(value: Any, **kwargs: Any) -> str:
    """JSON text with Decimals written exactly as numbers (payloads are read with Decimals).

    Use it for jsonb columns filled by the `json` transform, e.g.
    `psycopg.types.json.Jsonb(value, dumps=dumps_json)`.
    """

    def default(item: Any) -> str:
        if isinstance(item, Decimal):
            return f"@dec:{item}"
        raise TypeError(f"cannot serialise {type(item).__name__} as JSON")

    text = json.dumps(value, default=default, ensure_ascii=False, **kwargs)
    return _DECIMAL_MARK.sub(r"\1", text)


class TransformError(ValueError):
    """A value the transform cannot convert."""


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TransformError(f"{value!r} is not a number")
    if isinstance(value, Decimal):
        return value
    try:
        result = Decimal(str(value).strip()) if isinstance(value, (int, float, str)) else None
    except InvalidOperation as exc:
        raise TransformError(f"{value!r} is not a number") from exc
    if result is None or not result.is_finite():
        raise TransformError(f"{value!r} is not a finite number")
    return result


def _epoch(unit: str) -> Callable[[Any], pd.Timestamp]:
    def convert(value: Any) -> pd.Timestamp:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise TransformError(f"{value!r} is not an epoch number")
        try:
            return pd.Timestamp(int(_decimal(value)), unit=unit, tz="UTC")
        except (OverflowError, ValueError) as exc:
            raise TransformError(f"{value!r} is out of range for epoch {unit}") from exc

    return convert


def _iso8601(value: Any) -> pd.Timestamp:
    """ISO 8601 instant; one without an offset is read as UTC (what market data APIs mean)."""
    if not isinstance(value, str):
        raise TransformError(f"{value!r} is not an ISO 8601 string")
    try:
        ts = pd.Timestamp(value)
    except ValueError as exc:
        raise TransformError(f"{value!r} is not an ISO 8601 instant") from exc
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise TransformError(f"{value!r} is not a YYYY-MM-DD string")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise TransformError(f"{value!r} is not a YYYY-MM-DD date") from exc


def _text(fn: Callable[[str], str]) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise TransformError(f"{value!r} is not a string")
        return fn(value)

    return convert


def _as_text(value: Any) -> str:
    if isinstance(value, (bool, dict, list)):
        raise TransformError(f"{value!r} is not a scalar")
    return str(value)


#: Transforms named by a plain string, and the value kind they produce.
SIMPLE_TRANSFORMS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "decimal": (_decimal, "decimal"),
    "epoch_s": (_epoch("s"), "timestamp"),
    "epoch_ms": (_epoch("ms"), "timestamp"),
    "epoch_us": (_epoch("us"), "timestamp"),
    "epoch_ns": (_epoch("ns"), "timestamp"),
    "iso8601": (_iso8601, "timestamp"),
    "date": (_date, "date"),
    "string": (lambda v: v if isinstance(v, str) else _as_text(v), "string"),
    "upper": (_text(str.upper), "string"),
    "lower": (_text(str.lower), "string"),
    "strip": (_text(str.strip), "string"),
    "json": (lambda v: v, "json"),
}

#: Kind of the payload value itself, from a declared type or a sample value.
_PYTHON_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (Decimal, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def kind_of_value(value: Any) -> str | None:
    for klass, kind in _PYTHON_KINDS:
        if isinstance(value, klass):
            return kind
    return None


def apply_transform(transform: Transform, value: Any) -> Any:
    """Convert one non-null value; raises TransformError when it cannot be converted."""
    if transform.kind in SIMPLE_TRANSFORMS:
        return SIMPLE_TRANSFORMS[transform.kind][0](value)
    if transform.kind == "scale":
        return _decimal(value) * Decimal(transform.scale or "1")
    if transform.kind == "enum":
        mapped = dict(transform.values).get(str(value), transform.default)
        if mapped is None:
            raise TransformError(f"{value!r} is not in the enum value map")
        return mapped
    if transform.kind == "lookup":
        return value  # resolved by the caller (see mapper.resolve_lookups)
    raise TransformError(f"unknown transform {transform.kind!r}")


def output_kind(fm: FieldMap, sample_value: Any = None) -> str | None:
    """Kind of value a field map hands to its column: the last transform's, else the field's."""
    for transform in reversed(fm.transforms):
        if transform.kind in SIMPLE_TRANSFORMS:
            return SIMPLE_TRANSFORMS[transform.kind][1]
        if transform.kind == "scale":
            return "decimal"
        if transform.kind == "enum":
            return "enum"
        if transform.kind == "lookup":
            return "key"
    if fm.type:
        return fm.type
    value = fm.constant if fm.field is None else sample_value
    return kind_of_value(value)
