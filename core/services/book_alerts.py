"""The book's alerts, raised once for every desk (issue #14 item 4).

When desks follow the book's shared feed, alerts are the book's, not each desk's: the
feed process runs one ``BookRaiser`` — the same ``LiveRiskEngine`` and ``AlertMonitor``
that ``core.services.monitor.start_monitor`` gives a desk (called, not copied) — over the
committed log, evaluating after every batch end (``live_batch``, written in the batch's
own transaction). ``raise_book_alerts`` stores the new alerts through the write door
(``feed.alerts``, audited, the clearing login of the feed) keyed by ``raise_key`` =
(seq, kind, account, contract, receipt), unique per day: every raiser evaluates the same
events at the same points, so a restarted feed catching up, or a second raiser racing
the first, stores nothing twice. The write rings the doorbell (``Changes.alerts``).

Desks only read (``read_book_alerts``) and acknowledge through
``core.services.alerts.acknowledge_alerts`` (``alert.acknowledge``, a risk officer):
the first acknowledgement wins, and its ring makes the other desks read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from core.changes import Changes
from core.db.alert_table import AlertRow
from core.db.engine import Database
from core.db.live_events import read_batch_ends, read_events, write_snapshot
from core.db.reader import Reader
from core.live.alerts import Acknowledgement, Alert, AlertMonitor
from core.live.engine import LiveRiskEngine
from core.live.feed import FeedEvent, FeedStatsCounter, by_code, validate_event
from core.services.live_feed import from_row
from core.services.store import Written, write

RAISE_ACTION = "feed.alerts"
SNAPSHOT_EVERY = 50_000
"""Events between two engine snapshots written by the raiser (a late desk starts from
the newest; ``riskdesk feed --snapshot-every``)."""
_IN_CHUNK = 2_000


def raise_key(seq: int, a: Alert) -> str:
    """A book alert's identity: the batch end it was raised at and what it is about."""
    return f"{seq}:{a.kind}:{a.account or ''}:{a.contract or ''}:{a.receipt or ''}"[:96]


def _stored_keys(conn: Any, day: date, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        found.update(
            str(k)
            for k in conn.execute(
                select(AlertRow.raise_key).where(
                    AlertRow.trading_day == day, AlertRow.raise_key.in_(chunk)
                )
            ).scalars()
        )
    return found


def raise_book_alerts(db: Database, day: date, seq: int, alerts: Sequence[Alert]) -> int:
    """Store ``alerts`` raised at batch end ``seq`` of ``day`` that are not stored yet
    (by ``raise_key``); the number stored now. Ids continue after the day's highest,
    under the writer lock. No write (and no audit entry) when every one is stored."""
    keyed = {raise_key(seq, a): a for a in alerts}
    if not keyed:
        return 0
    with db.engine.connect() as conn:
        if not set(keyed) - _stored_keys(conn, day, list(keyed)):
            return 0  # a catch-up over alerts already raised

    def work(session: Session) -> Written[int]:
        conn = session.connection()
        stored = _stored_keys(conn, day, list(keyed))  # once, under the writer lock
        fresh = [k for k in keyed if k not in stored]
        top = session.scalar(select(func.max(AlertRow.alert_id)).where(AlertRow.trading_day == day))
        first = int(top or 0) + 1
        rows = [
            {
                "trading_day": day,
                "alert_id": first + i,
                "raised_at": keyed[k].at,
                "kind": keyed[k].kind,
                "severity": keyed[k].severity,
                "account": keyed[k].account,
                "contract": keyed[k].contract,
                "receipt": keyed[k].receipt,
                "threshold_ppm": keyed[k].threshold_ppm,
                "risk_level": keyed[k].risk_level,
                "message": keyed[k].message[:300],
                "raise_key": k,
            }
            for i, k in enumerate(fresh)
        ]
        if rows:
            table = AlertRow.__table__
            assert isinstance(table, Table)
            session.execute(insert(table), rows)
        detail = {"trading_day": day, "seq": seq, "alerts": len(rows)}
        return Written(len(rows), Changes(alerts=bool(rows)), detail)

    return write(db, RAISE_ACTION, work, what="the book's alerts")[0]


class BookRaiser:
    """The feed process's engine and alert monitor over the book's log of one day.

    ``start`` is what ``start_monitor`` returned for the day (its engine at the day's
    start and its alert monitor, already past the first snapshot). ``catch_up`` applies
    every committed batch after the cursor, evaluates the alerts at each batch end and
    stores them (``raise_book_alerts``), and writes an engine snapshot every
    ``snapshot_every`` events. Events are validated exactly as a following desk
    validates them (``validate_event``), so the raiser computes what every desk does.
    One thread.
    """

    def __init__(
        self,
        db: Database,
        day: date,
        engine: LiveRiskEngine,
        monitor: AlertMonitor,
        first_alerts: Sequence[Alert] = (),
        *,
        snapshot_every: int = SNAPSHOT_EVERY,
    ) -> None:
        self.db, self.day = db, day
        self.engine, self.monitor = engine, monitor
        self.snapshot_every = snapshot_every
        self.cursor = 0
        self.raised = 0
        self._first: Sequence[Alert] | None = tuple(first_alerts)
        self._pending: list[tuple[int, Sequence[Alert]]] = []
        self._contracts = by_code(engine.contracts)
        self._stats = FeedStatsCounter()
        self._fills = 0
        self._snapshot_at = 0

    def catch_up(self) -> int:
        """Apply the log's committed batches after the cursor; the batches applied. The
        first call stores the alerts of the day's start (raised at seq 0)."""
        if self._first is not None:
            self._pending.insert(0, (0, self._first))
            self._first = None
        self._store_pending()
        done = 0
        while True:
            with self.db.engine.connect() as conn:
                ends = read_batch_ends(conn, self.day, self.cursor, limit=1_000)
            if not ends:
                return done
            for end in ends:
                self._apply_batch(end)
                done += 1

    def _apply_batch(self, end: int) -> None:
        events: list[FeedEvent] = []
        with self.db.engine.connect() as conn:
            rows = read_events(conn, self.day, self.cursor, limit=None, upto=end)
        for r in rows:
            ev = from_row(r)
            self._fills += r.kind != 0
            if validate_event(ev, self._contracts, self._stats, where="book alerts"):
                events.append(ev)
        snap = self.engine.apply(events)
        self.cursor = end
        self._pending.append((end, self.monitor.evaluate(snap)))
        self._store_pending()
        if end - self._snapshot_at >= self.snapshot_every:
            self.snapshot()

    def _store_pending(self) -> None:
        """Store the alerts evaluated but not stored yet (a write that failed because
        the server went away is tried again at the next ``catch_up``)."""
        while self._pending:
            seq, alerts = self._pending[0]
            self.raised += raise_book_alerts(self.db, self.day, seq, alerts)
            self._pending.pop(0)

    def snapshot(self) -> int:
        """Store the engine's snapshot at the cursor now; its seq."""
        with self.db.engine.begin() as conn:
            write_snapshot(
                conn,
                self.day,
                self.cursor,
                self._fills,
                self.engine.market_state(),
                datetime.now(UTC),
            )
        self._snapshot_at = self.cursor
        return self.cursor


@dataclass(frozen=True)
class BookAlerts:
    """The book's alerts of a day after an id (``alert_id`` the stored id, in raise
    order) and every acknowledgement of the day's book alerts."""

    alerts: tuple[Alert, ...]
    acks: tuple[Acknowledgement, ...]


def read_book_alerts(reader: Reader, day: date, after_id: int = 0) -> BookAlerts:
    """The book alerts of ``day`` with an id above ``after_id`` and the day's
    acknowledgements of book alerts (a desk's refresh after a ring). A read."""
    book = AlertRow.raise_key.is_not(None)
    rows = reader.session.execute(
        select(
            AlertRow.alert_id,
            AlertRow.raised_at,
            AlertRow.kind,
            AlertRow.severity,
            AlertRow.message,
            AlertRow.account,
            AlertRow.contract,
            AlertRow.receipt,
            AlertRow.threshold_ppm,
            AlertRow.risk_level,
        )
        .where(AlertRow.trading_day == day, AlertRow.alert_id > after_id, book)
        .order_by(AlertRow.alert_id)
    ).all()
    alerts = tuple(
        Alert(
            alert_id=int(r.alert_id),
            at=r.raised_at,
            kind=r.kind,
            severity=r.severity,
            message=r.message,
            account=r.account,
            contract=r.contract,
            receipt=r.receipt,
            threshold_ppm=r.threshold_ppm,
            risk_level=r.risk_level,
        )
        for r in rows
    )
    acked = reader.session.execute(
        select(AlertRow.alert_id, AlertRow.acknowledged_by, AlertRow.acknowledged_at)
        .where(AlertRow.trading_day == day, book, AlertRow.acknowledged_by.is_not(None))
        .order_by(AlertRow.alert_id)
    ).all()
    acks = tuple(Acknowledgement(int(i), str(u), at) for i, u, at in acked if at is not None)
    return BookAlerts(alerts, acks)
