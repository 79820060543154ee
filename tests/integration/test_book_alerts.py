"""The book's alerts raised once and acknowledged once for all desks, and engine
snapshots for late desks (issue #14), on SQLite and a real PostgreSQL server.

The feed's raiser evaluates the same engine and alert rules a desk runs after every
committed batch; desks see the same stored alerts; an acknowledgement at one desk is
the one every desk sees (and rings the doorbell); two raisers over one log store each
alert once; a late desk starting from a snapshot agrees to the fen with one that
replayed the day from its first event.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.changes import Changes
from core.db.alert_table import AlertRow
from core.db.engine import Database, open_database
from core.db.live_event_table import LiveBatch, LiveSnapshot
from core.live.feed import FakeClock, FeedEvent, FeedSource
from core.services.book_alerts import BookRaiser, raise_key
from core.services.book_desk import BookDesk, figures_digest
from core.services.live_feed import publish
from core.services.monitor import MonitorRequest, MonitorStart, SourceChoice, start_monitor
from tests.integration.processes import Copies

CLOCK = FakeClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))


@pytest.fixture
def book(copies: Copies) -> Iterator[Database]:
    url = copies.copy()
    db = open_database(url)
    yield db
    db.engine.dispose()
    copies.drop(url)


def _start(db: Database, seed: int = 1) -> MonitorStart:
    with db.reader() as reader:
        start = start_monitor(reader, MonitorRequest(CLOCK, CLOCK, SourceChoice(seed=seed)))
    assert start is not None
    return start


class _Batches:
    """The feed's source, keeping each batch it handed out (a moving market: prices
    drift a long way, so accounts cross risk levels and raise alerts)."""

    def __init__(self, source: FeedSource) -> None:
        self.source = source
        self.batches: list[list[FeedEvent]] = []

    @property
    def is_exhausted(self) -> bool:
        return self.source.is_exhausted

    def stats(self):  # type: ignore[no-untyped-def]
        return self.source.stats()

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        CLOCK.advance(2.0)
        got = self.source.poll(timeout, max_items)
        if got:
            self.batches.append(got)
        return got


def _publish(
    db: Database, batches: int, *, snapshot_every: int = 10**9, raise_alerts: bool = True
) -> tuple[_Batches, BookRaiser | None, int]:
    """Publish ``batches`` batches of the simulated market with the book's raiser."""
    feed = _start(db)
    recorded = _Batches(feed.source)
    raiser = None
    if raise_alerts:
        assert feed.alerts is not None
        raiser = BookRaiser(
            db,
            feed.day,
            feed.engine,
            feed.alerts,
            feed.first_alerts,
            snapshot_every=snapshot_every,
        )
    stop = threading.Event()

    def count(_n: int, _last: int) -> None:
        if len(recorded.batches) >= batches:
            stop.set()

    done = publish(
        db,
        feed.day,
        recorded,
        batch_s=0.5,
        max_batch=300,
        stop=stop,
        on_batch=count,
        after_batch=None if raiser is None else raiser.catch_up,
    )
    return recorded, raiser, done.last_seq


def _desk(db: Database, last: int, *, from_snapshot: bool = True) -> BookDesk:
    desk = BookDesk(db, CLOCK, from_snapshot=from_snapshot)
    while desk.cursor < last:
        assert desk.step(0.2, 1_000) >= 0
    desk.refresh_alerts()
    return desk


def _stored(db: Database) -> list[tuple[int, str, str | None, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(AlertRow.alert_id, AlertRow.kind, AlertRow.account, AlertRow.raise_key)
            .where(AlertRow.raise_key.is_not(None))
            .order_by(AlertRow.alert_id)
        ).all()
    return [(int(i), str(k), a, str(key)) for i, k, a, key in rows]


def test_the_books_alerts_are_raised_once_and_every_desk_sees_them(book: Database) -> None:
    recorded, raiser, last = _publish(book, batches=6)
    assert raiser is not None
    stored = _stored(book)
    assert raiser.raised == len(stored) > 0
    # What a desk running its own monitor raises, batch by batch: the same alerts.
    reference = _start(book)
    assert reference.alerts is not None
    expected = [raise_key(0, a) for a in reference.first_alerts]
    with book.engine.connect() as conn:
        ends = conn.execute(select(LiveBatch.seq).order_by(LiveBatch.seq)).scalars().all()
    assert len(ends) == len(recorded.batches)
    for end, batch in zip(ends, recorded.batches, strict=True):
        snap = reference.engine.apply(batch)
        expected += [raise_key(end, a) for a in reference.alerts.evaluate(snap)]
    assert [key for *_rest, key in stored] == expected
    assert any(not key.startswith("0:") for key in expected)  # raised during the day too
    # two desks following the feed see the same alerts, ids and all
    a, b = _desk(book, last), _desk(book, last)
    assert sorted(a.alerts) == sorted(b.alerts) == [i for i, *_ in stored]
    assert a.alerts == b.alerts
    assert a.digest() == b.digest() == figures_digest(reference.engine.snapshot())
    a.close()
    b.close()


def test_an_acknowledgement_at_one_desk_is_every_desks(book: Database) -> None:
    _recorded, _raiser, last = _publish(book, batches=2)
    a, b = _desk(book, last), _desk(book, last)
    first = sorted(a.alerts)[:3]
    assert len(first) == 3
    assert not b.acks
    a.acknowledge(first, user="officer_a")
    b.refresh_alerts()
    assert sorted(b.acks) == first
    assert {k.user for k in b.acks.values()} == {"officer_a"}
    # desk B acknowledging the same alerts later changes nothing: the first wins
    b.acknowledge(first, user="officer_b")
    a.refresh_alerts()
    assert {a.acks[i].user for i in first} == {"officer_a"}
    a.close()
    b.close()


def test_two_raisers_over_one_log_store_each_alert_once(book: Database) -> None:
    _recorded, _none, _last = _publish(book, batches=5, raise_alerts=False)
    assert _stored(book) == []
    raisers = []
    for _ in range(2):
        start = _start(book)
        assert start.alerts is not None
        raisers.append(BookRaiser(book, start.day, start.engine, start.alerts, start.first_alerts))
    errors: list[BaseException] = []

    def run(r: BookRaiser) -> None:
        try:
            r.catch_up()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in raisers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    stored = _stored(book)
    assert len(stored) > 0
    assert sum(r.raised for r in raisers) == len(stored)
    assert len({key for *_rest, key in stored}) == len(stored)
    # a restarted feed's raiser catching up from the start stores nothing again
    start = _start(book)
    assert start.alerts is not None
    again = BookRaiser(book, start.day, start.engine, start.alerts, start.first_alerts)
    again.catch_up()
    assert again.raised == 0
    assert _stored(book) == stored


def test_a_late_desk_from_a_snapshot_agrees_to_the_fen(book: Database) -> None:
    recorded, raiser, last = _publish(book, batches=8, snapshot_every=700)
    assert raiser is not None
    with book.engine.connect() as conn:
        snaps = conn.execute(select(LiveSnapshot.seq).order_by(LiveSnapshot.seq)).scalars().all()
    assert len(snaps) >= 2
    late = _desk(book, last, from_snapshot=True)
    assert late.start.snapshot_seq == snaps[-1] > 0
    read_after = late.source.stats().ticks + late.source.stats().trades
    total = sum(len(b) for b in recorded.batches)
    assert read_after < total  # it did not replay the day's ticks
    full = _desk(book, last, from_snapshot=False)
    assert full.start.snapshot_seq is None
    assert full.source.stats().ticks + full.source.stats().trades == total
    # every figure in fen of every account, line and contract
    s_late, s_full = late.start.engine.snapshot(), full.start.engine.snapshot()
    for name in ("accounts", "positions", "contracts"):
        t_late, t_full = getattr(s_late, name), getattr(s_full, name)
        assert list(t_late.keys) == list(t_full.keys)
        for column in t_full.columns:
            if column.endswith("_fen") or column in ("lots", "risk_level"):
                assert (t_late[column] == t_full[column]).all(), (name, column)
    assert late.digest() == full.digest() == figures_digest(raiser.engine.snapshot())
    late.close()
    full.close()


@pytest.mark.postgres
@pytest.mark.parametrize("copies", ["postgresql"], indirect=True)
def test_an_acknowledgement_rings_the_other_desks(copies: Copies) -> None:
    from core.db.doorbell import Doorbell

    url = copies.copy()
    db_a, db_b = open_database(url), open_database(url)
    try:
        _recorded, _raiser, last = _publish(db_a, batches=1)
        a, b = _desk(db_a, last), _desk(db_b, last)
        bell = Doorbell(db_b.url)
        try:
            target = sorted(a.alerts)[0]
            a.acknowledge([target], user="officer_a")
            rings = []
            end = time.monotonic() + 10
            while time.monotonic() < end and not rings:
                rings = [r for r in bell.wait(0.2) if r.origin == db_a.origin]
            assert [r.action for r in rings] == ["alert.acknowledge"]
            assert rings[0].changes == Changes(alerts=True)
            b.refresh_alerts()
            assert b.acks[target].user == "officer_a"
        finally:
            bell.close()
            a.close()
            b.close()
    finally:
        db_a.engine.dispose()
        db_b.engine.dispose()
        copies.drop(url)
