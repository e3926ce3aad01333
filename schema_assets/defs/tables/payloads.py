"""Synthetic market data written as the vendors' payloads, so it is loaded through the same
field mappings (and the same transforms and lookups) as the real sample payloads.

Each function mirrors one mapping file in `schema_assets/mappings/`: the field names, units
and encodings here are the API's, not the warehouse's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from schema_assets.defs.tables.synthetic import Bar, Instrument, Trade


def instrument_payload(inst: Instrument, listed_on: date = date(1990, 1, 2)) -> dict[str, Any]:
    """A `reference_instruments` record (GET /v3/reference/tickers)."""
    return {
        "ticker": inst.symbol,
        "name": inst.name,
        "market": "stocks",
        "primary_exchange": inst.mic,
        "type": "CS",
        "currency_name": inst.currency.lower(),
        "tick_size": str(inst.tick_size),
        "round_lot": 100,
        "active": True,
        "list_date": listed_on.isoformat(),
        "isin": inst.isin,
    }


def bar_payload(bar: Bar, interval: str = "5min") -> dict[str, Any]:
    """A `rest_ohlcv` aggregate: epoch milliseconds and JSON numbers."""
    return {
        "T": bar.symbol,
        "interval": interval,
        "t": int(bar.bar_time.timestamp() * 1000),
        "o": float(bar.open),
        "h": float(bar.high),
        "l": float(bar.low),
        "c": float(bar.close),
        "v": bar.volume,
        "vw": float(bar.vwap),
        "n": bar.trade_count,
    }


def trade_payload(trade: Trade) -> dict[str, Any]:
    """A `trades_stream` match message: ISO time, decimal strings, integer trade id."""
    return {
        "type": "match",
        "product_id": trade.symbol,
        "trade_id": int(trade.trade_id.removeprefix(trade.symbol)),
        "time": trade.traded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "price": str(trade.price),
        "size": str(trade.size),
        "side": trade.side,
    }
