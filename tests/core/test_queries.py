"""Read queries for the screens: frames with the documented columns, fen kept exact."""

from __future__ import annotations

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
from core.rules.risk_levels import (
    FORCED_CLOSE,
    NORMAL,
    RISK_RATIO_UNBOUNDED_PPM,
    WARNING,
    RiskLevels,
    default_risk_levels,
)

D1 = date(2024, 9, 12)
D2 = date(2024, 9, 13)


def _balance(code: str, balance: int, margin: int, available: int) -> ClientBalance:
    """A client statement of D2 (fen), its margin call max(0, −available) as stored."""
    return ClientBalance(
        client_code=code,
        trading_day=D2,
        balance_fen=balance,
        margin_fen=margin,
        available_fen=available,
        margin_call_fen=max(-available, 0),
    )


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
            s.add(_balance(code, bal, mar, bal - mar))
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
def every_level(db: Database) -> None:
    """Two more clients on D2: C4 at a margin call (available < 0 at a 50 % ratio, as a
    floating-loss deduction leaves it), C5 in deficit (balance < 0)."""
    with db.sessions.begin() as s:
        s.add(Client(code="C4", member_code="0101", name="丁"))
        s.add(Client(code="C5", member_code="0101", name="戊"))
        s.flush()
        s.add(_balance("C4", 2_000_000, 1_000_000, -1_000_000))
        s.add(_balance("C5", -5_000, 0, -5_000))


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
    # 800,000 / 1,000,000; no margin; margin on a balance of zero (unbounded)
    assert frame["risk_ratio_ppm"].tolist() == [800_000, 0, RISK_RATIO_UNBOUNDED_PPM]
    assert frame["risk_level"].tolist() == [WARNING, NORMAL, FORCED_CLOSE]
    assert frame.loc[2, "margin_call_fen"] == 1_000


def test_accounts_frame_level_is_the_settings_classification_of_its_figures(
    session: Session, every_level: None
) -> None:
    for levels in (
        RiskLevels(),
        RiskLevels(warning_ppm=500_000, forced_close_ppm=900_000),
        RiskLevels(ratio_definition="one_minus_available_over_equity"),
    ):
        frame = queries.accounts_frame(session, D2, levels)
        ratio = levels.ratio(frame["margin_fen"], frame["balance_fen"], frame["available_fen"])
        assert frame["risk_ratio_ppm"].tolist() == ratio.tolist()
        want = levels.classify(ratio, frame["available_fen"], frame["balance_fen"])
        assert frame["risk_level"].tolist() == want.tolist()
    # the shipped setting when none is given
    assert queries.accounts_frame(session, D2).equals(
        queries.accounts_frame(session, D2, default_risk_levels())
    )


def test_at_risk_accounts_are_every_account_at_warning_or_worse(session: Session) -> None:
    frame = queries.at_risk_accounts(queries.accounts_frame(session, D2))
    assert list(frame["client_code"]) == ["C3", "C1"]  # forced close, then warning


def test_at_risk_accounts_order_by_level_then_ratio(session: Session, every_level: None) -> None:
    accounts = queries.accounts_frame(session, D2)
    frame = queries.at_risk_accounts(accounts)
    # C5 deficit; C3 forced close; C4 margin call at 50 %; C1 warning; C2 normal left out
    assert list(frame["client_code"]) == ["C5", "C3", "C4", "C1"]
    assert len(frame) == int((accounts["risk_level"] > NORMAL).sum())


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
    assert s.level_counts == {
        "normal": 1,
        "warning": 1,
        "margin_call": 0,
        "forced_close": 1,
        "deficit": 0,
    }
    assert s.at_risk_count == 2
    assert s.margin_call_fen == 1_000
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


def test_overview_counts_every_level_on_a_hand_made_book(
    session: Session, every_level: None
) -> None:
    s = queries.overview_summary(session, D2)
    assert s.level_counts == {
        "normal": 1,  # C2
        "warning": 1,  # C1: 80 %
        "margin_call": 1,  # C4: available −10,000.00 at a 50 % ratio
        "forced_close": 1,  # C3: margin on a balance of zero
        "deficit": 1,  # C5: balance −50.00
    }
    assert sum(s.level_counts.values()) == s.accounts_count == 5
    assert s.at_risk_count == 4
    # Σ max(0, −available) as stored: C3 10.00, C4 10,000.00, C5 50.00
    assert s.margin_call_fen == 1_000 + 1_000_000 + 5_000
    frame = queries.accounts_frame(session, D2)
    assert s.margin_call_fen == int(np.maximum(-frame["available_fen"], 0).sum())
    assert s.level_counts == RiskLevels.counts(frame["risk_level"])
