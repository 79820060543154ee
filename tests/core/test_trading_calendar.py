"""The DCE trading calendar: known holidays, adjusted workdays, the horizon rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.errors import CalendarHorizonError, ConfigError
from core.trading_calendar import build_calendar, default_calendar


@pytest.fixture(scope="module")
def cal():  # type: ignore[no-untyped-def]
    return default_calendar()


@pytest.mark.parametrize(
    ("day", "trades"),
    [
        (date(2024, 2, 8), True),  # last day before Spring Festival 2024
        (date(2024, 2, 9), False),  # Spring Festival eve
        (date(2024, 2, 12), False),  # Spring Festival Monday
        (date(2024, 2, 16), False),
        (date(2024, 2, 19), True),  # first day after
        (date(2024, 2, 4), False),  # Sunday made a workday: still no trading
        (date(2024, 2, 18), False),  # Sunday made a workday: still no trading
        (date(2024, 4, 4), False),  # Qingming (spec 2.b example)
        (date(2024, 4, 7), False),  # Sunday workday after Qingming
        (date(2024, 5, 1), False),  # Labour Day
        (date(2024, 5, 6), True),  # spec 2.b: May trading resumes on 6 May
        (date(2024, 10, 1), False),  # National Day
        (date(2024, 10, 7), False),
        (date(2024, 10, 8), True),
        (date(2024, 10, 12), False),  # Saturday workday: no trading
        (date(2025, 1, 1), False),  # New Year
        (date(2025, 3, 31), True),  # spec 2.i: Monday 31 March 2025 trades
        (date(2024, 12, 31), True),
    ],
)
def test_known_days(cal, day: date, trades: bool) -> None:  # type: ignore[no-untyped-def]
    assert cal.is_trading_day(day) is trades


def test_spec_2b_april_2024(cal) -> None:  # type: ignore[no-untyped-def]
    # Spec 2.b lists the trading days of April 2024; the 15th is 23 April.
    expected = [
        1,
        2,
        3,
        8,
        9,
        10,
        11,
        12,
        15,
        16,
        17,
        18,
        19,
        22,
        23,
        24,
        25,
        26,
        29,
        30,
    ]
    assert [d.day for d in cal.month_trading_days(2024, 4)] == expected
    assert cal.nth_trading_day(2024, 4, 15) == date(2024, 4, 23)
    assert cal.next_td(date(2024, 4, 30)) == date(2024, 5, 6)
    assert cal.prev_td(date(2024, 5, 6)) == date(2024, 4, 30)
    assert cal.nth_trading_day(2024, 4, 21) is None


def test_add_trading_days(cal) -> None:  # type: ignore[no-untyped-def]
    assert cal.add_trading_days(date(2024, 4, 30), 1) == date(2024, 5, 6)
    assert cal.add_trading_days(date(2024, 5, 1), 1) == date(2024, 5, 6)  # from a holiday
    assert cal.add_trading_days(date(2024, 5, 6), -1) == date(2024, 4, 30)
    assert cal.add_trading_days(date(2024, 5, 4), -1) == date(2024, 4, 30)
    assert cal.add_trading_days(date(2024, 4, 19), 0) == date(2024, 4, 19)
    with pytest.raises(ValueError, match="not a trading day"):
        cal.add_trading_days(date(2024, 5, 1), 0)


def test_dates_past_the_horizon_are_refused(cal) -> None:  # type: ignore[no-untyped-def]
    beyond = date(cal.known_until.year + 1, 3, 1)
    with pytest.raises(CalendarHorizonError, match="beyond the trading calendar"):
        cal.is_trading_day(beyond)
    with pytest.raises(CalendarHorizonError):
        cal.month_trading_days(beyond.year, beyond.month)
    with pytest.raises(CalendarHorizonError, match=r"calendar\.toml"):
        cal.trading_days(date(2026, 12, 1), beyond)


def test_the_last_known_day_has_no_next_day(cal) -> None:  # type: ignore[no-untyped-def]
    last = cal.trading_days(date(cal.known_until.year, 12, 1), cal.known_until)[-1]
    with pytest.raises(CalendarHorizonError):
        cal.next_td(last)


def test_extension_and_closures_from_notice(tmp_path: Path) -> None:
    base = default_calendar()
    horizon = base.known_until
    cfg = tmp_path / "calendar.toml"
    cfg.write_text(
        'start = "2024-01-02"\n'
        '[[closures]]\ndate = "2024-06-12"\nnote = "typhoon"\n'
        f'[[closures]]\ndate = "{horizon.year + 1}-01-01"\nnote = "New Year"\n'
        f'[extension]\nuntil = "{horizon.year + 1}-01-31"\n',
        encoding="utf-8",
    )
    cal = build_calendar(cfg)
    assert cal.known_until == date(horizon.year + 1, 1, 31)
    assert not cal.is_trading_day(date(2024, 6, 12))  # extra closure inside the package
    assert cal.is_trading_day(date(2024, 6, 13))
    assert not cal.is_trading_day(date(horizon.year + 1, 1, 1))  # announced closure
    first_weekday = next(
        date(horizon.year + 1, 1, d)
        for d in range(2, 9)
        if date(horizon.year + 1, 1, d).weekday() < 5
    )
    assert cal.is_trading_day(first_weekday)
    with pytest.raises(CalendarHorizonError):
        cal.is_trading_day(date(horizon.year + 1, 2, 1))


def test_bad_calendar_file_names_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "calendar.toml"
    cfg.write_text('[extension]\nuntil = "soon"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"extension\.until"):
        build_calendar(cfg)
