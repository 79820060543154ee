"""The day's book on a real PostgreSQL server (COPY transport) and on SQLite
(group_concat transport): the same lines as the row-wise read, and a cached book
replaced after an import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db import columnar
from core.db.day_book import day_book, read_day_book
from core.db.engine import Database, open_database
from core.db.tables import Position
from core.services.imports import import_file
from tests.core.test_day_book import _book_lines, _row_lines
from tests.core.test_services_risk import D3, DAY, _populate

pytestmark = pytest.mark.xdist_group("postgres-services")


@pytest.fixture
def db(empty_db_url: str) -> Iterator[Database]:
    database = open_database(empty_db_url)
    with database.sessions.begin() as session:
        _populate(session)
    yield database
    database.engine.dispose()


@pytest.mark.parametrize("day", [D3, DAY])
def test_book_equals_the_row_read(db: Database, day: object) -> None:
    expected = _row_lines(db, day)
    assert expected
    with db.sessions() as s:
        book = read_day_book(s, day)  # type: ignore[arg-type]
        stmt = select(Position.client_code, Position.lots).where(
            Position.trading_day == day, Position.lots > 0
        )
        fast = columnar.fetch_concat(s, stmt, ("str", "int")) or columnar.fetch_copy(
            s, stmt, ("str", "int")
        )
    assert fast is not None  # each back end has its column-wise transport
    got = sorted(zip(fast[0], fast[1].tolist(), strict=True))
    assert got == sorted((str(r[0]), int(r[4])) for r in expected)
    assert _book_lines(book) == expected


def test_copy_transport_keeps_text_and_booleans(db: Database) -> None:
    with db.sessions() as s:
        stmt = select(Position.client_code, Position.side == "long", Position.hedge).where(
            Position.trading_day == DAY, Position.lots > 0
        )
        columns = columnar.fetch_concat(s, stmt, ("str", "int", "int")) or columnar.fetch_copy(
            s, stmt, ("str", "int", "int")
        )
        rows = s.execute(stmt).all()
    assert columns is not None
    got = sorted(zip(columns[0], columns[1].tolist(), columns[2].tolist(), strict=True))
    assert got == sorted((str(c), int(bool(lg)), int(bool(h))) for c, lg, h in rows)


def test_cached_book_is_replaced_after_an_import(db: Database, tmp_path: Path) -> None:
    with db.sessions() as s:
        first = day_book(s, DAY)
    client, contract, side, hedge, lots, today, open_fen, margin_fen = _row_lines(db, DAY)[0]
    csv = tmp_path / "positions.csv"
    csv.write_text(
        "trading_day,client,contract,side,hedge,lots,today_lots,open_price,margin\n"
        f"{DAY},{client},{contract},{side},{int(bool(hedge))},{int(lots) + 2},{today},"
        f"{int(open_fen) / 100:.2f},{int(margin_fen) / 100:.2f}\n",
        encoding="utf-8",
    )
    import_file(db, "positions", csv, user="test")
    with db.sessions() as s:
        second = day_book(s, DAY)
    assert second is not first
    assert _book_lines(second) == _row_lines(db, DAY)
