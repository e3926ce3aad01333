"""Raw layer: reference seeds, vendor sample payloads and synthetic market data.

Everything a vendor would send goes through `schema_assets/mappings/*.yaml` (map_records →
lookups → upsert); only the reference seeds (exchanges, data sources) and the synthetic
quotes, for which no vendor mapping exists, are written directly. All writes are upserts on
natural keys, so re-materializing (e.g. after a migration) never duplicates or loses rows.
"""

from typing import Any

import dagster as dg
import psycopg
from psycopg.types.json import Jsonb

from schema_assets.catalog import take_snapshot
from schema_assets.database import connect
from schema_assets.defs.resources import WarehouseResource
from schema_assets.defs.tables import payloads, synthetic
from schema_assets.defs.tables.common import (
    VALIDATED_SCHEMA,
    WarehouseTable,
    asset_spec,
    materialize_result,
    upsert_rows,
)
from schema_assets.defs.tables.loading import LoadStats, jsonb, load_mapped, without_columns
from schema_assets.validation.mapping import Mapping, load_mappings, load_samples

EXCHANGES = WarehouseTable("ref", "exchanges", "raw", "Trading venues (seeded reference data).")
DATA_SOURCES = WarehouseTable("ref", "data_sources", "raw", "Data providers, one per mapping.")
INSTRUMENTS = WarehouseTable(
    "ref", "instruments", "raw", "Instruments from the reference-data payloads (mapped)."
)
INGEST_LOG = WarehouseTable("raw", "ingest_log", "raw", "One row per loaded batch.")
INSTRUMENT_PAYLOADS = WarehouseTable(
    "raw", "instrument_payloads", "raw", "Reference payloads kept verbatim for audit."
)
OHLCV_BARS = WarehouseTable("raw", "ohlcv_bars", "raw", "Vendor bars: samples + synthetic, mapped.")
TRADES = WarehouseTable("raw", "trades", "raw", "Trade prints: samples + synthetic, mapped.")
QUOTES = WarehouseTable("raw", "quotes", "raw", "Synthetic top-of-book quotes.")
CORPORATE_ACTION_EVENTS = WarehouseTable(
    "raw", "corporate_action_events", "raw", "Corporate action payloads (mapped)."
)

TABLES = (
    EXCHANGES, DATA_SOURCES, INSTRUMENTS, INGEST_LOG, INSTRUMENT_PAYLOADS, OHLCV_BARS, TRADES,
    QUOTES, CORPORATE_ACTION_EVENTS,
)  # fmt: skip

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
    return conn.execute(
        "SELECT source_id FROM ref.data_sources WHERE code = %s", (code,)
    ).fetchone()[0]


def _record_batch(conn: psycopg.Connection, source: str, dataset: str, stats: LoadStats) -> int:
    """Insert or refresh this loader's ingest_log row for (source, dataset); returns its id."""
    source_id = _source_id(conn, source)
    params = Jsonb({"batch": BATCH, "dataset": dataset})
    status = "partial" if stats.dropped else "succeeded"
    error = (
        "; ".join(f"{c}: no match for {', '.join(v[:5])}" for c, v in stats.unresolved.items())
        or None
    )
    row = conn.execute(
        "UPDATE raw.ingest_log SET status = %s, row_count = %s, error_message = %s, "
        "finished_at = greatest(started_at, now()) "
        "WHERE source_id = %s AND dataset = %s AND request_params = %s RETURNING ingest_id",
        (status, stats.written, error, source_id, dataset, params),
    ).fetchone()
    if row:
        return row[0]
    return conn.execute(
        "INSERT INTO raw.ingest_log (source_id, dataset, request_params, status, row_count, "
        "error_message, started_at, finished_at) VALUES (%s, %s, %s, %s, %s, %s, now(), now()) "
        "RETURNING ingest_id",
        (source_id, dataset, params, status, stats.written, error),
    ).fetchone()[0]


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


def _stats_metadata(stats: LoadStats) -> dict[str, Any]:
    meta: dict[str, Any] = {"records_offered": stats.records, "rows_written": stats.written}
    if stats.dropped:
        meta["records_dropped"] = stats.dropped
        meta["unresolved_lookups"] = dg.MetadataValue.json(stats.unresolved)
    return meta


@dg.multi_asset(
    name="raw_layer",
    specs=[asset_spec(t, [VALIDATED_SCHEMA]) for t in TABLES],
    description="Ingest reference seeds, sample payloads and synthetic market data.",
)
def raw_layer(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    mappings = {m.source: m for m in load_mappings()}
    data = synthetic.generate()
    extra: dict[str, dict[str, Any]] = {}
    with connect(warehouse.url()) as conn:
        _seed_reference(conn, list(mappings.values()))

        ref_mapping = mappings["reference_instruments"]
        stats, records = _load_instruments(conn, ref_mapping)
        ingest_id = _record_batch(conn, ref_mapping.source, "instruments", stats)
        _store_instrument_payloads(conn, ref_mapping.source, ingest_id, records)
        extra[INSTRUMENTS.qualified] = _stats_metadata(stats)

        loads = (
            (OHLCV_BARS, "rest_ohlcv", "ohlcv_bars", [payloads.bar_payload(b) for b in data.bars],
             ("instrument_id", "source_id", "bar_interval", "bar_time")),
            (TRADES, "trades_stream", "trades", [payloads.trade_payload(t) for t in data.trades],
             ("source_id", "instrument_id", "trade_id", "traded_at")),
            (CORPORATE_ACTION_EVENTS, "corporate_actions", "corporate_action_events", [],
             ("source_id", "external_reference")),
        )  # fmt: skip
        for table, source, dataset, generated, conflict in loads:
            mapping = mappings[source]
            records = list(load_samples(mapping)) + generated
            stats = load_mapped(conn, mapping, records, conflict)
            _record_batch(conn, source, dataset, stats)
            extra[table.qualified] = _stats_metadata(stats)
            context.log.info(f"{table.qualified}: {stats.written} rows from {len(records)} records")

        written = _load_quotes(conn, data)
        _record_batch(conn, QUOTES_SOURCE, "quotes", LoadStats(written, written, 0, {}))
        conn.commit()

        snapshot = take_snapshot(conn)
        for table in TABLES:
            yield materialize_result(conn, snapshot, table, extra.get(table.qualified))
