"""Table assets raw → staging → features → ml on the shipped schema (real PostgreSQL).

These materialize the table assets alone, for one month (the schema gate is tested in
test_dagster_pipeline.py): rows land in every table, metadata mirrors the catalog, data is
deterministic, and re-materializing changes nothing.
"""

from __future__ import annotations

import datetime

import dagster as dg
import numpy as np
import pytest
import test_dagster_definitions as support
from helpers import query, scalar
from test_dagster_definitions import MONTH, desired_of, materialized, resources_for

from schema_assets.catalog import take_snapshot
from schema_assets.config import SCHEMA_FILES
from schema_assets.defs.project import DagsterConfig
from schema_assets.defs.tables import LOADERS, build_table_assets, ml, synthetic


@pytest.fixture(scope="module")
def table_assets(pg_server: str) -> list[dg.AssetsDefinition]:
    assets, _ = build_table_assets(LOADERS, desired_of(SCHEMA_FILES, pg_server), DagsterConfig())
    return assets


@pytest.fixture(scope="module")
def table_keys(table_assets) -> set[str]:
    return {key.to_user_string() for a in table_assets for key in a.keys}


@pytest.fixture(scope="module")
def module_instance(tmp_path_factory: pytest.TempPathFactory):
    with support.private_instance(tmp_path_factory.mktemp("dagster_home")) as inst:
        yield inst


@pytest.fixture(scope="module")
def tables_run(
    pg_server: str, warehouse_template: str, module_instance: dg.DagsterInstance, table_assets
):
    """One materialization of every table asset (one month), shared by the tests below."""
    with support.fresh_database(pg_server, warehouse_template) as url:
        result = dg.materialize(
            table_assets,
            instance=module_instance,
            resources=resources_for(url),
            partition_key=MONTH,
        )
        assert result.success
        yield url, result


def _content(url: str) -> dict[str, list[tuple]]:
    """Deterministic columns of a few tables (no ids, no timestamps of the load)."""
    return {
        "bars": query(url, "SELECT instrument_id, bar_time, open, high, low, close, volume "
                           "FROM staging.bars ORDER BY 1, 2"),
        "indicators": query(url, "SELECT instrument_id, bar_time, sma_20, rsi_14, macd_signal "
                                 "FROM features.technical_indicators ORDER BY 1, 2"),
        "predictions": query(url, "SELECT instrument_id, target_time, predicted_value "
                                  "FROM ml.predictions ORDER BY 1, 2"),
    }  # fmt: skip


def test_every_table_asset_materializes_with_rows(tables_run, table_keys):
    _, result = tables_run
    meta = materialized(result)
    assert set(meta) == table_keys
    empty = [key for key, m in meta.items() if m["dagster/row_count"] <= 0]
    assert empty == []


def test_row_count_metadata_matches_the_table(tables_run):
    url, result = tables_run
    meta = materialized(result)
    for key in ("ref/instruments", "raw/trades", "staging/bars", "features/returns",
                "ml/predictions"):  # fmt: skip
        schema, table = key.split("/")
        actual = scalar(url, f'SELECT count(*) FROM "{schema}"."{table}"')  # noqa: S608 - fixed names
        assert meta[key]["dagster/row_count"] == actual  # one month loaded: the whole table


def test_column_schema_metadata_comes_from_the_catalog(tables_run):
    url, result = tables_run
    snapshot = take_snapshot(url)
    schema_meta = materialized(result)["raw/ohlcv_bars"]["dagster/column_schema"]
    expected = [c.name for c in sorted(snapshot.tables[("raw", "ohlcv_bars")].columns,
                                       key=lambda c: c.position)]  # fmt: skip
    assert [c.name for c in schema_meta.columns] == expected
    close = next(c for c in schema_meta.columns if c.name == "close")
    assert close.type == "numeric(20,8)"
    assert close.constraints.nullable is False


def test_sample_payloads_are_loaded_through_the_mappings(tables_run):
    url, _ = tables_run
    # The vendor's crypto prints only exist in the trades_stream samples.
    crypto = scalar(
        url,
        "SELECT count(*) FROM raw.trades t JOIN ref.instruments i USING (instrument_id) "
        "JOIN ref.data_sources s USING (source_id) "
        "WHERE i.symbol = 'BTC-USD' AND s.code = 'trades_stream'",
    )
    assert crypto > 0
    # Synthetic bars arrive as epoch-ms payloads: the mapping turned them into timestamptz.
    first = scalar(
        url,
        "SELECT min(bar_time) FROM raw.ohlcv_bars b JOIN ref.instruments i USING (instrument_id) "
        "WHERE i.symbol = 'NVDA' AND bar_interval = '5m'",
    )
    assert first.isoformat() == "2026-11-02T14:30:00+00:00"


def test_every_load_is_recorded_in_the_ingest_log(tables_run):
    url, _ = tables_run
    rows = dict(
        query(url, "SELECT dataset || coalesce(' ' || (request_params->>'month'), ''), row_count "
                   "FROM raw.ingest_log")
    )  # fmt: skip
    assert set(rows) == {
        "instruments", "corporate_action_events", "ohlcv_bars 2026-11", "trades 2026-11",
        "quotes 2026-11",
    }  # fmt: skip
    assert all(count > 0 for count in rows.values())


def test_staging_keeps_one_bar_per_instrument_interval_and_time(tables_run):
    url, _ = tables_run
    duplicates = scalar(
        url,
        "SELECT count(*) FROM (SELECT 1 FROM staging.bars GROUP BY instrument_id, bar_interval, "
        "bar_time HAVING count(*) > 1) d",
    )
    assert duplicates == 0


def test_rsi_stays_between_0_and_100_and_sma_matches_a_direct_average(tables_run):
    url, _ = tables_run
    low, high = query(url, "SELECT min(rsi_14), max(rsi_14) FROM features.technical_indicators")[0]
    assert 0 <= low <= high <= 100
    sma, direct = query(
        url,
        """
        WITH b AS (SELECT instrument_id, bar_time, close,
                          row_number() OVER (PARTITION BY instrument_id ORDER BY bar_time) AS n
                     FROM staging.bars WHERE bar_interval = '5m')
        SELECT t.sma_20,
               (SELECT avg(close) FROM b b2 WHERE b2.instrument_id = b.instrument_id
                                             AND b2.n BETWEEN b.n - 19 AND b.n)
          FROM b JOIN features.technical_indicators t USING (instrument_id, bar_time)
         WHERE b.n = 100 ORDER BY b.instrument_id LIMIT 1""",
    )[0]
    assert sma == pytest.approx(float(direct), rel=1e-12)


def test_predictions_cover_only_out_of_sample_times(tables_run):
    url, _ = tables_run
    in_train = scalar(
        url,
        "SELECT count(*) FROM ml.predictions p JOIN ml.training_examples e "
        "ON e.instrument_id = p.instrument_id AND e.as_of_time = p.predicted_at "
        "WHERE e.data_split = 'train'",
    )
    assert in_train == 0
    assert scalar(url, "SELECT count(*) FROM ml.predictions") > 0


def test_synthetic_market_data_is_deterministic_per_month():
    november = datetime.date(2026, 11, 1)
    assert synthetic.generate_month(november) == synthetic.generate_month(november)
    assert synthetic.generate_month(november) != synthetic.generate_month(
        datetime.date(2026, 10, 1)
    )
    assert {b.bar_time.month for b in synthetic.generate_month(november).bars} == {11}


def test_synthetic_bars_respect_ohlc_invariants():
    data = synthetic.generate()
    assert all(b.low <= min(b.open, b.close) <= max(b.open, b.close) <= b.high for b in data.bars)
    assert all(b.low <= b.vwap <= b.high for b in data.bars)


def test_splits_are_contiguous_in_time_and_share_no_instant():
    times = sorted([t for t in range(100) for _ in range(3)])  # 3 instruments per instant
    bounds = ml.split_bounds(times)
    assert [name for name, _, _ in bounds] == ["train", "validation", "test"]
    assert bounds[0][1] == 0 and bounds[-1][2] == len(times)
    assert all(a[2] == b[1] for a, b in zip(bounds, bounds[1:], strict=False))
    spans = [set(times[lo:hi]) for _, lo, hi in bounds]
    assert not (spans[0] & spans[1]) and not (spans[1] & spans[2])
    assert max(spans[0]) < min(spans[1]) <= max(spans[1]) < min(spans[2])


def test_ridge_fit_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 3))
    y = 0.5 + x @ np.array([1.0, -2.0, 0.0]) + rng.normal(scale=0.01, size=2000)
    fit = ml.fit_ridge(x, y, alpha=1e-6)
    assert fit.coef / fit.scale == pytest.approx([1.0, -2.0, 0.0], abs=1e-2)
    probe = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    assert fit.predict(probe) == pytest.approx([0.5, -0.5], abs=1e-2)


# Last on purpose: it writes again to the shared database (and proves that changes nothing).
def test_rematerializing_keeps_counts_and_content(tables_run, module_instance, table_assets):
    url, first = tables_run
    before = _content(url)
    second = dg.materialize(
        table_assets, instance=module_instance, resources=resources_for(url), partition_key=MONTH
    )
    assert second.success
    # raw.ingest_log (asset raw_reference) also receives raw_market_data's monthly batch rows,
    # so its count at raw_reference's materialization depends on what was loaded before.
    counts = {k: m["dagster/row_count"] for k, m in materialized(first).items()}
    again = {k: m["dagster/row_count"] for k, m in materialized(second).items()}
    assert again.pop("raw/ingest_log") == 5  # 2 reference batches + 3 market batches (Nov)
    counts.pop("raw/ingest_log")
    assert again == counts
    assert _content(url) == before
