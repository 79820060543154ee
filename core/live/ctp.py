"""CtpMarketSource: DCE market data from any CTP front (the broker's, SimNow, openctp's).

The official CTP market-data API comes with the ``openctp-ctp`` package. Its library
aborts the whole process at import when the zh_CN.GB18030 locale is missing, so
``require_ctp`` checks for the locale first and says how to install it; the API also
needs a writable flow directory for its session files.

The API runs its own threads and calls back on them (``OnFrontConnected``,
``OnRspUserLogin``, ``OnRtnDepthMarketData`` …). The callbacks only translate and queue:
a ``CThostFtdcDepthMarketDataField`` lives for the callback alone, so it is copied into
a ``CtpQuote`` at once (``quote_from_depth``), and the feed runner drains the queue with
``poll`` like every other source. Prices arrive as doubles: each is turned into integer
fen through the double's shortest decimal form (``Decimal(repr(x))``), and a value that
is not a whole number of fen, not finite, not positive or CTP's "no value" (DBL_MAX) is
absent (None), never a price.

Connecting never blocks the caller: ``start`` returns at once and ``wait_ready`` waits
at most its timeout, then raises ``FeedConnectError`` naming the front and the stage
that did not complete (CTP retries an unreachable front silently for ever). ``status``
reports the feed stale when it is not logged in or no quote came for ``stale_after_s``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import locale
import logging
import math
import os
import queue
import re
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol

from core.errors import ConfigError, RiskDeskError
from core.live.feed import (
    Clock,
    ContractDay,
    FeedEvent,
    FeedStats,
    FeedStatsCounter,
    PriceTick,
    validate_event,
)
from core.money import yuan_to_fen_exact
from core.trading_calendar import EXCHANGE_TZ

log = logging.getLogger(__name__)

CTP_LOCALE = "zh_CN.GB18030"
MAX_PRICE_FEN = 10**13
"""A price of 100 billion yuan or more is no price (CTP's DBL_MAX is far above)."""
_FRONT = re.compile(r"(tcp|ssl|udp)://[^\s:/]+:\d{1,5}")

State = Literal["created", "connecting", "connected", "logged_in", "disconnected", "failed"]


class FeedConnectError(RiskDeskError):
    """A CTP front could not be reached, or refused the login (an operation that
    failed, not bad input: exit 1)."""

    exit_code = 1


# --------------------------------------------------------------------- translation
@dataclass(frozen=True, slots=True)
class CtpQuote:
    """One depth-market-data record, translated: prices in fen, None when absent."""

    contract: str
    exchange: str
    trading_day: date | None
    at: datetime | None
    """Exchange time of the update (aware, UTC), milliseconds included."""
    last_fen: int | None
    upper_limit_fen: int | None
    lower_limit_fen: int | None
    pre_settlement_fen: int | None
    settlement_fen: int | None
    open_fen: int | None
    high_fen: int | None
    low_fen: int | None
    bid_fen: int | None
    ask_fen: int | None
    bid_lots: int
    ask_lots: int
    volume: int
    """Lots traded in the trading day so far (cumulative)."""
    open_interest: int | None


def price_fen(value: float) -> int | None:
    """A CTP price (yuan, double) as integer fen; None for "no value".

    CTP marks a missing price with DBL_MAX (sometimes 0); a double that is not a whole
    number of fen cannot be a DCE price either. ``repr`` is the shortest decimal that
    reads back as the same double, so 3512.3 is 351230 fen exactly, never 351229.
    """
    if not isinstance(value, float | int) or not math.isfinite(value) or value <= 0:
        return None
    try:
        fen = yuan_to_fen_exact(Decimal(repr(float(value))))
    except ValueError:  # not whole fen
        return None
    return int(fen) if fen < MAX_PRICE_FEN else None


def _count(value: float | int) -> int | None:
    if isinstance(value, int):
        return value if value >= 0 else None
    if not math.isfinite(value) or value < 0 or value >= 2**53 or value != int(value):
        return None
    return int(value)


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%Y%m%d").date()  # noqa: DTZ007 - a date only
    except ValueError:
        return None


def _clock_time(text: str, millis: int) -> time | None:
    try:
        t = time.fromisoformat(text.strip())
    except ValueError:
        return None
    if not 0 <= millis < 1000:
        millis = 0
    return t.replace(microsecond=millis * 1000)


def exchange_time(
    update_time: str, millis: int, action_day: str, exchange: str, now: datetime
) -> datetime | None:
    """The update's time as an aware UTC datetime, or None when ``update_time`` is not
    HH:MM:SS.

    DCE fills ActionDay with the trading day in its night session (the evening before),
    so for DCE — and whenever ActionDay is missing — the date is the one that puts the
    time nearest ``now`` (the receiving clock): an update at 23:59:59 received at 00:00:01
    is of the day before.
    """
    t = _clock_time(update_time, millis)
    if t is None:
        return None
    action = _day(action_day)
    if action is not None and exchange not in ("DCE", ""):
        return datetime.combine(action, t, EXCHANGE_TZ).astimezone(UTC)
    local = now.astimezone(EXCHANGE_TZ)
    candidates = (
        datetime.combine(local.date() + timedelta(days=shift), t, EXCHANGE_TZ)
        for shift in (-1, 0, 1)
    )
    best = min(candidates, key=lambda at: abs(at - local))
    return best.astimezone(UTC)


def quote_from_depth(field: Any, now: datetime) -> CtpQuote:
    """Copy a ``CThostFtdcDepthMarketDataField`` into a ``CtpQuote`` (call it inside
    the callback: the API reuses the structure). ``now`` is the receiving clock (aware)."""
    exchange = str(field.ExchangeID or "").strip()
    return CtpQuote(
        contract=str(field.InstrumentID or "").strip(),
        exchange=exchange,
        trading_day=_day(str(field.TradingDay or "")),
        at=exchange_time(
            str(field.UpdateTime or ""),
            int(field.UpdateMillisec),
            str(field.ActionDay or ""),
            exchange,
            now,
        ),
        last_fen=price_fen(field.LastPrice),
        upper_limit_fen=price_fen(field.UpperLimitPrice),
        lower_limit_fen=price_fen(field.LowerLimitPrice),
        pre_settlement_fen=price_fen(field.PreSettlementPrice),
        settlement_fen=price_fen(field.SettlementPrice),
        open_fen=price_fen(field.OpenPrice),
        high_fen=price_fen(field.HighestPrice),
        low_fen=price_fen(field.LowestPrice),
        bid_fen=price_fen(field.BidPrice1),
        ask_fen=price_fen(field.AskPrice1),
        bid_lots=_count(field.BidVolume1) or 0,
        ask_lots=_count(field.AskVolume1) or 0,
        volume=_count(field.Volume) or 0,
        open_interest=_count(field.OpenInterest),
    )


# --------------------------------------------------------------------- the API
def require_ctp() -> Any:
    """The ``openctp_ctp.mdapi`` module, or ConfigError saying what is missing.

    The locale is checked first: without it the library aborts the interpreter.
    """
    previous = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, CTP_LOCALE)
    except locale.Error:
        raise ConfigError(
            f"the CTP API needs the {CTP_LOCALE} locale, which this machine lacks: on "
            "Debian install 'locales', enable 'zh_CN.GB18030 GB18030' in /etc/locale.gen "
            "and run locale-gen (scripts/setup does this)"
        ) from None
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)
    try:
        from openctp_ctp import mdapi
    except ImportError:
        raise ConfigError(
            "the CTP market-data API is not installed: pip install openctp-ctp"
        ) from None
    return mdapi


class MdApi(Protocol):
    """The part of ``CThostFtdcMdApi`` the source uses (a recorder stands in for it in
    tests)."""

    def ReqUserLogin(self, field: Any, request_id: int) -> int: ...  # noqa: N802 - CTP's name

    def SubscribeMarketData(self, codes: list[str], count: int) -> int: ...  # noqa: N802

    def Release(self) -> None: ...  # noqa: N802


@dataclass(frozen=True)
class CtpStatus:
    """Where the connection stands, for the monitor and the ``feed`` command."""

    state: State
    message: str
    last_quote_at: datetime | None
    """Receiving time of the newest quote (aware UTC), None before the first."""
    stale: bool


def check_front(front: str) -> str:
    """``tcp://HOST:PORT`` (or ssl:// / udp://), else ConfigError naming the option."""
    value = front.strip()
    if not _FRONT.fullmatch(value) or not 0 < int(value.rsplit(":", 1)[1]) < 65536:
        raise ConfigError(f"--front: expected tcp://HOST:PORT, got {front!r}")
    return value


def flow_directory(path: Path | None) -> Path:
    """The API's flow directory: ``path`` (created) or a new temporary one; it must be
    writable (the API writes its session files there and fails obscurely otherwise)."""
    folder = Path(tempfile.mkdtemp(prefix="riskdesk-ctp-")) if path is None else path
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".riskdesk-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"--flow-dir: CTP flow directory {folder} is not writable ({exc.strerror})"
        ) from None
    return folder


class CtpMarketSource:
    """A FeedSource of the last prices of ``contracts`` from the CTP front ``front``.

    ``contract_days`` (optional) are the day's contracts: a tick of another contract or
    outside the limits is counted and skipped (``validate_event``), the limits being the
    exchange's own ones from the quotes once they arrive. ``stale_after_s`` without a
    quote marks the feed stale. ``api`` replaces the real API (tests).
    """

    def __init__(
        self,
        front: str,
        *,
        broker: str,
        contracts: Sequence[str],
        clock: Clock,
        user: str = "",
        password: str = "",
        flow_dir: Path | None = None,
        contract_days: Mapping[str, ContractDay] | None = None,
        stale_after_s: float = 30.0,
        api: MdApi | None = None,
    ) -> None:
        if not contracts:
            raise ConfigError("--contracts: give at least one contract to subscribe")
        self.front = check_front(front)
        self._broker = broker
        self._user = user
        self._password = password
        self._codes = list(dict.fromkeys(c.strip() for c in contracts if c.strip()))
        self._clock = clock
        self._flow_dir = flow_dir
        self._days = dict(contract_days) if contract_days is not None else None
        self._stale_after = timedelta(seconds=stale_after_s)
        self._api: MdApi | None = api
        self._queue: queue.SimpleQueue[CtpQuote] = queue.SimpleQueue()
        self._stats = FeedStatsCounter()
        self._lock = threading.Lock()
        self._state: State = "created"
        self._message = "not started"
        self._ready = threading.Event()  # logged in, or failed for good
        self._last_quote_at: datetime | None = None
        self._latest: dict[str, CtpQuote] = {}
        self._request_id = 0
        self._mdapi: Any = None
        self.spi: Any = None
        """The callback object the API calls (tests call its methods directly)."""

    # ---- lifecycle
    def start(self) -> None:
        """Connect in the background (the API's threads); returns at once."""
        if self.spi is not None:
            return
        self._mdapi = require_ctp()
        self.spi = _make_spi(self._mdapi.CThostFtdcMdSpi, self)
        self._set("connecting", f"connecting to {self.front}")
        if self._api is None:
            folder = flow_directory(self._flow_dir)
            api = self._mdapi.CThostFtdcMdApi.CreateFtdcMdApi(f"{folder}{os.sep}")
            api.RegisterSpi(self.spi)
            api.RegisterFront(self.front)
            self._api = api
            api.Init()

    def wait_ready(self, timeout_s: float) -> None:
        """Wait up to ``timeout_s`` for the login; FeedConnectError when it fails or
        the time runs out (the source stays stale, and keeps trying to connect)."""
        self._ready.wait(timeout_s)
        with self._lock:
            state, message = self._state, self._message
        if state == "logged_in":
            return
        if state == "failed":
            raise FeedConnectError(f"CTP front {self.front}: {message}")
        stage = {
            "connecting": "no connection (is the address right, is the front up?)",
            "connected": "connected, but the login got no answer",
            "disconnected": message,
        }.get(state, message)
        raise FeedConnectError(
            f"CTP front {self.front} not ready within {timeout_s:g} s: {stage}; the feed is stale"
        )

    def close(self) -> None:
        """Disconnect and free the API (its threads end)."""
        api, self._api = self._api, None
        if api is not None:
            with contextlib.suppress(Exception):  # a half-started API: nothing to free
                api.Release()
        self._set("disconnected", "closed")

    # ---- FeedSource
    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        """Ticks of the quotes received, in arrival order (waits up to ``timeout`` for
        the first)."""
        out: list[FeedEvent] = []
        block = timeout > 0
        while len(out) < max_items:
            try:
                quote = self._queue.get(block=block, timeout=timeout if block else None)
            except queue.Empty:
                break
            block = False
            tick = self._tick(quote)
            if tick is not None:
                out.append(tick)
        return out

    def stats(self) -> FeedStats:
        return self._stats.snapshot()

    @property
    def is_exhausted(self) -> bool:
        return False  # a live front may always send more

    # ---- what the desk shows
    def status(self) -> CtpStatus:
        now = self._clock.now()
        with self._lock:
            last = self._last_quote_at
            stale = self._state != "logged_in" or last is None or now - last > self._stale_after
            return CtpStatus(self._state, self._message, last, stale)

    def latest(self) -> dict[str, CtpQuote]:
        """The newest quote of each contract (a copy)."""
        with self._lock:
            return dict(self._latest)

    # ---- callbacks (the API's threads)
    def on_connected(self) -> None:
        self._set("connected", f"connected to {self.front}, logging in")
        api = self._api
        if api is None:
            return
        self._request_id += 1
        code = api.ReqUserLogin(self._login_field(), self._request_id)
        if code != 0:
            self._set("connected", f"login request not sent (CTP code {code})")

    def on_disconnected(self, reason: int) -> None:
        self._set(
            "disconnected",
            f"disconnected (CTP reason {reason:#06x}: {_REASONS.get(reason, 'unknown')}); "
            "reconnecting",
        )

    def on_login(self, error_id: int, error_msg: str, trading_day: str) -> None:
        if error_id != 0:
            self._set("failed", f"login refused (CTP error {error_id}: {error_msg.strip()})")
            self._ready.set()
            return
        api = self._api
        if api is not None:
            code = api.SubscribeMarketData(list(self._codes), len(self._codes))
            if code != 0:
                self._set("failed", f"subscription not sent (CTP code {code})")
                self._ready.set()
                return
        day = f", trading day {trading_day}" if trading_day.strip() else ""
        self._set("logged_in", f"logged in to {self.front}{day}; {len(self._codes)} subscribed")
        self._ready.set()

    def on_subscribe_error(self, contract: str, error_id: int, error_msg: str) -> None:
        log.warning("CTP: subscription of %s refused (%d: %s)", contract, error_id, error_msg)

    def on_depth(self, field: Any) -> None:
        now = self._clock.now()
        quote = quote_from_depth(field, now)
        with self._lock:
            self._last_quote_at = now
            self._latest[quote.contract] = quote
        self._queue.put(quote)

    # ---- internals
    def _login_field(self) -> Any:
        field = self._mdapi.CThostFtdcReqUserLoginField()
        field.BrokerID = self._broker
        field.UserID = self._user
        field.Password = self._password
        return field

    def _set(self, state: State, message: str) -> None:
        with self._lock:
            self._state, self._message = state, message
        log.info("CTP %s: %s", self.front, message)

    def _tick(self, quote: CtpQuote) -> PriceTick | None:
        """The engine's input of a quote: its last price at its exchange time."""
        if quote.last_fen is None or quote.at is None or not quote.contract:
            if quote.contract and quote.at is None:
                self._stats.add(malformed=1)
                log.warning("CTP: quote of %s without a valid update time", quote.contract)
            return None  # no trade yet today: nothing to revalue at
        tick = PriceTick(quote.contract, quote.last_fen, quote.at)
        if self._days is None:
            self._stats.add(ticks=1, last_event_at=tick.at)
            return tick
        day = self._days.get(quote.contract)
        if day is not None and quote.upper_limit_fen and quote.lower_limit_fen:
            published = (quote.lower_limit_fen, quote.upper_limit_fen)
            if published != (day.lower_limit_fen, day.upper_limit_fen):
                # The exchange's own limit prices win over those derived from the rules.
                day = dataclasses.replace(
                    day, lower_limit_fen=published[0], upper_limit_fen=published[1]
                )
                self._days[quote.contract] = day
        return tick if validate_event(tick, self._days, self._stats, where="CTP") else None


_REASONS = {
    0x1001: "network read failed",
    0x1002: "network write failed",
    0x2001: "heartbeat timed out",
    0x2002: "heartbeat send failed",
    0x2003: "bad message received",
}


def _make_spi(base: type, source: CtpMarketSource) -> Any:
    """The callback object: a subclass of the API's ``CThostFtdcMdSpi``. No exception may
    escape into the API's thread."""

    def guarded(name: str, call: Any) -> Any:
        def method(self: Any, *args: Any) -> None:
            try:
                call(*args)
            except Exception:
                log.exception("CTP callback %s failed", name)

        return method

    def login(field: Any, info: Any, _request: int, _last: bool) -> None:
        error = int(info.ErrorID) if info is not None else 0
        message = str(info.ErrorMsg) if info is not None else ""
        day = str(field.TradingDay) if field is not None else ""
        source.on_login(error, message, day)

    def subscribed(field: Any, info: Any, _request: int, _last: bool) -> None:
        if info is not None and int(info.ErrorID) != 0:
            contract = str(field.InstrumentID) if field is not None else "?"
            source.on_subscribe_error(contract, int(info.ErrorID), str(info.ErrorMsg))

    def rsp_error(info: Any, _request: int, _last: bool) -> None:
        if info is not None:
            log.warning("CTP error %s: %s", info.ErrorID, info.ErrorMsg)

    def depth(field: Any) -> None:
        if field is not None:
            source.on_depth(field)

    methods = {
        "OnFrontConnected": guarded("OnFrontConnected", source.on_connected),
        "OnFrontDisconnected": guarded("OnFrontDisconnected", source.on_disconnected),
        "OnRspUserLogin": guarded("OnRspUserLogin", login),
        "OnRspSubMarketData": guarded("OnRspSubMarketData", subscribed),
        "OnRspError": guarded("OnRspError", rsp_error),
        "OnRtnDepthMarketData": guarded("OnRtnDepthMarketData", depth),
    }
    spi_class = type("RiskDeskMdSpi", (base,), methods)
    return spi_class()
