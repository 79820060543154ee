"""LiveRiskEngine against a straightforward per-line Decimal recomputation (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_FLOOR, Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.live import FakeClock, LiveRiskEngine, LiveSettings, PriceTick, TradeEvent
from core.live.feed import ContractDay, limit_prices
from core.money import round_half_up_fen
from core.rules.risk_levels import RiskLevels

AT = datetime(2024, 9, 2, 1, 0, tzinfo=UTC)

# Shared builders (also imported by test_live_feed and test_alerts).
DAY = date(2024, 9, 2)


def contract(code: str, prior: int, tick: int, mult: int, rate: int, limit: int | None = None):
    lo, up = limit_prices(prior, 40_000, tick)
    return ContractDay(code, prior, up, lo, tick, mult, rate, rate - 20_000, limit)


M2409 = contract("m2409", 320_000, 100, 10, 80_000, 1_000)  # spec example (a)/(c)
I2409 = contract("i2409", 80_000, 50, 100, 120_000)


def example_engine(clock: FakeClock, settings: LiveSettings | None = None) -> LiveRiskEngine:
    """Client C001 of spec example (c) (without receipts) and a second client C002."""
    return LiveRiskEngine.from_frames(
        DAY,
        [M2409, I2409],
        {"client_code": ["C001", "C002"], "equity_cash_fen": [50_000_000, 20_000_000]},
        {
            "client_code": ["C001", "C001", "C002"],
            "contract_code": ["m2409", "i2409", "i2409"],
            "side": ["long", "short", "short"],
            "hedge": [False, False, False],
            "lots": [30, 10, 10],
        },
        settings=settings,
        clock=clock,
    )


def tick(code: str, price: int) -> PriceTick:
    return PriceTick(code, price, AT)


def trade(no, client, code, side, action, lots, price, fee=0) -> TradeEvent:
    return TradeEvent(str(no), client, code, side, action, lots, price, AT, fee)


# --------------------------------------------------------------------- spec examples
def test_spec_example_a_margin_at_prior_settlement_and_fifo_release():
    engine = example_engine(FakeClock())
    snap = engine.snapshot()
    assert snap.accounts["margin_fen"][0] == 7_680_000 + 9_600_000  # 76,800 + 96,000
    engine.update([trade(1, "C001", "m2409", "long", "close", 5, 324_000, 750)])
    engine.update([trade(2, "C001", "m2409", "long", "open", 20, 321_500, 3_000)])
    snap = engine.snapshot()
    # 64,000.00 historic + 51,200.00 new (at 3,200, never at 3,215) + 96,000.00 iron ore
    assert snap.accounts["margin_fen"][0] == 6_400_000 + 5_120_000 + 9_600_000
    # close P&L (3,240 − 3,200) × 10 × 5 = 2,000.00; fees 37.50 (spec example (c))
    assert snap.accounts["equity_cash_fen"][0] == 50_000_000 + 200_000 - 3_750
    line = 0
    assert snap.positions["historic_lots"][line] == 25
    assert snap.positions["today_lots"][line] == 20
    assert snap.member.close_pnl_fen == 200_000


def test_floating_pnl_historic_vs_prior_settlement_today_vs_open_price():
    engine = example_engine(FakeClock())
    engine.update([trade(1, "C001", "m2409", "long", "open", 2, 321_000)])
    snap = engine.apply([tick("m2409", 322_000)])
    # 30 × (3,220 − 3,200) × 10 + 2 × (3,220 − 3,210) × 10 = 6,000 + 200 yuan
    assert snap.positions["floating_pnl_fen"][0] == 620_000
    assert snap.accounts["floating_pnl_fen"][0] == 620_000
    assert snap.accounts["available_fen"][0] == 50_000_000 - snap.accounts["margin_fen"][0]


def test_deduct_floating_losses_and_risk_ratio_settings():
    for deduct in (False, True):
        for definition in ("margin_over_equity", "one_minus_available_over_equity"):
            s = LiveSettings(
                risk_levels=RiskLevels(ratio_definition=definition),
                deduct_floating_losses=deduct,
            )
            snap = example_engine(FakeClock(), s).apply([tick("m2409", 318_000)])
            eq, fl = 50_000_000, -30 * 2_000 * 10
            margin = 17_280_000
            avail = eq - margin + (fl if deduct else 0)
            assert snap.accounts["available_fen"][0] == avail
            num = margin if definition == "margin_over_equity" else eq + fl - avail
            assert snap.accounts["risk_ratio_ppm"][0] == num * 1_000_000 // (eq + fl)


def test_bad_events_are_counted_and_never_applied():
    engine = example_engine(FakeClock())
    before = engine.snapshot()
    snap = engine.apply(
        [
            tick("m2409", 340_000),  # above the upper limit 3,328
            tick("m2409", 320_050),  # off tick
            tick("zz", 1),
            trade(1, "C001", "m2409", "long", "close", 31, 320_000),  # holds 30
            trade(2, "NOPE", "m2409", "long", "open", 1, 320_000),
            trade(3, "C002", "m2409", "long", "close", 1, 320_000),  # no such line
        ]
    )
    assert engine.rejected_events == snap.rejected_events == 6
    assert np.array_equal(snap.contracts["last_price_fen"], before.contracts["last_price_fen"])
    assert np.array_equal(snap.accounts["margin_fen"], before.accounts["margin_fen"])


# --------------------------------------------------------------------- snapshots
def test_snapshot_is_read_only_and_versions_change_only_for_changed_rows():
    engine = example_engine(FakeClock())
    s0 = engine.snapshot()
    for table in (s0.accounts, s0.positions, s0.contracts):
        for name in table:
            assert not table[name].flags.writeable
            with pytest.raises(ValueError, match="read-only"):
                table[name][:1] = 0
    s1 = engine.apply([tick("m2409", 320_100)])
    assert s1.positions.rows_changed_since(s0.seq).tolist() == [0]
    assert s1.accounts.rows_changed_since(s0.seq).tolist() == [0]
    assert s1.contracts.rows_changed_since(s0.seq).tolist() == [0]
    # copy-on-write: unchanged columns are the very same arrays
    assert s1.positions["margin_fen"] is s0.positions["margin_fen"]
    assert s1.contracts["prior_settlement_fen"] is s0.contracts["prior_settlement_fen"]
    assert s1.positions["floating_pnl_fen"] is not s0.positions["floating_pnl_fen"]
    assert s0.positions["floating_pnl_fen"][0] == 0  # the old snapshot did not move
    s2 = engine.apply([tick("m2409", 320_100)])  # same price: no line or account changes
    assert s2.positions.rows_changed_since(s1.seq).size == 0
    assert s2.accounts.rows_changed_since(s1.seq).size == 0
    assert s2.accounts.same_rows_as(s0.accounts)
    s3 = engine.apply([trade(9, "C002", "m2409", "short", "open", 1, 320_100)])
    assert s3.positions.row_count == 4  # a new line was appended
    assert s3.positions.rows_changed_since(s2.seq).tolist() == [3]
    assert s3.accounts.rows_changed_since(s2.seq).tolist() == [1]


def test_staleness_with_a_fake_clock_and_a_quiet_feed():
    clock = FakeClock()
    engine = example_engine(clock, LiveSettings(stale_after_s=30, feed_stale_after_s=10))
    s1 = engine.apply([tick("m2409", 320_100)])
    assert not s1.is_feed_stale
    assert not s1.contracts["is_stale"].any()
    clock.advance(11)
    s2 = engine.apply([])  # a quiet poll: nothing crashes, values stay
    assert s2.is_feed_stale
    assert s2.price_age_seconds(clock.now()).tolist() == [11.0, 11.0]
    clock.advance(20)
    s3 = engine.snapshot()
    assert s3.contracts["is_stale"].tolist() == [True, True]
    assert s3.contracts.rows_changed_since(s2.seq).tolist() == [0, 1]
    assert s3.contracts["last_price_fen"][0] == 320_100
    s4 = engine.apply([tick("i2409", 80_050)])
    assert s4.contracts["is_stale"].tolist() == [True, False]
    assert not s4.is_feed_stale


# --------------------------------------------------------------------- reference model
@dataclass
class RefLine:
    contract: int
    sign: int
    hist: int
    today: list[list[int]] = field(default_factory=list)  # [lots, open price]


def ref_margin(c: ContractDay, lots: int, rate: int) -> int:
    """Spec 2.a line item in exact Decimal: S(D−1) × mult × lots × rate, half up."""
    yuan = Decimal(c.prior_settlement_fen) / 100 * c.multiplier * lots * Decimal(rate) / 10**6
    return round_half_up_fen(yuan)


CONTRACTS = [
    ContractDay(
        "a2409",
        412_300,
        *limit_prices(412_300, 70_000, 100)[::-1],
        100,
        10,
        83_333,
        70_001,
    ),
    ContractDay(
        "jd2409",
        351_700,
        *limit_prices(351_700, 50_000, 100)[::-1],
        100,
        10,
        91_117,
        80_000,
    ),
    ContractDay(
        "i2409",
        80_050,
        *limit_prices(80_050, 110_000, 50)[::-1],
        50,
        100,
        123_457,
        100_000,
    ),
]
ACCOUNTS = ["K1", "K2", "K3"]

op = st.one_of(
    st.tuples(st.just("tick"), st.integers(0, 2), st.integers(-60, 60)),
    st.tuples(
        st.just("trade"),
        st.integers(0, 2),
        st.integers(0, 2),
        st.sampled_from([1, -1]),
        st.sampled_from(["open", "close"]),
        st.integers(1, 25),
        st.integers(-60, 60),
        st.integers(0, 999),
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hist=st.lists(st.integers(0, 40), min_size=6, max_size=6),
    cash=st.lists(st.integers(-1_000_000, 90_000_000), min_size=3, max_size=3),
    ops=st.lists(st.lists(op, max_size=8), max_size=10),
    deduct=st.booleans(),
    definition=st.sampled_from(["margin_over_equity", "one_minus_available_over_equity"]),
)
def test_engine_equals_per_line_decimal_recomputation(hist, cash, ops, deduct, definition):
    # lines: K1 long a, K1 short i, K2 long jd, K2 long a, K3 short a, K3 long i
    init = [(0, 0, 1), (0, 2, -1), (1, 1, 1), (1, 0, 1), (2, 0, -1), (2, 2, 1)]
    # pledge quota per (account, product); products in code order: a, i, jd
    quota = [[0, 0, 0], [5_000_000, 0, 0], [0, 0, 0]]
    engine = LiveRiskEngine(
        trading_day=DAY,
        contracts=CONTRACTS,
        account_codes=ACCOUNTS,
        balance_fen=cash,
        offset_value_fen=quota,
        line_account=[a for a, _, _ in init],
        line_contract=[c for _, c, _ in init],
        line_side=[0 if s > 0 else 1 for _, _, s in init],
        line_hedge=[False] * 6,
        line_lots=hist,
        settings=LiveSettings(
            risk_levels=RiskLevels(ratio_definition=definition), deduct_floating_losses=deduct
        ),
        clock=FakeClock(),
    )
    assert engine.products == ("a", "i", "jd")
    ref = {(a, c, s): RefLine(c, s, h) for (a, c, s), h in zip(init, hist, strict=True)}
    eq_cash = [Decimal(x) for x in cash]
    last = [c.prior_settlement_fen for c in CONTRACTS]
    snap = engine.snapshot()
    n = 0
    for batch in ops:
        events = []
        for o in batch:
            n += 1
            if o[0] == "tick":
                c = CONTRACTS[o[1]]
                price = min(
                    max(c.prior_settlement_fen + o[2] * c.tick_fen, c.lower_limit_fen),
                    c.upper_limit_fen,
                )
                events.append(tick(c.code, price))
                last[o[1]] = price
                continue
            _, a, ci, sign, action, lots, step, fee = o
            c = CONTRACTS[ci]
            price = min(
                max(c.prior_settlement_fen + step * c.tick_fen, c.lower_limit_fen),
                c.upper_limit_fen,
            )
            side = "long" if sign > 0 else "short"
            events.append(trade(n, ACCOUNTS[a], c.code, side, action, lots, price, fee))
            line = ref.get((a, ci, sign))
            if action == "open":
                line = ref.setdefault((a, ci, sign), RefLine(ci, sign, 0))
                line.today.append([lots, price])
                eq_cash[a] -= fee
                continue
            held = 0 if line is None else line.hist + sum(b[0] for b in line.today)
            if line is None or lots > held:
                continue  # refused by the engine too
            k = min(lots, line.hist)  # historic first, against S(D−1)
            pnl = Decimal(sign * (price - c.prior_settlement_fen) * c.multiplier * k)
            line.hist -= k
            rem = lots - k
            while rem:
                b = line.today[0]
                take = min(rem, b[0])
                pnl += sign * (price - b[1]) * c.multiplier * take
                b[0] -= take
                rem -= take
                if not b[0]:
                    line.today.pop(0)
            eq_cash[a] += pnl - fee
        snap = engine.apply(events)

    margin = [0, 0, 0]
    margin_a = [0, 0, 0]  # product a, the one the receipts offset
    floating = [0, 0, 0]
    losses = [0, 0, 0]
    for (a, ci, _sign), line in ref.items():
        c = CONTRACTS[ci]
        # spec 2.a: one line item per line, its historic and new lots together
        lots = line.hist + sum(b[0] for b in line.today)
        line_margin = ref_margin(c, lots, c.spec_margin_ppm)
        margin[a] += line_margin
        if c.code.startswith("a"):
            margin_a[a] += line_margin
        mark = (
            line.sign
            * c.multiplier
            * (
                line.hist * (last[ci] - c.prior_settlement_fen)
                + sum(b[0] * (last[ci] - b[1]) for b in line.today)
            )
        )
        losses[a] += min(mark, 0)
        floating[a] += (
            line.sign
            * c.multiplier
            * (
                line.hist * (last[ci] - c.prior_settlement_fen)
                + sum(b[0] * (last[ci] - b[1]) for b in line.today)
            )
        )
    acc = snap.accounts
    assert acc["margin_fen"].tolist() == margin
    assert acc["floating_pnl_fen"].tolist() == floating
    assert acc["equity_cash_fen"].tolist() == [int(x) for x in eq_cash]
    for a in range(3):
        eq = int(eq_cash[a])
        cap = max(0, round_half_up_fen(Decimal(4) * eq / 100))  # 4 × equity_cash (2.c)
        used = min(max(0, min(quota[a][0], margin_a[a])), cap)
        # the firm option deducts each losing line's floating loss (gains not netted)
        avail = eq - (margin[a] - used) + (losses[a] if deduct else 0)
        dyn = eq + floating[a]
        assert acc["dynamic_equity_fen"][a] == dyn
        assert acc["available_fen"][a] == avail
        num = margin[a] if definition == "margin_over_equity" else dyn - avail
        expected = (
            int((Decimal(num) * 10**6 / dyn).to_integral_value(ROUND_FLOOR))
            if dyn > 0
            else (10**12 if num > 0 else 0)
        )
        assert acc["risk_ratio_ppm"][a] == expected
    # per-line figures too, and a fully closed line carries zero margin
    pos = snap.positions
    for row in range(pos.row_count):
        key = (
            int(pos["account_index"][row]),
            int(pos["contract_index"][row]),
            1 - 2 * int(pos["side"][row]),
        )
        line = ref[key]
        assert pos["lots"][row] == line.hist + sum(b[0] for b in line.today)
        if pos["lots"][row] == 0:
            assert pos["margin_fen"][row] == 0
            assert pos["floating_pnl_fen"][row] == 0


def test_live_day_starts_from_the_prior_settlement_in_the_db():
    from datetime import date as d

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from core.db import tables as t
    from core.db.day_inputs import read_live_day

    db = create_engine("sqlite://")
    t.Base.metadata.create_all(db)
    prev = d(2024, 8, 30)
    with Session(db) as s, s.begin():
        s.add(
            t.Product(
                code="m",
                name_zh="豆粕",
                name_en="meal",
                unit_tons=10,
                multiplier=10,
                tick_fen=100,
                price_limit_ppm=40_000,
                min_margin_ppm=50_000,
            )
        )
        s.add(t.Member(code="M1", name="m", kind="brokerage", min_reserve_fen=0))
        s.add(t.Client(code="C001", member_code="M1", name="c"))
        s.flush()
        s.add(
            t.Contract(
                code="m2409",
                product_code="m",
                delivery_month=d(2024, 9, 1),
                tick_fen=100,
                price_limit_ppm=40_000,
                general_margin_ppm=80_000,
                hedge_margin_ppm=60_000,
            )
        )
        s.flush()
        s.add(t.SettlementPrice(trading_day=prev, contract_code="m2409", settlement_fen=320_000))
        s.add(
            t.Position(
                trading_day=prev,
                client_code="C001",
                contract_code="m2409",
                side="long",
                lots=30,
                today_lots=10,
                open_price_fen=319_000,
            )
        )
        s.add(t.ClientBalance(client_code="C001", trading_day=prev, balance_fen=50_000_000))
        s.add(
            t.FundMovement(
                movement_no="F1",
                trading_day=d(2024, 9, 2),
                member_code="M1",
                client_code="C001",
                kind="deposit",
                amount_fen=10_000_000,
            )
        )
        s.add(
            t.Trade(
                trade_no="T1",
                trading_day=d(2024, 9, 2),
                client_code="C001",
                contract_code="m2409",
                side="long",
                action="close",
                lots=5,
                price_fen=324_000,
                fee_fen=750,
            )
        )
    with Session(db) as s:
        inputs = read_live_day(s, d(2024, 9, 2))
    engine = LiveRiskEngine.from_day_inputs(
        inputs,
        member_code="M1",
        position_limits={"m2409": 1_000},
        clock=FakeClock(),
    )
    (m,) = engine.contracts
    assert (m.lower_limit_fen, m.upper_limit_fen, m.multiplier) == (307_200, 332_800, 10)
    # 2024-09-02 is the first trading day of m2409's delivery month: the 20 % step of
    # spec 2.b applies from the settlement of 2024-08-30, so it is rate_open(09-02).
    assert (m.spec_margin_ppm, m.hedge_margin_ppm) == (200_000, 200_000)
    snap = engine.snapshot()
    assert snap.positions["historic_lots"].tolist() == [25]  # all 30 lots are historic
    assert snap.accounts["margin_fen"].tolist() == [3_200 * 10 * 25 * 20]  # fen
    assert snap.accounts["equity_cash_fen"].tolist() == [60_000_000 + 200_000 - 750]
    assert snap.positions["limit_distance_lots"].tolist() == [975]


# --------------------------------------------------------------------- robustness (#13)
@pytest.mark.parametrize(
    ("lots", "fee"),
    [(2**63 - 1, 0), (10**30, 0), (1, 10**30), (1.5, 0), (0, 0), (-3, 0), (1, -1)],
)
def test_an_implausible_fill_is_counted_and_skipped_never_raised(lots, fee) -> None:
    engine = example_engine(FakeClock())
    before = engine.snapshot()
    snap = engine.apply([trade(1, "C001", "m2409", "long", "open", lots, 320_000, fee)])
    assert snap.rejected_events == 1
    assert snap.accounts["margin_fen"].tolist() == before.accounts["margin_fen"].tolist()
    # the engine goes on: a good fill after the bad one is applied
    snap = engine.apply([trade(2, "C001", "m2409", "long", "open", 1, 320_000)])
    assert snap.rejected_events == 1
    assert snap.positions["today_lots"][0] == 1


def test_an_out_of_order_tick_is_dropped_and_counted() -> None:
    engine = example_engine(FakeClock())
    ten = datetime(2024, 9, 2, 2, 0, tzinfo=UTC)
    nine = datetime(2024, 9, 2, 1, 0, tzinfo=UTC)
    engine.apply([PriceTick("m2409", 322_000, ten)])
    snap = engine.apply([PriceTick("m2409", 321_000, nine)])  # older: must not win
    assert snap.contracts["last_price_fen"][0] == 322_000
    assert snap.out_of_order_ticks == 1
    assert snap.rejected_events == 0
    snap = engine.apply([PriceTick("m2409", 323_000, ten)])  # same time: a newer event
    assert snap.contracts["last_price_fen"][0] == 323_000
