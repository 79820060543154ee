"""Safe price ranges over the small demo (settled day 2026-11-20): every end is where the
settlement of the next day, with only that contract moved, takes a client (a member)
below zero; ends inside the day's limits are where the stress run's one-day scenario
does; the command prints the table and writes it audited.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from core.audit import recent
from core.cli import main
from core.db.engine import Database, open_database
from core.rules.daily_settlement import DaySettlementParams, settle_prepared
from core.rules.safe_range import SafeEnd, SafeRanges, safe_range_day, settle_moved
from core.rules.stress_run import run_scenario
from core.rules.stress_scenario import Scenario, ScenarioDay, Target, parse_move
from core.services.demo import create_demo_data
from core.services.safe_range import (
    RANGE_COLUMNS,
    SafeRangeRequest,
    move_ppm,
    move_text,
    range_table,
    safe_range_result,
    safe_range_view,
    start_inputs,
)
from core.trading_calendar import default_calendar

BASE = date(2026, 11, 20)
CAL = default_calendar()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("safe_range") / "demo.sqlite"
    db = open_database(f"sqlite:///{path}")
    create_demo_data(db, scale="small", user="tester")
    db.engine.dispose()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "demo.sqlite"
    shutil.copyfile(template, target)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.engine.dispose()


def result_of(db: Database, request: SafeRangeRequest | None = None) -> SafeRanges:
    with db.reader() as reader:
        return safe_range_result(reader, request or SafeRangeRequest())


def test_every_end_is_where_the_settlement_takes_an_account_below_zero(db: Database) -> None:
    res = result_of(db)
    assert (res.base_day, res.day) == (BASE, date(2026, 11, 23))
    with db.reader() as reader:
        start = start_inputs(reader, None, CAL)
    pd_ = safe_range_day(start, DaySettlementParams(calendar=CAL), CAL)
    base = settle_prepared(pd_)
    ok = base.client["available_fen"] >= 0
    index = start.client_index
    k_of = start.contract_index
    assert len(res.contracts) == int((start.prior_settle_fen > 0).sum()) == 58
    ends = 0
    for r in res.contracts:
        k = k_of[r.contract]
        for end in (r.lower, r.upper):
            if not end.is_bounded:
                continue
            assert end.price_fen is not None
            ends += 1
            step = 1 if end.price_fen >= r.settle_fen else -1
            at = settle_moved(pd_, k, end.price_fen)
            beyond = settle_moved(pd_, k, end.price_fen + step * r.tick_fen)
            # at the end nobody who was ≥ 0 at S is below zero; one tick beyond the
            # binding clients are, with the funds reported
            assert (at.client["available_fen"][ok] >= 0).all(), r.contract
            rows = [index[c] for c in end.binding]
            assert at.client["available_fen"][rows].tolist() == list(end.funds_fen)
            assert beyond.client["available_fen"][rows].tolist() == list(end.beyond_fen)
            newly = np.flatnonzero(ok & (beyond.client["available_fen"] < 0))
            assert {start.clients[i] for i in newly} == set(end.binding), r.contract
        for end in (r.member_lower, r.member_upper):
            if end.is_bounded:
                assert end.price_fen is not None
                step = 1 if end.price_fen >= r.settle_fen else -1
                m_at = settle_moved(pd_, k, end.price_fen).members[0].reserve_fen
                m_beyond = settle_moved(pd_, k, end.price_fen + step * r.tick_fen).members[0]
                assert (m_at, m_beyond.reserve_fen) == (end.funds_fen[0], end.beyond_fen[0])
                assert m_at >= 0 > m_beyond.reserve_fen
    assert ends > 100
    # clients below zero at S are apart and do not empty the ranges
    assert len(res.below_zero) == int((~ok[pd_.settled]).sum()) > 0
    m2701 = next(r for r in res.contracts if r.contract == "m2701")
    assert m2701.below_zero
    assert m2701.lower.is_bounded
    assert m2701.upper.is_bounded


def test_ends_inside_the_limits_are_the_stress_runs_crossings(db: Database) -> None:
    """The stress run's one-day scenario moving only that contract by the end's ticks
    and one more settles the binding client at the funds reported."""
    res = result_of(db)
    with db.reader() as reader:
        start = start_inputs(reader, None, CAL)
    checked = 0
    for r in res.contracts:
        end = r.upper
        if not end.is_bounded or end.price_fen is None or end.price_fen >= r.upper_limit_fen:
            continue
        assert end.ticks is not None
        i = start.client_index[end.binding[0]]
        for ticks, funds in ((end.ticks, end.funds_fen[0]), (end.ticks + 1, end.beyond_fen[0])):
            move = parse_move(f"+{ticks} ticks", Target("contract", r.contract), "test")
            run = run_scenario(start, Scenario("one", (ScenarioDay(moves=(move,)),)), CAL)
            k = start.contract_index[r.contract]
            assert int(run.days[0].settle_fen[k]) == r.settle_fen + ticks * r.tick_fen
            assert int(run.days[0].available_fen[run.clients.index(start.clients[i])]) == funds
        checked += 1
        if checked == 3:
            break
    assert checked == 3


def test_the_table_and_the_moves(db: Database) -> None:
    res = result_of(db, SafeRangeRequest(BASE, ("m2701", "a2701")))
    table = range_table(res)
    assert list(table.columns) == list(RANGE_COLUMNS)
    assert table["contract"].tolist() == ["a2701", "m2701"]
    row = table.iloc[1]
    r = res.contracts[1]
    assert row["lower_fen"] == r.lower.price_fen
    assert row["lower_ticks"] == r.lower.ticks
    assert row["lower_client"] == r.lower.binding[0]
    assert row["lower_binding"] == len(r.lower.binding)
    assert row["below_zero"] == len(r.below_zero)
    assert bool(row["inside_limits"]) == (
        r.lower.price_fen is not None and r.lower.price_fen > r.lower_limit_fen
    ) or (r.upper.price_fen is not None and r.upper.price_fen < r.upper_limit_fen)
    # (3,400 − 3,488) ÷ 3,488 = −2.5229 % → −25,229 ppm, shown −2.52 %
    assert move_ppm(340_000, 348_800) == -25_229
    assert move_text(-25_229) == "-2.52%"
    assert move_text(1_260_912) == "+126.09%"
    assert move_text(0) == "0.00%"


def test_a_missing_day_or_contract_is_named(db: Database, empty_db_url: str) -> None:
    with db.reader() as reader:
        with pytest.raises(Exception, match="no contract 'zz1'") as info:
            safe_range_result(reader, SafeRangeRequest(contracts=("zz1",)))
        assert getattr(info.value, "field", None) == "contract"
        view = safe_range_view(reader, SafeRangeRequest(date(2026, 11, 21)))
    assert "2026-11-21 is not a trading day" in view.error
    assert view.result is None
    empty = open_database(empty_db_url)
    try:
        with empty.reader() as reader:
            view = safe_range_view(reader, SafeRangeRequest())
    finally:
        empty.engine.dispose()
    assert "no day is settled" in view.error


def test_a_zero_move_is_the_stored_settlement(db: Database) -> None:
    """At S the prepared day settles every client at its stored balance of the base
    day (no price moved, no flow)."""
    with db.reader() as reader:
        start = start_inputs(reader, None, CAL)
    pd_ = safe_range_day(start, DaySettlementParams(calendar=CAL), CAL)
    base = settle_prepared(pd_)
    settled = pd_.settled
    assert base.client["balance_fen"][settled].tolist() == start.prior_balance_fen[settled].tolist()
    assert not base.client["position_pnl_fen"].any()


def test_the_command_prints_the_table_and_writes_it_audited(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(db.engine.url)
    out = tmp_path / "ranges.csv"
    code = main(["--db", url, "stress", "--safe-range", "--contract", "m2701", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    res = result_of(db, SafeRangeRequest(contracts=("m2701",)))
    (r,) = res.contracts
    line = next(x for x in text.splitlines() if x.startswith("m2701"))
    assert f"{r.lower.price_fen // 100}.{r.lower.price_fen % 100:02d}" in line  # type: ignore[operator]
    assert r.lower.binding[0] in line
    assert "safe price ranges after 2026-11-20" in text
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [x["contract"] for x in rows] == ["m2701"]
    assert rows[0]["lower_yuan"]
    with db.reader() as reader:
        assert recent(reader.session, 5, "export.safe_range")
    assert main(["--db", url, "stress", "--safe-range", "--contract", "zz1"]) == 2
    assert "no contract 'zz1'" in capsys.readouterr().err
    assert main(["--db", url, "stress", "--list", "--contract", "m2701"]) == 2


def test_unbounded_ends_are_missing_in_the_table() -> None:
    res = SafeRanges(BASE, date(2026, 11, 23), [], (), ())
    assert range_table(res).empty
    assert SafeEnd(None, None) == SafeEnd(None, None, (), (), ())
