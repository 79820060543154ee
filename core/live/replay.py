"""ReplaySource: recorded ticks and trades from CSV (or Parquet), paced by a clock.

File layout (docs/live-monitor.md, samples in resources/replay/):

* ``ticks.csv``: ``at,contract,price``
* ``trades.csv``: ``at,trade_no,client_code,contract,side,action,lots,price,fee,hedge``

``at`` is ISO 8601; without an offset it is read as exchange time (Asia/Shanghai).
``price`` and ``fee`` are yuan with at most two decimals (never binary floats); ``side``
is long/short (the position side), ``action`` open/close, ``hedge`` 0/1 (optional).
Both files must be sorted by ``at``; they are merged lazily, ticks before trades at the
same instant. With ``speed`` s, an event recorded t seconds after the first one is due
t / s seconds (on the injected clock) after the first ``poll``; ``speed=None`` replays
as fast as the caller polls. Malformed rows and out-of-limit prices are counted in
``FeedStats``, logged with file and line, and skipped.
"""

from __future__ import annotations

import csv
import heapq
import importlib.util
import logging
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.live.feed import (
    Action,
    Clock,
    ContractDay,
    FeedEvent,
    FeedStats,
    FeedStatsCounter,
    PriceTick,
    Side,
    TradeEvent,
    by_code,
    validate_event,
)
from core.money import parse_decimal
from core.trading_calendar import EXCHANGE_TZ

log = logging.getLogger(__name__)

TICK_FIELDS = ("at", "contract", "price")
TRADE_FIELDS = (
    *("at", "trade_no", "client_code", "contract", "side", "action"),
    *("lots", "price", "fee", "hedge"),
)
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"", "0", "false", "no", "n"}

Row = Mapping[str, Any]


def _parse_at(text: str) -> datetime:
    at = datetime.fromisoformat(text.strip())
    return at if at.tzinfo is not None else at.replace(tzinfo=EXCHANGE_TZ)


def _parse_fen(text: str) -> int:
    fen = parse_decimal(text) * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of fen")
    return int(fen)


def _tick(row: Row) -> PriceTick:
    return PriceTick(
        str(row["contract"]).strip(),
        _parse_fen(str(row["price"])),
        _parse_at(str(row["at"])),
    )


def _trade(row: Row) -> TradeEvent:
    side, action = str(row["side"]).strip(), str(row["action"]).strip()
    if side not in ("long", "short") or action not in ("open", "close"):
        raise ValueError(f"side {side!r} / action {action!r}")
    hedge_text = str(row.get("hedge") or "").strip().lower()
    if hedge_text not in _TRUE | _FALSE:
        raise ValueError(f"hedge {hedge_text!r}")
    lots = parse_decimal(str(row["lots"]))
    if lots != lots.to_integral_value():
        raise ValueError(f"lots {lots}")
    s: Side = "long" if side == "long" else "short"
    a: Action = "open" if action == "open" else "close"
    return TradeEvent(
        trade_no=str(row["trade_no"]).strip(),
        client_code=str(row["client_code"]).strip(),
        contract=str(row["contract"]).strip(),
        side=s,
        action=a,
        lots=int(lots),
        price_fen=_parse_fen(str(row["price"])),
        at=_parse_at(str(row["at"])),
        fee_fen=_parse_fen(str(row.get("fee") or "0")),
        hedge=hedge_text in _TRUE,
    )


class ReplaySource:
    """A FeedSource replaying recorded rows (iterables of dict rows) at ``speed``."""

    def __init__(
        self,
        tick_rows: Iterable[Row],
        trade_rows: Iterable[Row],
        contracts: Mapping[str, ContractDay] | Iterable[ContractDay],
        *,
        clock: Clock,
        speed: float | None = 1.0,
        names: tuple[str, str] = ("ticks", "trades"),
    ) -> None:
        if speed is not None and speed <= 0:
            raise ValueError("speed must be positive (or None for as fast as possible)")
        self._contracts = by_code(contracts)
        self._clock = clock
        self._speed = speed
        self._stats = FeedStatsCounter()
        self._events: Iterator[tuple[datetime, int, int, FeedEvent]] = heapq.merge(
            self._parsed(tick_rows, 0, names[0]), self._parsed(trade_rows, 1, names[1])
        )
        self._next: FeedEvent | None = None
        self._exhausted = False
        self._origin: datetime | None = None  # recorded time of the first event
        self._clock_origin: datetime | None = None

    @classmethod
    def from_csv(
        cls,
        ticks_path: Path,
        trades_path: Path | None,
        contracts: Mapping[str, ContractDay] | Iterable[ContractDay],
        *,
        clock: Clock,
        speed: float | None = 1.0,
    ) -> ReplaySource:
        """Replay ``ticks.csv`` and (optionally) ``trades.csv`` (UTF-8, header row)."""
        return cls(
            _csv_rows(ticks_path, TICK_FIELDS),
            _csv_rows(trades_path, TRADE_FIELDS) if trades_path else (),
            contracts,
            clock=clock,
            speed=speed,
            names=(ticks_path.name, trades_path.name if trades_path else "trades"),
        )

    @classmethod
    def from_parquet(
        cls,
        ticks_path: Path,
        trades_path: Path | None,
        contracts: Mapping[str, ContractDay] | Iterable[ContractDay],
        *,
        clock: Clock,
        speed: float | None = 1.0,
    ) -> ReplaySource:
        """Replay Parquet files with the CSV columns; ConfigError without pyarrow."""
        if importlib.util.find_spec("pyarrow") is None:
            raise ConfigError("Parquet replay needs the pyarrow package")
        import pandas as pd

        def rows(path: Path | None) -> list[dict[str, Any]]:
            if path is None:
                return []
            frame = pd.read_parquet(path)
            if "at" in frame:
                frame["at"] = [v.isoformat() if hasattr(v, "isoformat") else v for v in frame["at"]]
            return [{str(k): str(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return cls(
            rows(ticks_path),
            rows(trades_path),
            contracts,
            clock=clock,
            speed=speed,
            names=(ticks_path.name, trades_path.name if trades_path else "trades"),
        )

    # ----------------------------------------------------------------- FeedSource
    @property
    def is_exhausted(self) -> bool:
        return self._exhausted

    def stats(self) -> FeedStats:
        return self._stats.snapshot()

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        """Due events (at most ``max_items``); waits ≤ ``timeout`` for the next one."""
        if self._peek() is None:
            self._clock.sleep(timeout)  # a finished replay is a quiet feed
            return []
        wait = self._wait_seconds()
        if wait > 0:
            self._clock.sleep(min(wait, timeout))
        out: list[FeedEvent] = []
        while len(out) < max_items and self._peek() is not None and self._wait_seconds() <= 0:
            ev = self._next
            self._next = None
            assert ev is not None
            if validate_event(ev, self._contracts, self._stats, where="replay"):
                out.append(ev)
        return out

    # ----------------------------------------------------------------- internals
    def _peek(self) -> FeedEvent | None:
        if self._next is None and not self._exhausted:
            item = next(self._events, None)
            if item is None:
                self._exhausted = True
            else:
                self._next = item[3]
                if self._origin is None:
                    self._origin = item[0]
                    self._clock_origin = self._clock.now()
        return self._next

    def _wait_seconds(self) -> float:
        """Clock seconds until the peeked event is due (≤ 0: due now)."""
        if self._speed is None or self._next is None:
            return 0.0
        assert self._origin is not None
        assert self._clock_origin is not None
        recorded = (self._next.at - self._origin).total_seconds() / self._speed
        return recorded - (self._clock.now() - self._clock_origin).total_seconds()

    def _parsed(
        self, rows: Iterable[Row], rank: int, name: str
    ) -> Iterator[tuple[datetime, int, int, FeedEvent]]:
        parse = _tick if rank == 0 else _trade
        for line, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                ev = parse(row)
            except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
                log.warning("replay: %s line %d skipped (malformed): %s", name, line, exc)
                self._stats.add(malformed=1)
                continue
            yield ev.at, rank, line, ev


def _csv_rows(path: Path, fields: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """Rows of a replay CSV; the header is checked now, rows are read lazily."""
    try:
        # utf-8-sig: a file saved by Excel starts with a byte-order mark, which would
        # otherwise glue itself to the first column's name
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except OSError as exc:
        raise ConfigError(f"{path}: cannot open replay file: {exc}") from exc
    missing = [f for f in fields if f != "hedge" and f not in header]
    if missing:
        raise ConfigError(f"{path}: missing columns {', '.join(missing)}")
    return _read_csv(path)


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle)
