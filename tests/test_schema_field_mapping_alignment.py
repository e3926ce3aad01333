"""API payload ↔ schema alignment: shipped mappings pass, every finding kind is caught."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from helpers import PROJECT_ROOT, execute, run_cli

from schema_assets.catalog import Snapshot, take_snapshot
from schema_assets.errors import BadInputError
from schema_assets.sqlfiles import apply_sql_files
from schema_assets.validation.mapping import (
    check_mapping,
    check_mappings,
    load_mapping_file,
    load_mappings,
    load_samples,
)

VERSIONS = PROJECT_ROOT / "tests" / "fixtures" / "versions"

#: A small websocket-trades mapping into raw.trades that is clean against the shipped schema.
TRADES_YAML = """\
source: test_trades
target: raw.trades
ignore: [type]
fields:
  - field: product_id
    column: instrument_id
    type: string
    transform: {lookup: {table: ref.instruments, match: symbol, returns: instrument_id}}
  - constant: test_trades
    column: source_id
    transform: {lookup: {table: ref.data_sources, match: code, returns: source_id}}
  - {field: trade_id, column: trade_id, type: integer, transform: string}
  - {field: time, column: traded_at, type: string, transform: iso8601}
  - {field: price, column: price, type: string, transform: decimal}
  - {field: size, column: size, type: string, transform: decimal}
  - field: side
    column: side
    type: string
    required: false
    default: unknown
    transform: {enum: {map: {buy: buy, sell: sell}, default: unknown}}
"""


def _trade(i: int, **overrides) -> dict:
    record = {
        "type": "match",
        "product_id": "BTC-USD",
        "trade_id": 1000 + i,
        "time": f"2026-11-24T15:03:{i:02d}.123456Z",
        "price": "91234.50000000",
        "size": "0.01000000",
        "side": "buy",
    }
    record.update(overrides)
    return {k: v for k, v in record.items() if v is not ...}


def write_mapping(tmp_path: Path, text: str, records: list[dict], source: str = "test_trades"):
    """A mapping file plus its samples in a scratch mappings directory."""
    (tmp_path / "samples").mkdir(exist_ok=True)
    (tmp_path / "samples" / f"{source}.json").write_text(json.dumps(records))
    path = tmp_path / f"{source}.yaml"
    path.write_text(text)
    return load_mapping_file(path)


def replace_field(yaml_text: str, old: str, new: str) -> str:
    assert old in yaml_text, old
    return yaml_text.replace(old, new)


@pytest.fixture(scope="module")
def shipped_snapshot(pg_server: str, warehouse_template: str) -> Snapshot:
    """Snapshot of the shipped schema (read-only: tests that alter tables use warehouse_db)."""
    from schema_assets.database import with_database

    return take_snapshot(with_database(pg_server, warehouse_template))


def findings_of(snapshot: Snapshot, mapping, records=None):
    return check_mapping(snapshot, mapping, records)


# --------------------------------------------------------------------------- shipped sources


def test_every_shipped_mapping_is_aligned_with_the_shipped_schema(shipped_snapshot):
    report = check_mappings(shipped_snapshot)
    assert report.findings == ()
    assert not report.has_errors
    assert len(report.sources) >= 3 and min(report.records.values()) >= 50


def test_shipped_sources_are_at_least_three_real_shaped_apis_with_50_samples_each():
    mappings = load_mappings()
    assert {m.target for m in mappings} >= {"raw.ohlcv_bars", "raw.trades", "ref.instruments"}
    for mapping in mappings:
        assert len(load_samples(mapping)) >= 50, mapping.source


def test_shipped_samples_contain_nulls_huge_volumes_and_many_decimals():
    (ohlcv,) = load_mappings(["rest_ohlcv"])
    bars = load_samples(ohlcv)
    assert any(r.get("vw", 0) is None for r in bars)
    assert any("n" not in r for r in bars)
    assert max(Decimal(r["v"]) for r in bars) > Decimal("1e13")
    assert any(-Decimal(r["o"]).as_tuple().exponent >= 8 for r in bars)


def test_shipped_sample_lookups_resolve_within_the_shipped_reference_samples():
    """So the Dagster layer can load instruments first, then bars and trades, from samples alone."""
    by_source = {m.source: m for m in load_mappings()}
    symbols = {r["ticker"] for r in load_samples(by_source["reference_instruments"])}
    for source, field in (("rest_ohlcv", "T"), ("trades_stream", "product_id")):
        assert {r[field] for r in load_samples(by_source[source])} <= symbols, source
    underlyings = {
        r.get("underlying_ticker") for r in load_samples(by_source["reference_instruments"])
    }
    assert underlyings - {None} <= symbols


def test_shipped_samples_are_regenerated_byte_for_byte_by_the_generator():
    from schema_assets.validation.mapping import samplegen

    for mapping in load_mappings():
        committed = (mapping.path.parent / "samples" / f"{mapping.source}.json").read_text()
        assert samplegen.generate(mapping.source) == committed, mapping.source


def test_the_clean_test_mapping_has_no_findings(tmp_path, shipped_snapshot):
    mapping = write_mapping(tmp_path, TRADES_YAML, [_trade(i) for i in range(3)])
    assert findings_of(shipped_snapshot, mapping) == []


# --------------------------------------------------------------------------- finding kinds


def _kinds(findings) -> list[tuple[str, str, str]]:
    return [(f.kind, f.field, f.column) for f in findings]


def test_a_mapped_column_missing_in_the_table_is_reported(tmp_path, shipped_snapshot):
    text = TRADES_YAML + "  - {field: venue, column: venue_code, type: string}\n"
    mapping = write_mapping(tmp_path, text, [_trade(0, venue="XCRY")])
    findings = findings_of(shipped_snapshot, mapping)
    assert _kinds(findings) == [("missing_column", "venue", "raw.trades.venue_code")]
    assert (
        findings[0].where
        == f"{mapping.path}:{text.splitlines().index('  - {field: venue, column: venue_code, type: string}') + 1}"
    )


def test_a_required_column_never_mapped_is_reported(tmp_path, shipped_snapshot):
    text = replace_field(
        TRADES_YAML, "  - {field: size, column: size, type: string, transform: decimal}\n", ""
    )
    mapping = write_mapping(tmp_path, text, [_trade(0, size=...)])
    assert _kinds(findings_of(shipped_snapshot, mapping)) == [
        ("unmapped_required", "", "raw.trades.size")
    ]


def test_a_string_into_timestamptz_without_a_transform_is_a_type_mismatch(
    tmp_path, shipped_snapshot
):
    text = replace_field(TRADES_YAML, "type: string, transform: iso8601}", "type: string}")
    mapping = write_mapping(tmp_path, text, [_trade(0)])
    findings = findings_of(shipped_snapshot, mapping)
    assert _kinds(findings) == [("type_incompatible", "time", "raw.trades.traded_at")]
    assert "timestamp with time zone" in findings[0].message


def test_a_float_field_into_an_integer_column_is_a_type_mismatch(tmp_path, shipped_snapshot):
    text = TRADES_YAML.replace(
        "  - constant: test_trades\n    column: source_id\n"
        "    transform: {lookup: {table: ref.data_sources, match: code, returns: source_id}}\n",
        "  - {field: feed_weight, column: source_id, type: number}\n",
    )
    mapping = write_mapping(tmp_path, text, [_trade(0, feed_weight=0.5)])
    assert _kinds(findings_of(shipped_snapshot, mapping)) == [
        ("type_incompatible", "feed_weight", "raw.trades.source_id")
    ]


def test_a_payload_value_of_the_wrong_type_is_a_type_mismatch(tmp_path, shipped_snapshot):
    mapping = write_mapping(tmp_path, TRADES_YAML, [_trade(0), _trade(1, price="n/a")])
    findings = findings_of(shipped_snapshot, mapping)
    assert _kinds(findings) == [("type_incompatible", "price", "raw.trades.price")]
    assert "'n/a'" in findings[0].message


def test_an_optional_field_into_a_not_null_column_is_a_nullability_mismatch(
    tmp_path, shipped_snapshot
):
    text = replace_field(
        TRADES_YAML,
        "{field: price, column: price, type: string, transform: decimal}",
        "{field: price, column: price, type: string, transform: decimal, required: false}",
    )
    mapping = write_mapping(tmp_path, text, [_trade(0)])
    assert _kinds(findings_of(shipped_snapshot, mapping)) == [
        ("nullability", "price", "raw.trades.price")
    ]


def test_an_enum_default_does_not_cover_a_null_value(tmp_path, shipped_snapshot):
    """The enum default maps unknown values; a null never reaches it (only `default:` does)."""
    text = replace_field(TRADES_YAML, "    default: unknown\n", "")
    mapping = write_mapping(tmp_path, text, [_trade(0)])
    assert _kinds(findings_of(shipped_snapshot, mapping)) == [
        ("nullability", "side", "raw.trades.side")
    ]


def test_nulls_in_a_required_payload_field_are_a_nullability_mismatch(tmp_path, shipped_snapshot):
    mapping = write_mapping(tmp_path, TRADES_YAML, [_trade(0), _trade(1, size=None)])
    findings = findings_of(shipped_snapshot, mapping)
    assert _kinds(findings) == [("nullability", "size", "raw.trades.size")]
    assert "[1]" in findings[0].message  # names the record


def test_values_violating_a_check_constraint_are_reported(tmp_path, shipped_snapshot):
    mapping = write_mapping(tmp_path, TRADES_YAML, [_trade(0), _trade(1, price="-3.5")])
    findings = findings_of(shipped_snapshot, mapping)
    assert _kinds(findings) == [("check_violation", "price", "raw.trades.price")]
    assert "trades_price_check" in findings[0].message


def test_an_enum_value_that_is_not_a_label_is_a_check_violation(tmp_path, shipped_snapshot):
    text = replace_field(
        TRADES_YAML, "map: {buy: buy, sell: sell}", "map: {buy: buy, sell: sell, x: cross}"
    )
    mapping = write_mapping(tmp_path, text, [_trade(0), _trade(1, side="x")])
    findings = findings_of(shipped_snapshot, mapping)
    assert _kinds(findings) == [("check_violation", "side", "raw.trades.side")]
    assert "ref.trade_side label" in findings[0].message


def test_a_row_check_between_two_columns_is_reported_once(tmp_path, shipped_snapshot):
    (ohlcv,) = load_mappings(["rest_ohlcv"])
    records = load_samples(ohlcv)[:3]
    records[1] = {
        **records[1],
        "h": records[1]["l"] - 1,
        "o": records[1]["l"] - 1,
        "c": records[1]["l"] - 1,
    }
    findings = findings_of(shipped_snapshot, ohlcv, records)
    assert [(f.kind, f.column) for f in findings] == [("check_violation", "raw.ohlcv_bars")]
    assert "ohlcv_bars_high_low_check: high >= low" in findings[0].message


def test_more_decimals_than_the_column_scale_are_reported(tmp_path, shipped_snapshot):
    mapping = write_mapping(tmp_path, TRADES_YAML, [_trade(0, price="0.000018734")])
    findings = findings_of(shipped_snapshot, mapping)
    assert _kinds(findings) == [("check_violation", "price", "raw.trades.price")]
    assert "at most 8 decimals" in findings[0].message


def test_an_unknown_payload_field_is_a_warning(tmp_path, shipped_snapshot):
    mapping = write_mapping(tmp_path, TRADES_YAML, [_trade(0, maker_order_id="ab12")])
    report_findings = findings_of(shipped_snapshot, mapping)
    assert [(f.kind, f.severity, f.field) for f in report_findings] == [
        ("unknown_field", "warning", "maker_order_id")
    ]


def test_a_lookup_into_a_missing_column_is_reported(tmp_path, shipped_snapshot):
    text = replace_field(TRADES_YAML, "match: symbol", "match: ticker")
    mapping = write_mapping(tmp_path, text, [_trade(0)])
    assert _kinds(findings_of(shipped_snapshot, mapping)) == [
        ("missing_column", "product_id", "ref.instruments.ticker")
    ]


# --------------------------------------------------------------------------- schema changes


def test_renaming_a_mapped_column_breaks_the_shipped_mapping(warehouse_db):
    execute(warehouse_db, "ALTER TABLE raw.trades RENAME COLUMN size TO quantity")
    report = check_mappings(take_snapshot(warehouse_db), load_mappings(["trades_stream"]))
    assert [(f.kind, f.column) for f in report.findings] == [
        ("missing_column", "raw.trades.size"),
        ("unmapped_required", "raw.trades.quantity"),
    ]
    assert report.has_errors


def test_a_new_check_constraint_is_picked_up_from_the_catalog(warehouse_db):
    execute(
        warehouse_db,
        "ALTER TABLE raw.ohlcv_bars ADD CONSTRAINT ohlcv_bars_volume_cap_check CHECK (volume < 1000000000000)",
    )
    report = check_mappings(take_snapshot(warehouse_db), load_mappings(["rest_ohlcv"]))
    assert [(f.kind, f.column) for f in report.findings] == [
        ("check_violation", "raw.ohlcv_bars.volume")
    ]
    assert "ohlcv_bars_volume_cap_check" in report.findings[0].message


def test_the_v1_schema_version_loses_trade_price_decimals(empty_db):
    """v1 had raw.trades.price numeric(18,6): 8-decimal crypto prices would be rounded."""
    v1 = VERSIONS / "v1"
    apply_sql_files(empty_db, [v1 / "setup_schema_functions.sql", v1 / "schema.sql"])
    report = check_mappings(take_snapshot(empty_db), load_mappings(["trades_stream"]))
    assert [(f.kind, f.column) for f in report.findings] == [
        ("check_violation", "raw.trades.price")
    ]
    assert "numeric(18,6) scale" in report.findings[0].message


# --------------------------------------------------------------------------- bad input


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("source: x\ntarget: raw.trades\nfields:\n  - {field: a, column: b\n  - oops\n")
    with pytest.raises(BadInputError, match=rf"{path}:6: YAML error: .* at line 4\)"):
        load_mapping_file(path)


def test_an_unknown_transform_names_the_file_and_line(tmp_path):
    text = replace_field(TRADES_YAML, "transform: iso8601", "transform: iso9999")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "iso9999" in t)
    with pytest.raises(
        BadInputError, match=rf"test_trades.yaml:{line}: unknown transform 'iso9999'"
    ):
        write_mapping(tmp_path, text, [])


def test_an_unknown_target_table_names_the_file_and_line(tmp_path, shipped_snapshot):
    text = replace_field(TRADES_YAML, "target: raw.trades", "target: raw.tradez")
    mapping = write_mapping(tmp_path, text, [_trade(0)])
    with pytest.raises(
        BadInputError, match=r"test_trades.yaml:2: target table raw.tradez does not exist"
    ):
        check_mappings(shipped_snapshot, [mapping])


def test_a_column_mapped_twice_is_bad_input(tmp_path):
    text = TRADES_YAML + "  - {field: px, column: price, type: string, transform: decimal}\n"
    with pytest.raises(BadInputError, match="column 'price' is mapped twice"):
        write_mapping(tmp_path, text, [])


def test_an_unknown_source_name_is_bad_input():
    with pytest.raises(BadInputError, match="unknown mapping source.*nope"):
        load_mappings(["nope"])


# --------------------------------------------------------------------------- map_records


def test_map_records_applies_unit_scaling_epochs_and_enum_maps(tmp_path):
    from schema_assets.validation.mapping import map_records

    text = textwrap.dedent(
        """\
        source: scaled
        target: raw.ohlcv_bars
        fields:
          - {field: px, column: open, type: integer, transform: {scale: "0.00000001"}}
          - {field: ts, column: bar_time, type: integer, transform: epoch_ms}
          - {field: iv, column: bar_interval, type: string, transform: {enum: {map: {D: 1d}}}}
          - {field: sym, column: instrument_id, type: string,
             transform: {lookup: {table: ref.instruments, match: symbol, returns: instrument_id}}}
        """
    )
    mapping = write_mapping(tmp_path, text, [], source="scaled")
    frame = map_records(
        mapping, [{"px": 9123450000000, "ts": 1795444200000, "iv": "D", "sym": "BTC-USD"}]
    )
    row = frame.iloc[0]
    assert row["open"] == Decimal("91234.5") and isinstance(row["open"], Decimal)
    assert row["bar_time"] == pd.Timestamp("2026-11-23T14:30:00Z")
    assert row["bar_interval"] == "1d"
    assert pd.isna(row["instrument_id"]) and row["instrument_id__lookup"] == "BTC-USD"


def test_resolve_lookups_fills_ids_and_refuses_unknown_values(tmp_path):
    from schema_assets.validation.mapping import map_records, resolve_lookups

    mapping = write_mapping(tmp_path, TRADES_YAML, [])
    frame = map_records(mapping, [_trade(0), _trade(1, product_id="ETH-USD")])
    ids = {"instrument_id": {"BTC-USD": 7, "ETH-USD": 8}, "source_id": {"test_trades": 3}}
    resolved = resolve_lookups(frame, mapping, ids)
    assert list(resolved["instrument_id"]) == [7, 8]
    assert "instrument_id__lookup" not in resolved.columns
    with pytest.raises(BadInputError, match="no ref.instruments.symbol match for: ETH-USD"):
        resolve_lookups(frame, mapping, {**ids, "instrument_id": {"BTC-USD": 7}})


# --------------------------------------------------------------------------- command line


def test_check_mapping_exits_0_on_the_shipped_schema_and_mappings(warehouse_db):
    result = run_cli("check-mapping", env={"DATABASE_URL": warehouse_db})
    assert result.returncode == 0, result.stderr
    assert "4 source(s) checked" in result.stdout and "0 error(s)" in result.stdout


def test_check_mapping_exits_1_when_a_schema_change_breaks_a_source(warehouse_db):
    execute(warehouse_db, "ALTER TABLE raw.ohlcv_bars RENAME COLUMN vwap TO avg_price")
    result = run_cli(
        "check-mapping",
        "--source",
        "rest_ohlcv",
        "--format",
        "json",
        env={"DATABASE_URL": warehouse_db},
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["sources"] == ["rest_ohlcv"]
    assert [(f["kind"], f["field"], f["column"]) for f in data["findings"]] == [
        ("missing_column", "vw", "raw.ohlcv_bars.vwap")
    ]


def test_check_mapping_exits_2_on_an_unknown_source(warehouse_db):
    result = run_cli("check-mapping", "--source", "nope", env={"DATABASE_URL": warehouse_db})
    assert result.returncode == 2
    assert "unknown mapping source" in result.stderr and "Traceback" not in result.stderr


def test_check_mapping_exits_2_when_the_target_tables_do_not_exist(empty_db):
    result = run_cli("check-mapping", "--source", "trades_stream", env={"DATABASE_URL": empty_db})
    assert result.returncode == 2
    assert "trades_stream.yaml:" in result.stderr and "raw.trades does not exist" in result.stderr
