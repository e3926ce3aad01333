"""Deterministic, realistic sample payloads for the shipped mappings (`mappings/samples/`).

Run `python -m schema_assets.validation.mapping.samplegen` to rewrite them; a test checks
that the committed files equal what this produces. Edge cases on purpose: missing and null
optional fields, huge volumes, prices with many decimals, delisted and expiring instruments.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from schema_assets.config import MAPPINGS_DIR
from schema_assets.validation.mapping.transforms import dumps_json

SEED = 20261125


def _q(value: float | Decimal, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _isin(country: str, body: str) -> str:
    """ISIN with its Luhn check digit (letters expanded to two digits first)."""
    digits = "".join(str(int(ch, 36)) for ch in country + body)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n // 10 + n % 10
    return f"{country}{body}{(10 - total % 10) % 10}"


def _epoch_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


OHLCV_SYMBOLS = (  # symbol, reference price, price decimals, typical volume
    ("AAPL", 231.45, 4, 4_000_000),
    ("MSFT", 418.2, 4, 2_500_000),
    ("SPY", 592.1, 4, 9_000_000),
    ("BTC-USD", 91234.5, 2, 350),
    ("SHIB-USD", 0.00001873, 10, 48_000_000_000_000),  # tiny price, huge volume
)
INTERVALS = (("1min", 60), ("5min", 300), ("1day", 86400))


def rest_ohlcv(rng: random.Random) -> list[dict[str, Any]]:
    records = []
    start = dt.datetime(2026, 11, 23, 14, 30, tzinfo=dt.UTC)
    for symbol, ref, places, volume in OHLCV_SYMBOLS:
        for interval, seconds in INTERVALS:
            price = ref
            for k in range(4):
                o = price
                c = o * (1 + rng.gauss(0, 0.004))
                h = max(o, c) * (1 + abs(rng.gauss(0, 0.002)))
                low = min(o, c) * (1 - abs(rng.gauss(0, 0.002)))
                oq, cq, hq, lq = (_q(x, min(places, 8)) for x in (o, c, h, low))
                record: dict[str, Any] = {
                    "T": symbol,
                    "interval": interval,
                    "t": _epoch_ms(start + dt.timedelta(seconds=seconds * k)),
                    "o": oq,
                    "h": hq,
                    "l": lq,
                    "c": cq,
                    "v": _q(volume * rng.uniform(0.2, 3.0), 4 if volume < 1000 else 0),
                }
                if (k + len(symbol)) % 5 == 0:
                    record["vw"] = None  # vendor omits vwap for thin bars
                else:
                    record["vw"] = _q((float(hq) + float(lq) + float(cq)) / 3, min(places, 8))
                if k != 3:
                    record["n"] = rng.randint(1, 90_000)
                if symbol == "AAPL":
                    record["otc"] = False
                records.append(record)
                price = float(cq)
    return records


TRADE_PRODUCTS = (("BTC-USD", 91234.5, 2), ("ETH-USD", 3120.4, 2), ("SHIB-USD", 0.00001873, 8))


def trades_stream(rng: random.Random) -> list[dict[str, Any]]:
    records = []
    moment = dt.datetime(2026, 11, 24, 15, 3, 12, 123456, tzinfo=dt.UTC)
    trade_id = 812_345_670
    for i in range(60):
        product, ref, places = TRADE_PRODUCTS[i % 3]
        moment += dt.timedelta(microseconds=rng.randint(50, 900_000))
        trade_id += rng.randint(1, 40)
        price = _q(ref * (1 + rng.gauss(0, 0.001)), places)
        size = (
            _q(rng.expovariate(1 / 0.8), 8)
            if product != "SHIB-USD"
            else _q(rng.uniform(1e6, 9e11), 0)
        )
        record: dict[str, Any] = {
            "type": "match",
            "trade_id": trade_id if i != 7 else 9_007_199_254_740_993,  # beyond float precision
            "sequence": 50_000_000_000 + i,
            "maker_order_id": f"{rng.getrandbits(64):016x}",
            "taker_order_id": f"{rng.getrandbits(64):016x}",
            "time": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "product_id": product,
            "size": f"{size:.8f}",
            "price": f"{price:.8f}",
        }
        if i % 9 != 4:
            record["side"] = rng.choice(["buy", "sell"])
        if i % 13 == 0:
            record["conditions"] = ["@", "T"]
        records.append(record)
    return records


EQUITIES = (
    ("AAPL", "Apple Inc.", "XNAS", "US", "037833100"), ("MSFT", "Microsoft Corp.", "XNAS", "US", "594918104"),
    ("NVDA", "NVIDIA Corp.", "XNAS", "US", "67066G104"), ("AMZN", "Amazon.com Inc.", "XNAS", "US", "023135106"),
    ("GOOGL", "Alphabet Inc. Class A", "XNAS", "US", "02079K305"), ("META", "Meta Platforms Inc.", "XNAS", "US", "30303M102"),
    ("JPM", "JPMorgan Chase & Co.", "XNYS", "US", "46625H100"), ("V", "Visa Inc. Class A", "XNYS", "US", "92826C839"),
    ("XOM", "Exxon Mobil Corp.", "XNYS", "US", "30231G102"), ("KO", "Coca-Cola Co.", "XNYS", "US", "191216100"),
    ("BRK.B", "Berkshire Hathaway Inc. Class B", "XNYS", "US", "084670702"), ("TSM", "Taiwan Semiconductor ADR", "XNYS", "US", "874039100"),
    ("SAP", "SAP SE ADR", "XNYS", "US", "803054204"), ("SHOP", "Shopify Inc.", "XNYS", "CA", "82509L107"),
    ("INTC", "Intel Corp.", "XNAS", "US", "458140100"), ("CSCO", "Cisco Systems Inc.", "XNAS", "US", "17275R102"),
    ("PEP", "PepsiCo Inc.", "XNAS", "US", "713448108"), ("ADBE", "Adobe Inc.", "XNAS", "US", "00724F101"),
    ("DIS", "Walt Disney Co.", "XNYS", "US", "254687106"), ("WMT", "Walmart Inc.", "XNYS", "US", "931142103"),
    ("ORCL", "Oracle Corp.", "XNYS", "US", "68389X105"), ("NFLX", "Netflix Inc.", "XNAS", "US", "64110L106"),
    ("AMD", "Advanced Micro Devices Inc.", "XNAS", "US", "007903107"), ("COST", "Costco Wholesale Corp.", "XNAS", "US", "22160K105"),
    ("MA", "Mastercard Inc. Class A", "XNYS", "US", "57636Q104"), ("HD", "Home Depot Inc.", "XNYS", "US", "437076102"),
)  # fmt: skip
ETFS = (("SPY", "SPDR S&P 500 ETF Trust", "78462F103"), ("QQQ", "Invesco QQQ Trust", "46090E103"),
        ("IWM", "iShares Russell 2000 ETF", "464287655"), ("GLD", "SPDR Gold Shares", "78463V107"),
        ("TLT", "iShares 20+ Year Treasury Bond ETF", "464287432"))  # fmt: skip
FUTURES = (("ES", "E-mini S&P 500", "SPY", "50"), ("NQ", "E-mini Nasdaq-100", "QQQ", "20"),
           ("CL", "Crude Oil", None, "1000"), ("GC", "Gold", "GLD", "100"))  # fmt: skip
CRYPTO = (("BTC-USD", "Bitcoin"), ("ETH-USD", "Ether"), ("SOL-USD", "Solana"), ("SHIB-USD", "Shiba Inu"),
          ("DOGE-USD", "Dogecoin"), ("XRP-USD", "XRP"))  # fmt: skip
MONTH_CODES = "FGHJKMNQUVXZ"


def reference_instruments(rng: random.Random) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    updated = "2026-11-24T06:00:00Z"
    for i, (ticker, name, mic, country, body) in enumerate(EQUITIES):
        listed = dt.date(1975 + i, 1 + i % 12, 1 + i % 27)
        kind = "ADRC" if "ADR" in name else "CS"
        records.append({
            "ticker": ticker, "name": name, "market": "stocks", "type": kind,
            "primary_exchange": mic, "currency_name": "usd", "active": True,
            "list_date": listed.isoformat(), "isin": _isin(country, body),
            "tick_size": "0.01", "round_lot": 100, "composite_figi": f"BBG{rng.getrandbits(36):09X}",
            "last_updated_utc": updated,
        })  # fmt: skip
    records[3]["round_lot"] = None  # vendor null: the column default (1) applies
    records[9]["list_date"] = None
    for ticker, name, body in ETFS:
        records.append({
            "ticker": ticker, "name": name, "market": "stocks", "type": "ETF",
            "primary_exchange": "ARCX", "currency_name": "usd", "active": True,
            "list_date": "1993-01-22" if ticker == "SPY" else "2002-07-26", "isin": _isin("US", body),
            "tick_size": "0.01", "round_lot": 100, "last_updated_utc": updated,
        })  # fmt: skip
    for root, name, underlying, multiplier in FUTURES:
        for month in (12, 3, 6):
            year = 2026 if month == 12 else 2027
            expiry = dt.date(year, month, 15 + (root == "CL"))
            records.append({
                "ticker": f"{root}{MONTH_CODES[month - 1]}{year % 10}", "name": f"{name} {expiry:%b %Y}",
                "market": "futures", "type": "FUT", "primary_exchange": "XCME" if root != "CL" else "XNYM",
                "currency_name": "usd", "active": True, "list_date": dt.date(year - 1, month, 20).isoformat(),
                "expiration_date": expiry.isoformat(), "underlying_ticker": underlying,
                "multiplier": Decimal(multiplier), "tick_size": "0.25" if root in ("ES", "NQ") else "0.01",
                "round_lot": 1, "isin": None,
            })  # fmt: skip
    for ticker, name in CRYPTO:
        records.append({
            "ticker": ticker, "name": name, "market": "crypto", "type": "CRYPTO",
            "primary_exchange": "XCRY", "currency_name": "usd", "active": True,
            "tick_size": "0.00000001" if ticker == "SHIB-USD" else "0.01",
            "round_lot": None, "isin": None, "list_date": "2021-05-10",
        })  # fmt: skip
    for i, ticker in enumerate(("TWTR", "ATVI", "SIVB")):
        records.append({
            "ticker": ticker, "name": f"{ticker} (delisted)", "market": "stocks", "type": "CS",
            "primary_exchange": "XNYS" if i == 0 else "XNAS", "currency_name": "usd", "active": False,
            "list_date": f"{2005 + i}-11-07", "delisted_date": f"{2022 + i}-10-28",
            "isin": _isin("US", f"90184L{102 + i:03d}"), "tick_size": "0.01", "round_lot": 100,
        })  # fmt: skip
    return records


def corporate_actions(rng: random.Random) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    symbols = [e[0] for e in EQUITIES] + [e[0] for e in ETFS]
    for i in range(52):
        symbol = symbols[i % len(symbols)]
        ex_date = dt.date(2026, 1, 2) + dt.timedelta(days=7 * i)
        record: dict[str, Any] = {
            "id": f"CA-2026-{100_000 + i * 37}",
            "symbol": symbol,
            "ex_date": ex_date.isoformat(),
        }
        if i % 10 == 3:
            record.update(action="SPLIT", ratio=rng.choice(["2", "3", "4", "1.5"]))
        elif i % 10 == 7:
            record.update(action="REVERSE_SPLIT", ratio=rng.choice(["0.1", "0.05", "0.3333333333"]))
        else:
            record.update(
                action="DIVIDEND" if i % 10 else "SPECIAL_DIVIDEND",
                cash_amount=_q(rng.uniform(0.01, 2.5), 6 if i % 4 else 8),
                currency="usd",
                record_date=(ex_date + dt.timedelta(days=1)).isoformat(),
                pay_date=(ex_date + dt.timedelta(days=14 + i % 9)).isoformat() if i % 6 else None,
            )
        records.append(record)
    return records


GENERATORS = {
    "rest_ohlcv": rest_ohlcv,
    "trades_stream": trades_stream,
    "reference_instruments": reference_instruments,
    "corporate_actions": corporate_actions,
}


def render(records: list[dict[str, Any]]) -> str:
    """JSON text with decimals written exactly as numbers (no float round trip)."""
    return dumps_json(records, indent=1) + "\n"


def generate(name: str) -> str:
    return render(GENERATORS[name](random.Random(f"{SEED}:{name}")))


def write_all(directory: Path = MAPPINGS_DIR / "samples") -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in GENERATORS:
        path = directory / f"{name}.json"
        path.write_text(generate(name), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_all():
        print(written)
