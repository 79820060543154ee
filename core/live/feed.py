"""Live feed vocabulary: events, the FeedSource protocol, counters and clocks.

Every source (simulated market, replay, a real gateway later) yields the same two event
types through ``poll(timeout, max_items)``. Sources start no threads: the desktop's feed
runner calls ``poll`` on its own thread and hands the batch to ``LiveRiskEngine.apply``
(STYLE B3). A malformed or out-of-limit tick is counted in ``FeedStats``, logged and
skipped by the source; the engine checks again and never applies one either.

Prices are integer fen (every DCE tick is a whole number of fen); times are aware
datetimes (naive datetimes break trading-day logic, STYLE B10 DTZ).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from core.rules import price_limits

log = logging.getLogger(__name__)


Side = Literal["long", "short"]
Action = Literal["open", "close"]


# --------------------------------------------------------------------- events
@dataclass(frozen=True, slots=True)
class PriceTick:
    """Last traded price of one contract at ``at`` (exchange time, aware)."""

    contract: str
    price_fen: int
    at: datetime


@dataclass(frozen=True, slots=True)
class TradeEvent:
    """One client fill: opens or closes ``lots`` on the ``side`` position of a contract.

    ``side`` is the side of the *position* affected (a sell that closes longs has
    side "long", action "close"), as in the ``trade`` table.
    """

    trade_no: str
    client_code: str
    contract: str
    side: Side
    action: Action
    lots: int
    price_fen: int
    at: datetime
    fee_fen: int = 0
    hedge: bool = False


FeedEvent = PriceTick | TradeEvent

MAX_TRADE_LOTS = 1_000_000
"""Plausibility limit of one fill (lots): beyond any DCE position limit, far inside int64
once multiplied by a price and a multiplier. A larger fill is malformed, not applied."""
MAX_LINE_LOTS = 100_000_000
"""Plausibility limit of one position line's lots: with prices inside the limit band,
every product of the engine (price × multiplier × lots × rate) stays inside int64."""
MAX_TRADE_FEE_FEN = 10**12
"""Plausibility limit of one fill's fee (10,000,000,000.00 yuan)."""


def trade_problem(event: TradeEvent) -> str | None:
    """Why a fill cannot be applied whatever the book ("malformed"), or None.

    The one check of the sources and the engine: a side, an action, whole lots in
    1 … MAX_TRADE_LOTS and a fee in 0 … MAX_TRADE_FEE_FEN (a feed line with lots 2^63 − 1
    or 1e30 must never reach the arithmetic).
    """
    if event.side not in ("long", "short") or event.action not in ("open", "close"):
        return f"trade {event.trade_no}: side {event.side!r} / action {event.action!r}"
    if not isinstance(event.lots, int) or not 0 < event.lots <= MAX_TRADE_LOTS:
        return (
            f"trade {event.trade_no}: lots {event.lots!r} not a whole number "
            f"in 1…{MAX_TRADE_LOTS:,}"
        )
    if not isinstance(event.fee_fen, int) or not 0 <= event.fee_fen <= MAX_TRADE_FEE_FEN:
        return f"trade {event.trade_no}: fee {event.fee_fen!r} fen out of range"
    return None


@dataclass(frozen=True, slots=True)
class FeedStats:
    """Counters of one source since it was created (an immutable copy)."""

    ticks: int = 0
    trades: int = 0
    malformed: int = 0
    out_of_limit: int = 0
    last_event_at: datetime | None = None

    @property
    def rejected(self) -> int:
        return self.malformed + self.out_of_limit


class FeedStatsCounter:
    """Mutable counters behind ``FeedStats``; lock-protected so any thread may read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats = FeedStats()

    def add(
        self,
        *,
        ticks: int = 0,
        trades: int = 0,
        malformed: int = 0,
        out_of_limit: int = 0,
        last_event_at: datetime | None = None,
    ) -> None:
        with self._lock:
            s = self._stats
            self._stats = FeedStats(
                ticks=s.ticks + ticks,
                trades=s.trades + trades,
                malformed=s.malformed + malformed,
                out_of_limit=s.out_of_limit + out_of_limit,
                last_event_at=last_event_at or s.last_event_at,
            )

    def snapshot(self) -> FeedStats:
        with self._lock:
            return self._stats


# --------------------------------------------------------------------- sources
@runtime_checkable
class FeedSource(Protocol):
    """Anything the feed runner can drain.

    ``poll`` returns at most ``max_items`` events in feed order. It may wait up to
    ``timeout`` seconds (on the source's clock) for the first event and returns an empty
    list when none arrived: a quiet feed is normal, never an error. Call from one thread
    at a time; ``stats()`` may be called from any thread.
    """

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]: ...

    def stats(self) -> FeedStats: ...

    @property
    def is_exhausted(self) -> bool:
        """True when the source will never produce another event (end of a replay)."""
        ...


# --------------------------------------------------------------------- clocks
class Clock(Protocol):
    """Wall-clock time and waiting, injected so that tests never sleep."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock (UTC, aware)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A manual clock for tests and benchmarks: ``sleep`` advances time instantly."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2024, 9, 2, 1, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)


# --------------------------------------------------------------------- reference data
@dataclass(frozen=True, slots=True)
class ContractDay:
    """What the live day needs to know about one contract (all prices in fen).

    ``prior_settlement_fen`` is S(prev_td(D)) (or the listing benchmark price on a new
    contract's first day, spec 2.a). Margin rates are ppm and are the day's
    ``rate_open(D) = rate_settle(prev_td(D))`` (spec 2.a); ``position_limit_lots`` is
    the client speculative one-side limit (spec 2.g), ``None`` when there is no data.
    """

    code: str
    prior_settlement_fen: int
    upper_limit_fen: int
    lower_limit_fen: int
    tick_fen: int
    multiplier: int
    spec_margin_ppm: int
    hedge_margin_ppm: int
    position_limit_lots: int | None = None
    product: str = ""
    """Product code ("" = the code's letters); receipts offset a product's margin."""

    def check_price(self, price_fen: int) -> str | None:
        """Why ``price_fen`` is refused: "malformed", "out_of_limit" or None."""
        if price_fen <= 0 or price_fen % self.tick_fen:
            return "malformed"
        if not self.lower_limit_fen <= price_fen <= self.upper_limit_fen:
            return "out_of_limit"
        return None


def by_code(contracts: Mapping[str, ContractDay] | Iterable[ContractDay]) -> dict[str, ContractDay]:
    """The contracts a source validates against, by code (``validate_event``)."""
    return dict(contracts) if isinstance(contracts, Mapping) else {c.code: c for c in contracts}


def limit_prices(prior_settlement_fen: int, limit_ppm: int, tick_fen: int) -> tuple[int, int]:
    """(lower, upper) limit prices from the prior settlement, spec 2.b / Q4: the one rule
    ``core.rules.price_limits.limit_prices`` (rounded to the tick towards the prior
    settlement). Use exchange-published limit prices instead whenever they are available.
    """
    lower, upper = price_limits.limit_prices(prior_settlement_fen, limit_ppm, tick_fen)
    return int(lower), int(upper)


def validate_event(
    event: FeedEvent,
    contracts: Mapping[str, ContractDay],
    counter: FeedStatsCounter,
    *,
    where: str = "",
) -> bool:
    """Count ``event``; True if it may be applied, else log it and return False."""
    day = contracts.get(event.contract)
    reason: str | None
    if day is None:
        reason = "malformed"
        detail = f"unknown contract {event.contract!r}"
    else:
        reason = day.check_price(event.price_fen)
        detail = (
            f"price {event.price_fen} fen of {event.contract} outside "
            f"[{day.lower_limit_fen}, {day.upper_limit_fen}] or off tick {day.tick_fen}"
        )
        problem = trade_problem(event) if isinstance(event, TradeEvent) else None
        if reason is None and problem is not None:
            reason, detail = "malformed", problem
    if reason is None:
        if isinstance(event, PriceTick):
            counter.add(ticks=1, last_event_at=event.at)
        else:
            counter.add(trades=1, last_event_at=event.at)
        return True
    log.warning("feed: skipped %s event%s: %s", reason, f" ({where})" if where else "", detail)
    if reason == "out_of_limit":
        counter.add(out_of_limit=1)
    else:
        counter.add(malformed=1)
    return False
