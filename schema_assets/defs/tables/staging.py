"""Staging layer: clean, de-duplicate and conform the raw market data, in SQL.

- `staging.bars` (monthly): one bar per instrument, interval and time; the preferred source
  wins (exchange feeds over vendors, then the lowest source id), rows failing OHLC sanity are
  left out, prices back-adjusted by `staging.adjustment_factors`.
- `staging.trades` (monthly): one print per instrument, trade id and time; prints more than
  5% away from the instrument's median price of that day are flagged `is_outlier`.
- `staging.instrument_daily`: regular-session daily summary from the intraday bars, dated
  in the exchange's own time zone.
All statements are upserts, so a re-run after a migration rewrites the same rows; the
monthly ones only touch the run's months.
"""

from typing import Any

from schema_assets.defs.tables import raw
from schema_assets.defs.tables.common import WarehouseTable
from schema_assets.defs.tables.loader import LoadContext, Loader

BARS = WarehouseTable("staging", "bars")
TRADES = WarehouseTable("staging", "trades")
INSTRUMENT_DAILY = WarehouseTable("staging", "instrument_daily")
ADJUSTMENT_FACTORS = WarehouseTable("staging", "adjustment_factors")

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
 WHERE b.bar_time >= %(start)s AND b.bar_time < %(end)s
   AND b.high >= b.low
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
     WHERE t.traded_at >= %(start)s AND t.traded_at < %(end)s
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


def load_market_data(ctx: LoadContext) -> dict[str, dict[str, Any]]:
    assert ctx.window is not None, "staging_market_data is a monthly asset"
    window = {"start": ctx.window.start, "end": ctx.window.end}
    written = {}
    for table, statement in ((BARS, BARS_SQL), (TRADES, TRADES_SQL)):
        written[table.qualified] = {"rows_upserted": ctx.conn.execute(statement, window).rowcount}
        ctx.log.info(
            f"{table.qualified}: {written[table.qualified]['rows_upserted']} rows upserted"
        )
    return written


def load_daily(ctx: LoadContext) -> dict[str, dict[str, Any]]:
    count = ctx.conn.execute(DAILY_SQL).rowcount
    ctx.log.info(f"{INSTRUMENT_DAILY.qualified}: {count} rows upserted")
    return {INSTRUMENT_DAILY.qualified: {"rows_upserted": count}}


MARKET_DATA = Loader(
    name="staging_market_data",
    description="Clean, de-duplicate and back-adjust one or more months of bars and trades (SQL).",
    writes=(BARS.qualified, TRADES.qualified),
    reads={
        BARS.qualified: (
            raw.OHLCV_BARS.qualified,
            raw.DATA_SOURCES.qualified,
            ADJUSTMENT_FACTORS.qualified,
        ),
        TRADES.qualified: (raw.TRADES.qualified, raw.DATA_SOURCES.qualified),
    },  # fmt: skip
    load=load_market_data,
    monthly=True,
)

DAILY = Loader(
    name="staging_daily",
    description="Daily session summaries per instrument from the staged bars (SQL).",
    writes=(INSTRUMENT_DAILY.qualified,),
    reads={
        INSTRUMENT_DAILY.qualified: (
            BARS.qualified,
            raw.INSTRUMENTS.qualified,
            raw.EXCHANGES.qualified,
        ),
    },  # fmt: skip
    load=load_daily,
)

LOADERS = (MARKET_DATA, DAILY)
