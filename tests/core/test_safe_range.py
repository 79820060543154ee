"""Safe price ranges (issue 16 item 4): hand-checked ends, and every end proven against
the settlement itself (``settle_prepared`` at the moved price, the stress run's
one-day scenario) on random books with receipts, caps, add-ons and both sides.

The two-client book of docs/stress.md: a2701 at S = 4,000.00, multiplier 10, rate
10 %, tick 1.00; L long 10 lots with 100,000.00, S short 5 lots with 30,000.00;
member 0001 with a reserve of 35,000.00.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.money import parse_yuan
from core.rules.daily_settlement import DaySettlementParams, PreparedDay, settle_prepared
from core.rules.day_inputs import ContractTerms, DayInputs, LodgedReceipt, PriorReserve
from core.rules.safe_range import (
    DOWN,
    UP,
    ContractRange,
    SafeEnd,
    safe_range_day,
    safe_ranges,
    settle_moved,
)
from core.rules.stress_run import run_scenario
from core.rules.stress_scenario import Scenario, ScenarioDay, Target, parse_move
from core.trading_calendar import default_calendar

BASE = date(2026, 11, 20)
D1 = date(2026, 11, 23)
CAL = default_calendar()


def yuan(text: str) -> int:
    return int(parse_yuan(text))


def contract(
    code: str, product: str = "a", margin_ppm: int = 100_000, tick_fen: int = 100
) -> ContractTerms:
    return ContractTerms(
        code=code,
        product=product,
        multiplier=10,
        unit_tons=10,
        tick_fen=tick_fen,
        general_margin_ppm=margin_ppm,
        hedge_margin_ppm=margin_ppm,
        price_limit_ppm=50_000,
        delivery_month=date(2027, 5, 1),
        listing_date=date(2026, 1, 1),
        last_trading_day=None,
    )


@dataclasses.dataclass
class Line:
    client: int
    contract: int
    side: int
    lots: int
    hedge: bool = False


def book(
    contracts: list[ContractTerms],
    prices: list[int],
    balances: list[int],
    lines: list[Line],
    *,
    reserve: int = yuan("35000"),
    receipts: list[LodgedReceipt] | None = None,
) -> DayInputs:
    """Member 0001 and its clients C0, C1 … after the settlement of BASE; the member's
    prior margin is its lines at S and the general rate, so a zero move keeps its
    reserve."""
    n = len(balances)
    prior_margin = sum(
        prices[x.contract] * 10 * x.lots * contracts[x.contract].general_margin_ppm // 1_000_000
        for x in lines
    )
    lines = sorted(lines, key=lambda ln: (ln.client, ln.contract, ln.side, ln.hedge))
    products = sorted({c.product for c in contracts})
    return DayInputs(
        day=D1,
        prev_day=BASE,
        payment_match_day=None,
        contracts=contracts,
        products=products,
        product_of_contract=np.array([products.index(c.product) for c in contracts], np.int64),
        members=["0001"],
        member_min_reserve_fen=np.array([yuan("10000")], np.int64),
        clients=[f"C{i}" for i in range(n)],
        client_member=np.zeros(n, np.int64),
        prior_balance_fen=np.array(balances, np.int64),
        has_prior_balance=np.ones(n, np.bool_),
        prior_reserve={
            "0001": PriorReserve(reserve, prior_margin, 0, reserve + prior_margin, False)
        },
        settle_fen=np.full(len(contracts), -1, np.int64),
        prior_settle_fen=np.array(prices, np.int64),
        prev_position_rows=len(lines),
        prev_balance_rows=n,
        pos_client=np.array([ln.client for ln in lines], np.int64),
        pos_contract=np.array([ln.contract for ln in lines], np.int64),
        pos_side=np.array([ln.side for ln in lines], np.int64),
        pos_hedge=np.array([ln.hedge for ln in lines], np.bool_),
        pos_lots=np.array([ln.lots for ln in lines], np.int64),
        pos_open_price_fen=np.array([prices[ln.contract] for ln in lines], np.int64),
        pos_margin_fen=np.zeros(len(lines), np.int64),
        receipts=receipts or [],
    )


def two_clients() -> DayInputs:
    return book(
        [contract("a2701")],
        [400_000],
        [yuan("100000"), yuan("30000")],
        [Line(0, 0, 0, 10), Line(1, 0, 1, 5)],
    )


def prepared(inputs: DayInputs, **params: object) -> PreparedDay:
    return safe_range_day(inputs, DaySettlementParams(calendar=CAL, **params), CAL)  # type: ignore[arg-type]


# ================================================================== hand-checked
def test_the_two_client_book_by_hand() -> None:
    """L: funds = 100,000 + 100 (P − 4,000) − 10 P = 90 P − 300,000 ≥ 0 down to
    P = 3,334 (60.00), −30.00 at 3,333. S: 30,000 − 50 (P − 4,000) − 5 P = 230,000 −
    55 P ≥ 0 up to 4,181 (45.00), −10.00 at 4,182. Member: R = 35,000 + 35 (P − 4,000)
    (L's and S's P&L, 15 lots of margin): 0.00 at 3,000, −35.00 at 2,999; rising up."""
    res = safe_ranges(prepared(two_clients()))
    (r,) = res.contracts
    assert (r.contract, r.settle_fen, r.tick_fen, r.clients) == ("a2701", 400_000, 100, 2)
    assert (r.lower_limit_fen, r.upper_limit_fen) == (380_000, 420_000)
    assert r.lower == SafeEnd(-666, 333_400, ("C0",), (yuan("60"),), (-yuan("30"),))
    assert r.upper == SafeEnd(181, 418_100, ("C1",), (yuan("45"),), (-yuan("10"),))
    assert r.member_lower == SafeEnd(-1000, 300_000, ("0001",), (0,), (-yuan("35"),))
    assert not r.member_upper.is_bounded
    assert r.below_zero == ()
    assert res.below_zero == ()
    assert (res.base_day, res.day) == (BASE, D1)


def test_the_ends_are_where_the_settlement_crosses_zero() -> None:
    pd_ = prepared(two_clients())
    (r,) = safe_ranges(pd_).contracts
    at_end = settle_moved(pd_, 0, 333_400)
    beyond = settle_moved(pd_, 0, 333_300)
    assert int(at_end.client["available_fen"][0]) == yuan("60")
    assert int(beyond.client["available_fen"][0]) == -yuan("30")
    assert settle_moved(pd_, 0, 300_000).members[0].reserve_fen == 0
    assert settle_moved(pd_, 0, 299_900).members[0].reserve_fen == -yuan("35")
    assert r.member_lower.price_fen == 300_000


def test_a_zero_move_changes_nothing() -> None:
    start = two_clients()
    pd_ = prepared(start)
    base = settle_prepared(pd_)
    moved = settle_moved(pd_, 0, 400_000)
    for key in ("balance_fen", "margin_fen", "available_fen", "position_pnl_fen"):
        assert moved.client[key].tolist() == base.client[key].tolist()
    assert base.client["balance_fen"].tolist() == start.prior_balance_fen.tolist()
    assert base.members[0].reserve_fen == yuan("35000")
    # the stress run's one-day scenario of no move settles to the same figures
    run = run_scenario(start, Scenario("zero", (ScenarioDay(),)), CAL)
    assert run.days[0].available_fen.tolist() == base.client["available_fen"].tolist()
    assert run.days[0].reserve_fen("0001") == base.members[0].reserve_fen


def test_ends_inside_the_limits_match_the_stress_run() -> None:
    """With 8,000.00 less for S its end (230,000 − 55 P − 8,000 ≥ 0 up to 4,036) lies
    inside the 5 % limits: the stress run's one-day scenario of +36 and +37 ticks on
    a2701 settles S at 20.00 and −35.00."""
    start = dataclasses.replace(
        two_clients(), prior_balance_fen=np.array([yuan("100000"), yuan("22000")], np.int64)
    )
    (r,) = safe_ranges(prepared(start)).contracts
    assert r.upper == SafeEnd(36, 403_600, ("C1",), (yuan("20"),), (-yuan("35"),))
    for ticks, funds in ((36, yuan("20")), (37, -yuan("35"))):
        move = parse_move(f"+{ticks} ticks", Target("contract", "a2701"), "test")
        run = run_scenario(start, Scenario("up", (ScenarioDay(moves=(move,)),)), CAL)
        assert int(run.days[0].settle_fen[0]) == 400_000 + ticks * 100
        assert int(run.days[0].available_fen[1]) == funds


def test_clients_below_zero_at_s_are_reported_apart() -> None:
    """C2 (long 1 lot with 3,000.00: margin 4,000.00) is below zero at any price near
    S; it is listed apart and the others' ranges are as without it."""
    start = book(
        [contract("a2701")],
        [400_000],
        [yuan("100000"), yuan("30000"), yuan("3000")],
        [Line(0, 0, 0, 10), Line(1, 0, 1, 5), Line(2, 0, 0, 1)],
    )
    res = safe_ranges(prepared(start))
    (r,) = res.contracts
    assert r.below_zero == ("C2",)
    assert res.below_zero == ("C2",)
    assert r.clients == 2
    assert (r.lower.ticks, r.upper.ticks) == (-666, 181)


def test_an_account_with_no_crossing_is_unbounded_and_the_search_is_capped() -> None:
    """Only L (long): nothing binds upwards; the upward search stops at the cap."""
    start = book([contract("a2701")], [400_000], [yuan("100000")], [Line(0, 0, 0, 10)])
    (r,) = safe_ranges(prepared(start), max_price_fen=500_000).contracts
    assert r.lower.ticks == -666
    assert r.upper == SafeEnd(None, None)
    assert not r.upper.is_bounded


def test_one_contract_can_be_asked_for() -> None:
    start = book(
        [contract("a2701"), contract("a2703")],
        [400_000, 410_000],
        [yuan("100000"), yuan("30000")],
        [Line(0, 0, 0, 10), Line(1, 1, 1, 5)],
    )
    res = safe_ranges(prepared(start), contracts=["a2703"])
    assert [r.contract for r in res.contracts] == ["a2703"]
    assert res.contracts[0].lower == SafeEnd(None, None)  # only S, short: safe downwards
    with pytest.raises(KeyError):
        safe_ranges(prepared(start), contracts=["zz9999"])


def test_a_pledge_covers_the_margin_until_it_runs_out() -> None:
    """S holds 100 t of a receipts lodged before D: pledge 100 × 4,000 × 80 % =
    320,000.00, more than its margin 5 P, so the offset is min(5 P, 4 × cash) with
    cash = 230,000 − 50 P. Up to P = 4,487 the offset is the whole margin and the
    funds are the cash; above it the cap binds: funds = 5 × cash − 5 P = 1,150,000 −
    255 P, ≥ 0 up to 4,509 (205.00), −50.00 at 4,510 (without the pledge: 4,181)."""
    receipt = LodgedReceipt(
        "R1", "a", "0001", "C1", 100, None, date(2026, 10, 1), date(2026, 11, 2)
    )
    start = dataclasses.replace(two_clients(), receipts=[receipt])
    pd_ = prepared(start)
    (r,) = safe_ranges(pd_).contracts
    assert r.upper == SafeEnd(509, 450_900, ("C1",), (yuan("205"),), (-yuan("50"),))
    assert int(settle_moved(pd_, 0, 450_900).client["available_fen"][1]) == yuan("205")
    assert int(settle_moved(pd_, 0, 451_000).client["available_fen"][1]) == -yuan("50")


# ======================================================== property: the settlement's crossings
def _walk(
    pd_: PreparedDay, k: int, side: int, limit: int
) -> tuple[tuple[int | None, set[str]], tuple[int | None, set[str]]]:
    """The ends by the settlement alone: settle at each tick outward from S (clients
    ≥ 0 at S, members ≥ 0 at S) until someone is below zero."""
    inputs = pd_.inputs
    base = settle_prepared(pd_)
    ok_clients = {
        inputs.clients[i] for i in pd_.settled.tolist() if base.client["available_fen"][i] >= 0
    }
    ok_members = {m.member_code for m in base.members if m.reserve_fen >= 0}
    holders = {inputs.clients[i] for i in pd_.line_client[pd_.line_contract == k].tolist()}
    client_end: tuple[int | None, set[str]] | None = None
    member_end: tuple[int | None, set[str]] | None = None
    step = -1 if side == DOWN else 1
    tick = inputs.contracts[k].tick_fen
    s0 = int(inputs.settle_fen[k])
    for s in range(1, limit + 1):
        ds = settle_moved(pd_, k, s0 + step * s * tick)
        if client_end is None:
            neg = (
                {
                    inputs.clients[i]
                    for i in pd_.settled.tolist()
                    if ds.client["available_fen"][i] < 0
                }
                & ok_clients
                & holders
            )
            if neg:
                client_end = ((s - 1) * step, neg)
        if member_end is None:
            neg_m = {m.member_code for m in ds.members if m.reserve_fen < 0} & ok_members
            if neg_m:
                member_end = ((s - 1) * step, neg_m)
        if client_end is not None and member_end is not None:
            break
    return client_end or (None, set()), member_end or (None, set())


def _check(pd_: PreparedDay, r: ContractRange, k: int, limits: tuple[int, int]) -> None:
    for side, end, m_end in ((DOWN, r.lower, r.member_lower), (UP, r.upper, r.member_upper)):
        (ticks, binding), (m_ticks, m_binding) = _walk(pd_, k, side, limits[side])
        assert (end.ticks, set(end.binding)) == (ticks, binding), (r.contract, side)
        assert (m_end.ticks, set(m_end.binding)) == (m_ticks, m_binding), (r.contract, side)
        for e in (end, m_end):
            assert all(f >= 0 for f in e.funds_fen)
            assert all(f < 0 for f in e.beyond_fen)


lines_st = st.lists(
    st.tuples(
        st.integers(0, 3),  # client
        st.integers(0, 1),  # contract
        st.integers(0, 1),  # side
        st.integers(1, 30),  # lots
        st.booleans(),  # hedge
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda t: (t[0], t[1], t[2], t[4]),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    lines=lines_st,
    prices=st.tuples(st.integers(30, 60), st.integers(30, 60)),
    rates=st.tuples(st.integers(50, 300), st.integers(50, 300)),
    headroom=st.lists(st.integers(-20, 400), min_size=4, max_size=4),
    tons=st.lists(st.sampled_from([0, 0, 5, 40, 400]), min_size=4, max_size=4),
    cap=st.booleans(),
    addon=st.sampled_from([0, 0, 20_000]),
    reserve=st.integers(-1_000, 200_000),
)
def test_every_end_is_where_the_settlement_crosses_zero(
    lines: list[tuple[int, int, int, int, bool]],
    prices: tuple[int, int],
    rates: tuple[int, int],
    headroom: list[int],
    tons: list[int],
    cap: bool,
    addon: int,
    reserve: int,
) -> None:
    """Random books (two contracts of one product, hedge lines, receipts, the cash cap
    on or off, a firm add-on): every end and binding set equals what settling the day
    tick by tick finds, for clients and for the member; funds at the ends ≥ 0 and one
    tick beyond < 0."""
    ticks = (100, 500)
    s = [p * 1_000 for p in prices]  # 300.00 … 600.00
    contracts = [
        contract("a2701", margin_ppm=rates[0] * 1_000, tick_fen=ticks[0]),
        contract("a2703", margin_ppm=rates[1] * 1_000, tick_fen=ticks[1]),
    ]
    ln = [Line(c, k, side, lots, hedge) for c, k, side, lots, hedge in lines]
    # balances around each client's margin at S, so that ends fall near S
    margin = [0, 0, 0, 0]
    for x in ln:
        margin[x.client] += s[x.contract] * 10 * x.lots * rates[x.contract] // 1000
    balances = [margin[i] + headroom[i] * 1_000 for i in range(4)]
    receipts = [
        LodgedReceipt(f"R{i}", "a", "0001", f"C{i}", t, None, date(2026, 10, 1), date(2026, 11, 2))
        for i, t in enumerate(tons)
        if t
    ]
    start = book(contracts, s, balances, ln, reserve=reserve * 100, receipts=receipts)
    pd_ = prepared(start, cash_cap_ppm=4_000_000 if cap else None, firm_margin_addon_ppm=addon)
    top = 3 * max(s) // 2
    res = safe_ranges(pd_, max_price_fen=top)
    for k, r in enumerate(res.contracts):
        limits = (int(s[k] // ticks[k] - 1), int((top - s[k]) // ticks[k]))
        _check(pd_, r, k, limits)
