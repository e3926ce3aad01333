"""Deterministic synthetic market data: seeded random-walk bars, trades and quotes.

Realistic in shape (exchange-local sessions, tick-rounded prices, U-shaped intraday volume,
bid/ask spreads, a second source repeating part of the tape, a few bad prints) so that the
staging, feature and ML layers have something true to work on. The same seed always gives
the same rows, which is what makes re-materialization idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import numpy as np

SEED = 20261102
BAR_MINUTES = 5


@dataclass(frozen=True)
class Exchange:
    mic: str
    name: str
    country_code: str
    timezone: str
    currency: str
    opens: time
    closes: time


@dataclass(frozen=True)
class Instrument:
    symbol: str
    mic: str
    name: str
    currency: str
    tick_size: Decimal
    start_price: float
    daily_vol: float
    isin: str


EXCHANGES: tuple[Exchange, ...] = (
    Exchange("XNAS", "Nasdaq Stock Market", "US", "America/New_York", "USD", time(9, 30), time(16)),
    Exchange("XNYS", "New York Stock Exchange", "US", "America/New_York", "USD", time(9, 30), time(16)),
    Exchange("ARCX", "NYSE Arca", "US", "America/New_York", "USD", time(9, 30), time(16)),
    Exchange("XCME", "Chicago Mercantile Exchange", "US", "America/Chicago", "USD", time(8, 30), time(15)),
    Exchange("XNYM", "New York Mercantile Exchange", "US", "America/New_York", "USD", time(9), time(14, 30)),
    Exchange("XCRY", "Example Crypto Exchange", "US", "UTC", "USD", time(0), time(23, 55)),
    Exchange("XLON", "London Stock Exchange", "GB", "Europe/London", "GBP", time(8), time(16, 30)),
)  # fmt: skip

INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument("AAPL", "XNAS", "Apple Inc.", "USD", Decimal("0.01"), 228.0, 0.016, "US0378331005"),
    Instrument("MSFT", "XNAS", "Microsoft Corp.", "USD", Decimal("0.01"), 415.0, 0.014, "US5949181045"),
    Instrument("NVDA", "XNAS", "NVIDIA Corp.", "USD", Decimal("0.01"), 135.0, 0.030, "US67066G1040"),
    Instrument("JPM", "XNYS", "JPMorgan Chase & Co.", "USD", Decimal("0.01"), 240.0, 0.013, "US46625H1005"),
    Instrument("XOM", "XNYS", "Exxon Mobil Corp.", "USD", Decimal("0.01"), 118.0, 0.012, "US30231G1022"),
)  # fmt: skip

#: The first trading days of each month are generated (a small, realistic-shaped sample).
DAYS_PER_MONTH = 4
#: Default sample: the first trading days of November 2026 (a month the shipped schema has).
FIRST_DAY = date(2026, 11, 2)
TRADING_DAYS = DAYS_PER_MONTH


def trading_days(first: date = FIRST_DAY, count: int = TRADING_DAYS) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def month_seed(month: date, seed: int = SEED) -> int:
    """Each month has its own seed: loading one month never depends on another."""
    return seed + month.year * 100 + month.month


def generate_month(month: date, days: int = DAYS_PER_MONTH) -> MarketData:
    """The synthetic market data of one month (its first `days` trading days)."""
    first = month.replace(day=1)
    return generate(seed=month_seed(first), days=trading_days(first, days))


def _exchange(mic: str) -> Exchange:
    return next(e for e in EXCHANGES if e.mic == mic)


def _round(value: float, tick: Decimal) -> Decimal:
    return (Decimal(repr(float(value))) / tick).quantize(Decimal(1), ROUND_HALF_UP) * tick


@dataclass(frozen=True)
class Bar:
    symbol: str
    mic: str
    bar_time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int
    vwap: Decimal
    trade_count: int


@dataclass(frozen=True)
class Trade:
    symbol: str
    mic: str
    trade_id: str
    traded_at: datetime
    price: Decimal
    size: int
    side: str


@dataclass(frozen=True)
class Quote:
    symbol: str
    mic: str
    quoted_at: datetime
    sequence_number: int
    bid_price: Decimal
    bid_size: int
    ask_price: Decimal
    ask_size: int


@dataclass(frozen=True)
class MarketData:
    bars: tuple[Bar, ...]
    trades: tuple[Trade, ...]
    quotes: tuple[Quote, ...]


def _session_starts(inst: Instrument, day: date) -> list[datetime]:
    ex = _exchange(inst.mic)
    tz = ZoneInfo(ex.timezone)
    start = datetime.combine(day, ex.opens, tz)
    end = datetime.combine(day, ex.closes, tz)
    steps = int((end - start).total_seconds() // (BAR_MINUTES * 60))
    return [
        (start + timedelta(minutes=BAR_MINUTES * i)).astimezone(ZoneInfo("UTC"))
        for i in range(steps)
    ]


def generate(
    seed: int = SEED,
    instruments: tuple[Instrument, ...] = INSTRUMENTS,
    days: list[date] | None = None,
    trades_per_bar: int = 2,
) -> MarketData:
    """Bars, trades and quotes for every instrument and trading day, from one seed."""
    rng = np.random.default_rng(seed)
    bars: list[Bar] = []
    trades: list[Trade] = []
    quotes: list[Quote] = []
    for inst in instruments:
        price = inst.start_price
        tick = inst.tick_size
        for day in days or trading_days():
            starts = _session_starts(inst, day)
            sigma = inst.daily_vol / np.sqrt(len(starts))
            price *= float(np.exp(rng.normal(0, inst.daily_vol * 0.3)))  # overnight gap
            # U-shaped intraday volume profile.
            x = np.linspace(-1, 1, len(starts))
            profile = 0.6 + 1.4 * x**2
            seq = 0
            for i, start in enumerate(starts):
                path = price * np.exp(np.cumsum(rng.normal(0, sigma / 2, 5)))
                path = np.concatenate(([price], path))
                o, c = _round(path[0], tick), _round(path[-1], tick)
                hi = max(_round(float(path.max()), tick), o, c)
                lo = min(_round(float(path.min()), tick), o, c)
                volume = int(rng.lognormal(np.log(20_000 * profile[i]), 0.4))
                vwap = min(max(_round(float(path.mean()), tick), lo), hi)
                n_trades = int(volume / 90) + 1
                bars.append(Bar(inst.symbol, inst.mic, start, o, hi, lo, c, volume, vwap, n_trades))
                for k in range(trades_per_bar):
                    at = start + timedelta(seconds=int(rng.integers(0, BAR_MINUTES * 60)))
                    trade_price = _round(float(rng.uniform(float(lo), float(hi))), tick)
                    number = (i * trades_per_bar + k) + 1
                    trades.append(
                        Trade(
                            inst.symbol, inst.mic, f"{inst.symbol}{day:%Y%m%d}{number:06d}", at,
                            trade_price, int(rng.integers(1, 50)) * 10,
                            str(rng.choice(["buy", "sell", "buy", "sell", "unknown"])),
                        )
                    )  # fmt: skip
                spread = max(tick, _round(float(path[-1]) * 0.0002, tick))
                for _ in range(2):
                    seq += 1
                    at = start + timedelta(seconds=int(rng.integers(0, BAR_MINUTES * 60)))
                    mid = _round(float(rng.uniform(float(lo), float(hi))), tick)
                    bid = max(mid - spread / 2, tick)
                    bid = _round(float(bid), tick)
                    quotes.append(
                        Quote(
                            inst.symbol, inst.mic, at, seq, bid, int(rng.integers(1, 40)) * 100,
                            bid + spread, int(rng.integers(1, 40)) * 100,
                        )
                    )  # fmt: skip
                price = float(path[-1])
    return MarketData(tuple(bars), tuple(trades), tuple(quotes))
