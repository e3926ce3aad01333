"""Raw layer: reference seeds and vendor payloads, then monthly market data.

Everything a vendor would send goes through `schema_assets/mappings/*.yaml` (map_records →
lookups → upsert); only the reference seeds (exchanges, data sources) and the synthetic
quotes, for which no vendor mapping exists, are written directly. All writes are upserts on
natural keys, so re-materializing (e.g. after a migration) never duplicates or loses rows.

- `raw_reference`: exchanges, data sources, instruments (+ their payloads kept verbatim),
  corporate action events, and the ingest log.
- `raw_market_data` (monthly): bars, trades and quotes of the run's months: the vendors'
  sample payloads that fall in those months plus seeded synthetic data per month. Each
  monthly batch is recorded in `raw.ingest_log` too (that table's asset is `raw_reference`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import dagster as dg
import pandas as pd
import psycopg
from psycopg.types.json import Jsonb

from schema_assets.defs.tables import payloads, synthetic
from schema_assets.defs.tables.common import WarehouseTable, Window, single_value, upsert_rows
from schema_assets.defs.tables.loader import LoadContext, Loader
from schema_assets.defs.tables.loading import LoadStats, jsonb, load_mapped, without_columns
from schema_assets.validation.mapping import Mapping, load_mappings, load_samples

EXCHANGES = WarehouseTable("ref", "exchanges")
DATA_SOURCES = WarehouseTable("ref", "data_sources")
INSTRUMENTS = WarehouseTable("ref", "instruments")
INGEST_LOG = WarehouseTable("raw", "ingest_log")
INSTRUMENT_PAYLOADS = WarehouseTable("raw", "instrument_payloads")
CORPORATE_ACTION_EVENTS = WarehouseTable("raw", "corporate_action_events")
OHLCV_BARS = WarehouseTable("raw", "ohlcv_bars")
TRADES = WarehouseTable("raw", "trades")
QUOTES = WarehouseTable("raw", "quotes")

#: Source of the synthetic quotes (no vendor mapping describes them).
QUOTES_SOURCE = "synthetic_quotes"
#: Identifies this loader's batches in raw.ingest_log (request_params->>'batch').
BATCH = "schema-assets-demo-v1"


def _source_type(mapping: Mapping) -> str:
    return "exchange_feed" if mapping.endpoint.startswith("wss://") else "vendor_api"


def _seed_reference(conn: psycopg.Connection, mappings: list[Mapping]) -> None:
    upsert_rows(
        conn,
        EXCHANGES,
        ["mic", "name", "country_code", "timezone", "currency"],
        [(e.mic, e.name, e.country_code, e.timezone, e.currency) for e in synthetic.EXCHANGES],
        ["mic"],
    )
    sources = [(m.source, m.title or m.source, _source_type(m)) for m in mappings]
    sources.append((QUOTES_SOURCE, "Synthetic top-of-book quotes", "internal"))
    upsert_rows(conn, DATA_SOURCES, ["code", "name", "source_type"], sources, ["code"])


def _source_id(conn: psycopg.Connection, code: str) -> int:
    return single_value(
        conn.execute("SELECT source_id FROM ref.data_sources WHERE code = %s", (code,))
    )


def record_batch(
    conn: psycopg.Connection, source: str, dataset: str, stats: LoadStats, month: date | None = None
) -> int:
    """Insert or refresh this loader's ingest_log row for (source, dataset, month); its id."""
    source_id = _source_id(conn, source)
    params: dict[str, Any] = {"batch": BATCH, "dataset": dataset}
    if month is not None:
        params["month"] = f"{month:%Y-%m}"
    status = "partial" if stats.dropped else "succeeded"
    error = (
        "; ".join(f"{c}: no match for {', '.join(v[:5])}" for c, v in stats.unresolved.items())
        or None
    )
    row = conn.execute(
        "UPDATE raw.ingest_log SET status = %s, row_count = %s, error_message = %s, "
        "finished_at = greatest(started_at, now()) "
        "WHERE source_id = %s AND dataset = %s AND request_params = %s RETURNING ingest_id",
        (status, stats.written, error, source_id, dataset, Jsonb(params)),
    ).fetchone()
    if row:
        return row[0]
    return single_value(
        conn.execute(
            "INSERT INTO raw.ingest_log (source_id, dataset, request_params, status, row_count, "
            "error_message, started_at, finished_at) VALUES (%s, %s, %s, %s, %s, %s, now(), now()) "
            "RETURNING ingest_id",
            (source_id, dataset, Jsonb(params), status, stats.written, error),
        )
    )


def _load_instruments(conn: psycopg.Connection, mapping: Mapping) -> tuple[LoadStats, list[dict]]:
    """Two passes: instruments first, then underlyings (which may be in the same batch)."""
    records = list(load_samples(mapping))
    known = {(r.get("primary_exchange"), r.get("ticker")) for r in records}
    records += [
        payloads.instrument_payload(i)
        for i in synthetic.INSTRUMENTS
        if (i.mic, i.symbol) not in known
    ]
    conflict = ("exchange_id", "symbol")
    load_mapped(conn, without_columns(mapping, ["underlying_instrument_id"]), records, conflict)
    return load_mapped(conn, mapping, records, conflict), records


def _store_instrument_payloads(
    conn: psycopg.Connection, source: str, ingest_id: int, records: list[dict[str, Any]]
) -> None:
    """Keep the reference payloads verbatim; re-runs replace this batch's rows, nothing else."""
    source_id = _source_id(conn, source)
    conn.execute("DELETE FROM raw.instrument_payloads WHERE ingest_id = %s", (ingest_id,))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO raw.instrument_payloads (source_id, ingest_id, external_symbol, "
            "exchange_code, payload) VALUES (%s, %s, %s, %s, %s)",
            [
                (source_id, ingest_id, str(r.get("ticker")), r.get("primary_exchange"), jsonb(r))
                for r in records
                if r.get("ticker")
            ],
        )


def stats_metadata(stats: LoadStats) -> dict[str, Any]:
    meta: dict[str, Any] = {"records_offered": stats.records, "rows_written": stats.written}
    if stats.dropped:
        meta["records_dropped"] = stats.dropped
        meta["unresolved_lookups"] = dg.MetadataValue.json(stats.unresolved)
    return meta


def load_reference(ctx: LoadContext) -> dict[str, dict[str, Any]]:
    conn = ctx.conn
    mappings = {m.source: m for m in load_mappings()}
    _seed_reference(conn, list(mappings.values()))
    ref_mapping = mappings["reference_instruments"]
    stats, records = _load_instruments(conn, ref_mapping)
    ingest_id = record_batch(conn, ref_mapping.source, "instruments", stats)
    _store_instrument_payloads(conn, ref_mapping.source, ingest_id, records)
    extra = {INSTRUMENTS.qualified: stats_metadata(stats)}
    events = mappings["corporate_actions"]
    stats = load_mapped(
        conn, events, list(load_samples(events)), ("source_id", "external_reference")
    )
    record_batch(conn, events.source, "corporate_action_events", stats)
    extra[CORPORATE_ACTION_EVENTS.qualified] = stats_metadata(stats)
    ctx.log.info(f"reference data: {len(records)} instrument records, {stats.written} events")
    return extra


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_of(window: Window) -> list[date]:
    """First days of the months a window covers."""
    out, month = [], window.start.date().replace(day=1)
    while month < window.end.date():
        out.append(month)
        month = next_month(month)
    return out


def _in_window(column: str, window: Window):
    def keep(frame: pd.DataFrame) -> pd.Series:
        values = pd.to_datetime(frame[column], utc=True)
        return (values >= pd.Timestamp(window.start)) & (values < pd.Timestamp(window.end))

    return keep


def _load_quotes(conn: psycopg.Connection, data: synthetic.MarketData) -> int:
    source_id = _source_id(conn, QUOTES_SOURCE)
    ids = {
        (mic, symbol): iid
        for iid, symbol, mic in conn.execute(
            "SELECT i.instrument_id, i.symbol, e.mic FROM ref.instruments i "
            "JOIN ref.exchanges e USING (exchange_id)"
        ).fetchall()
    }
    rows = [
        (ids[(q.mic, q.symbol)], source_id, q.quoted_at, q.sequence_number, q.bid_price,
         q.bid_size, q.ask_price, q.ask_size)
        for q in data.quotes
    ]  # fmt: skip
    columns = ["instrument_id", "source_id", "quoted_at", "sequence_number", "bid_price",
               "bid_size", "ask_price", "ask_size"]  # fmt: skip
    return upsert_rows(conn, QUOTES, columns, rows, columns[:4])


def _add(total: dict[str, int], stats: LoadStats) -> None:
    for name, value in (("records_offered", stats.records), ("rows_written", stats.written),
                        ("records_dropped", stats.dropped)):  # fmt: skip
        total[name] = total.get(name, 0) + value


def load_market_data(ctx: LoadContext) -> dict[str, dict[str, Any]]:
    """Sample payloads falling in the window, plus each month's synthetic data."""
    assert ctx.window is not None, "raw_market_data is a monthly asset"
    conn, window = ctx.conn, ctx.window
    mappings = {m.source: m for m in load_mappings()}
    totals: dict[str, dict[str, int]] = {}
    for month in months_of(window):
        data = synthetic.generate_month(month)
        loads = (
            (OHLCV_BARS, "rest_ohlcv", "ohlcv_bars", "bar_time",
             [payloads.bar_payload(b) for b in data.bars],
             ("instrument_id", "source_id", "bar_interval", "bar_time")),
            (TRADES, "trades_stream", "trades", "traded_at",
             [payloads.trade_payload(t) for t in data.trades],
             ("source_id", "instrument_id", "trade_id", "traded_at")),
        )  # fmt: skip
        month_window = Window(
            max(window.start, datetime.combine(month, time(), UTC)),
            min(window.end, datetime.combine(next_month(month), time(), UTC)),
        )
        for table, source, dataset, column, generated, conflict in loads:
            mapping = mappings[source]
            records = list(load_samples(mapping)) + generated
            stats = load_mapped(
                conn, mapping, records, conflict, where=_in_window(column, month_window)
            )
            record_batch(conn, source, dataset, stats, month)
            _add(totals.setdefault(table.qualified, {}), stats)
        written = _load_quotes(conn, data)
        record_batch(conn, QUOTES_SOURCE, "quotes", LoadStats(written, written, 0, {}), month)
        _add(totals.setdefault(QUOTES.qualified, {}), LoadStats(written, written, 0, {}))
        ctx.log.info(f"{month:%Y-%m}: {len(data.bars)} bars, {len(data.trades)} trades generated")
    return {table: dict(t) for table, t in totals.items()}


REFERENCE = Loader(
    name="raw_reference",
    description="Seed exchanges and data sources; load instruments and corporate action "
    "events through their field mappings.",
    writes=(
        EXCHANGES.qualified,
        DATA_SOURCES.qualified,
        INSTRUMENTS.qualified,
        INGEST_LOG.qualified,
        INSTRUMENT_PAYLOADS.qualified,
        CORPORATE_ACTION_EVENTS.qualified,
    ),  # fmt: skip
    load=load_reference,
)

MARKET_DATA = Loader(
    name="raw_market_data",
    description="Load one or more months of bars, trades and quotes (vendor samples + "
    "seeded synthetic data) through the field mappings.",
    writes=(OHLCV_BARS.qualified, TRADES.qualified, QUOTES.qualified),
    reads={
        t.qualified: (INSTRUMENTS.qualified, DATA_SOURCES.qualified, EXCHANGES.qualified)
        for t in (OHLCV_BARS, TRADES, QUOTES)
    },
    load=load_market_data,
    monthly=True,
)

LOADERS = (REFERENCE, MARKET_DATA)
