"""Risk-action services on a small SQLite database: the spec's worked examples 2.e–2.k."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.changes import Changes
from core.db import risk_queries as rq
from core.db.delivery_tables import DeliveryMatch, EfpRecord
from core.db.tables import (
    Client,
    ClosingOrder,
    Contract,
    Member,
    Position,
    ReserveHistory,
    SettlementPrice,
    Warehouse,
    WarehouseReceipt,
)
from core.errors import InputError
from core.money import ratio_bp
from core.rules.forced_liquidation import preview_forced_liquidation
from core.services import delivery, limits, liquidation, receipts, reduction
from core.services.store import Database, Reader, open_database
from core.trading_calendar import default_calendar

D1, D2, D3 = date(2024, 7, 10), date(2024, 7, 11), date(2024, 7, 12)
DAY = date(2024, 7, 15)  # liquidation, limits and delivery day; latest day with prices
MEMBER_A, MEMBER_B = "0101", "0102"

# spec 2.e: (client, side, lots, open price yuan, hedge)
REDUCTION_LINES = [
    ("A", "long", 10, 3300, False),
    ("B", "long", 5, 3260, False),
    ("C", "long", 3, 3220, False),
    ("E", "long", 5, 3120, False),
    ("F", "long", 8, 3250, False),
    ("F", "short", 6, 3150, False),
    ("X", "short", 5, 3260, False),
    ("Y", "short", 4, 3200, False),
    ("Z", "short", 60, 3120, False),
    ("Z", "long", 7, 3080, False),
    ("W", "short", 71, 3130, False),
    ("V", "short", 36, 3100, False),
    ("U", "short", 50, 3050, False),
    ("H", "short", 30, 3400, True),
]
REDUCTION_ORDERS = [("A", 7), ("B", 5), ("C", 3), ("E", 5), ("F", 8)]
EXPECTED_FILLS = {"A": 7, "B": 5, "C": 3, "F": 2}
EXPECTED_REDUCED = {"X": 5, "Y": 4, "Z": 3, "W": 3, "V": 2}

# spec 2.f: (client, contract, side, lots, margin per lot in fen)
LIQUIDATION_LINES = [
    ("C1", "m2409", "long", 520, 360_000),
    ("C1", "i2409", "short", 390, 1_066_000),
    ("C2", "y2409", "long", 300, 702_000),
    ("C3", "c2409", "short", 800, 188_000),
    ("C3", "jm2409", "long", 150, 1_350_000),
]
# contract: (product, settlement on DAY in fen, general margin ppm)
CONTRACTS = {
    "m2409": ("m", 300_000, 120_000),
    "i2409": ("i", 82_000, 130_000),
    "y2409": ("y", 780_000, 90_000),
    "c2409": ("c", 235_000, 80_000),
    "jm2409": ("jm", 150_000, 150_000),
    "a2409": ("a", 450_000, 80_000),
    "m2407": ("m", 310_000, 120_000),
}


def _add(db: Database, *rows: object) -> None:
    """Store ``rows`` (ORM instances) in a transaction of their own."""
    with db.sessions.begin() as session:
        session.add_all(rows)


def build_risk_db(path: Path) -> None:
    """The fixture data set of these tests, written through the ORM."""
    db = open_database(f"sqlite:///{path}")
    try:
        with db.sessions.begin() as s:
            _populate(s)
    finally:
        db.engine.dispose()


def _populate(s: Session) -> None:
    s.add(Member(code=MEMBER_A, name="甲期货", kind="brokerage", min_reserve_fen=200_000_000))
    s.add(Member(code=MEMBER_B, name="乙期货", kind="brokerage", min_reserve_fen=200_000_000))
    for code, (product, _, rate) in CONTRACTS.items():
        month = 7 if code == "m2407" else 9
        s.add(
            Contract(
                code=code,
                product_code=product,
                delivery_month=date(2024, month, 1),
                last_trading_day=D3 if code == "m2407" else date(2024, 9, 13),
                tick_fen=100,
                price_limit_ppm=40_000,
                general_margin_ppm=rate,
                hedge_margin_ppm=rate,
            )
        )
    s.flush()
    reduction_clients = sorted({c for c, *_ in REDUCTION_LINES})
    for code in [*reduction_clients, "S1", "L1", "L2", "K", "P1", "P2"]:
        s.add(Client(code=code, member_code=MEMBER_A, name=f"客户{code}", is_individual=False))
    for code in ("C1", "C2", "C3"):
        s.add(Client(code=code, member_code=MEMBER_B, name=f"客户{code}", is_individual=False))
    s.flush()

    # ---- 2.e: m2409 limit-down on D1..D3 at 3,000; m2407 locked too, D3 is its LTD.
    for contract in ("m2409", "m2407"):
        for d in (D1, D2, D3):
            s.add(
                SettlementPrice(
                    trading_day=d,
                    contract_code=contract,
                    settlement_fen=300_000,
                    upper_limit_fen=324_000,
                    lower_limit_fen=300_000,
                    limit_lock="limit_down",
                    open_interest=10_000,
                    volume=100,
                )
            )
    for client, side, lots, price, hedge in REDUCTION_LINES:
        s.add(
            Position(
                trading_day=D3,
                client_code=client,
                contract_code="m2409",
                side=side,
                hedge=hedge,
                lots=lots,
                open_price_fen=price * 100,
                margin_fen=lots * 360_000,
            )
        )
    for i, (client, lots) in enumerate(REDUCTION_ORDERS, start=1):
        s.add(
            ClosingOrder(
                order_no=f"O{i:03d}",
                trading_day=D3,
                client_code=client,
                contract_code="m2409",
                side="long",
                lots=lots,
                price_fen=300_000,
            )
        )
    # Not qualifying: another price, another day.
    s.add(
        ClosingOrder(
            order_no="O900",
            trading_day=D3,
            client_code="B",
            contract_code="m2409",
            side="long",
            lots=4,
            price_fen=301_000,
        )
    )
    s.add(
        ClosingOrder(
            order_no="O901",
            trading_day=D2,
            client_code="C",
            contract_code="m2409",
            side="long",
            lots=2,
            price_fen=300_000,
        )
    )
    s.add(
        Position(
            trading_day=D3,
            client_code="A",
            contract_code="m2407",
            side="long",
            lots=1,
            open_price_fen=320_000,
        )
    )

    # ---- DAY: prices of every contract (no lock); y2409 carries limit prices.
    for code, (_, settle, _) in CONTRACTS.items():
        if code == "m2407":
            continue
        s.add(
            SettlementPrice(
                trading_day=DAY,
                contract_code=code,
                settlement_fen=settle,
                upper_limit_fen=settle * 104 // 100,
                lower_limit_fen=settle * 96 // 100,
                limit_lock="none",
                open_interest=180_000 if code == "a2409" else 50_000,
                volume=1_000,
            )
        )
    # ---- 2.f: member B, reserve -600,000.00 after DAY's settlement.
    for client, contract, side, lots, per_lot in LIQUIDATION_LINES:
        s.add(
            Position(
                trading_day=DAY,
                client_code=client,
                contract_code=contract,
                side=side,
                lots=lots,
                open_price_fen=CONTRACTS[contract][1],
                margin_fen=lots * per_lot,
            )
        )
    s.add(
        ReserveHistory(
            member_code=MEMBER_B,
            trading_day=DAY,
            reserve_fen=-60_000_000,
            margin_fen=1_166_440_000,
            offset_fen=0,
            cash_fen=1_106_440_000,
            opening_banned=True,
        )
    )
    s.add(
        ReserveHistory(
            member_code=MEMBER_A,
            trading_day=DAY,
            reserve_fen=500_000_000,
            margin_fen=0,
            offset_fen=0,
            cash_fen=500_000_000,
        )
    )
    # ---- 2.g: a2409 at OI 180,000: L1 21,000 spec + 5,000 hedge long (over by 1,000),
    # L2 16,500 spec short (82.5 %: near the limit).
    for client, side, hedge, lots in (
        ("L1", "long", False, 21_000),
        ("L1", "long", True, 5_000),
        ("L2", "short", False, 16_500),
        ("L2", "long", False, 100),
    ):
        s.add(
            Position(
                trading_day=DAY,
                client_code=client,
                contract_code="a2409",
                side=side,
                hedge=hedge,
                lots=lots,
                open_price_fen=450_000,
            )
        )

    # ---- 2.i and 2.j: warehouses and receipts
    for code, zh, en, city in (
        ("W1", "大连库", "Dalian store", "Dalian"),
        ("W2", "日照库", "Rizhao store", "Rizhao"),
        ("WA", "甲库", "Store A", "Dalian"),
        ("WB", "乙库", "Store B", "Dalian"),
        ("WC", "丙库", "Store C", "Dalian"),
    ):
        s.add(Warehouse(code=code, name_zh=zh, name_en=en, city=city))
    s.flush()
    receipts_rows = [
        # receipt, product, warehouse, holder, lots, tons, produced, registered, status
        ("RK1", "m", "W1", "K", 30, 300, None, date(2025, 1, 10), "held"),
        ("RK2", "m", "W2", "K", 20, 200, None, date(2025, 1, 10), "margin"),
        ("RC1", "c", "W1", "P1", 10, 100, None, date(2025, 1, 6), "held"),
        ("RM1", "m", "W1", "P2", 10, 100, None, date(2024, 6, 3), "held"),
        ("RM45", "m", "W2", "P1", 1, 10, date(2024, 10, 10), date(2024, 11, 20), "held"),
        ("RM50", "m", "W2", "P2", 1, 10, date(2024, 10, 1), date(2024, 11, 20), "held"),
        ("RS1", "m", "WA", "S1", 30, 300, None, date(2024, 6, 3), "held"),
        ("RS2", "m", "WB", "S1", 20, 200, None, date(2024, 6, 3), "held"),
        ("RS3", "m", "WC", "S1", 10, 100, None, date(2024, 6, 3), "held"),
        ("RSX", "m", "WC", "S1", 5, 50, None, date(2024, 6, 3), "cancelled"),
    ]
    for no, product, wh, holder, lots, tons, produced, registered, status in receipts_rows:
        s.add(
            WarehouseReceipt(
                receipt_no=no,
                product_code=product,
                warehouse_code=wh,
                member_code=MEMBER_A,
                holder_code=holder,
                lots=lots,
                tons=tons,
                production_date=produced,
                registration_date=registered,
                status=status,
            )
        )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("risk") / "template.sqlite"
    build_risk_db(path)
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "risk.sqlite"
    shutil.copy(template_db, target)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.engine.dispose()


@pytest.fixture
def reader(db: Database) -> Iterator[Reader]:
    with db.reader() as r:
        yield r


def audit_actions(db: Database) -> list[str]:
    with db.reader() as r:
        return [e.action for e in audit.recent(r.session, 100)]


# --------------------------------------------------------------------- 2.e reduction
def test_reduction_reproduces_spec_2e(reader: Reader) -> None:
    result = reduction.preview_reduction(reader, "m2409", D3)
    assert (result.d1, result.d2, result.d3) == (D1, D2, D3)
    assert result.direction.value == "limit_down"
    rows = result.rows.set_index("client_code")
    declared = rows[rows["role"] == "declared"]
    assert dict(declared["closed_lots"]) == EXPECTED_FILLS
    assert dict(declared["declared_lots"]) == {"A": 7, "B": 5, "C": 3, "F": 2}
    profitable = rows[(rows["role"] == "profitable") & (rows["closed_lots"] > 0)]
    assert dict(profitable["closed_lots"]) == EXPECTED_REDUCED
    assert rows.loc["E", "role"] == "none"  # loss below X: order does not qualify
    assert rows.loc["E", "order_lots"] == 5
    assert rows.loc["A", "unit_pnl_bp"] == -1_000  # -10.00 %
    assert rows.loc["Z", "unit_pnl_bp"] == 418  # 4.18 %
    assert rows.loc["Z", "pnl_fen"] == 6_640_000
    assert result.unfilled_lots == 0
    assert "loss_threshold" in result.unverified
    assert "tier_bounds" in result.unverified
    assert result.status == "reduction will run"
    assert result.filled_lots == 17
    assert audit.recent(reader.session, 10) == []  # a preview is a read: no audit entry


def test_reduction_half_up_comparison_overshoots(reader: Reader) -> None:
    result = reduction.preview_reduction(reader, "m2409", D3, rounding="half_up")
    rows = result.rows.set_index("client_code")
    # spec 2.e tables, old rule: tier 2 gives Z 3, W 4, V 2 (overshoots by 1).
    assert rows.loc["W", "closed_half_up"] == 4
    assert rows.loc["W", "closed_largest_remainder"] == 3
    assert result.overshoot_half_up >= 1
    assert result.rounding == "half_up"
    assert rows.loc["W", "closed_lots"] == 4


def test_reduction_explains_one_client(reader: Reader) -> None:
    result = reduction.preview_reduction(reader, "m2409", D3)
    text = "\n".join(result.explain("A"))
    assert "declared" in text
    assert "tier 1" in text
    assert "3.7059" in text
    with pytest.raises(InputError, match="no position"):
        result.explain("NOBODY")


def test_reduction_refuses_when_d3_is_last_trading_day(reader: Reader) -> None:
    with pytest.raises(InputError, match="last trading day"):
        reduction.preview_reduction(reader, "m2407", D3)


@pytest.mark.parametrize(
    ("contract", "day", "message"),
    [
        pytest.param("zz9999", D3, "unknown contract", id="unknown"),
        pytest.param("m2409", D2, "no forced-reduction trigger", id="only-two-days"),
        pytest.param("a2409", D3, "no settlement price", id="no-price"),
    ],
)
def test_reduction_errors(reader: Reader, contract: str, day: date, message: str) -> None:
    with pytest.raises(InputError, match=message):
        reduction.preview_reduction(reader, contract, day)


def test_reduction_as_if_d3_takes_the_limit_price(reader: Reader) -> None:
    result = reduction.preview_reduction(reader, "y2409", DAY, as_if_d3="limit_up")
    assert result.as_if_d3
    assert result.settlement_fen == 780_000 * 104 // 100
    assert result.declared_lots == 0
    assert result.status == "nothing to reduce"


def test_reduction_overrides_change_who_qualifies(reader: Reader) -> None:
    over = reduction.ReductionOverrides(loss_threshold=Fraction(3, 100))
    result = reduction.preview_reduction(reader, "m2409", D3, overrides=over)
    rows = result.rows.set_index("client_code")
    assert rows.loc["E", "declared_lots"] == 5  # E's 4 % loss now qualifies
    bad = reduction.ReductionOverrides(tier_bounds=(Fraction(1, 100), Fraction(2, 100)))
    with pytest.raises(InputError, match="descending"):
        reduction.preview_reduction(reader, "m2409", D3, overrides=bad)


# --------------------------------------------------------------------- 2.f liquidation
def test_liquidation_reproduces_spec_2f(reader: Reader) -> None:
    result = liquidation.preview_liquidation(reader, MEMBER_B, DAY)
    assert result.reserve_fen == -60_000_000
    assert result.reserve_source == "history"
    clients = result.clients.set_index("client_code")
    assert dict(clients["release_fen"]) == {
        "C1": 31_014_369,
        "C2": 10_832_962,
        "C3": 18_152_670,
    }
    lines = result.lines.set_index(["client_code", "contract_code"])["close_lots"]
    assert dict(lines) == {  # the default largest-remainder method (spec 2.f, Q13)
        ("C1", "i2409"): 20,
        ("C1", "m2409"): 27,
        ("C2", "y2409"): 15,
        ("C3", "c2409"): 41,
        ("C3", "jm2409"): 8,
    }
    assert result.preview.total_released_fen == 60_078_000
    assert result.opening_banned
    assert str(result.preview.ratio_decimal()).startswith("0.0514385652")
    scen = result.scenarios.set_index(["requirement", "lots_method"])
    assert scen.loc[("to_min_reserve", "same_ratio"), "required_fen"] == 260_000_000
    assert scen.loc[("to_zero", "same_ratio"), "released_fen"] == 62_034_000
    assert scen.loc[("to_zero", "fewest_lots"), "released_fen"] >= 60_000_000
    assert "min_reserve" in result.unverified
    assert audit.recent(reader.session, 10) == []  # a preview is a read: no audit entry


def test_liquidation_methods_compared_with_released_over_required(reader: Reader) -> None:
    """Spec 2.f example, required 600,000.00: largest remainder releases 600,780.00
    (100.13 %, over by 780.00, less than one lot of the last line given one: jm at
    13,500.00); same ratio 620,340.00 (103.39 %); neither above the firm's 110 %."""
    result = liquidation.preview_liquidation(reader, MEMBER_B, DAY)
    scen = result.scenarios.set_index(["requirement", "lots_method"]).loc["to_zero"]
    lr, same = scen.loc["largest_remainder"], scen.loc["same_ratio"]
    assert (lr["released_fen"], lr["released_ratio_bp"], lr["over_release_fen"]) == (
        60_078_000,
        10_013,
        78_000,
    )
    assert (lr["close_lots"], lr["lines"]) == (27 + 20 + 15 + 41 + 8, 5)
    assert lr["over_release_fen"] < 1_350_000
    assert (same["released_fen"], same["released_ratio_bp"], same["over_release_fen"]) == (
        62_034_000,
        10_339,
        2_034_000,
    )
    assert not scen["is_over"].any()
    assert result.released_ratio_bp == 10_013
    assert result.over_release_fen == 78_000
    assert result.warn_above_bp == 11_000  # the firm's one threshold ([client_forced_close])
    assert not result.is_over
    # a ratio below one: every client's share can be released in full
    clients = result.clients.set_index("client_code")
    assert (clients["releasable_fen"] == clients["release_fen"]).all()
    assert (clients["shortfall_fen"] == 0).all()


def test_liquidation_release_beyond_the_margin_shows_the_shortfall(reader: Reader) -> None:
    """A reserve of −20,000,000.00 against 11,664,400.00 of margin: ratio > 1, each
    client's share stays uncapped (spec 2.f); what its margin can release and the rest
    are shown beside it; every line closes."""
    result = liquidation.preview_liquidation(reader, MEMBER_B, DAY, reserve_fen=-2_000_000_000)
    clients = result.clients.set_index("client_code")
    assert clients.loc["C2", "margin_fen"] == 210_600_000
    # 2,106,000.00 × 20,000,000.00 ÷ 11,664,400.00 = 3,610,987.2775…, rounded up
    assert clients.loc["C2", "release_fen"] == 361_098_728
    assert clients.loc["C2", "releasable_fen"] == 210_600_000
    assert clients.loc["C2", "shortfall_fen"] == 361_098_728 - 210_600_000
    assert result.preview.shortfall_fen == 2_000_000_000 - 1_166_440_000
    assert (result.lines["close_lots"] == result.lines["lots"]).all()
    assert result.released_ratio_bp == ratio_bp(1_166_440_000, 2_000_000_000)
    assert result.over_release_fen == 1_166_440_000 - 2_000_000_000


def test_liquidation_reads_the_book_margins_once_for_every_method(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both readings × three lot methods from one computation of the clients' margins
    (issue #17: the comparison recomputed them per method); each scenario row is what
    a whole preview of that method gives."""
    calls: list[int] = []
    real = liquidation.book_margins

    def counted(book: Any) -> Any:
        calls.append(len(book.clients))
        return real(book)

    monkeypatch.setattr(liquidation, "book_margins", counted)
    result = liquidation.preview_liquidation(reader, MEMBER_B, DAY)
    assert calls == [3]
    assert len(result.scenarios) == 6
    for row in result.scenarios.itertuples(index=False):
        alone = preview_forced_liquidation(
            result.preview.book,
            result.reserve_fen,
            params=replace(result.params, requirement=row.requirement, lots_method=row.lots_method),
        )
        assert (row.required_fen, row.released_fen, row.close_lots) == (
            alone.required_fen,
            alone.total_released_fen,
            int(alone.line_lots.sum()),
        )


def test_liquidation_deposit_and_given_reserve(reader: Reader) -> None:
    result = liquidation.preview_liquidation(reader, MEMBER_B, DAY, deposit_fen=60_000_000)
    assert result.preview.required_fen == 0
    assert not result.is_triggered
    # R26: the stored ban holds while the reserve is below the minimum.
    assert result.opening_banned
    assert result.below_min_reserve
    given = liquidation.preview_liquidation(
        reader, MEMBER_B, DAY, reserve_fen=-100, requirement="to_zero"
    )
    assert given.reserve_source == "given"
    assert given.preview.required_fen == 100


def test_liquidation_recomputed_margin_matches_spec(reader: Reader) -> None:
    result = liquidation.preview_liquidation(reader, MEMBER_B, DAY, margin_source="recomputed")
    per_lot = result.lines.set_index("contract_code")["margin_per_lot_fen"]
    # S × mult × rate_settle: the general-month rate of each contract in July.
    assert per_lot["m2409"] == 360_000
    assert per_lot["jm2409"] == 1_350_000


def test_liquidation_errors(reader: Reader) -> None:
    with pytest.raises(InputError, match="several members"):
        liquidation.preview_liquidation(reader, None, DAY)
    with pytest.raises(InputError, match="unknown member"):
        liquidation.preview_liquidation(reader, "9999", DAY)
    with pytest.raises(InputError, match="no reserve history"):
        liquidation.preview_liquidation(reader, MEMBER_B, D3)


# --------------------------------------------------------------------- 2.g limits
def test_limits_report_spec_2g(reader: Reader) -> None:
    result = limits.limits_report(reader, DAY)
    rows = result.rows.set_index(["client_code", "contract_code", "side"])
    over = rows.loc[("L1", "a2409", "long")]
    assert (over["limit_lots"], over["excess_lots"], over["status"]) == (20_000, 1_000, "over")
    assert over["hedge_lots"] == 5_000
    assert over["speculative_lots"] == 21_000
    near = rows.loc[("L2", "a2409", "short")]
    assert (near["status"], near["usage_bp"]) == ("near", 8_250)  # 82.50 %
    assert rows.loc[("L2", "a2409", "long"), "status"] == "ok"
    assert list(result.flagged["client_code"]) == ["L1", "L2"]
    no_data = result.no_data.set_index("contract_code")
    assert {"i2409", "y2409", "c2409", "jm2409"} <= set(no_data.index)
    assert "no limit data" in no_data.loc["i2409", "reason"]
    assert "m2409" in set(result.rows["contract_code"])  # seed m data exists


def test_limits_warn_level_and_pre_trade(reader: Reader) -> None:
    result = limits.limits_report(reader, DAY, warn_level=Fraction(9, 10))
    assert list(result.flagged["client_code"]) == ["L1"]
    with pytest.raises(InputError):
        limits.limits_report(reader, DAY, warn_level=Fraction(3, 2))
    check = limits.check_pre_trade(reader, "L2", "a2409", "short", 4_000)
    assert not check.allowed
    assert check.check.limit == 20_000
    ok = limits.check_pre_trade(reader, "L2", "a2409", "short", 3_500)
    assert ok.allowed
    assert ok.check.is_near_limit
    hedge = limits.check_pre_trade(reader, "L1", "a2409", "long", 10, hedge=True)
    assert hedge.allowed
    nodata = limits.check_pre_trade(reader, "C1", "i2409", "short", 10)
    assert nodata.allowed
    assert nodata.lookup.warning
    assert "no limit data" in nodata.lookup.warning


# --------------------------------------------------------------------- 2.i receipts
@pytest.mark.parametrize(
    ("receipt", "day", "version", "deadline"),
    [
        pytest.param("RC1", date(2025, 3, 20), "seed", date(2025, 3, 31), id="2.i-corn-seed"),
        pytest.param("RM1", date(2024, 12, 2), "seed", date(2024, 12, 30), id="2.i-meal-seed"),
        pytest.param("RK1", date(2025, 1, 10), "current", date(2025, 3, 28), id="2.i-meal-now"),
    ],
)
def test_receipt_deadlines_spec_2i(
    reader: Reader, receipt: str, day: date, version: str, deadline: date
) -> None:
    result = receipts.receipts_report(reader, day, version=version)
    row = result.receipts.set_index("receipt_no").loc[receipt]
    assert row["deadline"] == deadline
    assert row["trading_days_left"] >= 0


def test_receipt_holdings_offset_and_45_day_rule(reader: Reader) -> None:
    result = receipts.receipts_report(reader, date(2025, 1, 10), holder="K")
    hold = result.holdings.set_index(["warehouse_code", "status"])
    assert hold.loc[("W1", "held"), "tons"] == 300
    assert hold.loc[("W1", "held"), "next_deadline"] == date(2025, 3, 28)
    assert hold.loc[("W2", "margin"), "tons"] == 200
    detail = result.receipts.set_index("receipt_no")
    assert bool(detail.loc["RK2", "offset_eligible"])
    assert not bool(detail.loc["RK1", "offset_eligible"])
    full = receipts.receipts_report(reader, date(2025, 1, 10))
    blocked = full.blocked.set_index("receipt_no")
    assert list(blocked.index) == ["RM50"]
    assert blocked.loc["RM50", "days"] == 50
    assert "45" in blocked.loc["RM50", "reason"]
    assert "RSX" not in set(full.receipts["receipt_no"])  # cancelled


def test_receipts_expiring_within(reader: Reader) -> None:
    result = receipts.receipts_report(reader, date(2025, 3, 20), expiring_days=10)
    assert {"RK1", "RK2", "RC1"} <= set(result.expiring["receipt_no"])
    with pytest.raises(InputError, match="no warehouse receipts"):
        receipts.receipts_report(reader, DAY, holder="NOBODY")
    with pytest.raises(InputError, match="rule version"):
        receipts.receipts_report(reader, DAY, version="future")


def test_receipts_tell_no_rule_from_beyond_the_calendar(db: Database) -> None:
    until = default_calendar().known_until
    for no, product, registered in (
        ("RI1", "i", date(2025, 1, 6)),  # iron ore: no validity rule in either version
        ("RC9", "c", date(until.year, 4, 1)),  # next March deadline: past the calendar
    ):
        _add(
            db,
            WarehouseReceipt(
                receipt_no=no,
                product_code=product,
                warehouse_code="W1",
                member_code=MEMBER_A,
                holder_code="Q",
                lots=1,
                tons=10,
                registration_date=registered,
                status="held",
            ),
        )
    with db.reader() as reader:
        result = receipts.receipts_report(reader, date(2025, 1, 10))
    assert result.calendar_until == until
    detail = result.receipts.set_index("receipt_no")
    assert detail.loc["RK1", "deadline_status"] == "ok"
    assert detail.loc["RI1", "deadline_status"] == "no_rule"
    assert detail.loc["RC9", "deadline_status"] == "beyond_calendar"
    assert detail.loc["RI1", "deadline"] is None
    assert detail.loc["RC9", "deadline"] is None
    assert "beyond the calendar" in detail.loc["RC9", "note"]
    assert "no validity rule" in detail.loc["RI1", "note"]
    assert not bool(detail.loc["RC9", "offset_eligible"])
    assert result.deadline_count("no_rule") == 1
    assert result.deadline_count("beyond_calendar") == 1
    # The others have a deadline: still to come, or missed (the meal receipts registered
    # in 2024 are overdue on 2025-01-10, see below).
    assert result.deadline_count("ok") + result.deadline_count("overdue") == len(detail) - 2
    assert result.deadline_count("ok") == 3  # RK1, RK2, RC1
    hold = result.holdings.set_index(["product_code", "holder_code"])
    assert hold.loc[("i", "Q"), "deadline_status"] == "no_rule"
    assert hold.loc[("c", "Q"), "deadline_status"] == "beyond_calendar"
    assert hold.loc[("m", "K"), "deadline_status"].tolist() == ["ok", "ok"]
    summary = "\n".join(result.summary_lines())
    assert f"1 beyond the trading calendar (known to {until})" in summary
    assert "1 without a validity rule in version current" in summary


def test_overdue_receipts_show_the_missed_deadline(db: Database) -> None:
    # A meal receipt lodged as margin since June 2024, like RM1 (held): both got the
    # current rule's July deadline, 2024-07-30 (before the last trading day of July).
    _add(
        db,
        WarehouseReceipt(
            receipt_no="RKM",
            product_code="m",
            warehouse_code="W1",
            member_code=MEMBER_A,
            holder_code="K",
            lots=5,
            tons=50,
            registration_date=date(2024, 6, 3),
            status="margin",
        ),
    )
    with db.reader() as reader:
        _check_overdue(reader)


def _check_overdue(reader: Reader) -> None:
    cal = default_calendar()
    missed = date(2024, 7, 30)
    # On the deadline itself (inclusive) nothing is overdue yet.
    on_it = receipts.receipts_report(reader, missed)
    row = on_it.receipts.set_index("receipt_no").loc["RKM"]
    assert (row["deadline"], row["deadline_status"], row["trading_days_left"]) == (missed, "ok", 0)
    assert bool(row["offset_eligible"])
    # The next trading day it is: the missed deadline, −1 trading day, no offset.
    after = receipts.receipts_report(reader, cal.next_td(missed))
    row = after.receipts.set_index("receipt_no").loc["RKM"]
    assert (row["deadline"], row["deadline_status"], row["trading_days_left"]) == (
        missed,
        "overdue",
        -1,
    )
    assert not bool(row["offset_eligible"])

    day = date(2025, 1, 10)
    result = receipts.receipts_report(reader, day)
    detail = result.receipts.set_index("receipt_no")
    for no in ("RM1", "RKM"):
        assert detail.loc[no, "deadline_status"] == "overdue"
        assert detail.loc[no, "deadline"] == missed  # not the next cycle's 2025-03-28
        assert detail.loc[no, "trading_days_left"] == -(len(cal.trading_days(missed, day)) - 1)
        assert f"should have been cancelled by {missed}" in detail.loc[no, "note"]
    assert detail.loc["RKM", "trading_days_left"] < -100
    # Margin offset: the valid margin receipt counts, the overdue one does not (2.c, 2.i).
    assert bool(detail.loc["RK2", "offset_eligible"])
    assert not bool(detail.loc["RKM", "offset_eligible"])
    assert detail.loc["RK1", "deadline_status"] == "ok"
    # Every 2024 meal receipt is overdue (RM45/RM50: registered 2024-11-20, November's
    # deadline 2024-11-28); the overdue list is apart from the expiring one.
    overdue = result.overdue.set_index("receipt_no")
    assert set(overdue.index) == {"RM1", "RKM", "RM45", "RM50", "RS1", "RS2", "RS3"}
    assert overdue.loc["RM45", "deadline"] == date(2024, 11, 28)
    assert list(result.overdue.columns) == list(receipts.EXPIRING_COLUMNS)
    assert (result.overdue["trading_days_left"] < 0).all()
    assert list(result.overdue["deadline"]) == sorted(result.overdue["deadline"])
    assert result.deadline_count("overdue") == 7
    late = receipts.receipts_report(reader, date(2025, 3, 20), expiring_days=10)
    assert not set(late.overdue["receipt_no"]) & set(late.expiring["receipt_no"])
    assert {"RK1", "RK2", "RC1"} <= set(late.expiring["receipt_no"])
    # Holdings: a group with an overdue receipt is overdue, with the missed deadline.
    hold = result.holdings.set_index(["product_code", "warehouse_code", "holder_code", "status"])
    margin = hold.loc[("m", "W1", "K", "margin")]
    assert (margin["deadline_status"], margin["next_deadline"]) == ("overdue", missed)
    assert margin["trading_days_left"] < 0
    assert hold.loc[("m", "W1", "K", "held"), "deadline_status"] == "ok"
    assert hold.loc[("m", "W2", "K", "margin"), "deadline_status"] == "ok"
    summary = "\n".join(result.summary_lines())
    assert "overdue: 7 receipts still registered past their deadline (earliest 2024-07-30)" in (
        summary
    )


# --------------------------------------------------------------------- 2.j / 2.k delivery
def _match_spec_2j(db: Database) -> None:
    for buyer, lots in (("X", 20), ("Y", 30), ("Z", 10)):
        delivery.record_delivery_match(db, DAY, "m2409", "S1", buyer, lots)


def test_delivery_matches_lists_every_stored_match_newest_first(db: Database) -> None:
    with db.reader() as reader:
        assert rq.delivery_matches(reader.session).empty
    _match_spec_2j(db)
    older = date(2024, 7, 12)
    match, changes = delivery.record_delivery_match(db, older, "m2409", "S1", "X", 5)
    assert (match.lots, changes) == (5, Changes(positions=True, audit=True))
    assert audit_actions(db) == ["delivery.match"] * 4  # one audit entry per match
    with db.reader() as reader:
        frame = rq.delivery_matches(reader.session)
    assert list(frame.columns) == list(rq.MATCH_COLUMNS)
    assert [str(frame[c].dtype) for c in ("id", "lots", "price_fen")] == ["int64"] * 3
    assert list(zip(frame["match_day"], frame["buyer_code"], frame["lots"], strict=True)) == [
        (DAY, "X", 20),
        (DAY, "Y", 30),
        (DAY, "Z", 10),
        (older, "X", 5),
    ]
    assert set(frame["allocation_state"]) == {"pending"}


def test_allocate_delivery_spec_2j(db: Database) -> None:
    _match_spec_2j(db)
    with db.reader() as reader:  # the preview records nothing
        preview = delivery.allocate_delivery_for_seller(reader, None, "S1", "m2409")
        assert not preview.recorded
        states = reader.session.scalars(select(DeliveryMatch.allocation_state)).all()
        assert set(states) == {"pending"}
    result, changes = delivery.record_delivery_allocation(db, None, "S1", "m2409")
    pairs = {(r.warehouse_code, r.buyer_code): r.lots for r in result.pairs.itertuples()}
    assert pairs == {("WA", "Y"): 30, ("WB", "X"): 20, ("WC", "Z"): 10}
    assert pairs == {(r.warehouse_code, r.buyer_code): r.lots for r in preview.pairs.itertuples()}
    assert result.allocation.optimal
    assert result.recorded
    assert result.match_day == DAY
    assert changes == Changes(receipts=True, audit=True)
    assert audit_actions(db)[0] == "delivery.allocate"
    with db.reader() as reader:
        rows = reader.session.scalars(
            select(DeliveryMatch).order_by(DeliveryMatch.buyer_code)
        ).all()
    assert [r.allocation_state for r in rows] == ["allocated"] * 3
    assert json.loads(rows[1].allocation or "{}") == {"WA": 30}
    assert rows[0].price_fen == 300_000
    assert rows[0].delivery_day == date(2024, 7, 17)


def test_allocate_delivery_errors_and_ad_hoc(db: Database) -> None:
    with db.reader() as reader, pytest.raises(InputError, match="no delivery matches"):
        delivery.allocate_delivery_for_seller(reader, None, "S1", "m2409")
    delivery.record_delivery_match(db, DAY, "m2409", "S1", "X", 25)
    with db.reader() as reader, pytest.raises(InputError, match="cover 60 lots but 25"):
        delivery.allocate_delivery_for_seller(reader, DAY, "S1", "m2409")
    with pytest.raises(InputError, match="cover 60 lots but 25"):
        delivery.record_delivery_allocation(db, DAY, "S1", "m2409")
    assert audit_actions(db) == ["delivery.match"]  # the refused allocation: none
    adhoc = delivery.allocate_ad_hoc(
        [("W40", 40), ("W25", 25), ("W15", 15), ("W10", 10)],
        [("B30", 30), ("B25", 25), ("B20", 20), ("B15", 15)],
    )
    assert adhoc.allocation.pair_count == 5
    with pytest.raises(InputError):
        delivery.allocate_ad_hoc([("W", 1)], [("B", 2)])


@pytest.mark.parametrize(
    ("kind", "day", "fee", "waived"),
    [
        pytest.param("non_standard", date(2021, 12, 15), 5_000, 0, id="2.k-2021"),
        pytest.param("non_standard", date(2022, 3, 15), 5_000, 5_000, id="2.k-2022"),
        pytest.param("standard", date(2021, 12, 15), 5_000, 5_000, id="2.k-standard"),
    ],
)
def test_record_efp_fee_waivers_spec_2k(
    db: Database, kind: delivery.EfpKind, day: date, fee: int, waived: int
) -> None:
    result, changes = delivery.record_efp(db, day, "c2409", "P1", "P2", 100, 235_000, kind)
    assert (result.fee_fen, result.waived_fen, result.charged_fen) == (fee, waived, fee - waived)
    with db.reader() as reader:
        row = reader.session.get(EfpRecord, result.id)
        assert row is not None
        assert (row.fee_fen, row.waived_fen) == (fee, waived)
    assert changes.audit
    with pytest.raises(InputError):
        delivery.record_efp(db, day, "c2409", "P1", "P1", 1, 1, kind)
    assert audit_actions(db) == ["delivery.efp"]


def test_allocate_delivery_refuses_receipts_past_their_deadline(db: Database) -> None:
    # Spec 2.i: a receipt still registered after its cancellation deadline may not be
    # delivered. Backdate one of S1's receipts to January 2023: its first deadline (before
    # the last trading day of March 2023, current rules) is long past on the match day.
    _match_spec_2j(db)
    with db.sessions.begin() as session:
        receipt = session.scalars(
            select(WarehouseReceipt)
            .where(WarehouseReceipt.holder_code == "S1")
            .order_by(WarehouseReceipt.receipt_no)
        ).first()
        assert receipt is not None
        receipt.registration_date = date(2023, 1, 10)
    expected = rf"past their cancellation deadline.*{receipt.receipt_no}"
    with db.reader() as reader, pytest.raises(InputError, match=expected):
        delivery.allocate_delivery_for_seller(reader, None, "S1", "m2409")
    with pytest.raises(InputError, match=expected):
        delivery.record_delivery_allocation(db, None, "S1", "m2409")
