"""One live feed for all desks (issue #14 item 4): publish a source into the book's event
log, and follow the log as a desk's feed source.

**Publishing** (``riskdesk feed … --to-book``, ``publish``): one process drains a feed
source (simulated, replay, CTP) and appends its events in batches to ``live_event``
(``core.db.live_events``: COPY on PostgreSQL, one transaction a batch, a NOTIFY doorbell
at each commit). It writes on its own connection, outside the write door's writer lock:
the log is append-only and independent of every other table, so a two-minute settlement
never stalls the market. The door audits the feed's start and stop (``feed.start``,
``feed.stop``) and, in server mode, checks that the login may publish (clearing).

**Following** (``BookFeedSource``): a ``core.live`` feed source that reads the log after
its cursor, in ``seq`` order, validating each event exactly as a replay does. Every desk
starts its engine from the same settled day and applies the same events in the same
order, so every desk computes the same figures; a desk that starts late or reconnects
reads what it has not applied (the doorbell only wakes it up).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db.doorbell import listen
from core.db.engine import Database
from core.db.faults import fault_kind
from core.db.live_event_table import KIND_TICK, KIND_TRADE
from core.db.live_events import (
    FEED_CHANNEL,
    append_events,
    latest_snapshot,
    read_batch_ends,
    read_events,
    read_fills,
)
from core.errors import ConfigError, DatabaseFaultError, PermissionRefusedError
from core.live.engine import LiveRiskEngine
from core.live.feed import (
    ContractDay,
    FeedEvent,
    FeedSource,
    FeedStats,
    FeedStatsCounter,
    PriceTick,
    TradeEvent,
    by_code,
    validate_event,
)
from core.rules.sides import SIDE_NAMES, side_code
from core.services.store import Written, write

log = logging.getLogger(__name__)

_ACTIONS = ("open", "close")
PUBLISH_ACTION = "feed.publish"
LISTEN_RETRY_S = 5.0


def to_row(day: date, ev: FeedEvent) -> tuple[object, ...]:
    """``ev`` as the log's columns (``core.db.live_events.COLUMNS``)."""
    if isinstance(ev, PriceTick):
        return (day, KIND_TICK, ev.contract, ev.price_fen, ev.at) + (None,) * 7
    return (
        day,
        KIND_TRADE,
        ev.contract,
        ev.price_fen,
        ev.at,
        ev.trade_no,
        ev.client_code,
        side_code(ev.side),
        _ACTIONS.index(ev.action),
        ev.lots,
        ev.fee_fen,
        ev.hedge,
    )


def from_row(r: Any) -> FeedEvent:
    """A stored row (``read_events``) as the feed's event."""
    if r.kind == KIND_TICK:
        return PriceTick(r.contract, int(r.price_fen), r.at)
    return TradeEvent(
        trade_no=str(r.trade_no),
        client_code=str(r.client_code),
        contract=r.contract,
        side=SIDE_NAMES[int(r.side)],
        action="open" if int(r.action) == 0 else "close",
        lots=int(r.lots),
        price_fen=int(r.price_fen),
        at=r.at,
        fee_fen=int(r.fee_fen or 0),
        hedge=bool(r.hedge),
    )


def append_batch(db: Database, day: date, events: Sequence[FeedEvent]) -> int:
    """Append one batch in one transaction on its own connection; the log's last seq."""
    with db.engine.begin() as conn:
        return append_events(conn, day, [to_row(day, ev) for ev in events])


@dataclass(frozen=True)
class Published:
    """What a publishing run wrote."""

    events: int
    batches: int
    last_seq: int
    stats: FeedStats


def publish(
    db: Database,
    day: date,
    source: FeedSource,
    *,
    duration_s: float | None = None,
    batch_s: float = 0.5,
    max_batch: int = 5_000,
    stop: threading.Event | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    after_batch: Callable[[], object] | None = None,
    reconnect_s: float = 120.0,
) -> Published:
    """Drain ``source`` into the book's log until ``duration_s`` passed, ``stop`` is set
    or the source is exhausted. Each poll's events (up to ``max_batch``, waiting up to
    ``batch_s`` for the first) are one transaction. ``on_batch(events, last_seq)`` after
    each. ``after_batch()`` once before the first batch and after each: the book's alert
    raiser (``core.services.book_alerts.BookRaiser.catch_up``), which reads back what
    was committed. Raises PermissionRefusedError when the login may not publish (server
    mode). A batch that fails because the server went away is written again once it is
    back (for up to ``reconnect_s``), unless it turns out to have committed."""
    desk = db.desk
    if not desk.may(PUBLISH_ACTION):
        raise PermissionRefusedError(desk.refusal(PUBLISH_ACTION, "the live feed"))
    _audit(db, "feed.start", {"day": day.isoformat()})
    if after_batch is not None:
        _raise_alerts(after_batch)  # a restarted feed: the log so far first
    events = batches = last = 0
    ended = time.monotonic() + duration_s if duration_s is not None else None
    try:
        while not (stop is not None and stop.is_set()):
            if ended is not None and time.monotonic() >= ended:
                break
            got = source.poll(batch_s, max_batch)
            if not got:
                if source.is_exhausted:
                    break
                continue
            written = _append_retrying(db, day, got, last, reconnect_s, stop)
            if written is None:  # stopped while waiting for the server
                break
            last = written
            events += len(got)
            batches += 1
            if on_batch is not None:
                on_batch(len(got), last)
            if after_batch is not None:
                _raise_alerts(after_batch)
    finally:
        _audit(
            db,
            "feed.stop",
            {"day": day.isoformat(), "events": events, "batches": batches, "last_seq": last},
        )
    return Published(events, batches, last, source.stats())


def _append_retrying(
    db: Database,
    day: date,
    events: Sequence[FeedEvent],
    last: int,
    reconnect_s: float,
    stop: threading.Event | None = None,
) -> int | None:
    """``append_batch``, surviving a server restart: on a lost connection wait for the
    server, then write the batch again unless the log shows a batch end after ``last``
    (ours committed before the connection broke; one publisher at a time). None when
    ``stop`` is set while waiting (the batch in hand is not written)."""
    given_up = time.monotonic() + reconnect_s
    while True:
        try:
            return append_batch(db, day, events)
        except DBAPIError as exc:
            if not _lost(exc) or time.monotonic() >= given_up:
                raise
            log.warning("live feed: the server went away (%s); retrying", exc.orig)
        while True:
            time.sleep(1.0)
            if stop is not None and stop.is_set():
                return None
            try:
                with db.engine.connect() as conn:
                    ends = read_batch_ends(conn, day, last, limit=1)
                break
            except DBAPIError as exc:
                if not _lost(exc) or time.monotonic() >= given_up:
                    raise
        if ends:
            with db.engine.connect() as conn:
                return max(ends[0], *read_batch_ends(conn, day, ends[0]))


def _lost(exc: DBAPIError) -> bool:
    """A lost or refused connection (server restart), not a refused statement."""
    return bool(exc.connection_invalidated) or fault_kind(exc) == "connection"


def _raise_alerts(after_batch: Callable[[], object]) -> None:
    """The book's alert raiser after a batch; a server gone away only postpones it (it
    resumes from its cursor after the next batch)."""
    try:
        after_batch()
    except DBAPIError as exc:
        if not _lost(exc):
            raise
        log.warning("live feed: alerts postponed, the server went away (%s)", exc.orig)
    except DatabaseFaultError as exc:
        if exc.kind != "connection":
            raise
        log.warning("live feed: alerts postponed: %s", exc)


def start_from_snapshot(
    db: Database, day: date, engine: LiveRiskEngine, source: BookFeedSource
) -> int | None:
    """Bring ``engine`` (at ``day``'s start) to the newest stored snapshot of the log:
    the day's fills up to its ``seq`` (validated as ``source`` validates them), then its
    prices (``LiveRiskEngine.market_state``); ``source`` then follows from that ``seq``.
    The snapshot's ``seq``, or None when the day has none (the desk reads from 0)."""
    with db.engine.connect() as conn:
        found = latest_snapshot(conn, day)
        if found is None:
            return None
        seq, _fills, prices = found
        rows = read_fills(conn, day, seq)
    fills = [ev for ev in map(from_row, rows) if source.accept(ev)]
    engine.update(fills)
    engine.update(PriceTick(code, price, at) for code, (price, at) in prices.items())
    source.cursor = seq
    return seq


def _audit(db: Database, action: str, detail: Mapping[str, Any]) -> None:
    def work(_session: Session) -> Written[None]:
        return Written(None, Changes(), detail)

    write(db, action, work, what="live feed")


class BookFeedSource:
    """The book's event log of ``day`` as a feed source (module docstring).

    ``poll`` returns the next events after the cursor, waiting up to ``timeout`` for the
    doorbell (PostgreSQL LISTEN on its own connection, opened at the first wait; SQLite
    polls). Events failing validation are counted and skipped, as in a replay. Call
    ``poll`` from one thread; ``close`` releases the LISTEN connection.
    """

    def __init__(
        self,
        db: Database,
        day: date,
        contracts: Mapping[str, ContractDay] | Iterable[ContractDay],
        *,
        after: int = 0,
    ) -> None:
        self._db = db
        self._day = day
        self._contracts = by_code(contracts)
        self.cursor = after
        self._stats = FeedStatsCounter()
        self._postgres = db.engine.dialect.name == "postgresql"
        self._listen: Any = None
        self._retry_at = 0.0
        self.disconnected = False
        """The last read found the server gone (a desk shows "disconnected")."""

    @property
    def is_exhausted(self) -> bool:
        return False  # a live log: more may come

    def stats(self) -> FeedStats:
        return self._stats.snapshot()

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        out = self._read(max_items)
        if out or timeout <= 0:
            return out
        if self.disconnected:  # no doorbell without the server: wait, read again later
            time.sleep(min(timeout, 1.0))
            return []
        self._wait(timeout)
        return self._read(max_items)

    def _read(self, max_items: int) -> list[FeedEvent]:
        try:
            with self._db.engine.connect() as conn:
                rows = read_events(conn, self._day, self.cursor, limit=max_items)
        except DBAPIError as exc:
            if not _lost(exc):
                raise
            # The server went away (a restart): say so, keep the cursor, try again at
            # the next poll; the pool reconnects once the server is back.
            if not self.disconnected:
                log.warning("book feed: disconnected at seq %d (%s)", self.cursor, exc.orig)
            self.disconnected = True
            self.close()
            return []
        self.disconnected = False
        out: list[FeedEvent] = []
        for r in rows:
            self.cursor = int(r.seq)
            ev = from_row(r)
            if self.accept(ev):
                out.append(ev)
        return out

    def accept(self, ev: FeedEvent) -> bool:
        """Count ``ev``; whether it may be applied (a replay's validation)."""
        return validate_event(ev, self._contracts, self._stats, where="book feed")

    def _wait(self, timeout: float) -> None:
        """Until the doorbell rings or ``timeout``; without a doorbell (SQLite, or the
        LISTEN connection lost: retried every ``LISTEN_RETRY_S``) a short sleep."""
        if self._listen is None and self._postgres and time.monotonic() >= self._retry_at:
            try:
                self._listen = listen(self._db.url, FEED_CHANNEL, purpose="live feed")
            except ConfigError:
                self._retry_at = time.monotonic() + LISTEN_RETRY_S
        if self._listen is None:
            time.sleep(min(timeout, 0.2))
            return
        try:
            for _note in self._listen.notifies(timeout=timeout, stop_after=1):
                break
        except Exception:  # noqa: BLE001 - a lost doorbell: poll, listen again later
            self.close()
            self._retry_at = time.monotonic() + LISTEN_RETRY_S
            time.sleep(min(timeout, 0.2))

    def close(self) -> None:
        """Release the LISTEN connection (a later ``poll`` listens again)."""
        if self._listen is not None:
            try:
                self._listen.close()
            finally:
                self._listen = None
