"""Daily settlement service on a real SQLite file (spec 2.d, 2.h, R26, 2.l).

The fixture reproduces worked example 2.d with two clients of member 0101: client K1
holds the soybean-meal book and the receipts, client K2 the iron-ore short, the
delivered a2405 shorts and a c2405 purchase matched two trading days before D.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db.engine import Database, open_database
from core.db.tables import (
    AuditLog,
    Client,
    ClientBalance,
    Contract,
    FundMovement,
    HedgeQuota,
    Member,
    Position,
    ReserveHistory,
    SettlementPrice,
    Trade,
    Warehouse,
    WarehouseReceipt,
)
from core.errors import OperationCancelledError
from core.progress import ProgressState
from core.rules.funds import PositionLine, Receipt
from core.rules.funds import Trade as RefTrade
from core.rules.settlement import (
    ExtraFee,
    SettlementParams,
    settle_client,
    settle_member,
)
from core.services.settlement import (
    DaySettlementParams,
    SettlementRefusedError,
    run_daily_settlement,
)

D = date(2024, 5, 10)  # Friday; prev 2024-05-09, two trading days back 2024-05-08
PREV = date(2024, 5, 9)
MATCH = date(2024, 5, 8)
MEMBER = "0101"
Y = 100  # fen per yuan


def _contract(code: str, product: str, month: date, tick: int, general: int) -> Contract:
    return Contract(
        code=code,
        product_code=product,
        delivery_month=month,
        tick_fen=tick,
        price_limit_ppm=40_000,
        general_margin_ppm=general,
        hedge_margin_ppm=general - 10_000,
    )


def _build(s: Session) -> None:
    s.add(Member(code=MEMBER, name="示例期货", kind="brokerage", min_reserve_fen=2_000_000 * Y))
    s.flush()
    s.add_all(
        [
            Client(code="K1", member_code=MEMBER, name="客户一"),
            Client(code="K2", member_code=MEMBER, name="客户二"),
            _contract("m2405", "m", date(2024, 5, 1), 100, 80_000),
            _contract("m2409", "m", date(2024, 9, 1), 100, 80_000),
            _contract("i2409", "i", date(2024, 9, 1), 50, 120_000),
            _contract("a2405", "a", date(2024, 5, 1), 100, 80_000),
            _contract("c2405", "c", date(2024, 5, 1), 100, 80_000),
            Warehouse(code="W1", name_zh="大连库", name_en="Dalian"),
        ]
    )
    s.flush()
    prices = {
        PREV: {"m2405": 3180, "m2409": 3200, "i2409": 800, "a2405": 4630, "c2405": 2400},
        D: {"m2405": 3190, "m2409": 3260, "i2409": 812, "a2405": 4600, "c2405": 2410},
    }
    for d, by in prices.items():
        for code, yuan in by.items():
            s.add(SettlementPrice(trading_day=d, contract_code=code, settlement_fen=yuan * Y))
    s.add_all(
        [
            # carried from D-1 (its settlement): 2.d table
            Position(
                trading_day=PREV,
                client_code="K1",
                contract_code="m2409",
                side="long",
                hedge=False,
                lots=200,
                today_lots=0,
                open_price_fen=3150 * Y,
                margin_fen=512_000 * Y,
            ),
            Position(
                trading_day=PREV,
                client_code="K2",
                contract_code="i2409",
                side="short",
                hedge=False,
                lots=100,
                today_lots=0,
                open_price_fen=790 * Y,
                margin_fen=960_000 * Y,
            ),
            Position(
                trading_day=PREV,
                client_code="K2",
                contract_code="a2405",
                side="short",
                hedge=False,
                lots=20,
                today_lots=0,
                open_price_fen=4650 * Y,
                margin_fen=185_200 * Y,
            ),
            ClientBalance(client_code="K1", trading_day=PREV, balance_fen=5_000_000 * Y),
            ClientBalance(client_code="K2", trading_day=PREV, balance_fen=4_000_000 * Y),
            ReserveHistory(
                member_code=MEMBER,
                trading_day=PREV,
                reserve_fen=8_000_000 * Y,
                margin_fen=1_657_200 * Y,
                offset_fen=512_000 * Y,
                cash_fen=9_145_200 * Y,
            ),
            # day D
            Trade(
                trade_no="T1",
                trading_day=D,
                client_code="K1",
                contract_code="m2409",
                side="long",
                action="close",
                lots=50,
                price_fen=3230 * Y,
                fee_fen=75 * Y,
            ),
            Trade(
                trade_no="T2",
                trading_day=D,
                client_code="K1",
                contract_code="m2409",
                side="long",
                action="open",
                lots=40,
                price_fen=3245 * Y,
                fee_fen=60 * Y,
            ),
            Trade(
                trade_no="T3",
                trading_day=D,
                client_code="K2",
                contract_code="a2405",
                side="short",
                action="deliver",
                lots=20,
                price_fen=4600 * Y,
                fee_fen=0,
            ),
            # c2405 purchase matched two trading days ago: paid on D
            Trade(
                trade_no="T0",
                trading_day=MATCH,
                client_code="K2",
                contract_code="c2405",
                side="long",
                action="deliver",
                lots=10,
                price_fen=2400 * Y,
                fee_fen=0,
            ),
            FundMovement(
                movement_no="F1",
                trading_day=D,
                member_code=MEMBER,
                client_code=None,
                kind="deposit",
                amount_fen=1_000_000 * Y,
            ),
            FundMovement(
                movement_no="F2",
                trading_day=D,
                member_code=MEMBER,
                client_code=None,
                kind="withdrawal",
                amount_fen=400_000 * Y,
            ),
            WarehouseReceipt(
                receipt_no="R1",
                product_code="m",
                warehouse_code="W1",
                member_code=MEMBER,
                holder_code="K1",
                lots=30,
                tons=300,
                registration_date=date(2024, 4, 20),
                status="margin",
                status_since=date(2024, 4, 22),
            ),
        ]
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'settle.sqlite'}")
    with database.sessions.begin() as s:
        _build(s)
    yield database
    database.engine.dispose()


def _rows(db: Database, day: date = D) -> dict[str, list[tuple[Any, ...]]]:
    with db.sessions() as s:
        pos = s.execute(
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
            .where(Position.trading_day == day)
            .order_by(Position.client_code, Position.contract_code, Position.side, Position.hedge)
        ).all()
        bal = (
            s.execute(
                select(ClientBalance)
                .where(ClientBalance.trading_day == day)
                .order_by(ClientBalance.client_code)
            )
            .scalars()
            .all()
        )
        res = (
            s.execute(select(ReserveHistory).where(ReserveHistory.trading_day == day))
            .scalars()
            .all()
        )
        cols_b = [c.name for c in ClientBalance.__table__.columns]
        cols_r = [c.name for c in ReserveHistory.__table__.columns if c.name != "settled_at"]
        return {
            "position": [tuple(r) for r in pos],
            "balance": [tuple(getattr(b, c) for c in cols_b) for b in bal],
            "reserve": [tuple(getattr(r, c) for c in cols_r) for r in res],
        }


# --------------------------------------------------------------------- example 2.d
def test_member_statement_reproduces_example_2d(db: Database) -> None:
    run, changes = run_daily_settlement(db, D, user="tester")
    m = run.member(MEMBER)
    assert m.prior_reserve_fen == 800_000_000
    assert m.margin_fen == 146_992_000  # 1,469,920.00
    assert m.offset_fen == 49_552_000  # 495,520.00
    assert m.close_pnl_fen == 2_100_000  # incl. the a2405 delivery difference
    assert m.position_pnl_fen == -2_400_000
    assert m.fees_fen == 13_500
    assert m.waived_fen == 20_000  # delivery fee 200.00 waived (2.k)
    assert m.deposits_fen == 100_000_000
    assert m.withdrawals_fen == 40_000_000
    assert m.delivery_fen == -24_000_000
    assert m.cash_fen == 950_206_500
    assert m.reserve_fen == 852_766_500  # 8,527,665.00
    assert m.interest_base_fen == 803_214_500
    assert m.margin_call_fen == 0
    assert not m.opening_banned
    assert not m.transfer_restricted
    assert m.identity_holds()
    assert changes.positions
    assert changes.balances
    assert changes.members
    assert changes.audit
    assert run.clients_settled == 2

    with db.sessions() as s:
        r = s.get(ReserveHistory, (MEMBER, D))
        assert r is not None
        assert (r.reserve_fen, r.margin_fen, r.offset_fen, r.cash_fen) == (
            852_766_500,
            146_992_000,
            49_552_000,
            950_206_500,
        )
        # reserve identity on the stored rows (spec 2.d)
        prev = s.get(ReserveHistory, (MEMBER, PREV))
        assert prev is not None
        assert r.cash_fen == (
            prev.cash_fen
            + r.close_pnl_fen
            + r.position_pnl_fen
            - r.fees_fen
            + r.delivery_fen
            + r.deposits_fen
            - r.withdrawals_fen
        )
        assert r.cash_fen == r.reserve_fen + r.margin_fen - r.offset_fen
        audit = s.execute(select(AuditLog).where(AuditLog.action == "settlement.run")).scalars()
        assert len(audit.all()) == 1


def test_client_rows_and_positions(db: Database) -> None:
    run_daily_settlement(db, D, user="tester")
    with db.sessions() as s:
        k1 = s.get(ClientBalance, ("K1", D))
        k2 = s.get(ClientBalance, ("K2", D))
        assert k1 is not None
        assert k2 is not None
        assert k1.balance_fen == 511_086_500  # 5,000,000 + 15,000 + 96,000 − 135
        assert k1.margin_fen == 49_552_000
        assert k1.offset_fen == 49_552_000
        assert k1.available_fen == 511_086_500
        assert k2.balance_fen == 364_600_000  # 4,000,000 + 6,000 − 120,000 − 240,000
        assert k2.delivery_fen == -24_000_000
        assert k2.waived_fen == 20_000
        assert k2.fees_fen == 0
        assert k2.margin_fen == 97_440_000
        assert k2.available_fen == 364_600_000 - 97_440_000
        assert k2.margin_call_fen == 0
        # Σ client flows = member flows (docs/settlement.md)
        r = s.get(ReserveHistory, (MEMBER, D))
        assert r is not None
        for col in (
            "close_pnl_fen",
            "position_pnl_fen",
            "fees_fen",
            "waived_fen",
            "delivery_fen",
            "margin_fen",
        ):
            assert getattr(k1, col) + getattr(k2, col) == getattr(r, col), col
    rows = _rows(db)["position"]
    # m2409: 150 historic at the prior average 3,150 + 40 opened at 3,245
    assert rows == [
        (
            "K1",
            "m2409",
            "long",
            False,
            190,
            40,
            (150 * 315_000 + 40 * 324_500 + 95) // 190,
            49_552_000,
        ),
        ("K2", "i2409", "short", False, 100, 0, 79_000, 97_440_000),
    ]


def test_vectorised_equals_decimal_reference(db: Database) -> None:
    run, _ = run_daily_settlement(db, D, user="tester")
    m_line = PositionLine(
        "m2409",
        "m",
        10,
        "long",
        False,
        Decimal(3200),
        Decimal("0.08"),
        200,
        trades=(
            RefTrade("close", 50, Decimal(3230), 7500),
            RefTrade("open", 40, Decimal(3245), 6000),
        ),
        settlement=Decimal(3260),
    )
    i_line = PositionLine(
        "i2409",
        "i",
        100,
        "short",
        False,
        Decimal(800),
        Decimal("0.12"),
        100,
        settlement=Decimal(812),
    )
    a_line = PositionLine(
        "a2405",
        "a",
        10,
        "short",
        False,
        Decimal(4630),
        Decimal("0.20"),
        20,
        trades=(RefTrade("deliver", 20, Decimal(4600), 0),),
        settlement=Decimal(4600),
    )
    receipts = [Receipt("m", 300, Decimal(3180))]
    fee = ExtraFee("delivery", 0, 20_000)
    ref = settle_member(
        800_000_000,
        165_720_000,
        51_200_000,
        [m_line, i_line, a_line],
        receipts,
        deposits_fen=100_000_000,
        withdrawals_fen=40_000_000,
        delivery_payments_fen=[-24_000_000],
        extra_fees=[fee],
        params=SettlementParams(),
    )
    m = run.member(MEMBER)
    for name in (
        "margin_fen",
        "offset_fen",
        "close_pnl_fen",
        "position_pnl_fen",
        "fees_fen",
        "waived_fen",
        "cash_fen",
        "interest_base_fen",
        "margin_call_fen",
        "opening_banned",
        "transfer_restricted",
    ):
        assert getattr(m, name) == getattr(ref, name), name
    assert m.reserve_fen == ref.reserve_fen
    assert m.delivery_fen == ref.delivery_fen
    k1 = settle_client(500_000_000, [m_line], receipts)
    k2 = settle_client(
        400_000_000, [i_line, a_line], delivery_payments_fen=[-24_000_000], extra_fees=[fee]
    )
    with db.sessions() as s:
        for code, ref_c in (("K1", k1), ("K2", k2)):
            row = s.get(ClientBalance, (code, D))
            assert row is not None
            assert row.balance_fen == ref_c.balance_fen
            assert row.margin_fen == ref_c.margin_fen
            assert row.offset_fen == ref_c.offset_used_fen
            assert row.available_fen == ref_c.available_fen
            assert row.close_pnl_fen == ref_c.close_pnl_fen
            assert row.position_pnl_fen == ref_c.position_pnl_fen
            assert row.fees_fen == ref_c.fees_fen
            assert row.margin_call_fen == ref_c.required_top_up_fen


# --------------------------------------------------------------------- refusals
def _counts(db: Database) -> tuple[int, int, int]:
    with db.sessions() as s:
        return (
            len(s.execute(select(Position.id).where(Position.trading_day == D)).all()),
            len(
                s.execute(
                    select(ClientBalance.client_code).where(ClientBalance.trading_day == D)
                ).all()
            ),
            len(
                s.execute(
                    select(ReserveHistory.member_code).where(ReserveHistory.trading_day == D)
                ).all()
            ),
        )


def test_refuses_missing_and_off_tick_prices_listing_each(db: Database) -> None:
    with db.sessions.begin() as s:
        s.execute(
            update(SettlementPrice)
            .where(SettlementPrice.trading_day == D, SettlementPrice.contract_code == "i2409")
            .values(settlement_fen=81_225)  # 812.25: i ticks by 0.50
        )
        missing = s.get(SettlementPrice, (D, "m2409"))
        s.delete(missing)
    with pytest.raises(SettlementRefusedError) as info:
        run_daily_settlement(db, D, user="tester")
    fields = {e.field for e in info.value.errors}
    assert {"m2409", "i2409"} <= fields
    text = "\n".join(info.value.problems)
    assert "no settlement price" in text
    assert "off the tick" in text
    assert not info.value.bad_input
    assert _counts(db) == (0, 0, 0)


def test_refuses_non_trading_day_and_missing_prior_day(db: Database) -> None:
    with pytest.raises(SettlementRefusedError) as info:
        run_daily_settlement(db, date(2024, 5, 11), user="tester")  # Saturday
    assert info.value.bad_input
    with pytest.raises(SettlementRefusedError) as info2:
        run_daily_settlement(db, date(2024, 5, 14), user="tester")  # prev 05-13: empty
    assert "no positions" in info2.value.problems[0]
    assert not info2.value.bad_input


def test_refuses_over_close(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(
            Trade(
                trade_no="T9",
                trading_day=D,
                client_code="K2",
                contract_code="i2409",
                side="short",
                action="close",
                lots=500,
                price_fen=81_000,
            )
        )
    with pytest.raises(SettlementRefusedError) as info:
        run_daily_settlement(db, D, user="tester")
    assert info.value.errors[0].field == "i2409"
    assert _counts(db) == (0, 0, 0)


# --------------------------------------------------------------------- idempotency, cancel
def test_rerun_is_identical_and_corrected_price_replaces(db: Database) -> None:
    run_daily_settlement(db, D, user="tester")
    first = _rows(db)
    run_daily_settlement(db, D, user="tester")
    assert _rows(db) == first
    with db.sessions.begin() as s:
        s.execute(
            update(SettlementPrice)
            .where(SettlementPrice.trading_day == D, SettlementPrice.contract_code == "m2409")
            .values(settlement_fen=327_000)
        )
    run, _ = run_daily_settlement(db, D, user="tester")
    again = _rows(db)
    assert again != first
    assert len(again["position"]) == len(first["position"])
    # m 190 × 3,270 × 10 × 8 % = 497,040.00
    assert again["position"][0][7] == 49_704_000
    assert run.member(MEMBER).position_pnl_fen == -2_400_000 + 190 * 10 * 10 * Y


def test_cancel_rolls_back(db: Database) -> None:
    run_daily_settlement(db, D, user="tester")
    before = _rows(db)

    class CancelAtWrite(ProgressState):
        def report(self, stage: str, done: int, total: int | None = None) -> None:
            if stage == "write" and done > 0:
                self.cancel()
            super().report(stage, done, total)

    with db.sessions.begin() as s:
        s.execute(
            update(SettlementPrice)
            .where(SettlementPrice.trading_day == D, SettlementPrice.contract_code == "m2409")
            .values(settlement_fen=330_000)
        )
    with pytest.raises(OperationCancelledError):
        run_daily_settlement(db, D, user="tester", progress=CancelAtWrite())
    assert _rows(db) == before


def test_progress_reports_stages_and_dry_run_writes_nothing(db: Database) -> None:
    seen: list[str] = []

    class Recorder(ProgressState):
        def report(self, stage: str, done: int, total: int | None = None) -> None:
            if not seen or seen[-1] != stage:
                seen.append(stage)
            super().report(stage, done, total)

    run, changes = run_daily_settlement(db, D, user="t", progress=Recorder(), dry_run=True)
    assert seen == ["read", "compute"]
    assert run.dry_run
    assert not changes.any
    assert run.member(MEMBER).reserve_fen == 852_766_500
    assert _counts(db) == (0, 0, 0)
    run_daily_settlement(db, D, user="t", progress=Recorder())
    assert seen[-1] == "write"


# --------------------------------------------------------------------- 2.h, R26
def test_hedge_conversion_on_quota_first_day(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(
            HedgeQuota(
                client_code="K1",
                contract_code="m2409",
                side="long",
                lots=120,
                period_start=D,
                period_end=date(2024, 8, 30),
            )
        )
    run, _ = run_daily_settlement(db, D, user="tester")
    (conv,) = run.conversions
    assert (conv.converted, conv.quota_remaining) == (120, 0)
    rows = {(r[0], r[1], r[3]): r for r in _rows(db)["position"]}
    spec = rows[("K1", "m2409", False)]
    hedge = rows[("K1", "m2409", True)]
    assert spec[4] == 70
    assert hedge[4] == 120
    assert hedge[5] == 120
    assert hedge[6] == 326_000
    # hedge rate 7 %: 120 × 3,260 × 10 × 7 % = 273,840.00; spec 70 × 3,260 × 10 × 8 %
    assert hedge[7] == 27_384_000
    assert spec[7] == 18_256_000
    # no fee, no extra P&L: the member's P&L is unchanged
    m = run.member(MEMBER)
    assert m.close_pnl_fen + m.position_pnl_fen == 2_100_000 - 2_400_000
    assert m.fees_fen == 13_500


def test_opening_ban_when_reserve_negative(db: Database) -> None:
    with db.sessions.begin() as s:
        s.add(
            FundMovement(
                movement_no="F3",
                trading_day=D,
                member_code=MEMBER,
                client_code=None,
                kind="withdrawal",
                amount_fen=9_000_000 * Y,
            )
        )
    run, _ = run_daily_settlement(db, D, user="tester")
    m = run.member(MEMBER)
    assert m.reserve_fen == 852_766_500 - 900_000_000 < 0
    assert m.opening_banned
    assert m.transfer_restricted
    assert m.margin_call_fen == 200_000_000 - m.reserve_fen
    assert m.offset_fen == 49_552_000
    with db.sessions() as s:
        r = s.get(ReserveHistory, (MEMBER, D))
        assert r is not None
        assert r.opening_banned
        assert r.transfer_restricted


# --------------------------------------------------------------------- demo data
def test_resettle_demo_small_last_day(tmp_path: Path) -> None:
    from core.demo import DEMO_MEMBER_CODE
    from core.services.demo import create_demo_data

    db = open_database(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    try:
        summary, _ = create_demo_data(db, scale="small", clients=60, user="tester")
        day = summary.end_day
        generated = _rows(db, day)
        run, _ = run_daily_settlement(db, day, user="tester")
        # the generator's day-D figures follow the same rules: re-settling reproduces
        # every balance and the reserve; open prices differ only by its tick rounding
        settled = _rows(db, day)
        assert settled["balance"] == generated["balance"]
        assert settled["reserve"] == generated["reserve"]
        strip = [r[:6] + r[7:] for r in generated["position"]]
        assert [r[:6] + r[7:] for r in settled["position"]] == strip
        assert run.clients_settled > 0
        assert run.position_lines > 0
        for m in run.members:
            assert m.identity_holds()
        with db.sessions() as s:
            pos = s.execute(select(Position.lots).where(Position.trading_day == day)).all()
            assert len(pos) == run.position_lines
            total = sum(
                b.margin_fen
                for b in s.execute(
                    select(ClientBalance).where(ClientBalance.trading_day == day)
                ).scalars()
            )
            r = s.get(ReserveHistory, (DEMO_MEMBER_CODE, day))
            assert r is not None
            assert r.margin_fen == total
        first = _rows(db, day)
        run_daily_settlement(db, day, user="tester")
        assert _rows(db, day) == first
    finally:
        db.engine.dispose()


def test_params_without_cap_and_haircut(db: Database) -> None:
    run, _ = run_daily_settlement(
        db, D, user="t", params=DaySettlementParams(haircut_ppm=100_000, cash_cap_ppm=None)
    )
    # 300 t × 3,180 × 10 % = 95,400.00 < m margin 495,520.00
    assert run.member(MEMBER).offset_fen == 9_540_000


def test_firm_addon_raises_client_margins_not_the_members(db: Database) -> None:
    """Spec 2.a: client rate = exchange rate + the firm's add-on. Client statements
    margin at the client rate; the member's exchange figures and the stored position
    margins stay at the exchange rate (so Σ clients exceeds the member by the add-on)."""
    base, _ = run_daily_settlement(db, D, user="t")
    base_rows = _rows(db)
    run, _ = run_daily_settlement(
        db, D, user="t", params=DaySettlementParams(firm_margin_addon_ppm=20_000)
    )
    with db.sessions() as s:
        k1 = s.get(ClientBalance, ("K1", D))
        k2 = s.get(ClientBalance, ("K2", D))
        assert k1 is not None
        assert k2 is not None
        # m2409 190 lots × 10 t × 3,260 × (8 % + 2 %); i2409 100 × 100 t × 812 × (12 % + 2 %)
        assert k1.margin_fen == 61_940_000
        assert k2.margin_fen == 113_680_000
        assert k2.available_fen == k2.balance_fen - k2.margin_fen
        assert k2.balance_fen == 364_600_000  # balances do not depend on margin
    assert run.member(MEMBER) == base.member(MEMBER)
    after = _rows(db)
    assert after["position"] == base_rows["position"]  # exchange margins
    assert after["reserve"] == base_rows["reserve"]
