"""A headless desk following the book's shared feed (issue #14): the engine a monitor
runs, the book's alerts, and a digest of its figures to compare desks by.

``BookDesk`` is what the monitor's "shared feed" source does without a window: start
from the book's newest engine snapshot (``start_monitor``), apply the log after its
cursor, mirror the book's alerts (``read_book_alerts``) and acknowledge them through the
write door. ``riskdesk follow`` runs one (the multi-process tests and the feed
benchmark start several). A lost server is survived: ``step`` reports it and the next
call reads from the same cursor once the server is back (the pool reconnects; the
doorbell's LISTEN is opened again by ``BookFeedSource``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from sqlalchemy.exc import DBAPIError

from core.db.engine import Database
from core.db.faults import fault_kind
from core.errors import DatabaseFaultError, RiskDeskError
from core.live.alerts import Acknowledgement, Alert
from core.live.feed import Clock
from core.live.snapshot import RiskSnapshot
from core.services.alerts import acknowledge_alerts
from core.services.book_alerts import read_book_alerts
from core.services.live_feed import BookFeedSource
from core.services.monitor import MonitorRequest, MonitorStart, SourceChoice, start_monitor


def figures_digest(snap: RiskSnapshot) -> str:
    """SHA-256 over every account's, line's and contract's figures in fen (and their
    keys and lots): two desks agree to the fen exactly when their digests agree."""
    h = hashlib.sha256()
    for table in (snap.accounts, snap.positions, snap.contracts):
        h.update("\x1f".join(str(k) for k in table.keys).encode())
        for name in sorted(table.columns):
            if name.endswith("_fen") or name in ("lots", "risk_level", "risk_ratio_ppm"):
                h.update(name.encode())
                h.update(np.ascontiguousarray(table[name], dtype=np.int64).tobytes())
    return h.hexdigest()


class BookDesk:
    """One desk following the book (module docstring). One thread."""

    def __init__(self, db: Database, clock: Clock, *, from_snapshot: bool = True) -> None:
        self.db = db
        self.clock = clock
        request = MonitorRequest(
            clock, clock, SourceChoice(kind="book"), book=db, book_snapshot=from_snapshot
        )
        with db.reader() as reader:
            start = start_monitor(reader, request)
        if start is None:
            raise RiskDeskError("the book has no positions to start a live day from")
        assert start.shared_alerts is not None
        assert isinstance(start.source, BookFeedSource)
        self.start: MonitorStart = start
        self.source: BookFeedSource = start.source
        self.snap = start.first
        self.alerts: dict[int, Alert] = {}
        self.acks: dict[int, Acknowledgement] = {}
        self.disconnects = 0
        self._take(start.shared_alerts.alerts, start.shared_alerts.acks)

    @property
    def cursor(self) -> int:
        return self.source.cursor

    def step(self, timeout: float = 0.5, max_items: int = 10_000) -> int:
        """Apply what the log holds after the cursor (waiting up to ``timeout`` for the
        doorbell); the events applied. -1 when the server is unreachable (counted in
        ``disconnects``; the next call tries again from the same cursor)."""
        was = self.source.disconnected
        events = self.source.poll(timeout, max_items)
        if self.source.disconnected:
            self.disconnects += not was
            return -1
        if events:
            self.snap = self.start.engine.apply(events)
        return len(events)

    def refresh_alerts(self) -> int:
        """Read the book's alerts raised since the last refresh and every
        acknowledgement; the new alerts' count."""
        after = max(self.alerts, default=0)
        with self.db.reader() as reader:
            found = read_book_alerts(reader, self.start.day, after)
        self._take(found.alerts, found.acks)
        return len(found.alerts)

    def _take(self, alerts: Sequence[Alert], acks: Sequence[Acknowledgement]) -> None:
        self.alerts.update((a.alert_id, a) for a in alerts)
        self.acks.update((k.alert_id, k) for k in acks)

    def acknowledge(self, alert_ids: Sequence[int], user: str | None = None) -> None:
        """Acknowledge the book alerts ``alert_ids`` (stored ids) through the write door
        (``alert.acknowledge``: a risk officer in server mode); the first wins."""
        who = user or self.db.desk.user
        at = self.clock.now()
        acks = [Acknowledgement(i, who, at) for i in alert_ids]
        acknowledge_alerts(self.db, self.start.day, acks, user=user)

    def digest(self) -> str:
        return figures_digest(self.start.engine.snapshot())

    def close(self) -> None:
        self.source.close()


def is_lost(exc: BaseException) -> bool:
    """A lost server (restart) rather than a refused statement."""
    if isinstance(exc, DatabaseFaultError):
        return exc.kind == "connection"
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or fault_kind(exc) == "connection"
    return False
