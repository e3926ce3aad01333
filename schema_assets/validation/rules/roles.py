"""Column roles decided from names, the way the warehouse names its columns."""

from __future__ import annotations

import re

PRICE_NAMES = frozenset({"price", "open", "high", "low", "close", "vwap", "adjusted_close"})
SIZE_NAMES = frozenset({"size", "volume", "amount", "quantity", "qty", "notional"})
_SIZE_SUFFIXES = tuple(f"_{n}" for n in SIZE_NAMES)
_NUMERIC_PS = re.compile(r"^numeric\(\d+,\d+\)$")
OHLC = ("open", "high", "low", "close")


def is_price(name: str) -> bool:
    return name in PRICE_NAMES or name.endswith("_price")


def is_size(name: str) -> bool:
    return name in SIZE_NAMES or name.endswith(_SIZE_SUFFIXES)


def is_time(name: str) -> bool:
    return name.endswith(("_at", "_time")) or name in ("time", "timestamp")


def is_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def is_numeric_ps(type_: str) -> bool:
    return bool(_NUMERIC_PS.match(type_.replace(" ", "")))


def is_number(type_: str) -> bool:
    return type_.startswith(
        ("numeric", "double precision", "real", "integer", "bigint", "smallint")
    )
