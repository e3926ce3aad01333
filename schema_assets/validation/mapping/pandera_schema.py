"""Pandera schemas derived from the catalog: one per table, never written by hand.

Types, nullability, enum labels, numeric(p,s) ranges, varchar lengths and the CHECK
constraints that translate (see `validation.checkexpr`) become pandera checks. SQL
semantics are kept: a NULL passes a CHECK, and NOT NULL is a separate, nullable=False test.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from numbers import Number
from typing import Any

import pandas as pd
import pandera.pandas as pa

from schema_assets.catalog.model import Column, Snapshot
from schema_assets.validation.checkexpr import Condition, parse_check
from schema_assets.validation.mapping import columns as coltypes

#: Check names starting with this prefix are type checks (reported as type mismatches).
TYPE_CHECK_PREFIX = "type:"
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    "<>": operator.ne,
}
_DTYPES = {
    "integer": "Int64",
    "boolean": "boolean",
    "timestamptz": pd.DatetimeTZDtype("ns", "UTC"),
}


def _is_real(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, Number):
        return False
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]  # Number has no __float__ stub
    except (TypeError, ValueError):  # Decimal NaN and friends
        return False


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "numeric": _is_real,
    "float": _is_real,
    "text": lambda v: isinstance(v, str),
    "enum": lambda v: isinstance(v, str),
    "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
    "array": lambda v: isinstance(v, (list, tuple)),
    "json": lambda v: isinstance(v, (dict, list, str, int, float, Decimal, bool)),
    "timestamp": lambda v: isinstance(v, (pd.Timestamp, dt.datetime)),
}


def _decimals(value: Any) -> int:
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _magnitude_below(bound: Decimal) -> Callable[[Any], bool]:
    return lambda v: abs(Decimal(str(v))) < bound


def _scale_at_most(scale: int) -> Callable[[Any], bool]:
    return lambda v: _decimals(v) <= scale


def _length_at_most(length: int) -> Callable[[Any], bool]:
    return lambda v: len(v) <= length


def _safe(test: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A CHECK comparison on a value of the wrong type is the type check's business."""

    def run(value: Any) -> bool:
        try:
            return bool(test(value))
        except (TypeError, ValueError, ArithmeticError):
            return True

    return run


def _column_checks(col: Column, cat: str, snapshot: Snapshot) -> list[pa.Check]:
    checks: list[pa.Check] = []
    test = _TYPE_TESTS.get(cat)
    if test is not None:
        checks.append(pa.Check(test, element_wise=True, name=f"{TYPE_CHECK_PREFIX}{col.type}"))
    if cat == "integer":
        low, high = coltypes.INTEGER_RANGES[col.type]
        checks.append(
            pa.Check(_safe(lambda v: low <= v <= high), element_wise=True, name=f"{col.type} range")
        )
    if cat == "enum":
        labels = frozenset(coltypes.enum_labels(col.type, snapshot) or ())
        checks.append(pa.Check(lambda v: v in labels, element_wise=True, name=f"{col.type} label"))
    limit = coltypes.numeric_limit(col.type)
    if limit:
        bound = Decimal(10) ** (limit[0] - limit[1])
        checks.append(
            pa.Check(
                _safe(_magnitude_below(bound)),
                element_wise=True,
                name=f"{col.type} range (|value| < 10^{limit[0] - limit[1]})",
            )
        )
    if limit:
        checks.append(
            pa.Check(
                _safe(_scale_at_most(limit[1])),
                element_wise=True,
                name=f"{col.type} scale (at most {limit[1]} decimals, more are rounded away)",
            )
        )
    length = coltypes.max_length(col.type)
    if length:
        checks.append(
            pa.Check(
                _safe(_length_at_most(length)),
                element_wise=True,
                name=f"length <= {length}",
            )
        )
    return checks


def _condition_check(cond: Condition, constraint: str) -> tuple[str | None, pa.Check] | None:
    """(column or None for a row check, pandera check) for one CHECK condition."""
    name = f"{constraint}: {_describe(cond)}"
    if cond.kind == "compare" and cond.other is None:
        fn, value = _OPS[cond.op], cond.value
        return cond.column, pa.Check(_safe(lambda v: fn(v, value)), element_wise=True, name=name)
    if cond.kind == "compare":
        fn, left, right = _OPS[cond.op], cond.column, cond.other

        def row_test(row: pd.Series) -> bool:
            a, b = row[left], row[right]
            if a is None or b is None or a is pd.NA or b is pd.NA:
                return True
            return _safe(lambda pair: fn(*pair))((a, b))

        return None, pa.Check(row_test, element_wise=True, name=name)
    if cond.kind == "between":
        low, high = cond.values
        return cond.column, pa.Check(
            _safe(lambda v: low <= v <= high), element_wise=True, name=name
        )
    if cond.kind == "in":
        allowed = frozenset(cond.values)
        return cond.column, pa.Check(_safe(lambda v: v in allowed), element_wise=True, name=name)
    if cond.kind == "match":
        try:
            pattern = re.compile(str(cond.value))
        except re.error:
            return None
        negate = cond.op == "!~"
        return cond.column, pa.Check(
            _safe(lambda v: bool(pattern.search(v)) != negate), element_wise=True, name=name
        )
    return None


def _describe(cond: Condition) -> str:
    if cond.kind == "compare":
        return f"{cond.column} {cond.op} {cond.other if cond.other else repr(cond.value)}"
    if cond.kind == "between":
        return f"{cond.column} BETWEEN {cond.values[0]} AND {cond.values[1]}"
    if cond.kind == "in":
        return f"{cond.column} IN {cond.values}"
    return f"{cond.column} {cond.op} {cond.value!r}"


def derive_schema(
    snapshot: Snapshot, table: tuple[str, str], columns: Iterable[str] | None = None
) -> pa.DataFrameSchema:
    """Pandera schema of `table` from the catalog, limited to `columns` when given.

    Columns are optional in the frame (which columns a source must fill is the mapping
    checker's business); row checks are kept only when all their columns are selected.
    """
    tbl = snapshot.tables[table]
    wanted = set(columns) if columns is not None else {c.name for c in tbl.columns}
    checks_by_column: dict[str, list[pa.Check]] = {c: [] for c in wanted}
    row_checks: list[pa.Check] = []
    for con in sorted(snapshot.table_constraints(table), key=lambda c: c.name):
        if con.type != "c":
            continue
        for cond in parse_check(con.definition).conditions:
            involved = {cond.column, *([cond.other] if cond.other else [])}
            if not involved <= wanted:
                continue
            translated = _condition_check(cond, con.name)
            if translated is None:
                continue
            column, check = translated
            if column is None:
                row_checks.append(check)
            else:
                checks_by_column[column].append(check)
    schema_columns = {}
    for col in tbl.columns:
        if col.name not in wanted:
            continue
        cat = coltypes.category(col.type, snapshot)
        schema_columns[col.name] = pa.Column(
            _DTYPES.get(cat),
            checks=_column_checks(col, cat, snapshot) + checks_by_column[col.name],
            nullable=not col.not_null,
            required=False,
        )
    return pa.DataFrameSchema(
        schema_columns, checks=row_checks, name=f"{table[0]}.{table[1]}", strict=False
    )
