"""Read queries for the screens: frames with the documented columns, fen kept exact."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import queries
from core.db.engine import Database, open_database
from core.db.tables import (
    Client,
    ClientBalance,
    Contract,
    Member,
    Position,
    Product,
    ReserveHistory,
    SettlementPrice,
    Warehouse,
    WarehouseReceipt,
)

D1 = date(2024, 9, 12)
D2 = date(2024, 9, 13)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'q.sqlite'}")
    with database.sessions.begin() as s:
        if s.get(Product, "m") is None:
            s.add(
                Product(
                    code="m",
                    name_zh="豆粕",
                    name_en="Soybean meal",
                    unit_tons=10,
                    multiplier=10,
                    tick_fen=100,
                    price_limit_ppm=40_000,
                    min_margin_ppm=50_000,
                )
            )
        s.add(Member(code="0101", name="示例期货", kind="brokerage", min_reserve_fen=200_000_000))
        s.add(Member(code="0188", name="示例贸易", kind="non_brokerage", min_reserve_fen=0))
        s.add(
            Contract(
                code="m2501",
                product_code="m",
                delivery_month=date(2025, 1, 1),
                tick_fen=100,
                price_limit_ppm=40_000,
                general_margin_ppm=80_000,
                hedge_margin_ppm=70_000,
            )
        )
        s.add(Warehouse(code="W1", name_zh="北良港", name_en="Beiliang Port"))
        s.flush()
        for code, name in (("C1", "甲"), ("C2", "乙"), ("C3", "丙")):
            s.add(Client(code=code, member_code="0101", name=name))
        s.flush()
        # balance, margin, available (fen) on D2; C3 has a balance of zero but margin.
        for code, bal, mar in (("C1", 1_000_000, 800_000), ("C2", 500_000, 0), ("C3", 0, 1_000)):
            s.add(
                ClientBalance(
                    client_code=code,
                    trading_day=D2,
                    balance_fen=bal,
                    margin_fen=mar,
                    available_fen=bal - mar,
                    margin_call_fen=max(mar - bal, 0),
                )
            )
        s.add(
            ClientBalance(
                client_code="C1", trading_day=D1, balance_fen=9, margin_fen=0, available_fen=9
            )
        )
        s.add(
            SettlementPrice(
                trading_day=D2,
                contract_code="m2501",
                settlement_fen=305_200,
                upper_limit_fen=317_400,
                lower_limit_fen=293_000,
                limit_lock="limit_up",
                open_interest=1234,
                volume=99,
            )
        )
        s.add(
            Position(
                trading_day=D2,
                client_code="C1",
                contract_code="m2501",
                side="long",
                lots=3,
                today_lots=1,
                open_price_fen=300_000,
                margin_fen=800_000,
            )
        )
        s.add(
            Position(
                trading_day=D2,
                client_code="C2",
                contract_code="m2501",
                side="short",
                hedge=True,
                lots=0,
                today_lots=0,
                open_price_fen=300_000,
            )
        )
        s.add(
            ReserveHistory(
                member_code="0101",
                trading_day=D2,
                reserve_fen=7_000_000,
                margin_fen=801_000,
                offset_fen=0,
                cash_fen=7_801_000,
            )
        )
        for no, status, tons in (("R1", "held", 10), ("R2", "cancelled", 20)):
            s.add(
                WarehouseReceipt(
                    receipt_no=no,
                    product_code="m",
                    warehouse_code="W1",
                    member_code="0101",
                    holder_code="C1",
                    lots=1,
                    tons=tons,
                    registration_date=D1,
                    status=status,
                )
            )
    yield database
    database.engine.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.sessions() as s:
        yield s


def test_latest_trading_day_by_kind(session: Session) -> None:
    assert queries.latest_trading_day(session) == D2
    assert queries.latest_trading_day(session, "balances") == D2
    assert queries.latest_trading_day(session, "prices") == D2


def test_latest_trading_day_of_empty_database(tmp_path: Path) -> None:
    empty = open_database(f"sqlite:///{tmp_path / 'e.sqlite'}")
    with empty.sessions() as s:
        assert queries.latest_trading_day(s) is None
        frame = queries.accounts_frame(s, None)
        assert list(frame.columns) == list(queries.ACCOUNT_COLUMNS)
        assert frame.empty
        assert queries.overview_summary(s, None).accounts_count == 0
    empty.engine.dispose()


def test_accounts_frame_keeps_fen_exact_and_computes_risk_ratio(session: Session) -> None:
    frame = queries.accounts_frame(session, D2)
    assert list(frame["client_code"]) == ["C1", "C2", "C3"]
    assert frame["balance_fen"].dtype == np.int64
    assert frame.loc[0, "available_fen"] == 200_000
    assert frame.loc[0, "risk_ratio"] == pytest.approx(0.8)
    assert frame.loc[1, "risk_ratio"] == 0.0
    assert math.isinf(frame.loc[2, "risk_ratio"])
    assert frame.loc[2, "margin_call_fen"] == 1_000


def test_at_risk_accounts_skip_accounts_without_margin(session: Session) -> None:
    frame = queries.at_risk_accounts(session, D2, limit=5)
    assert list(frame["client_code"]) == ["C3", "C1"]


def test_positions_frame_joins_the_days_settlement_price(session: Session) -> None:
    frame = queries.positions_frame(session, D2)
    assert len(frame) == 1  # the zero-lot line is not an open position
    row = frame.iloc[0]
    assert (row["client_name"], row["product_code"], row["side"]) == ("甲", "m", "long")
    assert row["settlement_fen"] == 305_200
    assert row["margin_fen"] == 800_000


def test_settlement_prices_frame(session: Session) -> None:
    frame = queries.settlement_prices_frame(session, D2)
    assert frame.iloc[0]["limit_lock"] == "limit_up"
    assert frame.iloc[0]["upper_limit_fen"] == 317_400
    assert frame.iloc[0]["product_name_en"] == "Soybean meal"
    assert len(queries.limit_locked_contracts(session, D2)) == 1
    assert queries.settlement_prices_frame(session, D1).empty


def test_receipts_frame_with_and_without_cancelled(session: Session) -> None:
    assert list(queries.receipts_frame(session)["receipt_no"]) == ["R1", "R2"]
    live = queries.receipts_frame(session, include_cancelled=False)
    assert list(live["receipt_no"]) == ["R1"]
    assert live.iloc[0]["warehouse_name_en"] == "Beiliang Port"
    assert live.iloc[0]["registration_date"] == D1


def test_overview_summary_sums_the_days_figures(session: Session) -> None:
    s = queries.overview_summary(session, D2)
    assert s.trading_day == D2
    assert (s.members_count, s.clients_count, s.accounts_count) == (2, 3, 3)
    assert s.reserve_fen == 7_000_000
    assert s.exchange_margin_fen == 801_000
    assert s.min_reserve_fen == 200_000_000
    assert s.client_balance_fen == 1_500_000
    assert s.client_margin_fen == 801_000
    assert s.client_available_fen == 699_000
    assert (s.margin_call_count, s.watch_count) == (1, 1)
    assert (s.positions_count, s.open_lots) == (1, 3)
    assert (s.receipts_count, s.receipt_tons) == (1, 10)


def test_members_frame_has_missing_reserve_for_members_without_record(
    session: Session,
) -> None:
    frame = queries.members_frame(session, D2)
    assert list(frame["member_code"]) == ["0101", "0188"]
    assert frame.loc[0, "reserve_fen"] == 7_000_000
    assert frame["reserve_fen"].isna().tolist() == [False, True]
    assert frame.loc[0, "clients_count"] == 3


def test_queries_return_no_orm_objects(session: Session) -> None:
    frame = queries.accounts_frame(session, D2)
    assert not any(hasattr(v, "_sa_instance_state") for v in frame.to_numpy().ravel())
    assert session.scalar(select(Client.name).where(Client.code == "C1")) == "甲"


def test_risk_ratios_edge_cases() -> None:
    ratios = queries.risk_ratios(np.array([0, 50, 10, 0]), np.array([0, 100, 0, -5]))
    assert ratios[0] == 0.0
    assert ratios[1] == pytest.approx(0.5)
    assert math.isinf(ratios[2])
    assert ratios[3] == 0.0
