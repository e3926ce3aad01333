"""Building blocks of the field-mapping check: CHECK parsing, transforms, derived pandera schemas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pandera.errors
import pytest

from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.validation.checkexpr import Condition, parse_check
from schema_assets.validation.mapping import FieldMap, Transform, derive_schema
from schema_assets.validation.mapping.mapper import map_value

# --------------------------------------------------------------------------- CHECK parsing


def test_a_comparison_with_a_cast_constant_is_understood():
    parsed = parse_check("CHECK ((price > (0)::numeric))")
    assert parsed.conditions == (Condition("compare", "price", op=">", value=0),)
    assert parsed.untranslated == 0


def test_and_terms_are_split_and_untranslatable_ones_counted():
    parsed = parse_check("CHECK (((high >= low) AND (high >= GREATEST(open, close))))")
    assert parsed.conditions == (Condition("compare", "high", op=">=", other="low"),)
    assert parsed.untranslated == 1


def test_a_constant_on_the_left_is_flipped_to_the_column_side():
    assert parse_check("CHECK ((0 < size))").conditions == (
        Condition("compare", "size", op=">", value=0),
    )


def test_big_numeric_literals_deparsed_as_strings_are_numbers():
    (cond,) = parse_check("CHECK ((volume < '1000000000000'::numeric))").conditions
    assert cond.value == Decimal("1000000000000")


def test_in_lists_between_and_regex_are_understood():
    in_list = parse_check(
        "CHECK ((estimator = ANY (ARRAY['parkinson'::text, 'yang_zhang'::text])))"
    )
    assert in_list.conditions == (Condition("in", "estimator", values=("parkinson", "yang_zhang")),)
    between = parse_check(
        "CHECK (((rsi_14 >= (0)::double precision) AND (rsi_14 <= (100)::double precision)))"
    )
    assert [c.op for c in between.conditions] == [">=", "<="]
    regex = parse_check("CHECK ((mic ~ '^[A-Z0-9]{4}$'::text))")
    assert regex.conditions == (Condition("match", "mic", op="~", value="^[A-Z0-9]{4}$"),)


def test_an_or_expression_is_not_guessed():
    parsed = parse_check("CHECK (((is_open AND (opens_at IS NOT NULL)) OR (NOT is_open)))")
    assert parsed.conditions == () and parsed.untranslated == 1


# --------------------------------------------------------------------------- transforms


def _value(value, *transforms: Transform, **kwargs):
    return map_value(FieldMap(column="c", field="f", transforms=transforms, **kwargs), {"f": value})


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("epoch_s", 1795444200),
        ("epoch_ms", 1795444200000),
        ("epoch_us", 1795444200000000),
        ("epoch_ns", 1795444200000000000),
    ],
)
def test_epoch_transforms_give_utc_instants(kind, value):
    assert _value(value, Transform(kind)) == pd.Timestamp("2026-11-23T14:30:00Z")


def test_iso8601_with_an_offset_is_converted_to_utc_and_without_one_read_as_utc():
    assert _value("2026-11-24T10:03:12.5-05:00", Transform("iso8601")) == pd.Timestamp(
        "2026-11-24T15:03:12.5Z"
    )
    assert _value("2026-11-24T15:03:12", Transform("iso8601")) == pd.Timestamp(
        "2026-11-24T15:03:12Z"
    )


def test_scaling_is_exact_decimal_arithmetic():
    assert _value(123456789, Transform("scale", scale="0.00000001")) == Decimal("1.23456789")
    assert _value(1999, Transform("scale", scale="0.01")) == Decimal("19.99")


def test_enum_maps_values_and_falls_back_to_its_default():
    side = Transform("enum", values=(("B", "buy"), ("S", "sell")), default="unknown")
    assert [_value(v, side) for v in ("B", "S", "X")] == ["buy", "sell", "unknown"]


def test_a_null_takes_the_declared_default():
    assert _value(None, Transform("decimal"), default=1) == Decimal(1)


def test_an_unconvertible_value_passes_unchanged_for_validation_to_report():
    assert _value("n/a", Transform("decimal")) == "n/a"
    assert _value("yesterday", Transform("iso8601")) == "yesterday"


# --------------------------------------------------------------------------- derived schemas


@pytest.fixture(scope="module")
def snapshot(pg_server: str, warehouse_template: str) -> Snapshot:
    from schema_assets.database import with_database

    return take_snapshot(with_database(pg_server, warehouse_template))


def _bar(**overrides) -> dict:
    bar = {
        "bar_interval": "1m",
        "bar_time": pd.Timestamp("2026-11-23T14:30Z"),
        "open": Decimal("10"),
        "high": Decimal("11"),
        "low": Decimal("9"),
        "close": Decimal("10.5"),
        "volume": Decimal("1000"),
        "vwap": None,
    }
    bar.update(overrides)
    return bar


def _frame(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    frame["bar_time"] = frame["bar_time"].astype("datetime64[ns, UTC]")
    return frame


def _failed_checks(schema, frame) -> set[str]:
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return set(exc.failure_cases["check"].astype(str))
    return set()


def test_nullability_follows_not_null_in_the_catalog(snapshot):
    schema = derive_schema(snapshot, ("raw", "ohlcv_bars"))
    assert schema.columns["open"].nullable is False
    assert schema.columns["vwap"].nullable is True


def test_a_valid_bar_passes_the_derived_schema(snapshot):
    columns = list(_bar())
    assert (
        _failed_checks(derive_schema(snapshot, ("raw", "ohlcv_bars"), columns), _frame(_bar()))
        == set()
    )


def test_check_constraints_and_enum_labels_become_pandera_checks(snapshot):
    schema = derive_schema(snapshot, ("raw", "ohlcv_bars"), list(_bar()))
    failed = _failed_checks(
        schema,
        _frame(_bar(), _bar(high=Decimal("8")), _bar(bar_interval="2m"), _bar(vwap=Decimal("-1"))),
    )
    assert failed == {
        "ohlcv_bars_high_low_check: high >= low",
        "ref.bar_interval label",
        "ohlcv_bars_vwap_check: vwap > 0",
    }


def test_a_regex_check_is_applied_to_text_columns(snapshot):
    schema = derive_schema(snapshot, ("ref", "instruments"), ["isin"])
    frame = pd.DataFrame({"isin": ["US0378331005", "not-an-isin", None]}, dtype="object")
    assert _failed_checks(schema, frame) == {
        "instruments_isin_check: isin ~ '^[A-Z]{2}[A-Z0-9]{9}[0-9]$'"
    }


def test_char_lengths_and_numeric_precision_are_enforced(snapshot):
    schema = derive_schema(snapshot, ("ref", "instruments"), ["currency", "tick_size"])
    frame = pd.DataFrame(
        {"currency": ["USD", "USDT"], "tick_size": [Decimal("0.01"), Decimal("1e11")]},
        dtype="object",
    )
    failed = _failed_checks(schema, frame)
    assert "length <= 3" in failed
    assert any(name.startswith("numeric(20,10) range") for name in failed)


def test_dates_must_be_dates_not_strings(snapshot):
    schema = derive_schema(snapshot, ("ref", "instruments"), ["listed_on"])
    frame = pd.DataFrame({"listed_on": [dt.date(2020, 1, 2), "2020-01-02"]}, dtype="object")
    assert _failed_checks(schema, frame) == {"type:date"}
