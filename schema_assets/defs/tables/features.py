"""Features layer: returns, technical indicators and rolling volatility, computed in SQL.

Window functions do the work (lag/lead for returns, framed AVG/STDDEV for SMA, Bollinger
bands, RSI and ATR); EMAs and the MACD signal are exact recursive averages, computed with a
recursive CTE over each instrument's bar sequence. Everything is an upsert on the table's
key, so the features are recomputed in place rather than appended.

- `features_returns` (monthly): `features.returns` of the run's months. Neighbouring bars
  just outside the window are read for lag/lead, so a month's first return is complete; a
  month's last forward return fills in once the next month is loaded and this one re-run.
- `features_derived`: feature sets, technical indicators, rolling volatility and the
  `features.daily_summary` materialized view, over all loaded data.

Each SQL-built table declares its column lineage (`dagster/column_lineage`), checked against
the catalog by the tests.
"""

import json
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from schema_assets.defs.tables import raw, staging
from schema_assets.defs.tables.common import WarehouseTable
from schema_assets.defs.tables.loader import LoadContext, Loader

FEATURE_SETS = WarehouseTable("features", "feature_sets")
RETURNS = WarehouseTable("features", "returns")
TECHNICAL_INDICATORS = WarehouseTable("features", "technical_indicators")
ROLLING_VOLATILITY = WarehouseTable("features", "rolling_volatility")
DAILY_SUMMARY = WarehouseTable("features", "daily_summary")

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

#: Bars this far outside the window are read, so lag/lead see the neighbouring sessions.
MARGIN = "35 days"

RETURNS_SQL = """
WITH r AS (
    SELECT instrument_id, bar_interval, bar_time, close,
           lag(close) OVER w AS prev_close, lead(close) OVER w AS next_close
      FROM staging.bars
     WHERE bar_time >= %(start)s::timestamptz - %(margin)s::interval
       AND bar_time < %(end)s::timestamptz + %(margin)s::interval
    WINDOW w AS (PARTITION BY instrument_id, bar_interval ORDER BY bar_time)
), x AS (
    SELECT instrument_id, bar_interval, bar_time,
           (close / prev_close - 1)::double precision AS simple_return,
           ln(close / prev_close)::double precision AS log_return,
           (next_close / close - 1)::double precision AS forward_return
      FROM r
     WHERE prev_close IS NOT NULL
       AND bar_time >= %(start)s AND bar_time < %(end)s
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


def load_returns(ctx: LoadContext) -> dict[str, dict[str, Any]]:
    assert ctx.window is not None, "features_returns is a monthly asset"
    params = {"start": ctx.window.start, "end": ctx.window.end, "margin": MARGIN}
    count = ctx.conn.execute(RETURNS_SQL, params).rowcount
    ctx.log.info(f"{RETURNS.qualified}: {count} rows upserted")
    return {RETURNS.qualified: {"rows_upserted": count}}


def load_derived(ctx: LoadContext) -> dict[str, dict[str, Any]]:
    conn = ctx.conn
    written: dict[str, int] = {}
    written[FEATURE_SETS.qualified] = conn.execute(
        FEATURE_SET_SQL,
        (
            FEATURE_SET_NAME,
            FEATURE_SET_VERSION,
            "Intraday momentum/mean-reversion features of 5-minute bars.",
            list(FEATURE_NAMES),
            Jsonb(FEATURE_DEFINITION, dumps=json.dumps),
        ),
    ).rowcount
    written[TECHNICAL_INDICATORS.qualified] = conn.execute(INDICATORS_SQL).rowcount
    written[ROLLING_VOLATILITY.qualified] = 0
    for days in VOLATILITY_WINDOWS:
        statement = sql.SQL(VOLATILITY_SQL).format(
            preceding=sql.Literal(days - 1), days=sql.Literal(days)
        )
        written[ROLLING_VOLATILITY.qualified] += conn.execute(statement).rowcount
    conn.execute(REFRESH_SUMMARY_SQL)
    for table, count in written.items():
        ctx.log.info(f"{table}: {count} rows upserted")
    return {table: {"rows_upserted": count} for table, count in written.items()}


def _same(source: str, columns: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {c: (f"{source}.{c}",) for c in columns}


_BARS = staging.BARS.qualified
_KEY = ("instrument_id", "bar_interval", "bar_time")
_OHLC = tuple(f"{_BARS}.{c}" for c in ("close", "high", "low"))
_DAILY = staging.INSTRUMENT_DAILY.qualified

#: Output column -> the source columns it is computed from (what the SQL above reads).
RETURNS_LINEAGE = {
    **_same(_BARS, _KEY),
    **dict.fromkeys(
        ("simple_return", "log_return", "excess_return", "forward_return"), (f"{_BARS}.close",)
    ),
}
INDICATORS_LINEAGE = {
    **_same(_BARS, _KEY),
    **dict.fromkeys(
        (
            "sma_20",
            "sma_50",
            "ema_12",
            "ema_26",
            "macd",
            "macd_signal",
            "rsi_14",
            "bollinger_upper",
            "bollinger_lower",
        ),
        (f"{_BARS}.close",),
    ),  # fmt: skip
    "atr_14": _OHLC,
}
VOLATILITY_LINEAGE = {
    "instrument_id": (f"{_DAILY}.instrument_id",),
    "as_of_date": (f"{_DAILY}.trade_date",),
    **dict.fromkeys(
        ("volatility", "annualized_volatility", "observation_count"),
        (f"{_DAILY}.adjusted_close", f"{_DAILY}.high", f"{_DAILY}.low"),
    ),
}
SUMMARY_LINEAGE = {
    "trade_date": (f"{_DAILY}.trade_date",),
    "exchange_id": (f"{raw.INSTRUMENTS.qualified}.exchange_id",),
    "asset_class": (f"{raw.INSTRUMENTS.qualified}.asset_class",),
    "instrument_count": (f"{_DAILY}.instrument_id",),
    "total_volume": (f"{_DAILY}.volume",),
    "total_dollar_volume": (f"{_DAILY}.dollar_volume",),
    **dict.fromkeys(
        ("avg_intraday_return", "advancers", "decliners"), (f"{_DAILY}.open", f"{_DAILY}.close")
    ),
}

RETURNS_LOADER = Loader(
    name="features_returns",
    description="Simple, log, cross-sectional excess and forward returns per bar (SQL).",
    writes=(RETURNS.qualified,),
    reads={RETURNS.qualified: (_BARS,)},
    load=load_returns,
    monthly=True,
    column_lineage={RETURNS.qualified: RETURNS_LINEAGE},
)

DERIVED = Loader(
    name="features_derived",
    description="Feature sets, technical indicators, rolling volatility and the daily "
    "market summary (SQL).",
    writes=(
        FEATURE_SETS.qualified,
        TECHNICAL_INDICATORS.qualified,
        ROLLING_VOLATILITY.qualified,
        DAILY_SUMMARY.qualified,
    ),  # fmt: skip
    reads={
        TECHNICAL_INDICATORS.qualified: (_BARS,),
        ROLLING_VOLATILITY.qualified: (_DAILY,),
        DAILY_SUMMARY.qualified: (_DAILY, raw.INSTRUMENTS.qualified),
    },
    load=load_derived,
    column_lineage={
        TECHNICAL_INDICATORS.qualified: INDICATORS_LINEAGE,
        ROLLING_VOLATILITY.qualified: VOLATILITY_LINEAGE,
        DAILY_SUMMARY.qualified: SUMMARY_LINEAGE,
    },
)

LOADERS = (RETURNS_LOADER, DERIVED)
