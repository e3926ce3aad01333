"""Staging layer: clean, de-duplicate and conform the raw market data, in SQL.

- `staging.bars`: one bar per instrument, interval and time; the preferred source wins
  (exchange feeds over vendors, then the lowest source id), rows failing OHLC sanity are
  left out, prices back-adjusted by `staging.adjustment_factors`.
- `staging.trades`: one print per instrument, trade id and time; prints more than 5% away
  from the instrument's median price of that day are flagged `is_outlier`.
- `staging.instrument_daily`: regular-session daily summary from the intraday bars, dated
  in the exchange's own time zone.
All statements are upserts, so a re-run after a migration rewrites the same rows.
"""

import dagster as dg

from schema_assets.catalog import take_snapshot
from schema_assets.database import connect
from schema_assets.defs.resources import WarehouseResource
from schema_assets.defs.tables import raw
from schema_assets.defs.tables.common import WarehouseTable, asset_spec, materialize_result

BARS = WarehouseTable("staging", "bars", "staging", "De-duplicated, adjusted OHLCV bars.")
TRADES = WarehouseTable("staging", "trades", "staging", "De-duplicated trades, outliers flagged.")
INSTRUMENT_DAILY = WarehouseTable(
    "staging", "instrument_daily", "staging", "Daily session summary per instrument."
)
TABLES = (BARS, TRADES, INSTRUMENT_DAILY)

BARS_SQL = """
INSERT INTO staging.bars AS s (instrument_id, bar_interval, bar_time, source_id, open, high, low,
                               close, volume, vwap, trade_count, adjustment_factor)
SELECT DISTINCT ON (b.instrument_id, b.bar_interval, b.bar_time)
       b.instrument_id, b.bar_interval, b.bar_time, b.source_id,
       round(b.open * f.factor, 8), round(b.high * f.factor, 8), round(b.low * f.factor, 8),
       round(b.close * f.factor, 8), round(b.volume / f.factor, 8),
       round(b.vwap * f.factor, 8), b.trade_count, f.factor
  FROM raw.ohlcv_bars b
  JOIN ref.data_sources ds ON ds.source_id = b.source_id
 CROSS JOIN LATERAL (
        SELECT coalesce(exp(sum(ln(a.price_factor))), 1)::numeric(20,10) AS factor
          FROM staging.adjustment_factors a
         WHERE a.instrument_id = b.instrument_id
           AND a.effective_date > b.bar_time::date
       ) f
 WHERE b.high >= b.low
   AND b.high >= greatest(b.open, b.close)
   AND b.low <= least(b.open, b.close)
   AND (b.vwap IS NULL OR b.vwap BETWEEN b.low AND b.high)
 ORDER BY b.instrument_id, b.bar_interval, b.bar_time,
          (ds.source_type = 'exchange_feed') DESC, b.source_id
ON CONFLICT (instrument_id, bar_interval, bar_time) DO UPDATE
   SET source_id = EXCLUDED.source_id, open = EXCLUDED.open, high = EXCLUDED.high,
       low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume,
       vwap = EXCLUDED.vwap, trade_count = EXCLUDED.trade_count,
       adjustment_factor = EXCLUDED.adjustment_factor
"""

TRADES_SQL = """
WITH ranked AS (
    SELECT DISTINCT ON (t.instrument_id, t.trade_id, t.traded_at)
           t.instrument_id, t.trade_id, t.traded_at, t.source_id, t.price, t.size, t.side
      FROM raw.trades t
      JOIN ref.data_sources ds ON ds.source_id = t.source_id
     ORDER BY t.instrument_id, t.trade_id, t.traded_at,
              (ds.source_type = 'exchange_feed') DESC, t.source_id
), medians AS (
    SELECT instrument_id, traded_at::date AS day,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY price) AS median_price
      FROM ranked
     GROUP BY instrument_id, traded_at::date
)
INSERT INTO staging.trades AS s (instrument_id, trade_id, traded_at, source_id, price, size,
                                 side, is_outlier)
SELECT r.instrument_id, r.trade_id, r.traded_at, r.source_id, r.price, r.size, r.side,
       abs(r.price::double precision / m.median_price - 1) > 0.05
  FROM ranked r
  JOIN medians m ON m.instrument_id = r.instrument_id AND m.day = r.traded_at::date
ON CONFLICT (instrument_id, trade_id, traded_at) DO UPDATE
   SET source_id = EXCLUDED.source_id, price = EXCLUDED.price, size = EXCLUDED.size,
       side = EXCLUDED.side, is_outlier = EXCLUDED.is_outlier
"""

DAILY_SQL = """
WITH local AS (
    SELECT b.*, (b.bar_time AT TIME ZONE e.timezone)::date AS trade_date
      FROM staging.bars b
      JOIN ref.instruments i ON i.instrument_id = b.instrument_id
      JOIN ref.exchanges e ON e.exchange_id = i.exchange_id
     WHERE b.bar_interval IN ('1m', '5m', '15m', '30m', '1h')
)
INSERT INTO staging.instrument_daily AS d (instrument_id, trade_date, open, high, low, close,
                                           adjusted_close, volume, dollar_volume, vwap,
                                           trade_count)
SELECT instrument_id, trade_date,
       round((array_agg(open / adjustment_factor ORDER BY bar_time))[1], 8),
       round(max(high / adjustment_factor), 8),
       round(min(low / adjustment_factor), 8),
       round((array_agg(close / adjustment_factor ORDER BY bar_time DESC))[1], 8),
       (array_agg(close ORDER BY bar_time DESC))[1],
       sum(volume),
       round(sum(coalesce(vwap, close) * volume), 8),
       CASE WHEN sum(volume) > 0
            THEN greatest(least(round(sum(coalesce(vwap, close) * volume) / sum(volume), 8),
                                max(high)), min(low)) END,
       sum(trade_count)
  FROM local
 GROUP BY instrument_id, trade_date
ON CONFLICT (instrument_id, trade_date) DO UPDATE
   SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,
       adjusted_close = EXCLUDED.adjusted_close, volume = EXCLUDED.volume,
       dollar_volume = EXCLUDED.dollar_volume, vwap = EXCLUDED.vwap,
       trade_count = EXCLUDED.trade_count
"""


@dg.multi_asset(
    name="staging_layer",
    specs=[
        asset_spec(BARS, [raw.OHLCV_BARS, raw.DATA_SOURCES]),
        asset_spec(TRADES, [raw.TRADES, raw.DATA_SOURCES]),
        asset_spec(INSTRUMENT_DAILY, [BARS, raw.INSTRUMENTS, raw.EXCHANGES]),
    ],
    description="Clean, de-duplicate and conform raw market data (SQL).",
)
def staging_layer(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    written = {}
    with connect(warehouse.url()) as conn:
        for table, statement in (
            (BARS, BARS_SQL),
            (TRADES, TRADES_SQL),
            (INSTRUMENT_DAILY, DAILY_SQL),
        ):
            written[table] = conn.execute(statement).rowcount
            context.log.info(f"{table.qualified}: {written[table]} rows upserted")
        conn.commit()
        snapshot = take_snapshot(conn)
        for table in TABLES:
            yield materialize_result(conn, snapshot, table, {"rows_upserted": written[table]})
