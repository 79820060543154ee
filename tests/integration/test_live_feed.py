"""One live feed for all desks (issue #14 item 4), on SQLite and a real PostgreSQL server:
a feed publishes into the book's event log, desks follow it by cursor and compute the
same figures to the fen; a desk that starts late catches up; a feed process killed
with SIGKILL leaves whole batches only.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from core.db.engine import Database, open_database
from core.db.live_event_table import LiveEvent
from core.live.feed import FakeClock, FeedEvent, FeedSource, PriceTick, TradeEvent
from core.services.live_feed import BookFeedSource, from_row, publish, to_row
from core.services.monitor import MonitorRequest, MonitorStart, SourceChoice, start_monitor
from tests.integration.processes import Copies, start_cli


@pytest.fixture
def book(copies: Copies) -> Iterator[Database]:
    url = copies.copy()
    db = open_database(url)
    yield db
    db.engine.dispose()
    copies.drop(url)


CLOCK = FakeClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))


def _start(db: Database, choice: SourceChoice | None = None) -> MonitorStart:
    with db.reader() as reader:
        start = start_monitor(reader, MonitorRequest(CLOCK, CLOCK, choice or SourceChoice()))
    assert start is not None
    return start


class _Recorded:
    """The feed's source, keeping what it handed out."""

    def __init__(self, source: FeedSource) -> None:
        self.source = source
        self.events: list[FeedEvent] = []

    @property
    def is_exhausted(self) -> bool:
        return self.source.is_exhausted

    def stats(self):  # type: ignore[no-untyped-def]
        return self.source.stats()

    def poll(self, timeout: float, max_items: int) -> list[FeedEvent]:
        CLOCK.advance(0.5)  # half a second of market per batch
        got = self.source.poll(timeout, max_items)
        self.events.extend(got)
        return got


def _publish(db: Database, batches: int) -> tuple[MonitorStart, list[FeedEvent], int]:
    feed = _start(db)
    recorded = _Recorded(feed.source)
    done: list[int] = []
    stop = __import__("threading").Event()

    def count(_n: int, _last: int) -> None:
        done.append(_n)
        if len(done) >= batches:
            stop.set()

    result = publish(db, feed.day, recorded, batch_s=0.5, max_batch=400, stop=stop, on_batch=count)
    assert result.events == len(recorded.events) == sum(done) > 0
    return feed, recorded.events, result.last_seq


def _follow(db: Database, last_seq: int) -> tuple[MonitorStart, BookFeedSource]:
    desk = _start(db)
    source = BookFeedSource(db, desk.day, desk.engine.contracts)
    while source.cursor < last_seq:
        desk.engine.apply(source.poll(0.2, 1_000))
    return desk, source


def _figures(start: MonitorStart) -> dict[str, np.ndarray]:
    snap = start.engine.snapshot()
    cols = [c for c in snap.accounts.columns if c.endswith("_fen")]
    return {c: np.asarray(snap.accounts[c]) for c in cols}


def test_desks_following_the_book_agree_to_the_fen(book: Database) -> None:
    _feed, events, last = _publish(book, batches=4)
    trades = sum(isinstance(e, TradeEvent) for e in events)
    assert trades > 0  # fills too, not only prices
    # the reference: the same events applied in memory, in the order published
    reference = _start(book)
    reference.engine.apply(events)
    want = _figures(reference)
    for _desk_no in range(2):
        desk, source = _follow(book, last)
        got = _figures(desk)
        assert got.keys() == want.keys()
        for column, values in want.items():
            assert np.array_equal(got[column], values), column
        assert source.stats().rejected == 0
        assert source.stats().ticks + source.stats().trades == len(events)
        source.close()


def test_a_late_desk_catches_up_and_then_follows(book: Database) -> None:
    feed, events, last = _publish(book, batches=2)
    _desk, source = _follow(book, last)
    assert source.cursor == last
    # more events after it caught up: it reads exactly those
    more = [PriceTick(events[0].contract, events[0].price_fen, events[-1].at)]
    from core.services.live_feed import append_batch

    newest = append_batch(book, feed.day, more)
    assert source.poll(2.0, 100) == more
    assert source.cursor == newest
    assert source.poll(0.0, 100) == []
    source.close()


def test_rows_round_trip() -> None:
    at = datetime(2026, 11, 23, 1, 2, 3, tzinfo=UTC)
    day = date(2026, 11, 23)
    for ev in (
        PriceTick("m2701", 312_300, at),
        TradeEvent("T1", "10000001", "m2701", "short", "close", 3, 312_300, at, 150, True),
    ):
        row = to_row(day, ev)
        named = dict(
            zip(
                (
                    "trading_day",
                    "kind",
                    "contract",
                    "price_fen",
                    "at",
                    "trade_no",
                    "client_code",
                    "side",
                    "action",
                    "lots",
                    "fee_fen",
                    "hedge",
                ),
                row,
                strict=True,
            )
        )
        named["seq"] = 1
        assert from_row(type("Row", (), named)()) == ev


def test_a_feed_process_killed_leaves_whole_batches(copies: Copies, tmp_path: Path) -> None:
    url = copies.copy()
    proc = start_cli(
        url, "feed", "--source", "simulated", "--speed", "50", "--duration", "60", log_dir=tmp_path
    )
    db = open_database(url)
    try:
        deadline = time.monotonic() + 60
        n = 0
        while time.monotonic() < deadline and n < 3:  # a few batches committed
            with db.engine.connect() as conn:
                n = int(conn.execute(select(func.count()).select_from(LiveEvent)).scalar_one())
            time.sleep(0.3)
        os.kill(proc.pid, signal.SIGKILL)
        _out, err = proc.communicate(timeout=30)  # closes the pipes
        assert n > 0, err
        with db.engine.connect() as conn:
            seqs = conn.execute(select(LiveEvent.seq).order_by(LiveEvent.seq)).scalars().all()
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no hole: whole batches
        _desk, source = _follow(db, seqs[-1])
        assert source.stats().ticks + source.stats().trades == len(seqs)
        assert source.stats().rejected == 0
        source.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)
        db.engine.dispose()
        copies.drop(url)


def test_a_desk_opens_on_the_books_feed_once_a_feed_publishes(book: Database) -> None:
    """ "auto", what a desk opens with until the user picks a source: the simulated
    market while the day's log is empty, the book's shared feed once a feed process has
    published the day (issue #14: one feed for all desks by default)."""

    def opened() -> MonitorStart:
        choice = SourceChoice(kind="auto")
        with book.reader() as reader:
            start = start_monitor(reader, MonitorRequest(CLOCK, CLOCK, choice, book=book))
        assert start is not None
        return start

    before = opened()
    assert before.source_kind == "simulated"
    assert not isinstance(before.source, BookFeedSource)
    _publish(book, batches=1)
    after = opened()
    assert after.source_kind == "book"
    assert isinstance(after.source, BookFeedSource)
    assert after.shared_alerts is not None  # the book's alerts, none of its own
