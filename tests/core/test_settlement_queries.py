"""Reads of the settlement and imports screens (``core.db.settlement_queries`` and the
``core.services.settlement_history`` service over them) on the worked example 2.d
database of the settlement service tests: no Qt, plain values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from core.db import settlement_queries as sq
from core.db.engine import Database, open_database
from core.db.tables import ImportBatch
from core.services.settlement import run_daily_settlement
from core.services.settlement_history import settled_day, settlement_overview
from tests.core.test_settlement_service import MEMBER, PREV, D, _build


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'settled.sqlite'}")
    with database.sessions.begin() as s:
        _build(s)
    yield database
    database.engine.dispose()


def test_overview_before_settling_offers_the_next_priced_day(db: Database) -> None:
    with db.sessions() as s:
        overview = sq.settlement_overview(s)
    # Only the carried-over reserve of PREV is stored, with no run in the audit log.
    assert list(overview.settled.columns) == list(sq.SETTLED_COLUMNS)
    assert overview.settled["trading_day"].tolist() == [PREV]
    assert overview.settled["settled_by"].tolist() == [""]
    assert overview.settled["settled_at"].tolist() == [None]
    assert overview.latest_settled == PREV
    assert overview.next_day == D  # D's settlement prices are loaded
    assert overview.default_day == D
    clients = overview.clients
    assert [(clients.code(r), clients.name(r)) for r in range(len(clients))] == [
        ("K1", "客户一"),
        ("K2", "客户二"),
    ]
    assert overview.settled_days == (PREV,)


def test_overview_and_day_after_a_run(db: Database) -> None:
    run, _ = run_daily_settlement(db, D, user="tester")
    with db.reader() as reader:
        overview = settlement_overview(reader)
        view = settled_day(reader, D)
        unsettled = settled_day(reader, date(2024, 5, 13))
    frame = overview.settled
    assert frame["trading_day"].tolist() == [D, PREV]  # newest first
    assert frame["settled_by"].tolist() == ["tester", ""]
    at = frame["settled_at"].iloc[0]
    assert isinstance(at, datetime)
    assert str(frame["reserve_fen"].dtype) == "int64"
    assert frame["reserve_fen"].iloc[0] == run.member(MEMBER).reserve_fen
    assert overview.latest_settled == D
    assert overview.next_day is None  # no prices for the day after D
    assert overview.default_day == D

    summary = view.summary
    assert summary is not None
    assert summary.settled_by == "tester"
    assert summary.clients_settled == run.clients_settled
    assert summary.total_margin_fen == run.total_client_margin_fen
    assert summary.margin_calls == run.client_margin_calls
    assert summary.reserve_fen == run.member(MEMBER).reserve_fen
    assert summary.banned_members == ()
    assert [st.member_code for st in view.statements] == [MEMBER]
    with pytest.raises(FrozenInstanceError):
        summary.settled_by = "x"  # type: ignore[misc]
    assert unsettled.summary is None
    assert unsettled.statements == ()

    # A run's own figures have the shape of the stored day.
    from_run = sq.summary_of_run(run, "tester", at)
    assert from_run.members == summary.members
    assert from_run.clients_settled == summary.clients_settled


def test_next_day_to_settle_without_settled_days(db: Database) -> None:
    with db.sessions() as s:
        assert sq.next_day_to_settle(s, None) is None
        assert sq.next_day_to_settle(s, D) is None  # no prices after D
        assert sq.next_day_to_settle(s, PREV) == D


def test_recent_imports_newest_first_with_limit(db: Database) -> None:
    with db.sessions.begin() as s:
        for i, kind in enumerate(("positions", "trades", "settlement-prices")):
            s.add(
                ImportBatch(
                    kind=kind,
                    file_name=f"{kind}.csv",
                    sha256=f"{i:064d}",
                    rows=10 + i,
                    inserted=10 + i,
                    updated=0,
                    imported_at=datetime(2024, 5, 10, 9, i, tzinfo=UTC),
                    user="tester",
                )
            )
    with db.sessions() as s:
        frame = sq.recent_imports(s)
        two = sq.recent_imports(s, limit=2)
    assert list(frame.columns) == list(sq.IMPORT_COLUMNS)
    assert frame["kind"].tolist() == ["settlement-prices", "trades", "positions"]
    assert frame["rows"].tolist() == [12, 11, 10]
    assert all(isinstance(at, datetime) for at in frame["imported_at"])
    newest = frame["imported_at"].iloc[0]
    assert newest.replace(tzinfo=UTC) == datetime(2024, 5, 10, 9, 2, tzinfo=UTC)  # stored UTC
    assert len(two) == 2


def test_reads_of_an_empty_database(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        with database.sessions() as s:
            overview = sq.settlement_overview(s)
            imports = sq.recent_imports(s)
    finally:
        database.engine.dispose()
    assert overview.settled.empty
    assert list(overview.settled.columns) == list(sq.SETTLED_COLUMNS)
    assert overview.latest_settled is None
    assert overview.default_day is None
    assert imports.empty
    assert list(imports.columns) == list(sq.IMPORT_COLUMNS)


def test_client_list_lookup_and_search() -> None:
    clients = sq.ClientList.from_pairs(
        [("C01", "Zhang San"), ("C02", "李四"), ("C10", "zhang  wei"), ("C100", "王五")]
    )
    assert len(clients) == 4
    assert [clients.row_of(c) for c in ("C01", "C10", "C100", "C1", "", "Zhang")] == [
        0,
        2,
        3,
        None,
        None,
        None,
    ]
    assert (clients.code(2), clients.name(2), clients.labels[2]) == (
        "C10",
        "zhang  wei",
        "C10  zhang  wei",
    )
    assert clients.find("zhang") == [0, 2]  # any case, code order
    assert clients.find("ZHANG S") == [0]
    assert clients.find("李") == [1]
    assert clients.find("C10") == [2, 3]  # the exact code first, then contains
    assert clients.find("c1") == [2, 3]
    assert clients.find(" 王五 ") == [3]
    assert clients.find("nobody") == []
    assert clients.find("", limit=3) == [0, 1, 2]
    assert clients.find("C", limit=2) == [0, 1]
    assert sq.ClientList.of(()).find("x") == []
    assert "4 clients" in repr(clients)


def test_client_list_of_the_database(db: Database) -> None:
    with db.sessions() as s:
        clients = sq.client_list(s)
    assert clients.labels == ("K1  客户一", "K2  客户二")
    assert clients.find("客户二") == [1]
