"""Features layer: returns, technical indicators and rolling volatility, computed in SQL.

Window functions do the work (lag/lead for returns, framed AVG/STDDEV for SMA, Bollinger
bands, RSI and ATR); EMAs and the MACD signal are exact recursive averages, computed with a
recursive CTE over each instrument's bar sequence. Everything is an upsert on the table's
key, so the features are recomputed in place rather than appended.
"""

import json

import dagster as dg
from psycopg import sql
from psycopg.types.json import Jsonb

from schema_assets.catalog import take_snapshot
from schema_assets.database import connect
from schema_assets.defs.resources import WarehouseResource
from schema_assets.defs.tables import raw, staging
from schema_assets.defs.tables.common import WarehouseTable, asset_spec, materialize_result

FEATURE_SETS = WarehouseTable("features", "feature_sets", "features", "Versioned feature lists.")
RETURNS = WarehouseTable("features", "returns", "features", "Per-bar simple/log/excess returns.")
TECHNICAL_INDICATORS = WarehouseTable(
    "features", "technical_indicators", "features", "SMA, EMA, MACD, RSI, ATR, Bollinger."
)
ROLLING_VOLATILITY = WarehouseTable(
    "features", "rolling_volatility", "features", "Rolling daily volatility, two estimators."
)
DAILY_SUMMARY = WarehouseTable(
    "features", "daily_summary", "features", "Market breadth per day.", kind="materialized_view"
)
TABLES = (FEATURE_SETS, RETURNS, TECHNICAL_INDICATORS, ROLLING_VOLATILITY, DAILY_SUMMARY)

#: The feature vector the ML layer trains on, position by position.
FEATURE_SET_NAME = "intraday_momentum"
FEATURE_SET_VERSION = 1
FEATURE_NAMES = (
    "log_return", "log_return_lag1", "log_return_lag2", "sma20_gap", "ema_gap", "rsi_centered",
    "bollinger_position", "atr_ratio",
)  # fmt: skip
FEATURE_DEFINITION = {
    "log_return": "ln(close / previous close)",
    "log_return_lag1": "log_return one bar earlier",
    "log_return_lag2": "log_return two bars earlier",
    "sma20_gap": "close / sma_20 - 1",
    "ema_gap": "macd / close (ema_12 - ema_26, relative)",
    "rsi_centered": "rsi_14 / 100 - 0.5",
    "bollinger_position": "(close - lower) / (upper - lower) - 0.5",
    "atr_ratio": "atr_14 / close",
    "label": "forward_return (simple return of the next bar)",
}

FEATURE_SET_SQL = """
INSERT INTO features.feature_sets (name, version, description, feature_names, definition)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (name, version) DO UPDATE
   SET description = EXCLUDED.description, feature_names = EXCLUDED.feature_names,
       definition = EXCLUDED.definition
"""

RETURNS_SQL = """
WITH r AS (
    SELECT instrument_id, bar_interval, bar_time, close,
           lag(close) OVER w AS prev_close, lead(close) OVER w AS next_close
      FROM staging.bars
    WINDOW w AS (PARTITION BY instrument_id, bar_interval ORDER BY bar_time)
), x AS (
    SELECT instrument_id, bar_interval, bar_time,
           (close / prev_close - 1)::double precision AS simple_return,
           ln(close / prev_close)::double precision AS log_return,
           (next_close / close - 1)::double precision AS forward_return
      FROM r
     WHERE prev_close IS NOT NULL
)
INSERT INTO features.returns (instrument_id, bar_interval, bar_time, simple_return, log_return,
                              excess_return, forward_return)
SELECT instrument_id, bar_interval, bar_time, simple_return, log_return,
       simple_return - avg(simple_return) OVER (PARTITION BY bar_interval, bar_time),
       forward_return
  FROM x
ON CONFLICT (instrument_id, bar_interval, bar_time) DO UPDATE
   SET simple_return = EXCLUDED.simple_return, log_return = EXCLUDED.log_return,
       excess_return = EXCLUDED.excess_return, forward_return = EXCLUDED.forward_return
"""

INDICATORS_SQL = """
WITH RECURSIVE seq AS (
    SELECT instrument_id, bar_interval, bar_time, close::double precision AS close,
           high::double precision AS high, low::double precision AS low,
           row_number() OVER (PARTITION BY instrument_id, bar_interval ORDER BY bar_time) AS n,
           lag(close::double precision) OVER (PARTITION BY instrument_id, bar_interval
                                              ORDER BY bar_time) AS prev_close
      FROM staging.bars
), ema AS (
    SELECT instrument_id, bar_interval, n, close AS ema_12, close AS ema_26,
           0::double precision AS macd_signal
      FROM seq WHERE n = 1
    UNION ALL
    SELECT s.instrument_id, s.bar_interval, s.n,
           e.ema_12 + (2.0 / 13) * (s.close - e.ema_12),
           e.ema_26 + (2.0 / 27) * (s.close - e.ema_26),
           e.macd_signal + (2.0 / 10) * (((e.ema_12 + (2.0 / 13) * (s.close - e.ema_12))
                                          - (e.ema_26 + (2.0 / 27) * (s.close - e.ema_26)))
                                         - e.macd_signal)
      FROM ema e
      JOIN seq s ON s.instrument_id = e.instrument_id AND s.bar_interval = e.bar_interval
                AND s.n = e.n + 1
), win AS (
    SELECT s.*,
           avg(close) OVER (p ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS sma_20,
           stddev_pop(close) OVER (p ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS sd_20,
           avg(close) OVER (p ROWS BETWEEN 49 PRECEDING AND CURRENT ROW) AS sma_50,
           avg(greatest(close - prev_close, 0)) OVER (p ROWS BETWEEN 13 PRECEDING AND CURRENT ROW)
               AS avg_gain,
           avg(greatest(prev_close - close, 0)) OVER (p ROWS BETWEEN 13 PRECEDING AND CURRENT ROW)
               AS avg_loss,
           avg(greatest(high - low, abs(high - prev_close), abs(low - prev_close)))
               OVER (p ROWS BETWEEN 13 PRECEDING AND CURRENT ROW) AS atr_14
      FROM seq s
    WINDOW p AS (PARTITION BY instrument_id, bar_interval ORDER BY bar_time)
)
INSERT INTO features.technical_indicators (instrument_id, bar_interval, bar_time, sma_20, sma_50,
                                           ema_12, ema_26, macd, macd_signal, rsi_14, atr_14,
                                           bollinger_upper, bollinger_lower)
SELECT w.instrument_id, w.bar_interval, w.bar_time,
       CASE WHEN w.n >= 20 THEN w.sma_20 END,
       CASE WHEN w.n >= 50 THEN w.sma_50 END,
       CASE WHEN w.n >= 12 THEN e.ema_12 END,
       CASE WHEN w.n >= 26 THEN e.ema_26 END,
       CASE WHEN w.n >= 26 THEN e.ema_12 - e.ema_26 END,
       CASE WHEN w.n >= 35 THEN e.macd_signal END,
       CASE WHEN w.n < 15 THEN NULL
            WHEN w.avg_loss = 0 THEN 100
            ELSE 100 - 100 / (1 + w.avg_gain / w.avg_loss) END,
       CASE WHEN w.n >= 15 THEN w.atr_14 END,
       CASE WHEN w.n >= 20 THEN w.sma_20 + 2 * w.sd_20 END,
       CASE WHEN w.n >= 20 THEN w.sma_20 - 2 * w.sd_20 END
  FROM win w
  JOIN ema e ON e.instrument_id = w.instrument_id AND e.bar_interval = w.bar_interval
            AND e.n = w.n
ON CONFLICT (instrument_id, bar_interval, bar_time) DO UPDATE
   SET sma_20 = EXCLUDED.sma_20, sma_50 = EXCLUDED.sma_50, ema_12 = EXCLUDED.ema_12,
       ema_26 = EXCLUDED.ema_26, macd = EXCLUDED.macd, macd_signal = EXCLUDED.macd_signal,
       rsi_14 = EXCLUDED.rsi_14, atr_14 = EXCLUDED.atr_14,
       bollinger_upper = EXCLUDED.bollinger_upper, bollinger_lower = EXCLUDED.bollinger_lower
"""

#: Rolling windows in trading days; the frame length is a literal per statement.
VOLATILITY_WINDOWS = (5, 10)

VOLATILITY_SQL = """
WITH d AS (
    SELECT instrument_id, trade_date,
           ln(adjusted_close / lag(adjusted_close) OVER (PARTITION BY instrument_id
                                                        ORDER BY trade_date))::double precision
               AS log_return,
           (ln(high / low) ^ 2)::double precision AS hl2
      FROM staging.instrument_daily
), w AS (
    SELECT instrument_id, trade_date,
           stddev_samp(log_return) OVER f AS cc, count(log_return) OVER f AS cc_n,
           sqrt(avg(hl2) OVER f / (4 * ln(2))) AS pk, count(hl2) OVER f AS pk_n
      FROM d
    WINDOW f AS (PARTITION BY instrument_id ORDER BY trade_date
                 ROWS BETWEEN {preceding} PRECEDING AND CURRENT ROW)
), est AS (
    SELECT instrument_id, trade_date, 'close_to_close' AS estimator, cc AS vol, cc_n AS n
      FROM w WHERE cc_n >= 2
    UNION ALL
    SELECT instrument_id, trade_date, 'parkinson', pk, pk_n FROM w WHERE pk_n >= 1
)
INSERT INTO features.rolling_volatility (instrument_id, as_of_date, window_days, estimator,
                                         volatility, annualized_volatility, observation_count)
SELECT instrument_id, trade_date, {days}, estimator, vol, vol * sqrt(252), n
  FROM est
ON CONFLICT (instrument_id, as_of_date, window_days, estimator) DO UPDATE
   SET volatility = EXCLUDED.volatility,
       annualized_volatility = EXCLUDED.annualized_volatility,
       observation_count = EXCLUDED.observation_count
"""

REFRESH_SUMMARY_SQL = "REFRESH MATERIALIZED VIEW features.daily_summary"


@dg.multi_asset(
    name="features_layer",
    specs=[
        asset_spec(FEATURE_SETS, [dg.AssetKey("validated_schema")]),
        asset_spec(RETURNS, [staging.BARS]),
        asset_spec(TECHNICAL_INDICATORS, [staging.BARS]),
        asset_spec(ROLLING_VOLATILITY, [staging.INSTRUMENT_DAILY]),
        asset_spec(DAILY_SUMMARY, [staging.INSTRUMENT_DAILY, raw.INSTRUMENTS]),
    ],
    description="Returns, technical indicators and volatility computed in SQL.",
)
def features_layer(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    written: dict[WarehouseTable, int] = {}
    with connect(warehouse.url()) as conn:
        written[FEATURE_SETS] = conn.execute(
            FEATURE_SET_SQL,
            (
                FEATURE_SET_NAME,
                FEATURE_SET_VERSION,
                "Intraday momentum/mean-reversion features of 5-minute bars.",
                list(FEATURE_NAMES),
                Jsonb(FEATURE_DEFINITION, dumps=json.dumps),
            ),
        ).rowcount
        written[RETURNS] = conn.execute(RETURNS_SQL).rowcount
        written[TECHNICAL_INDICATORS] = conn.execute(INDICATORS_SQL).rowcount
        written[ROLLING_VOLATILITY] = 0
        for days in VOLATILITY_WINDOWS:
            statement = sql.SQL(VOLATILITY_SQL).format(
                preceding=sql.Literal(days - 1), days=sql.Literal(days)
            )
            written[ROLLING_VOLATILITY] += conn.execute(statement).rowcount
        conn.execute(REFRESH_SUMMARY_SQL)
        conn.commit()
        for table, count in written.items():
            context.log.info(f"{table.qualified}: {count} rows upserted")
        snapshot = take_snapshot(conn)
        for table in TABLES:
            extra = {"rows_upserted": written[table]} if table in written else {}
            yield materialize_result(conn, snapshot, table, extra)
