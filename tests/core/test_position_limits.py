"""Position limits (spec 2.g): tables, thresholds, R25 periods, checks."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from core.errors import CalendarHorizonError, ConfigError
from core.rules.position_limits import (
    AccountPosition,
    NoLimitDataError,
    Party,
    Period,
    aggregate_controlled,
    check_open,
    excess_report,
    limit_effective_from,
    limit_period,
    load_limit_table,
    period_start,
    position_limit,
    require_position_limit,
)
from core.trading_calendar import default_calendar


@pytest.mark.parametrize(
    ("party", "oi", "limit"),
    [
        pytest.param("brokerage_member", 180_000, 50_000, id="2g-broker-fixed"),
        pytest.param("non_brokerage_member", 180_000, 40_000, id="2g-nonbroker-fixed"),
        pytest.param("client", 180_000, 20_000, id="2g-client-fixed"),
        pytest.param("client", 200_000, 20_000, id="2g-at-threshold-fixed"),
        pytest.param("brokerage_member", 260_000, 65_000, id="2g-broker-25pct"),
        pytest.param("non_brokerage_member", 260_000, 52_000, id="2g-nonbroker-20pct"),
        pytest.param("client", 260_000, 26_000, id="2g-client-10pct"),
        pytest.param("client", 200_001, 20_000, id="2g-continuity"),
    ],
)
def test_seed_general_month_table(party: str, oi: int, limit: int) -> None:
    for product in ("a", "m"):
        found = position_limit(product, "general", party, oi)
        assert found.limit == limit
        assert found.warning is None


def test_current_m_table_is_unverified_and_b_has_no_data() -> None:
    found = position_limit("m", Period.PRE_DELIVERY, Party.CLIENT, 10, version="current")
    assert found.limit == 7_500
    assert found.warning
    assert "unverified" in found.warning
    assert position_limit("m", "delivery", "individual", 10, version="current").limit == 0
    missing = position_limit("b", "general", "client", 10)
    assert missing.rule is None
    assert missing.limit is None
    assert missing.warning
    assert "no limit data" in missing.warning
    with pytest.raises(NoLimitDataError, match="no limit data"):
        require_position_limit("a", "delivery", "client", 10)


def test_r25_period_switches_the_day_before() -> None:
    cal = default_calendar()
    # m2409: August 2024's 15th trading day; delivery month September 2024
    p15 = cal.nth_trading_day(2024, 8, 15)
    assert p15 is not None
    assert limit_period(cal.prev_td(cal.prev_td(p15)), 2024, 9, cal) is Period.GENERAL
    assert limit_period(cal.prev_td(p15), 2024, 9, cal) is Period.PRE_DELIVERY
    first = cal.month_trading_days(2024, 9)[0]
    assert limit_period(cal.prev_td(first), 2024, 9, cal) is Period.DELIVERY
    assert limit_period(date(2024, 7, 1), 2024, 9, cal) is Period.GENERAL


def test_r25_limit_in_force_from_the_trading_day_before_the_period() -> None:
    cal = default_calendar()
    # m2409: the month-before-delivery period starts on August 2024's 15th trading day
    # P, so the smaller limit applies from prev_td(P) (spec 2.g R25).
    p15 = cal.nth_trading_day(2024, 8, 15)
    assert p15 is not None
    assert period_start(Period.PRE_DELIVERY, 2024, 9, cal) == p15
    assert limit_effective_from(cal.prev_td(p15), 2024, 9, cal) == cal.prev_td(p15)
    assert limit_effective_from(p15, 2024, 9, cal) == cal.prev_td(p15)
    # The delivery period: from the trading day before September's first trading day.
    first = cal.month_trading_days(2024, 9)[0]
    assert period_start("delivery", 2024, 9, cal) == first
    assert limit_effective_from(first, 2024, 9, cal) == cal.prev_td(first)
    assert limit_effective_from(cal.prev_td(first), 2024, 9, cal) == cal.prev_td(first)
    # The day before: still the pre-delivery period, in force since prev_td(P).
    assert limit_effective_from(cal.prev_td(cal.prev_td(first)), 2024, 9, cal) == cal.prev_td(p15)
    # The general period is in force since listing: no date.
    assert limit_effective_from(cal.prev_td(cal.prev_td(p15)), 2024, 9, cal) is None
    assert period_start(Period.GENERAL, 2024, 9, cal) is None


def test_r25_january_delivery_looks_at_december() -> None:
    cal = default_calendar()
    # A January contract's pre-delivery period starts in December of the year before.
    p15 = cal.nth_trading_day(2024, 12, 15)
    assert p15 is not None
    assert period_start(Period.PRE_DELIVERY, 2025, 1, cal) == p15
    assert limit_effective_from(p15, 2025, 1, cal) == cal.prev_td(p15)
    # 2024-12-31 is December's last trading day: the next one is in January (delivery).
    assert limit_effective_from(date(2024, 12, 31), 2025, 1, cal) == date(2024, 12, 31)


def test_r25_past_the_calendar_raises() -> None:
    cal = default_calendar()
    with pytest.raises(CalendarHorizonError):
        limit_effective_from(cal.known_until, 2027, 3, cal)


def test_excess_report_ignores_hedge_lots_and_warns_at_80_percent() -> None:
    rows = excess_report(
        [
            AccountPosition("K", "long", 21_000, 5_000),
            AccountPosition("J", "short", 16_000, 0),
            AccountPosition("I", "long", 15_999, 9_000),
        ],
        20_000,
    )
    assert [(r.account, r.excess, r.is_near_limit, r.is_over_limit) for r in rows] == [
        ("I", 0, False, False),
        ("J", 0, True, False),
        ("K", 1_000, True, True),
    ]
    assert rows[1].usage == Fraction(4, 5)
    assert excess_report([AccountPosition("K", "long", 5)], None)[0].excess == 0
    with pytest.raises(ValueError, match="must not be negative"):
        excess_report([AccountPosition("K", "long", -1)], 10)


def test_pre_trade_check() -> None:
    assert not check_open(19_000, 1_001, 20_000).allowed
    ok = check_open(19_000, 1_000, 20_000)
    assert ok.allowed
    assert ok.is_near_limit
    assert ok.headroom == 1_000
    assert check_open(19_000, 50_000, 20_000, hedge=True).allowed
    assert check_open(10, 10, None).allowed
    assert not check_open(0, 1, 0).allowed
    with pytest.raises(ValueError, match="must not be negative"):
        check_open(-1, 1, 10)


def test_controlled_accounts_are_summed() -> None:
    merged = aggregate_controlled(
        [
            AccountPosition("K1", "long", 12_000, 100),
            AccountPosition("K2", "long", 9_000),
            AccountPosition("K3", "long", 1),
        ],
        {"K1": "G", "K2": "G"},
    )
    assert merged == [
        AccountPosition("G", "long", 21_000, 100),
        AccountPosition("K3", "long", 1, 0),
    ]


def test_bad_table_names_the_row(tmp_path: Path) -> None:
    bad = tmp_path / "limits.toml"
    bad.write_text(
        '[[limits]]\nversion="x"\nproducts=["a"]\nperiod="general"\n'
        "threshold=10\nverified=true\nclient={fixed=5}\n"
    )
    with pytest.raises(ConfigError, match=r"limits\[0\].*needs pct"):
        load_limit_table(bad)
    with pytest.raises(ValueError, match="must not be negative"):
        position_limit("a", "general", "client", -1)
