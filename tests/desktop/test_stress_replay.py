"""Replay of stored days (issue 16): the starter scenario "m2701 as it happened"
derived from the demo's stored history, and the chained run reproducing the stored
D1–D3 of m2701 (docs/demo-data.md: limit-down on 18, 19 and 20 November 2026; limits
5 %, 8 %, 10 %; settlement rate 10 % from D1, 12 % from D2; closing orders at the
limit price on each lock day; the forced-reduction preview of D3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from sqlalchemy import select

from core.db.day_inputs import read_day_inputs
from core.db.engine import open_database
from core.db.tables import MarginAdjustment, SettlementPrice
from core.errors import InputError
from core.rules.daily_settlement import DaySettlementParams
from core.rules.stress_run import run_scenario
from core.rules.stress_scenario import HistorySpec, Scenario, library_scenarios
from core.services.reduction import preview_reduction
from core.services.stress import StressRequest, day_table, run_stress, stored_closing_orders
from core.services.stress_library import all_scenarios, resolve, scenario_from_history
from core.trading_calendar import default_calendar
from tests.desktop import test_reduction_screen as shared

demo_template = shared.demo_template
demo_url = shared.demo_url

D0, D1, D2, D3 = (date(2026, 11, d) for d in (17, 18, 19, 20))
AS_IT_HAPPENED = "m2701 as it happened (18-20 Nov)"


def test_the_starter_scenario_is_taken_from_the_stored_history(demo_url: str) -> None:
    (starter,) = [s for s in library_scenarios() if s.name == AS_IT_HAPPENED]
    assert starter.days == ()
    assert starter.history == HistorySpec(("m2701",), D1, 3)
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            resolved = resolve(reader, starter)
            assert [s for s in all_scenarios(reader) if s.name == AS_IT_HAPPENED] == [resolved]
            # three stored limit-down flags → three limit-down moves of m2701
            assert [[(m.target.code, m.text()) for m in d.moves] for d in resolved.days] == [
                [("m2701", "limit_down")]
            ] * 3
            # an unlocked day is its stored move in ticks: m2705 on D1
            prices = dict(
                reader.session.execute(
                    select(SettlementPrice.trading_day, SettlementPrice.settlement_fen).where(
                        SettlementPrice.contract_code == "m2705",
                        SettlementPrice.trading_day.in_([D0, D1]),
                    )
                ).all()
            )
            (day,) = scenario_from_history(reader, ("m2705",), D1, 1)
            assert day.moves[0].kind == "ticks"
            assert day.moves[0].ticks * 100 == prices[D1] - prices[D0]  # tick 1.00 yuan
            with pytest.raises(InputError, match="no stored settlement price of m2701 on"):
                scenario_from_history(reader, ("m2701",), date(2026, 11, 23), 1)
            with pytest.raises(InputError, match="no contract 'x9999'"):
                scenario_from_history(reader, ("x9999",), D1, 1)
            # run after the last settled day: the lock run goes on (D4, D5, D6 of m2701)
            result = run_stress(reader, StressRequest(starter))
        table = day_table(result)
        assert table["locked"].tolist() == ["m2701 ↓4", "m2701 ↓5", "m2701 ↓6"]
    finally:
        db.engine.dispose()


def test_the_replay_reproduces_the_stored_d1_to_d3(demo_url: str) -> None:
    """From S(D0) with the positions of D3 (the reduction preview's book), the chain
    gives the stored settlement prices, the stored lock margins (without reading them:
    the 2.b steps of the run) and at D3 the reduction the stored closing orders give
    in the reduction preview, client by client."""
    cal = default_calendar()
    db = open_database(demo_url)
    try:
        with db.reader() as reader:
            session = reader.session
            scenario = resolve(
                reader, next(s for s in library_scenarios() if s.name == AS_IT_HAPPENED)
            )
            book = read_day_inputs(session, cal.next_td(D3), D3, None, prior_base_day=D2)
            s0 = dict(
                session.execute(
                    select(SettlementPrice.contract_code, SettlementPrice.settlement_fen).where(
                        SettlementPrice.trading_day == D0
                    )
                ).all()
            )
            stored = {
                (d, c): (int(fen), lock)
                for d, c, fen, lock in session.execute(
                    select(
                        SettlementPrice.trading_day,
                        SettlementPrice.contract_code,
                        SettlementPrice.settlement_fen,
                        SettlementPrice.limit_lock,
                    ).where(SettlementPrice.contract_code == "m2701")
                ).all()
            }
            lock_rates = session.execute(
                select(
                    MarginAdjustment.effective_day,
                    MarginAdjustment.hedge,
                    MarginAdjustment.rate_ppm,
                ).where(MarginAdjustment.contract_code == "m2701")
            ).all()
            start = replace(
                book,
                day=D1,
                prev_day=D0,
                prior_settle_fen=np.array([s0.get(c.code, -1) for c in book.contracts], np.int64),
                prior_limit_lock_runs={},
                # the lock margins are left out: the run must find them by the 2.b steps
                adjustments=[a for a in book.adjustments if a.contract_code != "m2701"],
            )
            result = run_scenario(
                start,
                replace(scenario, reduction_orders="stored", apply_reduction=False),
                cal,
                params=DaySettlementParams(calendar=cal),
                stored_orders=stored_closing_orders(reader),
            )
            report = preview_reduction(reader, "m2701", D3)
    finally:
        db.engine.dispose()

    k = result.contracts.index("m2701")
    assert [d.day for d in result.days] == [D1, D2, D3]
    assert [int(d.settle_fen[k]) for d in result.days] == [
        stored[(d, "m2701")][0] for d in (D1, D2, D3)
    ]
    assert [stored[(d, "m2701")][1] for d in (D1, D2, D3)] == ["limit_down"] * 3
    assert [d.locks["m2701"] for d in result.days] == [
        ("limit_down", 1),
        ("limit_down", 2),
        ("limit_down", 3),
    ]
    # stored: 10 % from D1, 12 % from D2, speculation and hedge alike
    in_force = {
        (day, hedge): max(r for r in lock_rates if r[0] <= day and r[1] == hedge)[2]
        for day in (D1, D2, D3)
        for hedge in (False, True)
    }
    assert in_force[(D1, False)] == 100_000
    assert in_force[(D2, False)] == 120_000
    for d in result.days:
        assert int(d.rate_ppm[k, 0]) == in_force[(d.day, False)]
        assert int(d.rate_ppm[k, 1]) == in_force[(d.day, True)]
    # the reduction at D3 only, equal to the stored preview (largest remainder)
    assert [len(d.reductions) for d in result.days] == [0, 0, 1]
    (done,) = result.days[2].reductions
    p = report.preview
    assert (report.d1, report.d2, report.d3) == (D1, D2, D3)
    assert done.price_fen == report.settlement_fen == stored[(D3, "m2701")][0]
    assert done.direction == "limit_down"
    assert done.declared_lots == int(p.declared.sum()) > 0
    assert done.filled_lots == int(p.filled.sum()) > 0
    assert done.reduced_lots == int(p.reduced.sum()) == done.filled_lots
    expected: dict[str, int] = {}
    for key in np.flatnonzero((p.filled > 0) | (p.reduced > 0)).tolist():
        code = p.clients[key >> 1]
        expected[code] = expected.get(code, 0) + int(p.filled[key] + p.reduced[key])
    assert dict(done.clients) == expected


def test_a_history_scenario_is_written_and_read_back() -> None:
    from core.rules.stress_scenario import parse_scenario, scenario_to_toml

    (starter,) = [s for s in library_scenarios() if s.history is not None]
    assert parse_scenario(scenario_to_toml(starter)) == starter
    with pytest.raises(InputError, match="remove the") as err:
        parse_scenario(
            'name = "x"\n[history]\ncontracts = ["m2701"]\nfirst_day = 2026-11-18\n'
            "days = 1\n[[day]]\n"
        )
    assert err.value.field == "day"
    with pytest.raises(InputError, match="distinct contract codes") as err:
        parse_scenario(
            'name = "x"\n[history]\ncontracts = ["m"]\nfirst_day = 2026-11-18\ndays = 1\n'
        )
    assert err.value.field == "history.contracts"
    assert Scenario("x", (), history=HistorySpec(("m2701",), D1, 2)).day_count == 2
