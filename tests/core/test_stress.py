"""Stress scenarios (issue 16): the scenario format and the chained run.

The chained examples are worked by hand below from spec 2.b (the lock steps, with the
DCE table's figures L0 = 5 %, margin 7 % → limit 8 % / margin 10 % after D1, limit 10 %
/ margin 12 % after D2), 2.e (the reduction after D3, largest remainder) and 2.f (the
liquidation of a member below zero, largest remainder).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from core.errors import InputError
from core.money import parse_yuan
from core.rules.day_inputs import ContractTerms, DayInputs, PriorReserve
from core.rules.risk_levels import NORMAL, WARNING
from core.rules.stress_run import StressResult, moved_prices, run_scenario
from core.rules.stress_scenario import (
    PriceMove,
    Scenario,
    ScenarioDay,
    ScenarioRow,
    Target,
    library_scenarios,
    parse_move,
    parse_scenario,
    scenario_from_rows,
    scenario_rows,
    scenario_to_toml,
)
from core.trading_calendar import default_calendar

BASE = date(2026, 11, 20)  # a Friday; the scenario days are 23, 24, 25 November
D1, D2, D3 = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


def yuan(text: str) -> int:
    return int(parse_yuan(text))


A2701 = ContractTerms(
    code="a2701",
    product="a",
    multiplier=10,
    unit_tons=10,
    tick_fen=100,
    general_margin_ppm=70_000,
    hedge_margin_ppm=70_000,
    price_limit_ppm=50_000,
    delivery_month=date(2027, 1, 1),
    listing_date=None,
    last_trading_day=None,
)


def ys(*texts: str) -> list[int]:
    return [yuan(t) for t in texts]


def path(res: StressResult, column: str, client: int) -> list[int]:
    """One client's figure on each scenario day."""
    return [int(getattr(d, column)[client]) for d in res.days]


def book(reserve: str, min_reserve: str = "50000.00") -> DayInputs:
    """Member 0001 with three clients in a2701, all opened at 4,000.00 = S(base):
    L long 10 (balance 100,000.00), S1 short 6 and S2 short 8 (50,000.00 each).
    The prior margin is 24 lots × 4,000 × 10 × 7 % = 67,200.00."""
    margin = yuan("67200.00")
    r = yuan(reserve)
    return DayInputs(
        day=D1,
        prev_day=BASE,
        payment_match_day=None,
        contracts=[A2701],
        products=["a"],
        product_of_contract=np.array([0], np.int64),
        members=["0001"],
        member_min_reserve_fen=np.array([yuan(min_reserve)], np.int64),
        clients=["L", "S1", "S2"],
        client_member=np.zeros(3, np.int64),
        prior_balance_fen=np.array([yuan("100000"), yuan("50000"), yuan("50000")], np.int64),
        has_prior_balance=np.ones(3, np.bool_),
        prior_reserve={"0001": PriorReserve(r, margin, 0, r + margin, False)},
        settle_fen=np.array([-1], np.int64),
        prior_settle_fen=np.array([400_000], np.int64),
        prev_position_rows=3,
        prev_balance_rows=3,
        pos_client=np.array([0, 1, 2], np.int64),
        pos_contract=np.zeros(3, np.int64),
        pos_side=np.array([0, 1, 1], np.int64),
        pos_hedge=np.zeros(3, np.bool_),
        pos_lots=np.array([10, 6, 8], np.int64),
        pos_open_price_fen=np.full(3, 400_000, np.int64),
        pos_margin_fen=np.array([yuan("28000"), yuan("16800"), yuan("22400")], np.int64),
    )


def days(*moves: str | None) -> Scenario:
    return Scenario(
        name="test",
        days=tuple(
            ScenarioDay(
                moves=(parse_scenario_move(m),) if m is not None else (),
            )
            for m in moves
        ),
    )


def parse_scenario_move(text: str) -> PriceMove:
    return parse_move(text, Target("product", "a"), "test")


# ============================================================================ the chain
def test_three_lock_days_step_the_limit_and_margin_and_reduce_at_d3() -> None:
    """Spec 2.b: D1 at 4,000 × (1 − 5 %) = 3,800, settled at 10 % (limit 8 % + 2);
    D2 at 3,800 × (1 − 8 %) = 3,496, at 12 % (limit 10 % + 2); D3 at 3,496 × (1 − 10 %)
    = 3,146.40 → 3,147 (rounded to the tick towards S(prev)), still 12 %.
    2.e after D3: L (−21.3 % unit loss) declares 10; S1 and S2 (tier 1) give 10 × 6/14
    = 4.29 and 10 × 8/14 = 5.71 → 4 and 6 (largest remainder)."""
    res = run_scenario(
        book("1000000.00"), days("limit_down", "limit_down", "limit_down"), default_calendar()
    )
    assert [d.day for d in res.days] == [D1, D2, D3]
    assert [int(d.settle_fen[0]) for d in res.days] == [380_000, 349_600, 314_700]
    assert [d.locks for d in res.days] == [
        {"a2701": ("limit_down", 1)},
        {"a2701": ("limit_down", 2)},
        {"a2701": ("limit_down", 3)},
    ]
    assert [int(d.rate_ppm[0, 0]) for d in res.days] == [100_000, 120_000, 120_000]
    # L: −20,000.00 then −30,400.00, then 10 lots closed at 3,147: −34,900.00
    assert path(res, "equity_fen", 0) == ys("80000", "49600", "14700")
    assert [int(d.margin_fen[0]) for d in res.days] == [yuan("38000"), yuan("41952"), 0]
    assert [int(d.available_fen[0]) for d in res.days] == [
        yuan("42000"),
        yuan("7648"),
        yuan("14700"),
    ]
    assert [int(d.level[0]) for d in res.days] == [NORMAL, WARNING, NORMAL]  # 84.58 % on D2
    # S1: +12,000.00, +18,240.00; D3: 4 closed (+13,960.00), 2 marked (+6,980.00)
    assert [int(d.equity_fen[1]) for d in res.days] == [
        yuan("62000"),
        yuan("80240"),
        yuan("101180"),
    ]
    assert [int(d.margin_fen[1]) for d in res.days] == [
        yuan("22800"),
        yuan("25171.20"),
        yuan("7552.80"),
    ]
    # S2: +16,000.00, +24,320.00; D3: 6 closed (+20,940.00), 2 marked (+6,980.00)
    assert [int(d.equity_fen[2]) for d in res.days] == [
        yuan("66000"),
        yuan("90320"),
        yuan("118240"),
    ]
    red = res.days[2].reductions
    assert len(red) == 1
    assert (red[0].contract, red[0].price_fen, red[0].declared_lots) == ("a2701", 314_700, 10)
    assert (red[0].filled_lots, red[0].reduced_lots, red[0].unfilled_lots) == (10, 10, 0)
    assert red[0].clients == (("L", 10), ("S1", 4), ("S2", 6))
    # R(D) = R(prev) + M(prev) − M(D) + P&L: 1,000,000 + 67,200 − 91,200 + 8,000;
    # + 91,200 − 100,684.80 + 12,160; + 100,684.80 − 15,105.60 − 34,900 + 20,940 + 27,920
    assert [d.reserve_fen("0001") for d in res.days] == [
        yuan("984000"),
        yuan("986675.20"),
        yuan("1086214.40"),
    ]
    assert not any(d.liquidations_decided for d in res.days)


def test_a_reserve_below_zero_is_liquidated_the_next_day_and_bans_opening() -> None:
    """R(D1) = 10,000 + 67,200 − 91,200 + 8,000 = −6,000.00 < 0 (spec 2.f): required
    6,000.00 of 91,200.00 margin; shares L 0.658, S1 0.395, S2 0.526 lots: floors 0, then
    L (+3,800.00) and S2 (+3,800.00) → 7,600.00 ≥ 6,000.00. On D2 (no move, no lock: 7 %)
    those lots close at 3,800 and R(D2) = −6,000 + 91,200 − 58,520 = 26,680.00, still
    below the 50,000.00 minimum: opening stays banned (R26)."""
    res = run_scenario(book("10000.00"), days("limit_down", None), default_calendar())
    d1, d2 = res.days
    assert d1.reserve_fen("0001") == -yuan("6000")
    assert d1.members[0].opening_banned
    (liq,) = d1.liquidations_decided
    assert (liq.required_fen, liq.released_fen, liq.lots) == (yuan("6000"), yuan("7600"), 2)
    assert liq.clients == (("L", 1), ("S2", 1))
    assert d2.liquidations_executed == [liq]
    assert d2.liquidated_lots == 2
    assert int(d2.settle_fen[0]) == 380_000
    assert [int(x) for x in d2.margin_fen] == [yuan("23940"), yuan("15960"), yuan("18620")]
    assert d2.reserve_fen("0001") == yuan("26680")
    assert d2.members[0].opening_banned
    assert [int(x) for x in d2.equity_fen] == [int(x) for x in d1.equity_fen]  # closed at S(D1)


def test_a_deep_fall_reaches_forced_close_and_records_the_first_day() -> None:
    res = run_scenario(book("1000000.00"), days("-5%", "-8%"), default_calendar())
    # 4,000 − 5 % = 3,800 (inside the 5 % band, no lock: 7 %); 3,800 − 8 % = 3,496 is
    # beyond the 5 % band: clamped to 3,610 (not locked)
    assert [int(d.settle_fen[0]) for d in res.days] == [380_000, 361_000]
    assert [d.locks for d in res.days] == [{}, {}]
    assert [int(d.rate_ppm[0, 0]) for d in res.days] == [70_000, 70_000]
    first = res.first_day_at(WARNING)
    assert first[1:] == [None, None]
    # L: equity 80,000 then 61,000; margin 3,610 × 100 × 7 % = 25,270.00 (41.4 %)
    assert int(res.days[1].equity_fen[0]) == yuan("61000")
    assert res.worst_level().tolist() == [NORMAL, NORMAL, NORMAL]


def test_a_scenario_of_no_moves_changes_nothing() -> None:
    start = book("1000000.00")
    res = run_scenario(start, days(None, None, None), default_calendar())
    for d in res.days:
        assert d.equity_fen.tolist() == start.prior_balance_fen.tolist()
        assert d.pnl_fen.tolist() == [0, 0, 0]
        assert d.reserve_fen("0001") == yuan("1000000")
        assert int(d.margin_fen.sum()) == yuan("67200")


def test_funds_are_conserved_day_by_day() -> None:
    """Σ clients' equity moves by exactly Σ P&L + deposits, and every member statement
    satisfies the reserve identity of 2.d, through locks, a reduction and a deposit."""
    sc = replace(
        days("limit_down", "limit_down", "limit_down", "+3 ticks"),
        apply_reduction=True,
    )
    sc = parse_scenario(
        scenario_to_toml(sc).replace(
            '[[day]]\nprice = [{ product = "a", move = "+3 ticks" }]',
            '[[day]]\nprice = [{ product = "a", move = "+3 ticks" }]\n'
            'deposit = [{ client = "L", amount = "1000.00" }]',
        )
    )
    res = run_scenario(book("20000.00"), sc, default_calendar(), keep_settlements=True)
    before = res.start_equity_fen
    total_deposits = 0
    for d in res.days:
        assert int(d.equity_fen.sum() - before.sum()) == int(d.pnl_fen.sum() + d.deposits_fen.sum())
        total_deposits += int(d.deposits_fen.sum())
        before = d.equity_fen
        assert d.settlement is not None
        assert all(m.identity_holds() for m in d.settlement.members)
    assert total_deposits == yuan("1000")


def test_limit_prices_follow_the_lock_run_before_the_day() -> None:
    inputs = book("0")
    sday = ScenarioDay(moves=(parse_scenario_move("limit_up"),))
    prices, runs = moved_prices(inputs, sday, {})
    assert int(prices[0]) == 420_000
    assert runs == {"a2701": ("limit_up", 1)}
    prices, runs = moved_prices(inputs, sday, {"a2701": ("limit_up", 1)})
    assert int(prices[0]) == 432_000  # L0 + 3 points after D1
    assert runs == {"a2701": ("limit_up", 2)}
    prices, runs = moved_prices(inputs, sday, {"a2701": ("limit_down", 2)})
    assert int(prices[0]) == 440_000  # L0 + 5 points; the direction turned: a new run
    assert runs == {"a2701": ("limit_up", 1)}


def test_margin_points_and_notices() -> None:
    sc = parse_scenario(
        """
name = "m"
[[day]]
margin = [{ all = true, change = "+5" }]
[[day]]
margin = [{ contract = "a2701", change = "15%" }]
"""
    )
    res = run_scenario(book("1000000.00"), sc, default_calendar())
    # 7 % + 5 points; then the notice 15 % (highest standard) + the 5 points in force
    assert [int(d.rate_ppm[0, 0]) for d in res.days] == [120_000, 200_000]


# ============================================================================ the format
def test_scenario_toml_round_trip_and_rows() -> None:
    for sc in library_scenarios():
        again = parse_scenario(scenario_to_toml(sc))
        assert again == sc
        if sc.history is not None:  # days from the book (tests/desktop/test_stress_replay.py)
            assert sc.days == ()
            continue
        rows = scenario_rows(sc)
        assert scenario_from_rows(sc.name, rows, template=sc).days == sc.days


def test_the_starter_library() -> None:
    names = [s.name for s in library_scenarios()]
    assert names == [
        "m: three limit-down days",
        "All products: two limits down",
        "Margin +5 points across the board",
        "m2701 as it happened (18-20 Nov)",
    ]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (
            'name = "x"\n[[day]]\nprice = [{ product = "m", move = "down a lot" }]',
            "day 1.price[1].move",
            "not a price move",
        ),
        (
            'name = "x"\n[[day]]\nmargin = [{ all = true, change = "-5" }]',
            "day 1.margin[1].change",
            "not a margin change",
        ),
        (
            'name = "x"\n[[day]]\ndeposit = [{ client = "1", amount = "-3" }]',
            "day 1.deposit[1].amount",
            "positive",
        ),
        (
            'name = "x"\n[[day]]\nprice = [{ product = "m2701", move = "-3%" }]',
            "day 1.price[1].product",
            "not a product code",
        ),
        ('name = "x"', "day", "at least one"),
        ("[[day]]\n", "name", "name"),
    ],
)
def test_bad_scenarios_name_the_field(text: str, field: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        parse_scenario(text, "t.toml")
    assert err.value.field == field
    assert words in err.value.message


def test_editor_rows_name_the_row_and_column() -> None:
    with pytest.raises(InputError) as err:
        scenario_from_rows(
            "x", [ScenarioRow("1", "m", price="limit_down"), ScenarioRow("3", "m", price="-1%")]
        )
    assert err.value.field == "day"
    assert "day 2 has no row" in err.value.message
    with pytest.raises(InputError) as err:
        scenario_from_rows("x", [ScenarioRow("1", "m", margin="abc")])
    assert (err.value.row, err.value.field) == (1, "margin")


def test_unknown_deposit_client_is_refused_naming_the_field() -> None:
    sc = parse_scenario('name = "x"\n[[day]]\ndeposit = [{ client = "nobody", amount = "5" }]')
    with pytest.raises(InputError) as err:
        run_scenario(book("0"), sc, default_calendar())
    assert err.value.field == "day 1.deposit[1].client"


def test_dates_must_follow_the_base_day() -> None:
    sc = parse_scenario('name = "x"\n[[day]]\ndate = 2026-11-24\n')
    with pytest.raises(InputError) as err:
        run_scenario(book("0"), sc, default_calendar())
    assert err.value.field == "day 1.date"


def test_library_folder_is_shipped() -> None:
    from core.resources import resource

    assert sorted(p.name for p in Path(resource("scenarios")).glob("*.toml"))
