"""The client panel's read service on the small demo (settled day 2026-11-20), SQLite.

Figures worked by hand from the stored rows (``client_balance``, ``position``,
``settlement_price``, ``warehouse_receipt``) and the spec's formulas; the service must
give them to the fen. Every client of the demo is held against the Accounts screen in
``tests/consistency`` (``checks.client_panel``).
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from core.errors import InputError
from core.rules.risk_levels import NORMAL
from core.services.client_detail import (
    TERM_KEYS,
    ClientDetail,
    ClientDetailRequest,
    MarginLine,
    client_detail,
)
from core.services.demo import create_demo_data
from core.services.store import Database, open_database

DAY = date(2026, 11, 20)
PREV = date(2026, 11, 19)
LIVE_DAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("client_detail") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    create_demo_data(db, scale="small", user="tester")
    db.engine.dispose()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Database:
    target = tmp_path / "demo.sqlite"
    shutil.copy(template, target)
    database = open_database(f"sqlite:///{target}")
    yield database  # type: ignore[misc]
    database.engine.dispose()


def detail(db: Database, client: str, day: date | None = None) -> ClientDetail:
    with db.reader() as reader:
        return client_detail(reader, ClientDetailRequest(client, day))


def line(d: ClientDetail, contract: str, side: str) -> MarginLine:
    (found,) = [ln for ln in d.lines if ln.contract == contract and ln.side == side]
    return found


# ----------------------------------------------------------------- hand-checked
def test_funds_breakdown_of_10000010_worked_by_hand(db: Database) -> None:
    # Stored on 2026-11-19: balance 168,997.40. On 2026-11-20: no transfer, no close,
    # position P&L +95.00, fees 17.81. Lines at S(11-20) × mult × lots × rate:
    #   c2701  short 3  2,192.00 × 10 × 3 ×  7 %  =  4,603.20
    #   i2704  short 2    883.00 × 100 × 2 × 13 % = 22,958.00
    #   jd2701 long 5   3,154.00 × 10 × 5 ×  9 %  = 14,193.00
    #   v2612  long 3   6,646.00 × 5 × 3 ×  8 %   =  7,975.20
    #   y2612  long 4   8,486.00 × 10 × 4 × 10 %  = 33,944.00   (month-before step)
    #   margin 83,673.40
    # Receipt C2026091000105: 150 t corn lodged 2026-09-28; base c2701 S(11-19) 2,188.00;
    # pledge 150 × 2,188.00 × 80 % = 262,560.00; used min(262,560.00, c margin 4,603.20).
    # balance = 168,997.40 + 95.00 − 17.81 = 169,074.59; cap 4 × balance = 676,298.36;
    # available = 169,074.59 − (83,673.40 − 4,603.20) = 90,004.39;
    # risk ratio 83,673.40 ÷ 169,074.59 = 49.489 % (floored ppm 494,890).
    d = detail(db, "10000010")
    assert d.day == DAY
    assert d.days == (DAY, PREV)
    f = d.funds
    assert [t.key for t in f.terms()] == list(TERM_KEYS)
    values = {t.key: t.value_fen for t in f.terms()}
    assert values == {
        "prior_balance": 16_899_740,
        "deposits": 0,
        "withdrawals": 0,
        "close_pnl": 0,
        "position_pnl": 9_500,
        "fees": 1_781,
        "delivery": 0,
        "balance": 16_907_459,
        "margin": 8_367_340,
        "offset_used": 460_320,
        "available": 9_000_439,
    }
    assert f.has_prior_balance
    assert f.pledge_fen == 26_256_000
    assert f.offset_uncapped_fen == 460_320
    assert f.offset_cap_fen == 67_629_836
    assert f.risk_ratio_ppm == 494_890
    assert f.risk_level == NORMAL
    assert f.dynamic_equity_fen == f.balance_fen
    assert f.differences() == ()
    # the breakdown adds up, term by term
    sign = {"": 1, "+": 1, "−": -1}
    flows = TERM_KEYS[: TERM_KEYS.index("balance")]
    terms = {t.key: t for t in f.terms()}
    assert sum(sign[terms[k].op] * terms[k].value_fen for k in flows) == f.balance_fen
    assert f.balance_fen - f.margin_fen + f.offset_used_fen == f.available_fen
    margins = {(ln.contract, ln.side): ln.margin_fen for ln in d.lines}
    assert margins == {
        ("c2701", "short"): 460_320,
        ("i2704", "short"): 2_295_800,
        ("jd2701", "long"): 1_419_300,
        ("v2612", "long"): 797_520,
        ("y2612", "long"): 3_394_400,
    }
    assert sum(margins.values()) == f.margin_fen
    (corn,) = d.offset.products
    assert (corn.product, corn.margin_fen, corn.pledge_fen, corn.used_fen) == (
        "c",
        460_320,
        26_256_000,
        460_320,
    )
    assert (corn.base_contract, corn.base_price_fen) == ("c2701", 218_800)
    assert [(r.receipt.receipt_no, r.state) for r in d.offset.receipts] == [
        ("C2026091000105", "counts")
    ]
    assert d.call.call_fen == 0
    assert d.call.top_up_fen == 0
    assert d.call.stored_call_fen == 0
    assert d.call.deadline.isoformat() == "2026-11-23T09:00:00+08:00"


def test_month_before_delivery_step_with_its_reason(db: Database) -> None:
    # y2612 delivers in December 2026; the 10 % step starts on the 15th trading day of
    # November (2, 3, 4, 5, 6, 9, …, 19, 20: 2026-11-20) and is charged from the
    # settlement of the trading day before it, 2026-11-19 (R19). General rate 8 %.
    y = line(detail(db, "10000010"), "y2612", "long")
    assert (y.settlement_fen, y.multiplier, y.lots, y.rate_ppm) == (848_600, 10, 4, 100_000)
    assert y.margin_fen == 3_394_400  # 8,486.00 × 10 × 4 × 10 % = 33,944.00
    step = y.step
    assert step.reason == "schedule"
    assert step.is_raised
    assert (step.month_offset, step.nth_trading_day) == (-1, 15)
    assert (step.period_start, step.applies_from) == (DAY, PREV)
    assert step.general_ppm == 80_000
    assert step.considered == (
        ("contract_minimum", 50_000),
        ("general", 80_000),
        ("schedule", 100_000),
    )
    c = line(detail(db, "10000010"), "c2701", "short")
    assert c.step.reason == "general"
    assert not c.step.is_raised


def test_limit_lock_step_and_receipt_offset_of_10000006(db: Database) -> None:
    # m2701 closed limit-down on 11-18, 11-19 and 11-20: the third locked day keeps the
    # D2 step, limit L0 5 % + 5 points = 10 %, margin at least 10 % + 2 points = 12 %.
    # One short lot: 2,282.00 × 10 × 1 × 12 % = 2,738.40. Coke receipts: 180 t × base
    # jm2612 S(11-19) 1,313.00 × 80 % = 189,072.00, against jm margin 1,757.00 × 60 ×
    # (3 + 4) × 12 % = 37,951.20 + 50,601.60 = 88,552.80: all of it is covered.
    d = detail(db, "10000006")
    m = line(d, "m2701", "short")
    assert (m.settlement_fen, m.rate_ppm, m.margin_fen) == (228_200, 120_000, 273_840)
    assert m.step.reason == "limit_lock"
    assert m.step.is_raised
    assert (m.step.locked_days, m.step.base_limit_ppm, m.step.next_limit_ppm) == (
        3,
        50_000,
        100_000,
    )
    assert ("adhoc", 120_000) in m.step.considered  # the exchange's notice of 11-19, tied
    (coke,) = [p for p in d.offset.products if p.product == "jm"]
    assert (coke.pledge_fen, coke.margin_fen, coke.used_fen) == (18_907_200, 8_855_280, 8_855_280)
    f = d.funds
    assert (f.balance_fen, f.margin_fen, f.offset_used_fen, f.available_fen) == (
        293_092_351,
        38_229_120,
        8_855_280,
        263_718_511,
    )
    assert f.risk_ratio_ppm == 130_433  # 382,291.20 ÷ 2,930,923.51


def test_client_in_margin_call_has_its_call_and_deadline(db: Database) -> None:
    with db.reader() as reader:
        code = reader.session.execute(
            text(
                "SELECT client_code FROM client_balance WHERE trading_day = :d "
                "AND available_fen < 0 ORDER BY client_code LIMIT 1"
            ),
            {"d": DAY},
        ).scalar_one()
        stored = reader.session.execute(
            text(
                "SELECT available_fen, margin_call_fen FROM client_balance "
                "WHERE client_code = :c AND trading_day = :d"
            ),
            {"c": code, "d": DAY},
        ).one()
    d = detail(db, code)
    assert d.funds.available_fen == stored[0] < 0
    assert d.call.top_up_fen == d.call.call_fen == stored[1] == -stored[0]
    assert d.call.is_called


# ----------------------------------------------------------------- days and errors
def test_a_live_day_shows_the_prior_settlement(db: Database) -> None:
    d = detail(db, "10000010", LIVE_DAY)
    assert (d.day, d.requested_day) == (DAY, LIVE_DAY)
    older = detail(db, "10000010", PREV)
    assert older.day == PREV
    # the demo writes 11-19 directly (no balance on 11-18): recomputed from 0, it differs
    # from what is stored, and the panel says which terms
    assert not older.funds.has_prior_balance
    assert "balance" in {t.key for t in older.funds.differences()}


@pytest.mark.parametrize(
    ("client", "day", "field", "words"),
    [
        ("", None, "client", "enter a client code"),
        ("99999999", None, "client", "no client"),
        ("10000010", date(2026, 11, 2), "day", "no settled day on or before 2026-11-02"),
    ],
)
def test_bad_requests_name_the_field(
    db: Database, client: str, day: date | None, field: str, words: str
) -> None:
    with pytest.raises(InputError) as err:
        detail(db, client, day)
    assert err.value.field == field
    assert words in str(err.value)


def test_alerts_and_notices_of_the_client_only(db: Database) -> None:
    from core.live.alerts import Alert
    from core.services.alerts import store_alerts
    from core.services.notices import GenerateRequest, generate_notices
    from core.trading_calendar import EXCHANGE_TZ

    when = datetime(2026, 11, 23, 9, 30, tzinfo=EXCHANGE_TZ)
    store_alerts(
        db,
        LIVE_DAY,
        [
            Alert(1, when, "risk_level", "warning", "mine", account="10000010", risk_level=1),
            Alert(2, when, "risk_level", "warning", "other", account="10000006", risk_level=1),
            Alert(3, when, "limit_lock", "warning", "contract", contract="m2701"),
        ],
        user="tester",
    )
    with db.reader() as reader:
        due = reader.session.execute(
            text(
                "SELECT client_code FROM client_balance WHERE trading_day = :d "
                "AND available_fen < 0 ORDER BY client_code LIMIT 1"
            ),
            {"d": DAY},
        ).scalar_one()
    generate_notices(db, GenerateRequest(day=DAY, clients=(due,)), user="tester")
    mine = detail(db, "10000010")
    assert [a.message for a in mine.alerts] == ["mine"]
    assert mine.notices == ()
    called = detail(db, due)
    assert [n.notice.client_code for n in called.notices] == [due]
    assert called.notices[0].notice.call_fen == called.call.call_fen
