"""Margin schedule by trading period, limit-lock and ad hoc rates (spec 2.a, 2.b)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.rules.funds import line_margin_fen
from core.rules.margin_schedule import (
    AdhocRate,
    LimitLock,
    client_rate,
    contract_margin_for,
    default_margin_schedules,
    limit_lock_step,
    load_margin_schedules,
    rate_open,
    rate_settle,
    rate_to_ppm,
    step_starts,
)
from core.trading_calendar import default_calendar

D = Decimal


def _m2405() -> object:
    return contract_margin_for("m2405", D("0.08"))


@pytest.mark.parametrize(
    ("day", "open_rate", "settle_rate"),
    [
        pytest.param(date(2024, 4, 19), "0.08", "0.08", id="2b-19apr"),
        pytest.param(date(2024, 4, 22), "0.08", "0.10", id="2b-22apr-settle-10pct"),
        pytest.param(date(2024, 4, 23), "0.10", "0.10", id="2b-23apr-open-10pct"),
        pytest.param(date(2024, 4, 30), "0.10", "0.20", id="2b-30apr-settle-20pct"),
        pytest.param(date(2024, 5, 6), "0.20", "0.20", id="2b-6may-open-20pct"),
    ],
)
def test_m2405_schedule(day: date, open_rate: str, settle_rate: str) -> None:
    cm = contract_margin_for("m2405", D("0.08"))
    assert rate_open(cm, day).rate == D(open_rate)
    assert rate_settle(cm, day).rate == D(settle_rate)


def test_pp2405_has_only_delivery_month_step() -> None:
    cm = contract_margin_for("pp2405", D("0.08"))
    assert cm.schedule.schedule_id == "rmm-2019-lvpp"
    assert rate_settle(cm, date(2024, 4, 22)).rate == D("0.08")
    assert rate_settle(cm, date(2024, 4, 30)).rate == D("0.20")


def test_worked_example_b_call_one_day_earlier() -> None:
    """Spec 2.b: 26,400.00 at 19 April, 32,800.00 at the settlement of 22 April."""
    cm = contract_margin_for("m2405", D("0.08"))
    r19 = rate_settle(cm, date(2024, 4, 19)).rate
    r22 = rate_settle(cm, date(2024, 4, 22)).rate
    assert line_margin_fen(D(3300), 10, 10, r19) == 2_640_000
    assert line_margin_fen(D(3280), 10, 10, r22) == 3_280_000
    old_rule = line_margin_fen(D(3280), 10, 10, D("0.08"))
    assert old_rule == 2_624_000
    assert 3_280_000 - old_rule == 656_000


def test_general_rate_and_minimum_win_over_lower_steps() -> None:
    cm = contract_margin_for("j2405", D("0.20"))
    assert rate_settle(cm, date(2024, 4, 22)).rate == D("0.20")  # 10% step never binds
    low = contract_margin_for("m2405", D("0.03"))
    decision = rate_settle(low, date(2024, 3, 1))
    assert decision.rate == D("0.05")
    assert decision.source == "contract_minimum"


def test_q3_short_month_starts_step_on_last_trading_day_with_warning() -> None:
    """February 2026 has 14 trading days: m2603's 10% step starts on its last one."""
    cal = default_calendar()
    feb = cal.month_trading_days(2026, 2)
    assert len(feb) < 15
    cm = contract_margin_for("m2603", D("0.08"))
    day_before = cal.prev_td(feb[-1])
    decision = rate_settle(cm, day_before)
    assert decision.rate == D("0.10")
    assert decision.warnings
    assert "Q3" in decision.warnings[0]
    assert rate_settle(cm, cal.prev_td(day_before)).rate == D("0.08")


def test_historic_schedules() -> None:
    cal = default_calendar()
    old = contract_margin_for("m2405", D("0.08"), schedule_id="rmm-2009")
    tenth = cal.nth_trading_day(2024, 4, 10)
    assert tenth is not None
    assert rate_settle(old, cal.prev_td(tenth)).rate == D("0.10")
    assert rate_settle(old, cal.prev_td(cal.prev_td(tenth))).rate == D("0.08")
    soy = default_margin_schedules()["soy-2012"]
    starts = step_starts(soy, 2024, 5, cal)
    assert [s.rate for s in starts] == [
        D("0.10"),
        D("0.15"),
        D("0.20"),
        D("0.25"),
        D("0.30"),
    ]
    assert starts[1].start == cal.nth_trading_day(2024, 4, 6)


def test_last_trading_day_uses_delivery_month_rate() -> None:
    cm = contract_margin_for("m2405", D("0.08"))
    assert cm.last_trading_day is not None
    assert rate_settle(cm, cm.last_trading_day).rate == D("0.20")
    with pytest.raises(ValueError, match="after the last trading day"):
        rate_settle(cm, default_calendar().next_td(cm.last_trading_day))


def test_limit_lock_steps_match_dce_table() -> None:
    """Spec 2.b: L0 5 %, margin 7 % → after D1 limit 8 %, margin 10 %; after D2 10 %, 12
    %.
    """
    d1 = limit_lock_step(D("0.05"), 1)
    d2 = limit_lock_step(D("0.05"), 2)
    assert (d1.next_limit, d1.min_rate) == (D("0.08"), D("0.10"))
    assert (d2.next_limit, d2.min_rate) == (D("0.10"), D("0.12"))
    cm = contract_margin_for(
        "a2409",
        D("0.07"),
        limit_locks=[
            LimitLock(date(2024, 3, 4), 1, D("0.05")),
            LimitLock(date(2024, 3, 5), 2, D("0.05")),
        ],
    )
    assert rate_settle(cm, date(2024, 3, 1)).rate == D("0.07")
    assert rate_settle(cm, date(2024, 3, 4)).rate == D("0.10")
    assert rate_settle(cm, date(2024, 3, 5)).rate == D("0.12")
    assert rate_open(cm, date(2024, 3, 6)).rate == D("0.12")


def test_adhoc_hedge_and_firm_addon() -> None:
    cm = contract_margin_for(
        "m2409",
        D("0.08"),
        hedge_general_rate=D("0.07"),
        adhoc=[
            AdhocRate(
                date(2024, 4, 30),
                D("0.12"),
                until_settlement=date(2024, 5, 6),
                hedge=False,
                note="Labour Day",
            )
        ],
    )
    assert rate_settle(cm, date(2024, 4, 29), hedge=True).rate == D("0.07")
    assert rate_settle(cm, date(2024, 4, 30)).rate == D("0.12")
    assert rate_settle(cm, date(2024, 4, 30), hedge=True).rate == D("0.07")
    assert rate_settle(cm, date(2024, 5, 7)).rate == D("0.08")
    assert client_rate(D("0.08"), D("0.02")) == D("0.10")
    with pytest.raises(ValueError, match="negative"):
        client_rate(D("0.08"), D("-0.01"))


def test_rate_to_ppm() -> None:
    assert rate_to_ppm(D("0.08")) == 80_000
    assert rate_to_ppm(D("0.125")) == 125_000
    with pytest.raises(ValueError, match="millionths"):
        rate_to_ppm(D("0.0000001"))


def test_non_trading_day_refused() -> None:
    cm = contract_margin_for("m2405", D("0.08"))
    with pytest.raises(ValueError, match="not a trading day"):
        rate_settle(cm, date(2024, 5, 1))


def test_shipped_schedules_load() -> None:
    ids = set(load_margin_schedules())
    assert {"rmm-2019", "rmm-2019-lvpp", "rmm-2009", "soy-2012"} <= ids


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        pytest.param(
            "[schedules.x]\ndescription='d'\nsource='s'\nverified=true\n"
            "steps=[{month_offset=-1, trading_day=15, rate='1.5'}]\n",
            "schedules.x.steps[0].rate",
            id="rate-above-1",
        ),
        pytest.param(
            "[schedules.x]\ndescription='d'\nsource='s'\nverified=true\n"
            "steps=[{month_offset=1, trading_day=15, rate='0.1'}]\n",
            "schedules.x.steps[0].month_offset",
            id="future-month",
        ),
        pytest.param(
            "[schedules.x]\ndescription='d'\nsource='s'\nverified=true\nsteps=[]\n",
            "schedules.x.steps",
            id="no-steps",
        ),
        pytest.param(
            "[schedules.x]\nsource='s'\nverified=true\n",
            "schedules.x.description",
            id="no-description",
        ),
        pytest.param(
            "[schedules.x]\ndescription='d'\nsource='s'\nverified=true\n"
            "steps=[{month_offset=0, trading_day=1, rate='0.2'},"
            "{month_offset=-1, trading_day=15, rate='0.1'}]\n",
            "schedules.x.steps",
            id="unordered",
        ),
        pytest.param("not toml [", "cannot read", id="syntax"),
    ],
)
def test_bad_schedule_file_names_key(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "margin_schedules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_margin_schedules(path)
    assert needle in str(info.value)
    assert str(path) in str(info.value)
