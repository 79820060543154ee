"""The day's book (core.db.day_book): same lines as the row-wise SQL read, cached until a
write raises the position table's revision, shared safely between threads."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.db import revisions
from core.db import settlement_io as sio
from core.db.day_book import DayBook, DayBookCache, day_book, read_day_book
from core.db.engine import Database, open_database
from core.db.tables import Position
from core.services.imports import import_file
from tests.core.test_services_risk import D3, DAY, build_risk_db


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("day_book") / "template.sqlite"
    build_risk_db(path)
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "risk.sqlite"
    shutil.copy(template_db, target)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.engine.dispose()


def _cache(db: Database) -> DayBookCache:
    cache = db.day_books
    assert cache is not None
    return cache


def _row_lines(db: Database, day: object) -> list[tuple[object, ...]]:
    with db.sessions() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    Position.client_code,
                    Position.contract_code,
                    Position.side,
                    Position.hedge,
                    Position.lots,
                    Position.today_lots,
                    Position.open_price_fen,
                    Position.margin_fen,
                )
                .where(Position.trading_day == day, Position.lots > 0)
                .order_by(
                    Position.client_code, Position.contract_code, Position.side, Position.hedge
                )
            )
        ]


def _book_lines(book: DayBook) -> list[tuple[object, ...]]:
    return [
        (
            book.clients[book.client[i]],
            book.contracts[book.contract[i]],
            "long" if book.side[i] == 0 else "short",
            bool(book.hedge[i]),
            int(book.lots[i]),
            int(book.today_lots[i]),
            int(book.open_price_fen[i]),
            int(book.margin_fen[i]),
        )
        for i in range(len(book))
    ]


@pytest.mark.parametrize("day", [D3, DAY])
def test_book_holds_the_same_lines_as_the_row_read(db: Database, day: object) -> None:
    expected = _row_lines(db, day)
    assert expected, "the fixture has lines on this day"
    with db.sessions() as s:
        book = read_day_book(s, day)
    assert _book_lines(book) == expected
    assert list(book.clients) == sorted(set(book.clients))
    assert list(book.contracts) == sorted(set(book.contracts))


def test_book_arrays_are_read_only(db: Database) -> None:
    with db.sessions() as s:
        book = day_book(s, DAY)
    with pytest.raises(ValueError, match="read-only"):
        book.lots[0] = 1


def test_cache_reuses_a_book_until_an_import_changes_positions(
    db: Database, tmp_path: Path
) -> None:
    cache = _cache(db)
    with db.sessions() as s:
        first = day_book(s, DAY)
    with db.sessions() as s:
        assert day_book(s, DAY) is first
    assert cache.reads == 1

    line = _row_lines(db, DAY)[0]
    client, contract, side, hedge, lots, today, open_fen, margin_fen = line
    csv = tmp_path / "positions.csv"
    csv.write_text(
        "trading_day,client,contract,side,hedge,lots,today_lots,open_price,margin\n"
        f"{DAY},{client},{contract},{side},{int(bool(hedge))},{int(lots) + 3},{today},"
        f"{int(open_fen) / 100:.2f},{int(margin_fen) / 100:.2f}\n",
        encoding="utf-8",
    )
    import_file(db, "positions", csv, user="test")

    with db.sessions() as s:
        second = day_book(s, DAY)
    assert second is not first
    assert cache.reads == 2
    assert _book_lines(second)[0][4] == int(lots) + 3
    assert _book_lines(second) == _row_lines(db, DAY)


def test_a_settlement_rewrite_invalidates_and_a_rollback_does_not(db: Database) -> None:
    cache = _cache(db)
    with db.sessions() as s:
        before = day_book(s, DAY)
    # A rolled-back rewrite leaves the revision (and the cached book) as they were.
    with db.sessions() as s, s.begin():
        sio.delete_day_results(s.connection(), DAY)
        s.rollback()
    with db.sessions() as s:
        assert day_book(s, DAY) is before
    # A committed one (the settlement's first step) makes the next read fresh.
    with db.sessions.begin() as s:
        sio.delete_day_results(s.connection(), DAY)
    with db.sessions() as s:
        after = day_book(s, DAY)
        assert revisions.current(s, "position") == after.revision > before.revision
    assert len(after) == 0
    assert cache.reads == 2


def test_threads_asking_at_once_share_one_read(db: Database) -> None:
    cache = _cache(db)
    books: list[DayBook] = []
    start = threading.Barrier(4)

    def ask() -> None:
        start.wait()
        with db.sessions() as s:
            books.append(day_book(s, DAY))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(books) == 4
    assert all(b is books[0] for b in books)
    assert cache.reads == 1


def test_the_cache_keeps_the_newest_days(db: Database) -> None:
    cache = DayBookCache(size=1)
    with db.sessions() as s:
        a = cache.get(s, DAY)
        cache.get(s, D3)
        assert cache.get(s, DAY) is not a  # evicted by D3, read again
    assert cache.reads == 3


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_lines_of_keeps_exactly_the_chosen_clients(template_db: Path, data: st.DataObject) -> None:
    database = open_database(f"sqlite:///{template_db}", create=False)
    try:
        with database.sessions() as s:
            book = read_day_book(s, DAY)
    finally:
        database.engine.dispose()
    mask = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(book.clients), max_size=len(book.clients))),
        dtype=np.bool_,
    )
    chosen = book.lines_of(mask)
    expected = [line for line in _book_lines(book) if mask[book.clients.index(str(line[0]))]]
    assert _book_lines(chosen) == expected
    assert int(chosen.lots.sum()) == int(book.lots[mask[book.client]].sum())
